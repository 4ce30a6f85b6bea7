#if canImport(Glibc)
import Glibc
#endif

/// The owned, 64-byte-aligned float32 buffer behind a `FeatureMatrix`.
/// Zero-filled on allocation (which also touches every page once).
final class FeatureStorage: @unchecked Sendable {
    static let alignment = 64

    let base: UnsafeMutablePointer<Float>
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        let bytes = max(capacity, 1) * MemoryLayout<Float>.stride
        let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: Self.alignment)
        memset(raw, 0, bytes)
        base = raw.bindMemory(to: Float.self, capacity: max(capacity, 1))
    }

    func copy(capacity newCapacity: Int? = nil, count: Int) -> FeatureStorage {
        let result = FeatureStorage(capacity: newCapacity ?? capacity)
        result.base.update(from: base, count: min(count, result.capacity))
        return result
    }

    deinit {
        UnsafeMutableRawPointer(base).deallocate()
    }
}
