import HearthStatic
import Testing

@Suite struct ContentTypesTests {
    @Test(arguments: [
        ("html", "text/html; charset=utf-8"),
        ("htm", "text/html; charset=utf-8"),
        ("css", "text/css; charset=utf-8"),
        ("js", "text/javascript; charset=utf-8"),
        ("mjs", "text/javascript; charset=utf-8"),
        ("txt", "text/plain; charset=utf-8"),
        ("json", "application/json"),
        ("svg", "image/svg+xml"),
        ("png", "image/png"),
        ("jpg", "image/jpeg"),
        ("webp", "image/webp"),
        ("wasm", "application/wasm"),
        ("woff2", "font/woff2"),
        ("mp3", "audio/mpeg"),
        ("gz", "application/gzip"),
        ("bin", "application/octet-stream"),
        ("xz", "application/x-xz"),
    ])
    func knownExtensionHasItsType(ext: String, type: String) {
        #expect(ContentTypes.forExtension(ext) == type)
    }

    @Test func extensionsMatchInAnyCase() {
        #expect(ContentTypes.forExtension("JPEG") == "image/jpeg")
        #expect(ContentTypes.forExtension("Html") == "text/html; charset=utf-8")
    }

    @Test func unknownExtensionHasNoType() {
        #expect(ContentTypes.forExtension("cgi") == nil)
        #expect(ContentTypes.forExtension("") == nil)
        #expect(ContentTypes.forExtension(".png") == nil)
    }

    @Test func textTypesDeclareUTF8() {
        for ext in ["html", "css", "js", "txt", "csv", "md"] {
            #expect(ContentTypes.forExtension(ext)?.hasSuffix("; charset=utf-8") == true, "\(ext)")
        }
    }
}
