/// Choices for fitting a `TabularSchema`; the defaults suit security exports (a few dozen
/// columns, some with tens of thousands of values).
public struct TabularOptions: Sendable, Equatable {
    /// Total feature width; nil picks `max(defaultWidth, what the columns need)`. An
    /// explicit width too small for the columns is an error. Without hashed columns the
    /// width is what the columns use.
    public var width: Int?
    /// The width used when `width` is nil and the columns fit in it.
    public static let defaultWidth = 256
    /// Columns featurized as categorical even if every value is a number (ports, ids).
    public var categorical: Set<String> = []
    /// Columns featurized as numeric even if some value is not a number (that row is then
    /// rejected naming the column, instead of the whole column turning categorical).
    public var numeric: Set<String> = []
    /// Columns left out.
    public var ignored: Set<String> = []
    /// A categorical column with at most this many distinct training values gets one
    /// indicator per value; above it, a hashed block.
    public var vocabularyLimit = 32
    /// The most frequent values whose training counts a hashed column keeps (for its
    /// frequency feature); rarer values count as unseen.
    public var countsLimit = 50_000
    /// Fewest hash buckets per hashed column.
    public static let minimumBuckets = 8

    public init(width: Int? = nil, categorical: Set<String> = [], numeric: Set<String> = [], ignored: Set<String> = []) {
        self.width = width
        self.categorical = categorical
        self.numeric = numeric
        self.ignored = ignored
    }
}
