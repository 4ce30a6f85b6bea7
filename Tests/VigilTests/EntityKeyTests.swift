import Testing
import Vigil

struct EntityKeyTests {
    @Test func normalisesCaseSpaceAndTrailingDots() {
        #expect(EntityKey(.host, " WS-042.Corp.Example. ") == EntityKey(.host, "ws-042.corp.example"))
        #expect(EntityKey(.fileHash, "ABCDEF") == EntityKey(.fileHash, "abcdef"))
        #expect(EntityKey(.url, "https://x.example/A")?.value == "https://x.example/A")
        #expect(EntityKey(.user, "   ") == nil)
    }
}
