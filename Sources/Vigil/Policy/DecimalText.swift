import Foundation

/// Fixed-point decimal text for the numbers in reasons and explanations, the same text
/// `String(format: "%.<places>f", value)` gives, without Foundation's formatter (which costs
/// microseconds per call and ran several times per recommended action).
///
/// Like C's `printf`, the digits are the value's exact binary expansion rounded to
/// `places` decimals, exact halves to even (`0.125` → `0.12`), and a negative value that
/// rounds to zero keeps its sign (`-0.0001` → `-0.000`). The numbers of the JSON output
/// (`TextBuffer.fixed`) are rounded here too, in their own form (`jsonNumber`).
enum DecimalText {
    /// Largest `places` handled without Foundation.
    static let maximumPlaces = 9

    /// `value` with exactly `places` decimals: `fixed(2.675, places: 2)` is `"2.67"` (2.675 is
    /// stored as 2.67499999…). Equal to `String(format: "%.Nf", value)`.
    /// - Complexity: O(1) for finite values below 2^52 / 10^places and `places` up to
    ///   `maximumPlaces`; anything else (infinities, NaN, huge values) goes to Foundation.
    static func fixed(_ value: Double, places: Int) -> String {
        var out = ""
        appendFixed(value, places: places, to: &out)
        return out
    }

    /// Appends `fixed(value, places:)` to `out`.
    static func appendFixed(_ value: Double, places: Int, to out: inout String) {
        guard let r = rounded(value, places: places) else {
            out += String(format: "%.\(places)f", value)
            return
        }
        withDigits(negative: r.negative, scaled: r.scaled, places: places, trimmingZeros: false) {
            out += String(decoding: $0, as: UTF8.self)
        }
    }

    /// Hands `body` the UTF-8 text of `value` as the JSON output writes numbers: rounded to
    /// `places` decimals with exact halves away from zero (`0.0625` → `0.063`), trailing zeros
    /// and a bare point dropped (`0.5`, `2`), and no sign on a value that rounds to zero.
    /// - Precondition: `value` is finite (JSON has no NaN or infinity; the caller decides).
    /// - Complexity: O(1) in the fast range (see `fixed`); outside it, Foundation's text, trimmed.
    static func withJSONNumber<R>(_ value: Double, places: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        guard let r = rounded(value, places: places, rule: .toNearestOrAwayFromZero) else {
            var s = String(format: "%.\(places)f", value)
            if s.contains(".") {
                while s.hasSuffix("0") { s.removeLast() }
                if s.hasSuffix(".") { s.removeLast() }
            }
            if s == "-0" { s = "0" }
            return s.withUTF8(body)
        }
        return withDigits(negative: r.negative && r.scaled != 0, scaled: r.scaled, places: places, trimmingZeros: true, body)
    }

    /// A threshold or confidence as a person would write it in a policy: an integral value
    /// without decimals (`3`), otherwise at most 3 decimals with trailing zeros dropped
    /// (`0.9`, `0.875`); `NaN` for NaN.
    static func threshold(_ v: Double) -> String {
        var out = ""
        appendThreshold(v, to: &out)
        return out
    }

    /// Appends `threshold(v)` to `out`.
    static func appendThreshold(_ v: Double, to out: inout String) {
        if v.isNaN {
            out += "NaN"
        } else if v.rounded() == v, abs(v) < 1e15 {
            out += String(Int(v))
        } else if let r = rounded(v, places: 3) {
            withDigits(negative: r.negative, scaled: r.scaled, places: 3, trimmingZeros: true) {
                out += String(decoding: $0, as: UTF8.self)
            }
        } else {
            var s = String(format: "%.3f", v)
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
            out += s
        }
    }

    private static let powersOfTen: [Double] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000,
                                                10_000_000, 100_000_000, 1_000_000_000]

    /// |value| × 10^places rounded to the nearest integer, exact halves to even or away from
    /// zero as `rule` says, with the sign of `value`; nil when out of the fast range.
    ///
    /// The product is rounded by the FPU, so its exact value is recovered as `p + e` with
    /// `e = fma(a, s, -p)` (exact as long as nothing underflows); the rounding decision then
    /// looks at the sign of `(p - n - 0.5) + e`, which is exact near the half-way point.
    private static func rounded(_ value: Double, places: Int,
                                rule: FloatingPointRoundingRule = .toNearestOrEven) -> (negative: Bool, scaled: UInt64)? {
        guard value.isFinite, (0...maximumPlaces).contains(places) else { return nil }
        let s = powersOfTen[places]
        let a = value.magnitude
        let p = a * s
        guard p < 0x1p52 else { return nil }
        let negative = value.sign == .minus
        // Below 0.25 the exact product is below 0.5 even after the rounding of `p`: zero.
        guard p >= 0.25 else { return (negative, 0) }
        let e = (-p).addingProduct(a, s)  // a·s − p, exactly
        let n = p.rounded(.down)
        let t = ((p - n) - 0.5) + e
        var k = UInt64(n)
        let halfUp = rule == .toNearestOrAwayFromZero || k & 1 == 1
        if t > 0 || (t == 0 && halfUp) { k += 1 }
        return (negative, k)
    }

    /// Hands `body` the UTF-8 text `[-]int.frac` of `scaled / 10^places`.
    private static func withDigits<R>(negative: Bool, scaled: UInt64, places: Int, trimmingZeros: Bool,
                                      _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        // 16 digits of a value below 2^52, a sign and a point fit in 24 bytes.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { buffer in
            var end = 24
            var v = scaled
            var fraction = places
            var skippingZeros = trimmingZeros
            while fraction > 0 {
                let digit = UInt8(v % 10)
                v /= 10
                fraction -= 1
                if skippingZeros && digit == 0 { continue }
                skippingZeros = false
                end -= 1
                buffer[end] = 0x30 + digit
            }
            if places > 0 && !skippingZeros {
                end -= 1
                buffer[end] = UInt8(ascii: ".")
            }
            repeat {
                end -= 1
                buffer[end] = 0x30 + UInt8(v % 10)
                v /= 10
            } while v > 0
            if negative {
                end -= 1
                buffer[end] = UInt8(ascii: "-")
            }
            return body(UnsafeBufferPointer(rebasing: buffer[end...]))
        }
    }
}
