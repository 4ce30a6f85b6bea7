/// When alerts happen: a UTC day whose hourly volume peaks in business hours (07-19 UTC,
/// the featurizer's definition) and never drops to zero at night. Maps a position in a
/// sequence to a time monotonically, so a stream of N alerts comes out in time order
/// without sorting (alert i at F⁻¹((i + u)/N), u uniform in [0, 1)).
struct DayProfile: Sendable {
    static let hourWeights: [Double] = [2, 1.5, 1.2, 1, 1, 1.5, 3, 6, 9, 10, 10, 9, 8, 9, 10, 10, 9, 8, 6, 4, 3, 3, 2.5, 2]
    static let dayMs: Int64 = 86_400_000
    /// Cumulative share of the day's volume at the start of each hour (25 entries, 0…1).
    let cumulative: [Double]

    init() {
        let total = Self.hourWeights.reduce(0, +)
        var c = [0.0]
        for w in Self.hourWeights { c.append(c.last! + w / total) }
        c[24] = 1
        cumulative = c
    }

    /// Milliseconds after midnight at which a fraction `q` (0…1) of the day's volume has passed.
    @inline(__always)
    func offset(atFraction q: Double) -> Int64 {
        let q = min(max(q, 0), 0.999_999_999)
        var h = 0
        while h < 23 && cumulative[h + 1] <= q { h += 1 }
        let within = (q - cumulative[h]) / (cumulative[h + 1] - cumulative[h])
        return Int64((Double(h) + within) * 3_600_000)
    }

    /// The share of the day's volume in `[fromMs, toMs)` after midnight.
    func share(fromMs: Int64, toMs: Int64) -> Double {
        func cdf(_ t: Int64) -> Double {
            let hours = Double(t) / 3_600_000
            let h = min(Int(hours), 23)
            return cumulative[h] + (hours - Double(h)) * (cumulative[h + 1] - cumulative[h])
        }
        return cdf(toMs) - cdf(fromMs)
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ` for milliseconds since the Unix epoch (proleptic Gregorian, UTC).
    static func iso8601(_ ms: Int64) -> String {
        let days = Int(ms / dayMs)
        let rem = Int(ms % dayMs)
        let (y, m, d) = civil(days)
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(rem / 3_600_000, 2)):\(pad(rem / 60_000 % 60, 2)):\(pad(rem / 1000 % 60, 2)).\(pad(rem % 1000, 3))Z"
    }

    /// `YYYY-MM-DD` of the UTC day containing `ms`.
    static func date(_ ms: Int64) -> String { String(iso8601(ms).prefix(10)) }

    private static func pad(_ v: Int, _ w: Int) -> String { ScenarioWorld.pad(v, w) }

    /// Days since 1970-01-01 → (year, month, day) (H. Hinnant's civil_from_days).
    static func civil(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}
