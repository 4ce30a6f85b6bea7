#if canImport(Glibc)
import Glibc
#endif

/// Seconds in a `Duration`, as a Double.
func seconds(_ d: Duration) -> Double {
    let c = d.components
    return Double(c.seconds) + Double(c.attoseconds) * 1e-18
}

/// Times one call of `body` with `ContinuousClock`, in seconds.
@inline(never)
func timed<E: Error>(_ body: () throws(E) -> Void) throws(E) -> Double {
    let clock = ContinuousClock()
    let start = clock.now
    try body()
    return seconds(clock.now - start)
}

/// The median of a non-empty sample (mean of the middle two for even counts).
func median(_ xs: [Double]) -> Double {
    precondition(!xs.isEmpty, "median of an empty sample")
    let s = xs.sorted()
    let m = s.count / 2
    return s.count % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2
}

/// Keeps a value alive so the optimiser cannot drop the work that produced it.
@inline(never)
func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}

/// Sleeps for `s` seconds (lets OpenBLAS worker threads stop spinning).
func pause(seconds s: Double) {
    var request = timespec(tv_sec: Int(s), tv_nsec: Int((s - Double(Int(s))) * 1e9))
    var remaining = timespec()
    while nanosleep(&request, &remaining) != 0 { request = remaining }
}

/// A field of /proc/self/status in MiB (VmHWM: peak resident set; VmRSS: current).
func procStatusMiB(_ field: String) -> Double? {
    guard let f = fopen("/proc/self/status", "r") else { return nil }
    defer { fclose(f) }
    var line = [CChar](repeating: 0, count: 512)
    while fgets(&line, Int32(line.count), f) != nil {
        let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) },
                          as: UTF8.self)
        guard text.hasPrefix(field + ":") else { continue }
        let digits = text.split(separator: " ", omittingEmptySubsequences: true)
            .dropFirst().first
        if let d = digits, let kib = Double(d) { return kib / 1024 }
    }
    return nil
}

/// Writes a progress line to standard error (standard output carries only JSON lines).
func note(_ message: String) {
    writeAll(fd: 2, "[vigil-bench] \(message)\n")
}
