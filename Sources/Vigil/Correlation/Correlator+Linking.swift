/// Which of an alert's entities may link it, computed per alert without building sets,
/// allocating, or normalising strings that are already in normal form.
extension Correlator {
    /// One bit per entity kind, for `linkingKinds` tests without hashing.
    static func bit(_ kind: EntityKind) -> UInt8 {
        switch kind {
        case .host: 1
        case .ip: 2
        case .user: 4
        case .fileHash: 8
        case .domain: 16
        case .url: 32
        }
    }

    /// The kind's place in `EntityKey` order, which compares raw values: domain < file_hash
    /// < host < ip < url < user (checked by a test).
    static func rank(_ kind: EntityKind) -> Int {
        switch kind {
        case .domain: 0
        case .fileHash: 1
        case .host: 2
        case .ip: 3
        case .url: 4
        case .user: 5
        }
    }

    /// Writes to `positions` the entities of an alert (its `entities`, `deviceHostname` and
    /// `deviceIP`) that may link it to others, in `EntityKey` order without duplicates,
    /// keeping only kinds in `kinds` (see `bit(_:)`); returns how many. Each is
    /// `16 × position in entities + 2 × rank(kind) + (1 if it is the alert's subject)`.
    /// `positions` must hold `entities.count`.
    ///
    /// Those are its own device (host name and IP) and user, and indicators (file hashes,
    /// domains, URLs, external IPs). Other hosts and internal IPs it merely names (a file
    /// server it reached, a domain controller it authenticated against) are shared
    /// infrastructure: linking on them would chain unrelated activity together. They stay
    /// in the incident's entity set.
    ///
    /// The subject is the alert's own device or account, as opposed to an indicator it names:
    /// hosts that link are the device; an account is the subject of identity alerts (no
    /// device: sign-ins, VPN) — on a device alert it links across detections only through
    /// that device, as admin and service accounts touch many hosts a day and would chain
    /// them all.
    /// - Complexity: O(e²) for e entities (an insertion sort; e is a handful).
    static func linkingPositions(_ entities: UnsafeBufferPointer<EntityKey>, deviceHostname: String?, deviceIP rawDeviceIP: String?,
                                 kinds: UInt8, into positions: UnsafeMutableBufferPointer<Int>) -> Int {
        var device: String?? = .none
        var deviceIP: String?? = .none
        var n = 0
        for position in entities.indices {
            let kind = entities[position].kind
            guard kinds & bit(kind) != 0 else { continue }
            let subject: Bool
            switch kind {
            case .host:
                if device == nil { device = .some(normalised(.host, deviceHostname)) }
                if let d = device!, entities[position].value != d { continue }
                subject = true
            case .ip:
                if deviceIP == nil { deviceIP = .some(normalised(.ip, rawDeviceIP)) }
                subject = deviceIP! == entities[position].value
                if !subject && isPrivateIP(entities[position].value) { continue }
            case .user:
                subject = deviceHostname == nil
            case .fileHash, .domain, .url:
                subject = false
            }
            let code = position << 4 | rank(kind) << 1 | (subject ? 1 : 0)
            // Insertion sort by (kind, value), dropping repeats of an entity.
            var j = n
            while j > 0 {
                let other = positions[j - 1]
                if other & 0xE < code & 0xE { break }
                if other & 0xE == code & 0xE && !(entities[position].value < entities[other >> 4].value) { break }
                j -= 1
            }
            if j > 0, positions[j - 1] & 0xE == code & 0xE, entities[positions[j - 1] >> 4].value == entities[position].value { continue }
            var k = n
            while k > j {
                positions[k] = positions[k - 1]
                k -= 1
            }
            positions[j] = code
            n += 1
        }
        return n
    }

    /// `EntityKey(kind, raw)?.value`, without building a new string when `raw` is already
    /// normalised (ASCII, no upper case, nothing to trim; for IPs, dotted digits only).
    static func normalised(_ kind: EntityKind, _ raw: String?) -> String? {
        guard let raw else { return nil }
        let plain = raw.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            guard let first = bytes.first, let last = bytes.last else { return false }
            switch kind {
            case .ip:
                return !bytes.contains { !($0 == UInt8(ascii: ".") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)) }
            case .host:
                return first > 0x20 && last > 0x20 && last != UInt8(ascii: ".")
                    && !bytes.contains { $0 >= 0x80 || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }
            case .user, .fileHash, .domain, .url:
                return false
            }
        } ?? false
        return plain ? raw : EntityKey(kind, raw)?.value
    }

    /// `Featurizer.isPrivate(ip)`, parsed without allocating for dotted digits (the
    /// normalised form of every IPv4 address); anything else goes to `Featurizer.isPrivate`.
    static func isPrivateIP(_ ip: String) -> Bool {
        let parsed = ip.utf8.withContiguousStorageIfAvailable { bytes -> Bool? in
            var octets = 0, first = 0, second = 0, value = 0, digits = 0
            for b in bytes {
                if b == UInt8(ascii: ".") {
                    // Empty parts are skipped, as `split(separator:)` does.
                    if digits > 0 {
                        if octets == 0 { first = value } else if octets == 1 { second = value }
                        octets += 1
                    }
                    value = 0
                    digits = 0
                } else if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b), digits < 18 {
                    value = value * 10 + Int(b - UInt8(ascii: "0"))
                    digits += 1
                } else {
                    return nil
                }
            }
            if digits > 0 {
                if octets == 0 { first = value } else if octets == 1 { second = value }
                octets += 1
            }
            guard octets == 4 else { return false }
            return first == 10 || first == 127 || (first == 172 && (16...31).contains(second)) || (first == 192 && second == 168)
                || (first == 169 && second == 254)
        }
        return (parsed ?? nil) ?? Featurizer.isPrivate(ip)
    }
}
