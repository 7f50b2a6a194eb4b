import HearthStatic
import Testing

/// Which names are a template's source, never served as a file.
@Suite struct TemplateSourceTests {
    @Test(arguments: [
        ("hello.mustache", true),
        ("dir/hello.mustache", true),
        ("/abs/dir/hello.mustache", true),
        ("hello.MUSTACHE", true),
        ("hello.Mustache", true),
        ("hello.mustache.", true),
        ("hello.mustache. .", true),
        ("hello.mustache ", true),
        ("hello.mustache.txt", false),
        ("hello.mustach", false),
        ("mustache", false),
        ("hello", false),
        ("mustache/hello.html", false),
    ])
    func templateNames(name: String, isTemplate: Bool) {
        #expect(TemplateSource.isTemplate(name) == isTemplate)
    }
}
