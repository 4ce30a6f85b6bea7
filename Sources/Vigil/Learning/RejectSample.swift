/// A reject writer that also keeps the first few rejects, so a command can show what went
/// wrong without reading its reject file back.
///
/// With `inLineOrder`, rejects are held until `finish()` and then written sorted by line
/// within each source (sources in the order they first rejected something): training
/// rejects rows in two passes (bad labels while reading, bad numbers once the columns'
/// roles are known), and a reject file is easier to read in file order.
final class RejectSample {
    let writer: RejectWriter
    let limit: Int
    let inLineOrder: Bool
    private var pending: [RejectedRecord] = []
    private(set) var count = 0
    private var finished = false

    init(_ writer: RejectWriter, limit: Int = 5, inLineOrder: Bool = false) {
        self.writer = writer
        self.limit = limit
        self.inLineOrder = inLineOrder
    }

    /// The first `limit` rejects (in line order once finished).
    var examples: [RejectedRecord] { Array(pending.prefix(limit)) }

    /// Writes `record` (or holds it, `inLineOrder`).
    /// - Throws: `VigilError.io` from the writer.
    func write(_ record: RejectedRecord) throws(VigilError) {
        count += 1
        if inLineOrder {
            pending.append(record)
        } else {
            if pending.count < limit { pending.append(record) }
            try writer.write(record)
        }
    }

    /// Writes held rejects in line order (once; later calls do nothing). O(r log r) for r
    /// rejects.
    /// - Throws: `VigilError.io` from the writer.
    func finish() throws(VigilError) {
        guard inLineOrder, !finished else { return }
        finished = true
        var sourceOrder: [String: Int] = [:]
        for r in pending where sourceOrder[r.source] == nil { sourceOrder[r.source] = sourceOrder.count }
        pending = pending.enumerated().sorted { a, b in
            (sourceOrder[a.element.source]!, a.element.line, a.offset) < (sourceOrder[b.element.source]!, b.element.line, b.offset)
        }.map(\.element)
        for r in pending { try writer.write(r) }
    }
}
