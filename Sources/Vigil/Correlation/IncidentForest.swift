/// The open incidents of a `Correlator`: a union-find forest with one node per alert, kept
/// in flat arrays of plain values so that adding and linking an alert retains nothing.
///
/// Node ids are global and increase with arrival; the arrays hold ids `nodeBase...` and
/// drop their prefix once every incident in it has closed. A root's members form a list in
/// concatenation order (a union appends the smaller incident's list to the larger's; an
/// array per root, not a linked list, so closing reads it without chasing pointers), and
/// each node marks which of its alert's entities linked it; sets and the time order are
/// built only when the incident closes, in one pass over its members. Each alert is copied in once, while it is still in cache from
/// parsing, and moved out into its incident when that closes: no reference count is
/// touched again on memory that has gone cold.
struct IncidentForest: Sendable {
    /// What a root knows about its incident (stale on nodes that are not roots).
    private struct Root {
        var count: Int
        var firstMs: Int64
        var lastMs: Int64
        var isOpen: Bool
    }

    // By node id − nodeBase:
    private var parent: [Int] = []
    /// A root's members after itself, in list order (empty for a lone alert).
    private var tails: [[Int]] = []
    private var timeMs: [Int64] = []
    /// Bit p set: `entities[p]` of the node's alert linked it (positions from 64 on are in
    /// `distantLinks`).
    private var linkMask: [UInt64] = []
    private var roots: [Root] = []
    /// The alert of each node, until its incident closes and takes it.
    private var alerts: [Alert?] = []
    /// Global id of the first node held.
    private var nodeBase = 0
    /// Every node below this id belongs to a closed incident.
    private var closedBelow = 0
    /// Linking positions of 64 and above, by node (alerts naming that many entities are rare).
    private var distantLinks: [Int: [Int]] = [:]
    /// (last alert time, root) for closing, in two parts: a queue of entries pushed in time
    /// order (nearly all: alerts mostly arrive in order), from `expiryHead` on, and a
    /// min-heap for the rest. Entries go stale when their root merges away or grows later,
    /// and are skipped when popped.
    private var expiryQueue: [(lastMs: Int64, root: Int)] = []
    private var expiryHead = 0
    private var expiry: [(lastMs: Int64, root: Int)] = []

    /// Number of open incidents.
    private(set) var openCount = 0

    /// A new incident holding `alert` alone; returns its node id.
    mutating func addNode(_ alert: Alert) -> Int {
        let id = nodeBase + parent.count
        let t = alert.timeMs
        parent.append(id)
        tails.append([])
        timeMs.append(t)
        linkMask.append(0)
        roots.append(Root(count: 1, firstMs: t, lastMs: t, isOpen: true))
        alerts.append(alert)
        push(t, id)
        openCount += 1
        return id
    }

    /// Member count and time span (ms since the epoch) of the open incident rooted at `root`.
    func count(_ root: Int) -> Int { roots[root - nodeBase].count }
    func firstMs(_ root: Int) -> Int64 { roots[root - nodeBase].firstMs }
    func lastMs(_ root: Int) -> Int64 { roots[root - nodeBase].lastMs }

    /// The root of the incident holding node `id`, or nil if that incident has closed.
    /// - Complexity: amortised near-constant (path compression).
    mutating func openRoot(of id: Int) -> Int? {
        guard id >= nodeBase else { return nil }
        var root = id
        while true {
            let p = parent[root - nodeBase]
            if p == root { break }
            // A parent already dropped means an incident that closed.
            if p < nodeBase { return nil }
            root = p
        }
        var current = id
        while current != root {
            let next = parent[current - nodeBase]
            parent[current - nodeBase] = root
            current = next
        }
        return roots[root - nodeBase].isOpen ? root : nil
    }

    /// Merges two open incidents (the smaller into the larger) that entity `position` of the
    /// alert of `node` links; returns the new root. The larger's members come first in the
    /// member list, so that sorting it by time, ties in list order, gives what merging the
    /// two time-ordered lists with ties to the larger would.
    mutating func union(_ a: Int, _ b: Int, linkedBy position: Int, of node: Int) -> Int {
        let (big, small) = count(a) >= count(b) ? (a, b) : (b, a)
        let s = roots[small - nodeBase]
        var moved: [Int] = []
        swap(&moved, &tails[small - nodeBase])
        tails[big - nodeBase].append(small)
        tails[big - nodeBase].append(contentsOf: moved)
        parent[small - nodeBase] = big
        roots[small - nodeBase].isOpen = false
        openCount -= 1
        do {
            var t = roots[big - nodeBase]
            t.count += s.count
            t.firstMs = min(t.firstMs, s.firstMs)
            if s.lastMs > t.lastMs {
                t.lastMs = s.lastMs
                push(t.lastMs, big)
            }
            roots[big - nodeBase] = t
        }
        markLink(position, of: node)
        return big
    }

    /// Records that entity `position` of the alert of `node` links members of its incident.
    mutating func markLink(_ position: Int, of node: Int) {
        if position < 64 {
            linkMask[node - nodeBase] |= 1 << UInt64(position)
        } else {
            distantLinks[node, default: []].append(position)
        }
    }

    /// Closes the open incidents whose last alert is older than `watermark` and returns
    /// them in order of first alert (ties by id).
    /// - Complexity: O(log n) per incident closed and per stale entry, plus the members of
    ///   the incidents returned.
    mutating func close(lastBefore watermark: Int64) -> [Incident] {
        var closing: [Int] = []
        func consider(_ entry: (lastMs: Int64, root: Int)) {
            let r = entry.root
            guard r >= nodeBase else { return }
            let info = roots[r - nodeBase]
            guard info.isOpen, parent[r - nodeBase] == r, info.lastMs == entry.lastMs else { return }
            roots[r - nodeBase].isOpen = false
            closing.append(r)
        }
        while expiryHead < expiryQueue.count, expiryQueue[expiryHead].lastMs < watermark {
            consider(expiryQueue[expiryHead])
            expiryHead += 1
        }
        if expiryHead >= 1024, expiryHead * 2 >= expiryQueue.count {
            expiryQueue.removeFirst(expiryHead)
            expiryHead = 0
        }
        while let top = expiry.first, top.lastMs < watermark {
            popExpiry()
            consider(top)
        }
        openCount -= closing.count
        let closed = incidents(closing)
        dropClosedPrefix()
        return closed
    }

    /// Closes every open incident and forgets all state; returns them in order of first
    /// alert (ties by id).
    mutating func closeAll() -> [Incident] {
        var open: [Int] = []
        for i in max(closedBelow - nodeBase, 0)..<parent.count where roots[i].isOpen && parent[i] == nodeBase + i {
            open.append(nodeBase + i)
        }
        let closed = incidents(open)
        nodeBase += parent.count
        closedBelow = nodeBase
        parent.removeAll()
        tails.removeAll()
        timeMs.removeAll()
        roots.removeAll()
        alerts.removeAll()
        linkMask.removeAll()
        distantLinks.removeAll()
        expiry.removeAll()
        expiryQueue.removeAll()
        expiryHead = 0
        openCount = 0
        return closed
    }

    /// The incidents at `closing` (roots), materialised and sorted by (first alert time, id).
    private mutating func incidents(_ closing: [Int]) -> [Incident] {
        var keyed: [(firstMs: Int64, root: Int, incident: Incident)] = []
        keyed.reserveCapacity(closing.count)
        var order: [Int] = []
        for root in closing {
            keyed.append((roots[root - nodeBase].firstMs, root, materialise(root, order: &order)))
        }
        keyed.sort { ($0.firstMs, $0.incident.id, $0.root) < ($1.firstMs, $1.incident.id, $1.root) }
        return keyed.map(\.incident)
    }

    private mutating func materialise(_ root: Int, order: inout [Int]) -> Incident {
        order.removeAll(keepingCapacity: true)
        order.append(root)
        order.append(contentsOf: tails[root - nodeBase])
        tails[root - nodeBase] = []
        // Time order, ties in list order: a stable sort of the concatenated lists.
        var sorted = true
        for i in order.indices.dropFirst() where timeMs[order[i] - nodeBase] < timeMs[order[i - 1] - nodeBase] {
            sorted = false
            break
        }
        if !sorted {
            let keyed = order.enumerated().map { (timeMs: timeMs[$0.element - nodeBase], position: $0.offset, node: $0.element) }
            order = keyed.sorted { ($0.timeMs, $0.position) < ($1.timeMs, $1.position) }.map(\.node)
        }
        var members = [Alert]()
        members.reserveCapacity(order.count)
        for node in order { members.append(alerts[node - nodeBase].take()!) }
        let masks = order.map { linkMask[$0 - nodeBase] }
        // Read in place: copying an alert retains a dozen strings and arrays.
        var (entities, linking) = members.withUnsafeBufferPointer { Self.entitySets(of: $0, linkMasks: masks) }
        if !distantLinks.isEmpty {
            for (k, node) in order.enumerated() {
                guard let positions = distantLinks.removeValue(forKey: node) else { continue }
                for p in positions { linking.insert(members[k].entities[p]) }
            }
        }
        return Incident(id: "inc-" + members[0].uid, alerts: members, entities: entities, linkingEntities: linking)
    }

    /// Every entity `members` name, and those that linked them (bit p of `linkMasks[k]`:
    /// `members[k].entities[p]`). Members of one incident mostly name the same few entities;
    /// a cheap hash of the bytes weeds out repeats before the sets hash them (`EntityKey`
    /// hashing runs SipHash over the kind's name and the value).
    private static func entitySets(of members: UnsafeBufferPointer<Alert>, linkMasks: [UInt64]) -> (Set<EntityKey>, Set<EntityKey>) {
        var linking: Set<EntityKey> = []
        if members.count == 1 {
            var mask = linkMasks[0]
            while mask != 0 {
                linking.insert(members[0].entities[mask.trailingZeroBitCount])
                mask &= mask - 1
            }
            return (Set(members[0].entities), linking)
        }
        var named = 0
        for k in members.indices { named += members[k].entities.count }
        var entities = Set<EntityKey>(minimumCapacity: named)
        var capacity = 16
        while capacity < 2 * named { capacity *= 2 }
        let mask = capacity - 1
        // First occurrences: (hash, member, position, whether it linked); member -1: empty.
        var seen = [(hash: UInt64, member: Int32, position: Int32, linked: Bool)](repeating: (0, -1, 0, false), count: capacity)
        for k in members.indices {
            members[k].entities.withUnsafeBufferPointer { named in
                for p in named.indices {
                    let linked = p < 64 && linkMasks[k] & (1 << UInt64(p)) != 0
                    let h = quickHash(named[p])
                    var i = Int(truncatingIfNeeded: h) & mask
                    var probes = 0
                    while seen[i].member >= 0 && probes < 16 {
                        if seen[i].hash == h && members[Int(seen[i].member)].entities[Int(seen[i].position)] == named[p] { break }
                        i = (i + 1) & mask
                        probes += 1
                    }
                    if seen[i].member >= 0 && probes < 16 {
                        if linked { seen[i].linked = true }
                        continue
                    }
                    if seen[i].member < 0 {
                        seen[i] = (h, Int32(truncatingIfNeeded: k), Int32(truncatingIfNeeded: p), linked)
                    } else if linked {
                        // Past the probe limit it is not recorded: the sets still dedupe.
                        linking.insert(named[p])
                    }
                    entities.insert(named[p])
                }
            }
        }
        for entry in seen where entry.linked {
            linking.insert(members[Int(entry.member)].entities[Int(entry.position)])
        }
        return (entities, linking)
    }

    /// A non-cryptographic hash of the entity's UTF-8 bytes and kind, for repeats within one
    /// incident (equal entities with different bytes only miss the shortcut).
    private static func quickHash(_ entity: EntityKey) -> UInt64 {
        let seed = UInt64(Correlator.bit(entity.kind))
        return entity.value.utf8.withContiguousStorageIfAvailable { ByteHash.hash($0, seed: seed) } ?? seed
    }

    /// Advances past nodes of closed incidents and drops them once they outnumber the live
    /// ones (amortised O(1) per node).
    private mutating func dropClosedPrefix() {
        let end = nodeBase + parent.count
        while closedBelow < end, openRoot(of: closedBelow) == nil { closedBelow += 1 }
        let dead = closedBelow - nodeBase
        guard dead >= 1024, dead >= parent.count - dead else { return }
        parent.removeFirst(dead)
        tails.removeFirst(dead)
        timeMs.removeFirst(dead)
        linkMask.removeFirst(dead)
        roots.removeFirst(dead)
        alerts.removeFirst(dead)
        nodeBase = closedBelow
    }

    private mutating func push(_ lastMs: Int64, _ root: Int) {
        if expiryHead == expiryQueue.count || expiryQueue[expiryQueue.count - 1].lastMs <= lastMs {
            expiryQueue.append((lastMs, root))
            return
        }
        expiry.append((lastMs, root))
        var i = expiry.count - 1
        while i > 0 {
            let p = (i - 1) / 2
            if expiry[p].lastMs <= expiry[i].lastMs { break }
            expiry.swapAt(p, i)
            i = p
        }
    }

    private mutating func popExpiry() {
        let last = expiry.removeLast()
        guard !expiry.isEmpty else { return }
        expiry[0] = last
        var i = 0
        let n = expiry.count
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < n, expiry[l].lastMs < expiry[m].lastMs { m = l }
            if r < n, expiry[r].lastMs < expiry[m].lastMs { m = r }
            if m == i { break }
            expiry.swapAt(i, m)
            i = m
        }
    }
}
