import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// How VigilEngine spreads work over cores.
///
/// The engine runs its own threads (Dispatch) and keeps BLAS single-threaded, so the two
/// never oversubscribe the machine.
public enum Parallelism {
    /// Threads used when a call does not say: the number of online processors.
    public static let defaultThreads: Int = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

    /// Splits `0..<count` into at most `threads` contiguous ranges of at least `minimum`
    /// elements each (except when `count` itself is smaller) and runs `body` on each range
    /// concurrently. Ranges are in order; range `i` goes to invocation `i`.
    static func forEachRange(
        count: Int, threads: Int, minimum: Int = 1,
        _ body: @Sendable (_ part: Int, _ range: Range<Int>) -> Void
    ) {
        let parts = partition(count: count, threads: threads, minimum: minimum)
        if parts.count <= 1 {
            if let only = parts.first { body(0, only) }
            return
        }
        DispatchQueue.concurrentPerform(iterations: parts.count) { body($0, parts[$0]) }
    }

    /// The ranges `forEachRange` would use.
    static func partition(count: Int, threads: Int, minimum: Int = 1) -> [Range<Int>] {
        guard count > 0 else { return [] }
        let n = max(1, min(threads, count / max(1, minimum)))
        let base = count / n, extra = count % n
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(n)
        var start = 0
        for i in 0..<n {
            let length = base + (i < extra ? 1 : 0)
            ranges.append(start..<(start + length))
            start += length
        }
        return ranges
    }
}

/// A raw pointer handed to concurrent workers that write disjoint parts of it.
/// Only VigilEngine creates these; the disjointness is the caller's promise.
struct SharedPointer<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
}

/// A read-only raw pointer shared by concurrent workers.
struct SharedConstPointer<T>: @unchecked Sendable {
    let base: UnsafePointer<T>
}
