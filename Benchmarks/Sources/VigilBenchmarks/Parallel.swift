import Dispatch

/// A raw float pointer that may cross into the worker closures of `parallelFor`.
///
/// Each worker touches only its own slice, so sharing the base address is safe.
struct SharedFloats: @unchecked Sendable {
    let base: UnsafeMutablePointer<Float>
}

/// Runs `body(t)` for t in 0..<threads, one Dispatch worker each, and waits for all.
func parallelFor(_ threads: Int, _ body: @Sendable (Int) -> Void) {
    DispatchQueue.concurrentPerform(iterations: threads, execute: body)
}

/// The half-open slice of `count` items that worker `t` of `threads` owns (contiguous).
func slice(_ t: Int, of threads: Int, count: Int) -> Range<Int> {
    let lo = count * t / threads
    let hi = count * (t + 1) / threads
    return lo..<hi
}

/// Page-aligned float storage, allocated once and pre-touched by the threads that use it.
///
/// First touch of fresh memory is very slow on this VM, so every buffer a timed loop uses
/// is written once (in parallel, each thread its own slice) before any timing starts.
final class FloatBuffer: @unchecked Sendable {
    let count: Int
    let pointer: UnsafeMutablePointer<Float>

    init(count: Int, fill value: Float = 0, threads: Int) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 4096)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        let shared = SharedFloats(base: pointer)
        parallelFor(threads) { t in
            let r = slice(t, of: threads, count: count)
            (shared.base + r.lowerBound).initialize(repeating: value, count: r.count)
        }
    }

    var shared: SharedFloats { SharedFloats(base: pointer) }

    deinit {
        UnsafeMutableRawPointer(pointer).deallocate()
    }
}
