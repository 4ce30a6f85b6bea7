/// Every error VigilEngine throws. Each message names the record (row, column, file,
/// argument) and the reason, so a caller can show it to a person unchanged.
public enum EngineError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Two shapes that must agree do not. `what` names the operand (e.g. "weights"),
    /// `expected` and `actual` are human-readable shapes such as "64" or "10 x 64".
    case shapeMismatch(what: String, expected: String, actual: String)
    /// A NaN or infinite value at `row`, `column` of `what` (a matrix, weights, labels).
    case nonFinite(what: String, row: Int, column: Int, value: Float)
    /// An argument outside its domain (`name` = the parameter, `reason` says which domain).
    case invalidArgument(name: String, reason: String)
    /// A `.npy` file that cannot be read as a float32 matrix: bad magic, unsupported
    /// dtype or order, malformed header, truncated data.
    case npyFormat(path: String, reason: String)
    /// A precedent-index file that is not one, or is damaged or truncated.
    case indexFormat(path: String, reason: String)
    /// An operating-system call failed on `path` (`operation` is the call, `errno` its code).
    case io(path: String, operation: String, errno: Int32)

    /// Same case, same fields; a NaN value equals a NaN value (the same error twice is equal).
    public static func == (a: EngineError, b: EngineError) -> Bool {
        switch (a, b) {
        case let (.shapeMismatch(w1, e1, a1), .shapeMismatch(w2, e2, a2)):
            return w1 == w2 && e1 == e2 && a1 == a2
        case let (.nonFinite(w1, r1, c1, v1), .nonFinite(w2, r2, c2, v2)):
            return w1 == w2 && r1 == r2 && c1 == c2 && (v1 == v2 || (v1.isNaN && v2.isNaN))
        case let (.invalidArgument(n1, r1), .invalidArgument(n2, r2)):
            return n1 == n2 && r1 == r2
        case let (.npyFormat(p1, r1), .npyFormat(p2, r2)), let (.indexFormat(p1, r1), .indexFormat(p2, r2)):
            return p1 == p2 && r1 == r2
        case let (.io(p1, o1, e1), .io(p2, o2, e2)):
            return p1 == p2 && o1 == o2 && e1 == e2
        default:
            return false
        }
    }

    public var description: String {
        switch self {
        case let .shapeMismatch(what, expected, actual):
            return "\(what): expected shape \(expected), got \(actual)"
        case let .nonFinite(what, row, column, value):
            return "\(what): row \(row), column \(column) is \(value) (features must be finite)"
        case let .invalidArgument(name, reason):
            return "\(name): \(reason)"
        case let .npyFormat(path, reason):
            return "\(path): not a readable float32 .npy matrix: \(reason)"
        case let .indexFormat(path, reason):
            return "\(path): not a readable precedent index: \(reason)"
        case let .io(path, operation, code):
            return "\(path): \(operation) failed: \(String(cString: strerror(code))) (errno \(code))"
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
