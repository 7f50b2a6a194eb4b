import Foundation
import Guestbook
import Hearth
import HearthTesting
import Testing

// docs/migrating.md, step 4: the `main.swift` of "your own package",
// compiled here with the same imports (its top-level code as a function's
// body, never called). `theOwnPackageExampleCompilesAsWritten` fails if the
// doc and this drift apart. Change both together.

// docs: own-package
func ownPackageMain() async throws {
    let guestbook = Guestbook(file: "/tmp/tut/guestbook.txt")
    var site = SiteBuilder(configuration: try ConfigurationFile.load(path: "hearth.yaml"))
    site.mount("/guestbook", handler: guestbook, warmUp: {
        _ = try guestbook.store.entries()   // runs before the server accepts traffic
    })
    await site.serveProgram()               // --port N, --help; SIGTERM/SIGINT: in-flight requests finish
}
// docs: end

@Suite("docs/migrating.md, step 4")
struct MigratingDocTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func text(_ path: String) throws -> String {
        try String(contentsOf: repository.appendingPathComponent(path), encoding: .utf8)
    }

    /// The ```swift block that follows `marker` in the doc.
    static func block(after marker: String, in doc: String) throws -> [String] {
        let rest = try #require(doc.range(of: marker).map { doc[$0.upperBound...] })
        let start = try #require(rest.range(of: "```swift\n"))
        let end = try #require(rest[start.upperBound...].range(of: "\n```"))
        return rest[start.upperBound..<end.lowerBound].split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    @Test func theOwnPackageExampleCompilesAsWritten() throws {
        let doc = try Self.block(after: "and write its `main.swift`:", in: Self.text("docs/migrating.md"))
        let source = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
        let compiled = try #require(source.components(separatedBy: "// docs: own-package\n").last?.components(separatedBy: "\n// docs: end").first)
        let body = compiled.split(separator: "\n").dropFirst().dropLast().map { String($0.dropFirst(4)) }
        let imports = doc.filter { $0.hasPrefix("import ") }
        #expect(imports == ["import Guestbook", "import Hearth"], "this file imports what the doc imports")
        #expect(Array(doc.drop { $0.hasPrefix("import ") || $0.isEmpty }) == body)
    }

    /// `import Guestbook` in a package of one's own needs a product of
    /// that name: every module the example imports, and every product its
    /// manifest snippet names, is a library product of Package.swift.
    @Test func everyModuleTheDocImportsIsALibraryProduct() throws {
        let manifest = try Self.text("Package.swift")
        let doc = try Self.text("docs/migrating.md")
        let products = try Self.block(after: "## 4. Hot", in: doc).compactMap { line -> String? in
            guard let range = line.range(of: #"\.product\(name: "([A-Za-z]+)""#, options: .regularExpression) else { return nil }
            return String(line[range].dropFirst(".product(name: \"".count).dropLast())
        }
        let imported = try Self.block(after: "and write its `main.swift`:", in: doc).filter { $0.hasPrefix("import ") }.map { String($0.dropFirst(7)) }
        #expect(products == ["Hearth", "Guestbook"])
        for module in Set(products + imported) {
            #expect(manifest.contains(".library(name: \"\(module)\""), "\(module) is no library product: a user's package cannot import it")
        }
    }
}
