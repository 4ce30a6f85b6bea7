import Foundation

/// A date or date-time from a policy file (`approved_at`, `review_by`), kept with the
/// text it was written as so messages quote the owner's own words.
///
/// A date-only value (`2026-06-30`) is a whole UTC day: a review date of 2026-06-30 is
/// still valid at 23:59:59Z that day and past from 2026-07-01T00:00:00Z. A date-time must
/// carry its zone (`Z` or `±hh:mm`); it is one instant.
public struct PolicyDate: Sendable, Equatable, Comparable, CustomStringConvertible {
    /// The text as written in the file.
    public let text: String
    /// The first instant the value covers (midnight UTC for a date).
    public let start: Date
    /// Whether the value is a date without a time.
    public let isDateOnly: Bool

    /// The first instant after the value: `start` + 1 day for a date, `start` for a date-time.
    /// A review date is past when `now >= end`.
    public var end: Date { isDateOnly ? start.addingTimeInterval(86_400) : start }

    public var description: String { text }

    /// Ordered by `end`: which of two review dates expires first.
    public static func < (a: PolicyDate, b: PolicyDate) -> Bool { a.end < b.end }

    /// Whether a review date is past at `now`.
    public func isPast(at now: Date) -> Bool { now >= end }

    struct ParseError: Error { var reason: String }

    /// Parses `YYYY-MM-DD` or `YYYY-MM-DDThh:mm[:ss[.fff]](Z|±hh:mm)` (a space may stand
    /// for the `T`). Rejects impossible calendar values such as February 30.
    init(parsing raw: String) throws(ParseError) {
        let s = Array(raw.trimmingCharacters(in: .whitespaces).utf8)
        var i = 0
        func num(_ n: Int) throws(ParseError) -> Int {
            guard i + n <= s.count else { throw ParseError(reason: "too short") }
            var v = 0
            for k in 0..<n {
                let c = s[i + k]
                guard (48...57).contains(c) else { throw ParseError(reason: "expected a digit at position \(i + k + 1)") }
                v = v * 10 + Int(c - 48)
            }
            i += n
            return v
        }
        func expect(_ c: Character) throws(ParseError) {
            guard i < s.count, s[i] == c.asciiValue! else { throw ParseError(reason: "expected '\(c)' at position \(i + 1)") }
            i += 1
        }
        let year = try num(4)
        try expect("-")
        let month = try num(2)
        try expect("-")
        let day = try num(2)
        guard (1...12).contains(month) else { throw ParseError(reason: "month \(month) does not exist") }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        guard (1...days).contains(day) else { throw ParseError(reason: "day \(day) does not exist in month \(month) of \(year)") }
        var hour = 0, minute = 0, second = 0
        var fraction = 0.0
        var offsetSeconds = 0
        let dateOnly = i == s.count
        if !dateOnly {
            guard s[i] == UInt8(ascii: "T") || s[i] == UInt8(ascii: "t") || s[i] == UInt8(ascii: " ") else {
                throw ParseError(reason: "unexpected text after the date")
            }
            i += 1
            hour = try num(2)
            try expect(":")
            minute = try num(2)
            if i < s.count, s[i] == UInt8(ascii: ":") {
                i += 1
                second = try num(2)
                if i < s.count, s[i] == UInt8(ascii: ".") {
                    i += 1
                    let fs = i
                    while i < s.count, (48...57).contains(s[i]) { i += 1 }
                    guard i > fs else { throw ParseError(reason: "no digits after '.'") }
                    fraction = Double("0." + String(decoding: s[fs..<i], as: UTF8.self)) ?? 0
                }
            }
            guard hour < 24, minute < 60, second < 61 else { throw ParseError(reason: "time \(hour):\(minute):\(second) does not exist") }
            guard i < s.count else { throw ParseError(reason: "a date-time needs a time zone (Z or ±hh:mm)") }
            if s[i] == UInt8(ascii: "Z") || s[i] == UInt8(ascii: "z") {
                i += 1
            } else if s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-") {
                let sign = s[i] == UInt8(ascii: "-") ? -1 : 1
                i += 1
                let oh = try num(2)
                if i < s.count, s[i] == UInt8(ascii: ":") { i += 1 }
                let om = try num(2)
                guard oh < 24, om < 60 else { throw ParseError(reason: "time zone offset out of range") }
                offsetSeconds = sign * (oh * 3600 + om * 60)
            } else {
                throw ParseError(reason: "a date-time needs a time zone (Z or ±hh:mm)")
            }
            guard i == s.count else { throw ParseError(reason: "unexpected text after the time") }
        }
        let epochDays = CivilDate.daysSinceEpoch(year: year, month: month, day: day)
        let seconds = Double(epochDays * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds) + fraction
        text = raw
        start = Date(timeIntervalSince1970: seconds)
        isDateOnly = dateOnly
    }
}

extension PolicyDate {
    /// Parses a date or date-time as policy files write them; nil when `text` is not one.
    public init?(_ text: String) {
        guard let parsed = try? PolicyDate(parsing: text) else { return nil }
        self = parsed
    }
}

/// Calendar arithmetic shared by the date parsers (policy dates, STIX timestamps).
enum CivilDate {
    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
    /// days_from_civil); negative before the epoch.
    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
