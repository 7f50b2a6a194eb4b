import HearthStatic

/// What a template says about its own response, in Mustache comments at
/// its very start (before any other text or tag), which render as nothing:
///
///     {{! Cache-Control: max-age=300 }}
///
/// Only `Cache-Control` is read: a page is dynamic, so `no-cache` is the
/// default, and a template that renders the same for everyone may say so.
/// Other comments are comments.
struct PageDirectives: Equatable, Sendable {
    var cacheControl: String?

    static func parse(_ source: String, file: String) throws(PageError) -> PageDirectives {
        var directives = PageDirectives()
        var rest = source[...].drop { $0.isWhitespace }
        while rest.hasPrefix("{{!"), let end = rest.firstRange(of: "}}") {
            let comment = rest[rest.index(rest.startIndex, offsetBy: 3)..<end.lowerBound]
            if let colon = comment.firstIndex(of: ":"), comment[..<colon].trimmingSpaces.lowercased() == "cache-control" {
                let value = comment[comment.index(after: colon)...].trimmingSpaces
                guard !value.isEmpty, value.utf8.allSatisfy({ (0x20...0x7E).contains($0) }) else {
                    let line = 1 + source[..<comment.startIndex].count { $0 == "\n" }
                    throw PageError(file: file, line: line, problem: .badDirective("Cache-Control: a field value is visible ASCII text"))
                }
                directives.cacheControl = String(value)
            }
            rest = rest[end.upperBound...].drop { $0.isWhitespace }
        }
        return directives
    }
}
