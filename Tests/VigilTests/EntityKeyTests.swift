import Testing
import Vigil

struct EntityKeyTests {
    @Test func normalisesCaseSpaceAndTrailingDots() {
        #expect(EntityKey(.host, " WS-042.Corp.Example. ") == EntityKey(.host, "ws-042.corp.example"))
        #expect(EntityKey(.fileHash, "ABCDEF") == EntityKey(.fileHash, "abcdef"))
        #expect(EntityKey(.url, "https://x.example/A")?.value == "https://x.example/A")
        #expect(EntityKey(.user, "   ") == nil)
        #expect(EntityKey(.user, "\u{00A0}bob\u{00A0}")?.value == "bob", "non-ASCII white space is trimmed too")
        #expect(EntityKey(.ip, "2001:DB8::0:1") == EntityKey(.ip, "2001:db8::1"))
        #expect(EntityKey(.ip, " 10.0.0.1\t")?.value == "10.0.0.1")
    }
}

struct SHA256Tests {
    @Test func matchesKnownDigests() {
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        var h = SHA256()
        h.update("a")
        h.update("bc")
        #expect(h.hexDigest() == SHA256.hex("abc"))
    }
}
