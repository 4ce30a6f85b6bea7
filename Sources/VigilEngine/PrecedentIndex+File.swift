#if canImport(Glibc)
import Glibc
#endif

extension PrecedentIndex {
    /// File layout (all little-endian): magic "VIGILPX1"; UInt32 version (1); UInt32
    /// dimension; UInt64 count; count × dimension Float32 unit vectors; count Int32 labels;
    /// count ids, each UInt32 byte length + UTF-8 bytes; UInt64 FNV-1a hash of everything
    /// before it, so a damaged or truncated file is detected on load.
    static let fileMagic = Array("VIGILPX1".utf8)
    static let fileVersion: UInt32 = 1

    /// Writes the index to `path` atomically (a temporary file, fsync, then rename), so a
    /// crash leaves either the old file or the new one.
    /// - Throws: `.io` naming the failing call.
    public func save(to path: String) throws(EngineError) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24 + count * (dimension * 4 + 4 + 12))
        bytes += Self.fileMagic
        bytes.appendLittleEndian(Self.fileVersion)
        bytes.appendLittleEndian(UInt32(dimension))
        bytes.appendLittleEndian(UInt64(count))
        UnsafeRawBufferPointer(start: vectors.storage.base, count: count * dimension * 4).withMemoryRebound(to: UInt8.self) { bytes += $0 }
        for label in labels { bytes.appendLittleEndian(UInt32(bitPattern: label)) }
        for id in ids {
            bytes.appendLittleEndian(UInt32(id.utf8.count))
            bytes += Array(id.utf8)
        }
        bytes.appendLittleEndian(FNV1a.hash(bytes))
        let temporary = path + ".tmp-\(getpid())"
        do {
            let file = try PosixFile(writingTo: temporary)
            try bytes.withUnsafeBufferPointer { (b) throws(EngineError) in try file.write(b.baseAddress!, count: b.count) }
            try file.sync()
        } catch {
            unlink(temporary)
            throw error
        }
        if rename(temporary, path) != 0 {
            let code = errno
            unlink(temporary)
            throw .io(path: path, operation: "rename", errno: code)
        }
    }

    /// Loads an index written by `save(to:)`.
    /// - Throws: `.io`; `.indexFormat` for a wrong magic or version, a truncated file, a
    ///   checksum mismatch, non-finite vectors or ids that are not UTF-8.
    public init(contentsOf path: String) throws(EngineError) {
        let file = try PosixFile(readingFrom: path)
        let size = try file.size()
        var bytes = [UInt8](repeating: 0, count: size)
        _ = try bytes.withUnsafeMutableBufferPointer { (b) throws(EngineError) -> Int in
            size == 0 ? 0 : try file.read(into: b.baseAddress!, count: size, at: 0)
        }
        func fail(_ reason: String) -> EngineError { .indexFormat(path: path, reason: reason) }
        guard size >= 32, Array(bytes[0..<8]) == Self.fileMagic else { throw fail("missing the VIGILPX1 magic") }
        var cursor = ByteCursor(bytes: bytes, position: 8)
        let version: UInt32 = cursor.read() ?? 0
        guard version == Self.fileVersion else { throw fail("unsupported version \(version)") }
        let dimension = Int(cursor.read() as UInt32? ?? 0)
        let count64: UInt64 = cursor.read() ?? 0
        guard dimension >= 1 else { throw fail("dimension is 0") }
        guard count64 <= UInt64(size / (dimension * 4 + 8)) else { throw fail("truncated: header declares \(count64) precedents") }
        let count = Int(count64)
        var tail = ByteCursor(bytes: bytes, position: size - 8)
        let stored: UInt64 = tail.read() ?? 0
        guard FNV1a.hash(bytes[0..<(size - 8)]) == stored else { throw fail("checksum mismatch (damaged or truncated file)") }

        self.init(dimension: dimension)
        var matrix = FeatureMatrix(rows: count, columns: dimension)
        guard cursor.position + count * dimension * 4 <= size - 8 else { throw fail("truncated vectors") }
        bytes.withUnsafeBytes { raw in
            UnsafeMutableRawPointer(matrix.storage.base).copyMemory(from: raw.baseAddress! + cursor.position, byteCount: count * dimension * 4)
        }
        cursor.position += count * dimension * 4
        do {
            try FeatureMatrix.checkFinite(matrix.storage.base, rows: count, columns: dimension, what: "stored vectors")
        } catch {
            throw fail("\(error)")
        }
        var labels: [Int32] = []
        labels.reserveCapacity(count)
        for _ in 0..<count {
            guard let v: UInt32 = cursor.read() else { throw fail("truncated labels") }
            labels.append(Int32(bitPattern: v))
        }
        var ids: [String] = []
        ids.reserveCapacity(count)
        for i in 0..<count {
            guard let length: UInt32 = cursor.read(), cursor.position + Int(length) <= size - 8,
                  let id = String(validating: bytes[cursor.position..<(cursor.position + Int(length))], as: UTF8.self) else {
                throw fail("id \(i) is truncated or not UTF-8")
            }
            cursor.position += Int(length)
            ids.append(id)
        }
        guard cursor.position == size - 8 else { throw fail("\(size - 8 - cursor.position) unexpected bytes before the checksum") }
        matrix.truncateRows(to: count)
        vectors = matrix
        self.ids = ids
        self.labels = labels
    }
}

/// 64-bit FNV-1a: a fast checksum against accidental damage (not a security hash).
enum FNV1a {
    static func hash<C: Collection>(_ bytes: C) -> UInt64 where C.Element == UInt8 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return h
    }
}

/// Reads little-endian integers from a byte array; nil past the end.
struct ByteCursor {
    let bytes: [UInt8]
    var position: Int

    mutating func read<T: FixedWidthInteger>() -> T? {
        let size = MemoryLayout<T>.size
        guard position >= 0, position + size <= bytes.count else { return nil }
        var value: T = 0
        for i in 0..<size { value |= T(bytes[position + i]) << (8 * i) }
        position += size
        return value
    }
}

extension Array where Element == UInt8 {
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        for i in 0..<MemoryLayout<T>.size { append(UInt8(truncatingIfNeeded: value >> (8 * i))) }
    }
}
