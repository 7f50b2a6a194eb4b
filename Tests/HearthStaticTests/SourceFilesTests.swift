import HearthStatic
import Testing

/// Which names are a mapped script's source, never served as a file, in
/// every spelling a file system might open as the script (issue 23).
@Suite struct SourceFilesTests {
    static let sources = SourceFiles(scriptExtensions: ["php", "CGI"])

    @Test(arguments: [
        ("app.php", true),
        ("/srv/www/app.php", true),
        ("app.PHP", true),
        ("app.Php", true),
        ("app.php.", true),
        ("app.php. .", true),
        ("app.php ", true),
        ("app.php::$DATA", true),
        ("app.php:$DATA", true),
        ("app.php:stream", true),
        ("run.cgi", true),
        ("run.CGI", true),
        ("page.mustache", true),
        ("app.phps", false),
        ("app.php.txt", false),
        ("app.php~", false),
        ("php", false),
        ("app.php/logo.png", false),
        ("logo.png", false),
        ("a:b.png", false),
    ])
    func sourceNames(name: String, isSource: Bool) {
        #expect(Self.sources.contains(name) == isSource)
    }

    /// `contains` reads an ASCII name as bytes; it must answer as the
    /// Character reading of `extensions(of:)` does, which is what the
    /// router runs scripts by.
    @Test(arguments: [
        "app.php/", "dir/app.PHP//", "", "/", ".", "..", "app.", "app. php", "a:b.php", "a.php:b:c", "x.p hp", "app.php\r\n",
        "APP.MUSTACHE", "dir.php/x", "app.php. :x", ".php", "app..php", "app.php:", "é.php", "app.ph\u{301}p", "app.php.\u{301}",
        "ß.CGI", "run.cgi\u{600}.", "x/é/run.cgi",
    ])
    func bytesAndCharactersAgree(name: String) {
        let byCharacters = SourceFiles.extensions(of: name).contains(where: Self.sources.extensions.contains)
        #expect(Self.sources.contains(name) == byCharacters)
        #expect(Self.sources.contains(name[...]) == byCharacters)
    }
}
