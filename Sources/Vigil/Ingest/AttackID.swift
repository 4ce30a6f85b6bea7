/// MITRE ATT&CK identifier syntax (names are optional metadata and are not checked).
public enum AttackID {
    /// True for a technique `T1234` or sub-technique `T1234.001`. O(1).
    public static func isTechnique(_ id: some StringProtocol) -> Bool {
        let u = Array(id.utf8)
        guard u.count == 5 || u.count == 9, u[0] == UInt8(ascii: "T"), digits(u[1..<5]) else { return false }
        return u.count == 5 || (u[5] == UInt8(ascii: ".") && digits(u[6..<9]))
    }

    /// True for a tactic `TA0001`. O(1).
    public static func isTactic(_ id: some StringProtocol) -> Bool {
        let u = Array(id.utf8)
        return u.count == 6 && u[0] == UInt8(ascii: "T") && u[1] == UInt8(ascii: "A") && digits(u[2..<6])
    }

    private static func digits(_ s: ArraySlice<UInt8>) -> Bool {
        s.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}
