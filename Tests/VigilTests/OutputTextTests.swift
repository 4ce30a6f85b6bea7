import Foundation
import Testing
@testable import Vigil

/// The byte-level JSON writer the output stage uses: numbers and strings must be what a
/// JSON parser reads back exactly.
struct OutputTextTests {
    static let values: [Double] = [0, 1, -1, 0.5, 0.03606, -0.40544, 2.4259, 123456.789, -0.00004, 0.99995, 1e-9, 9.99999, 1e14, -7.0005]

    @Test(arguments: [0, 1, 3, 4, 9])
    func fixedNumbersMatchTheRoundedValue(decimals: Int) throws {
        for v in Self.values {
            let b = TextBuffer(capacity: 16)
            b.fixed(v, decimals: decimals)
            let text = String(decoding: b.bytes, as: UTF8.self)
            let parsed = try #require(Double(text), "\(v) → \(text)")
            // The exact binary value rounded, as printf does it (-7.0005 is -7.000499…: -7 at 3
            // decimals, where rounding the product v × 1000 gives -7.001); exact halves, which
            // go away from zero here and to even in printf, are checked in DecimalTextTests.
            let scaled = abs(v) * pow(10.0, Double(decimals))
            let reference = try #require(Double(String(format: "%.\(decimals)f", v)))
            let exactHalf = scaled == scaled.rounded(.down) + 0.5
            #expect(exactHalf || abs(parsed - reference) <= 1e-9 * max(1, abs(v)), "\(v) with \(decimals) decimals → \(text)")
            #expect(!text.hasSuffix(".") && !(text.contains(".") && text.hasSuffix("0")), "trailing zeros dropped: \(text)")
            #expect(text != "-0", "no negative zero: \(v)")
        }
    }

    @Test func nonFiniteNumbersAreWrittenAsZero() {
        for v in [Double.nan, .infinity, -.infinity] {
            let b = TextBuffer(capacity: 4)
            b.fixed(v, decimals: 3)
            #expect(String(decoding: b.bytes, as: UTF8.self) == "0")
        }
    }

    @Test func hugeNumbersStayValidJSON() throws {
        let b = TextBuffer(capacity: 4)
        b.fixed(3.5e20, decimals: 2)
        let text = String(decoding: b.bytes, as: UTF8.self)
        #expect(try JSONSerialization.jsonObject(with: Data("[\(text)]".utf8), options: []) as? [Double] == [3.5e20])
    }

    @Test(arguments: ["", "plain", "quote \" and \\ backslash", "tab\tnew\nline\r", "\u{01}\u{1F}", "ünïcödé → ✓", String(repeating: "ab\"", count: 300)])
    func quotedStringsRoundTrip(text: String) throws {
        let b = TextBuffer(capacity: 8)
        b.quoted(text)
        #expect(b.bytes == JSONText.quotedBytes(text))
        let decoded = try JSONSerialization.jsonObject(with: Data(b.bytes), options: [.fragmentsAllowed]) as? String
        #expect(decoded == text)
    }
}
