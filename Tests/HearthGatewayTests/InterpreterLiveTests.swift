import Foundation
import HearthTesting
import Testing

/// Interpreters by extension (Apache's Action/AddHandler): a real php-cgi
/// runs a non-executable .php file.
@Suite struct InterpreterLiveTests {
    static let phpCGI = "/usr/bin/php-cgi"

    /// php-cgi (Debian's php-cgi package, installed by .ci/run) is a real
    /// peer here: not skipped when missing, since a skipped test proves nothing.
    @Test func phpRunsThroughPhpCGI() async throws {
        let page = "<?php header('X-From: php'); echo 'sum=' . (1 + 2) . ' q=' . $_GET['q'] . ' status=' . getenv('REDIRECT_STATUS');\n"
        let site = try await CGITestSite.start(scripts: ["page.php": page], modes: ["page.php": 0o644], mount: {
            $0.interpreters = ["php": Self.phpCGI]
        })
        let response = try await site.get("/cgi-bin/page.php?q=hearth")
        #expect(response.status == 200)
        #expect(response.header("x-from") == "php")
        #expect(response.text == "sum=3 q=hearth status=200")
        try await site.stop()
    }

    @Test func nonExecutableFileWithoutInterpreterIsForbidden() async throws {
        let site = try await CGITestSite.start(scripts: ["page.php": "<?php echo 1;"], modes: ["page.php": 0o644])
        let response = try await site.get("/cgi-bin/page.php")
        #expect(response.status == 403)
        #expect(!response.text.contains("<?php"))
        try await site.stop()
    }

    @Test func interpreterGetsTheScriptPathAsItsArgument() async throws {
        let site = try await CGITestSite.start(scripts: ["hello.sh": "printf 'Content-Type: text/plain\\n\\nvia sh %s\\n' \"$0\"\n"], modes: ["hello.sh": 0o644], mount: {
            $0.interpreters = ["sh": "/bin/sh"]
        })
        let response = try await site.get("/cgi-bin/hello.sh")
        #expect(response.text == "via sh \(site.scriptDirectory)/hello.sh\n")
        try await site.stop()
    }
}
