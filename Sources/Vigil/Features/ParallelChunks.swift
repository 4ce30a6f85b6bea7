import Dispatch

/// Per-item work spread over threads in contiguous chunks, with results in item order.
///
/// Each thread takes one contiguous range of items and writes its results into their own
/// slots of the output, so the output is the same, element for element, whatever the
/// number of threads; nothing is shared between chunks except what the closures read.
enum ParallelChunks {
    /// `[element(0, &s), element(1, &s), …]` for `0..<count`, computed by up to `threads`
    /// threads, each over a contiguous range of at least `minimumChunk` items with its own
    /// `state()` (a cache, say), so `element` needs no locking.
    ///
    /// - Complexity: `count` calls of `element`, plus `threads` calls of `state`.
    static func map<State, T>(count: Int, threads: Int, minimumChunk: Int,
                              state: @Sendable () -> State,
                              _ element: @Sendable (Int, inout State) -> T) -> [T] {
        guard count > 0 else { return [] }
        let parts = ranges(count: count, threads: threads, minimumChunk: minimumChunk)
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            let out = SendablePointer(base: buffer.baseAddress!)
            @Sendable func work(_ part: Int) {
                var s = state()
                for i in parts[part] { (out.base + i).initialize(to: element(i, &s)) }
            }
            if parts.count == 1 {
                work(0)
            } else {
                DispatchQueue.concurrentPerform(iterations: parts.count, execute: work)
            }
            initialized = count
        }
    }

    /// `0..<count` in at most `threads` contiguous ranges of at least `minimumChunk` items
    /// (one range when `count` is smaller), in order, sizes differing by at most one.
    static func ranges(count: Int, threads: Int, minimumChunk: Int) -> [Range<Int>] {
        let n = max(1, min(threads, count / max(1, minimumChunk)))
        let base = count / n, extra = count % n
        var start = 0
        return (0..<n).map { i in
            let length = base + (i < extra ? 1 : 0)
            defer { start += length }
            return start..<(start + length)
        }
    }
}

/// A pointer handed to concurrent chunks that write disjoint parts of what it points to;
/// the disjointness is the caller's promise.
struct SendablePointer<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
}
