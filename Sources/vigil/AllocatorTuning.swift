#if canImport(Glibc)
import Glibc
#endif

/// glibc malloc settings for a long streaming run.
enum AllocatorTuning {
    /// Keeps freed memory in the process for reuse instead of returning it to the kernel.
    ///
    /// Triage allocates one string of a few MiB per read step and frees it when the step's
    /// incidents are written. By default glibc serves such blocks with mmap and unmaps them
    /// on free (and trims heaps above 128 KiB free), so every step faults in and zeroes
    /// fresh pages; on a VM whose guest memory the host maps on first touch that costs more
    /// than parsing. Blocks below 64 MiB now come from the heap, and heaps are trimmed only
    /// above 512 MiB free. Peak RSS is unchanged; memory freed stays mapped until exit.
    /// Calls mallopt(3) (M_MMAP_THRESHOLD, M_TRIM_THRESHOLD); does nothing where the C
    /// library has no mallopt.
    static func keepFreedMemory() {
        #if canImport(Glibc)
        // <malloc.h> is not part of Swift's Glibc module, so mallopt is looked up by name
        // (RTLD_DEFAULT is the null handle). M_TRIM_THRESHOLD is -1, M_MMAP_THRESHOLD -3.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(nil, "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        _ = mallopt(-3, 64 << 20)
        _ = mallopt(-1, 512 << 20)
        #endif
    }
}
