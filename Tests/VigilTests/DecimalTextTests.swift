import Foundation
import Testing
@testable import Vigil
import VigilEngine

/// `DecimalText` against Foundation's `String(format:)`, which it replaces in reasons and
/// explanations: the text must be the same for every value, ties and signs included.
struct DecimalTextTests {
    /// Values where fixed-point rounding goes wrong when done naively: exact binary ties
    /// (0.125, 2.5), near-ties that are not ties in binary (0.0005, 1.005), values just
    /// below a carry (0.9995, 9.9995), signs that survive rounding to zero, subnormals, the
    /// edges of the fast range, and what the fast range hands to Foundation.
    static let edges: [Double] = {
        var v: [Double] = [0, -0.0, 0.5, -0.5, 1.5, 2.5, 3.5, 0.125, 0.375, 0.625, 0.0625, 0.1875, 0.0005, 0.0015, 0.0025,
                           1.005, 2.675, 0.9995, 9.9995, 99.995, 0.4999999999999999, 0.5000000000000001, 0.25, 0.24999999999999997,
                           -0.0001, -0.0004, -0.0005, -0.0006, -1e-300, 1e-300, .leastNonzeroMagnitude, .leastNormalMagnitude, 0.1, 0.2, 0.3, 0.7, 0.9,
                           0.036, 0.0365, 0.85, 0.6, 1, 100, 123.456, 0x1p52 / 1000, 0x1p52 / 1000 + 0.5, 0x1p52 - 1, 0x1p52, 0x1p53 + 2,
                           4.5e12, 4.6e12, 1e15, 1e15 + 0.5, 1e16, 1e300, -1e300, .greatestFiniteMagnitude, .infinity, -.infinity, .nan,
                           0.1 + 0.2, 1 / 3, 2 / 3, -2 / 3]
        // Exact ties at each precision: (2n + 1) / 2^k that are also x.5 at 10^-p.
        for k in 1...12 { v.append(Double(2 * k + 1) / 8); v.append(Double(2 * k + 1) / 16); v.append(Double(2 * k + 1) / 1024) }
        return v
    }()

    /// Float confidences and similarities as the recommender formats them (×100, %.0f; %.2f).
    static let floats: [Double] = {
        var g = SeededRandom(seed: 7)
        var v: [Double] = []
        for _ in 0..<5000 {
            let f = Float(g.unit())
            v.append(Double(f))
            v.append(Double(f) * 100)
        }
        for i in 0...1000 { v.append(Double(Float(i) / 1000)); v.append(Double(Float(i) / 1000) * 100) }
        return v
    }()

    static let randoms: [Double] = {
        var g = SeededRandom(seed: 11)
        return (0..<20_000).map { i in
            switch i % 4 {
            case 0: return g.unit() * 4 - 2
            case 1: return (g.unit() - 0.5) * 2e6
            case 2: return Double(Int(g.unit() * 1_000_000)) / 1000 + (g.unit() < 0.5 ? 0.0005 : 0)
            default: return Double(bitPattern: g.next() & 0x7FFF_FFFF_FFFF_FFFF)  // any finite or not
            }
        }
    }()

    @Test(arguments: 0...DecimalText.maximumPlaces)
    func fixedMatchesFoundation(places: Int) {
        for v in Self.edges + Self.floats + Self.randoms {
            #expect(DecimalText.fixed(v, places: places) == String(format: "%.\(places)f", v), "\(v) at \(places) places")
        }
    }

    @Test func moreDecimalsThanTheFastPathTakeGoToFoundation() {
        let places = DecimalText.maximumPlaces + 1
        for v in [0.1, 1.0 / 3, -2.5, 1e-20] {
            #expect(DecimalText.fixed(v, places: places) == String(format: "%.\(places)f", v))
        }
    }

    /// The JSON output's numbers (`TextBuffer.fixed`) are the same digits with trailing
    /// zeros dropped and no negative zero, except that exact halves go away from zero.
    @Test(arguments: [0, 3, 4, 9])
    func jsonNumbersArePrintfDigitsTrimmed(places: Int) {
        for v in Self.edges + Self.floats + Self.randoms + OutputTextTests.values where v.isFinite && abs(v) < 1e15 {
            let scaled = abs(v) * pow(10, Double(places))
            if scaled == scaled.rounded(.down) + 0.5 { continue }  // an exact half (when exact)
            var expected = String(format: "%.\(places)f", v)
            if expected.contains(".") {
                while expected.hasSuffix("0") { expected.removeLast() }
                if expected.hasSuffix(".") { expected.removeLast() }
            }
            if expected == "-0" { expected = "0" }
            #expect(jsonNumber(v, places: places) == expected, "\(v) at \(places) places")
        }
    }

    @Test func jsonNumbersRoundExactHalvesAwayFromZero() {
        #expect(jsonNumber(0.5, places: 0) == "1")
        #expect(jsonNumber(2.5, places: 0) == "3")
        #expect(jsonNumber(-2.5, places: 0) == "-3")
        #expect(jsonNumber(0.0625, places: 3) == "0.063")
        #expect(jsonNumber(-0.0625, places: 3) == "-0.063")
        #expect(jsonNumber(0.03125, places: 4) == "0.0313")
        #expect(jsonNumber(2.675, places: 2) == "2.67", "2.675 is stored as 2.67499999…: not a half")
        #expect(jsonNumber(-0.00004, places: 4) == "0")
        #expect(jsonNumber(-0.0, places: 3) == "0")
    }

    private func jsonNumber(_ v: Double, places: Int) -> String {
        let b = TextBuffer(capacity: 32)
        b.fixed(v, decimals: places)
        return String(decoding: b.bytes, as: UTF8.self)
    }

    @Test func thresholdTextMatchesTheFormatterItReplaced() {
        for v in Self.edges + Self.floats + Self.randoms {
            let expected = referenceThresholdText(v)
            #expect(DecimalText.threshold(v) == expected, "\(v)")
            #expect(thresholdText(v) == expected, "\(v)")
        }
        #expect(DecimalText.threshold(0.9) == "0.9")
        #expect(DecimalText.threshold(0.875) == "0.875")
        #expect(DecimalText.threshold(3) == "3")
        #expect(DecimalText.threshold(0.0365) == "0.036", "0.0365 is stored as 0.03649999…")
        #expect(DecimalText.fixed(2.675, places: 2) == "2.67")
        #expect(DecimalText.fixed(0.125, places: 2) == "0.12", "an exact half goes to even")
        #expect(DecimalText.threshold(-0.0001) == "-0")
        #expect(DecimalText.threshold(.nan) == "NaN")
    }

    @Test func appendingAddsToWhatIsThere() {
        var s = "confidence "
        DecimalText.appendThreshold(0.25, to: &s)
        s += " × "
        DecimalText.appendFixed(99.5, places: 0, to: &s)
        #expect(s == "confidence 0.25 × 100")
    }
}

/// Seeded draws for generated test cases (VigilEngine's SplitMix64), the same in every run.
struct SeededRandom {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 { SplitMix64.next(&state) }

    /// Uniform in [0, 1), all 53 bits.
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    mutating func chance(_ p: Double) -> Bool { unit() < p }
}
