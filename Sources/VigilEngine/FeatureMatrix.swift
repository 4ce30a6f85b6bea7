internal import CKernels

/// An owned, row-major float32 matrix of `rows` events by `columns` features.
///
/// Every value is finite: each way of putting values in checks them and throws
/// `EngineError.nonFinite` naming the row and column, so kernels never see NaN or infinity.
/// Storage is 64-byte aligned and contiguous (row stride = `columns`). A value type with
/// copy-on-write storage.
public struct FeatureMatrix: Sendable {
    /// Number of rows (events).
    public internal(set) var rows: Int
    /// Number of columns (features).
    public let columns: Int
    var storage: FeatureStorage

    /// A zero-filled matrix.
    /// - Precondition: `rows >= 0`, `columns >= 0` (programmer error otherwise).
    public init(rows: Int, columns: Int) {
        precondition(rows >= 0 && columns >= 0, "FeatureMatrix: negative shape \(rows) x \(columns)")
        self.rows = rows
        self.columns = columns
        storage = FeatureStorage(capacity: rows * columns)
    }

    /// A matrix from row-major `values`.
    /// - Throws: `.invalidArgument` for a negative shape, `.shapeMismatch` if
    ///   `values.count != rows * columns`, `.nonFinite` naming the first bad value.
    /// - Complexity: O(rows × columns).
    public init(rows: Int, columns: Int, values: [Float]) throws(EngineError) {
        guard rows >= 0, columns >= 0 else {
            throw .invalidArgument(name: "shape", reason: "rows and columns must be >= 0, got \(rows) x \(columns)")
        }
        guard values.count == rows * columns else {
            throw .shapeMismatch(what: "values", expected: "\(rows * columns) (\(rows) x \(columns))", actual: "\(values.count)")
        }
        self.init(rows: rows, columns: columns)
        values.withUnsafeBufferPointer { storage.base.update(from: $0.baseAddress!, count: values.count) }
        try FeatureMatrix.checkFinite(storage.base, rows: rows, columns: columns, what: "values")
    }

    /// A matrix whose rows are `rows`; all must have the same length.
    /// - Throws: `.shapeMismatch` naming the first row of another length, `.nonFinite`.
    public init(rows array: [[Float]]) throws(EngineError) {
        let width = array.first?.count ?? 0
        self.init(rows: array.count, columns: width)
        for (i, row) in array.enumerated() {
            guard row.count == width else {
                throw .shapeMismatch(what: "row \(i)", expected: "\(width) columns", actual: "\(row.count)")
            }
            row.withUnsafeBufferPointer { storage.base.advanced(by: i * width).update(from: $0.baseAddress!, count: width) }
        }
        try FeatureMatrix.checkFinite(storage.base, rows: rows, columns: columns, what: "rows")
    }

    /// The value at `row`, `column`.
    /// - Precondition: indices in range.
    public subscript(row: Int, column: Int) -> Float {
        precondition(row >= 0 && row < rows && column >= 0 && column < columns, "FeatureMatrix index (\(row), \(column)) out of \(rows) x \(columns)")
        return storage.base[row * columns + column]
    }

    /// Row `i` as an array. - Precondition: `0 <= i < rows`.
    public func row(_ i: Int) -> [Float] {
        precondition(i >= 0 && i < rows, "FeatureMatrix row \(i) out of 0..<\(rows)")
        return Array(UnsafeBufferPointer(start: storage.base + i * columns, count: columns))
    }

    /// All values, row-major.
    public var values: [Float] {
        Array(UnsafeBufferPointer(start: storage.base, count: rows * columns))
    }

    /// Sets one value.
    /// - Throws: `.nonFinite` if `value` is NaN or infinite (the matrix is unchanged).
    /// - Precondition: indices in range.
    public mutating func set(_ value: Float, row: Int, column: Int) throws(EngineError) {
        precondition(row >= 0 && row < rows && column >= 0 && column < columns, "FeatureMatrix index (\(row), \(column)) out of \(rows) x \(columns)")
        guard value.isFinite else { throw .nonFinite(what: "value", row: row, column: column, value: value) }
        makeUnique()
        storage.base[row * columns + column] = value
    }

    /// Replaces row `i`.
    /// - Throws: `.shapeMismatch` if `values.count != columns`, `.nonFinite` (row unchanged).
    public mutating func setRow(_ i: Int, to values: [Float]) throws(EngineError) {
        precondition(i >= 0 && i < rows, "FeatureMatrix row \(i) out of 0..<\(rows)")
        guard values.count == columns else {
            throw .shapeMismatch(what: "row \(i)", expected: "\(columns) columns", actual: "\(values.count)")
        }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw .nonFinite(what: "row", row: i, column: bad, value: values[bad])
        }
        makeUnique()
        values.withUnsafeBufferPointer { storage.base.advanced(by: i * columns).update(from: $0.baseAddress!, count: columns) }
    }

    /// Appends the rows of `other`.
    /// - Throws: `.shapeMismatch` if the column counts differ.
    /// - Complexity: amortised O(other.rows × columns).
    public mutating func append(rowsOf other: FeatureMatrix) throws(EngineError) {
        guard other.columns == columns else {
            throw .shapeMismatch(what: "appended rows", expected: "\(columns) columns", actual: "\(other.columns)")
        }
        reserveRows(rows + other.rows)
        storage.base.advanced(by: rows * columns).update(from: other.storage.base, count: other.rows * columns)
        rows += other.rows
    }

    /// Ensures room for `capacity` rows without reallocation.
    public mutating func reserveRows(_ capacity: Int) {
        let needed = capacity * columns
        if needed > storage.capacity {
            storage = storage.copy(capacity: max(needed, storage.capacity * 2), count: rows * columns)
        } else {
            makeUnique()
        }
    }

    /// Keeps the first `count` rows (a streaming batch that came up short).
    mutating func truncateRows(to count: Int) {
        precondition(count >= 0 && count <= rows)
        rows = count
    }

    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) {
            storage = storage.copy(count: rows * columns)
        }
    }

    /// Throws `.nonFinite` for the first NaN or infinity in a rows x columns block
    /// (kernel `vk_first_nonfinite`: one streaming SIMD pass).
    static func checkFinite(_ base: UnsafePointer<Float>, rows: Int, columns: Int, what: String, firstRow: Int = 0) throws(EngineError) {
        let count = rows * columns
        if count == 0 { return }
        let i = vk_first_nonfinite(base, rows, columns, columns)
        if i < count {
            throw .nonFinite(what: what, row: firstRow + i / columns, column: i % columns, value: base[i])
        }
    }
}

extension FeatureMatrix: Equatable {
    public static func == (a: FeatureMatrix, b: FeatureMatrix) -> Bool {
        guard a.rows == b.rows, a.columns == b.columns else { return false }
        let n = a.rows * a.columns
        for i in 0..<n where a.storage.base[i] != b.storage.base[i] { return false }
        return true
    }
}
