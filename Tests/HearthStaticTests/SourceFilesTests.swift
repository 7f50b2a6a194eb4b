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
}
