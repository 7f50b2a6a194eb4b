import Foundation
import Hearth
import HearthStatic
import HearthTesting
import HearthWorkers
import Testing

/// Issue 23, part 4: a script answers with `X-Sendfile: /path` or
/// `X-Accel-Redirect: /uri` and the server sends that file with the static
/// rules; only files under the mount's `sendfile_roots` (never a script's
/// source), anything else 502 with a log line; the field never reaches the
/// client. In the one relay, so cold and warm alike.
@Suite("X-Sendfile and X-Accel-Redirect", .serialized)
struct SendfileTests {
    /// Names the file its query asks for, then writes a body that must be dropped.
    static let sender = """
        #!/bin/sh
        case "$QUERY_STRING" in
          path=*) printf 'X-Sendfile: %s\\r\\n' "${QUERY_STRING#path=}" ;;
          uri=*) printf 'X-Accel-Redirect: %s\\r\\n' "${QUERY_STRING#uri=}" ;;
        esac
        printf 'Content-Type: text/html\\r\\nContent-Disposition: attachment; filename="r.pdf"\\r\\n\\r\\nDROPPED BODY\\n'
        """

    static let phpSender = """
        <?php
        header('X-Sendfile: ' . $_GET['path']);
        header('Content-Disposition: attachment');
        echo "DROPPED BODY\\n";
        """

    static let report: [UInt8] = Array("%PDF-1.4\n".utf8) + (0..<2000).map { UInt8($0 % 251) }

    /// Compared apart from `#expect`, which would print both arrays.
    static func isReport(_ body: [UInt8]) -> Bool { body == report }

    struct Fixture {
        let root: TemporaryDirectory
        let downloads: TemporaryDirectory
        let elsewhere: TemporaryDirectory
        var report: String { downloads.path + "/report.pdf" }
    }

    static func fixture() throws -> Fixture {
        let root = try TemporaryDirectory()
        try root.write("dl.cgi", sender, mode: 0o755)
        try root.write("dl.php", phpSender)
        let downloads = try TemporaryDirectory()
        try downloads.write("report.pdf", report)
        try downloads.write("config.php", "<?php // SENDFILE-SECRET\n")
        let elsewhere = try TemporaryDirectory()
        try elsewhere.write("secret.txt", "SENDFILE-SECRET\n")
        return Fixture(root: root, downloads: downloads, elsewhere: elsewhere)
    }

    static func start(_ fixture: Fixture, capture: LogCapture, warm: Bool = false) async throws -> CGITestSite {
        try await CGITestSite.start(scripts: ["plain.cgi": sender], site: { configuration in
            var files = StaticFilesConfiguration(urlPath: "/", root: fixture.root.path)
            files.scripts = ["cgi": .cgi, "php": warm ? .fastCGI("php") : .interpreter("/usr/bin/php-cgi")]
            files.sendfileRoots = [fixture.downloads.path]
            configuration.staticMounts = [files]
            if warm { configuration.fastCGIMounts = [DocumentRootTests.phpPool] }
        }, logger: capture.logger())
    }

    @Test("the named file goes out with the static rules; the field and the script's body do not")
    func sendsTheFile() async throws {
        let fixture = try Self.fixture()
        let site = try await Self.start(fixture, capture: LogCapture())
        try await site.whileServing { site in
            let whole = try await site.get("/dl.cgi?path=\(fixture.report)")
            #expect(whole.status == 200)
            #expect(Self.isReport(whole.body), "\(whole.body.count) bytes")
            #expect(whole.header("Content-Type") == "application/pdf")
            #expect(whole.header("Content-Disposition") == "attachment; filename=\"r.pdf\"")
            #expect(whole.header("X-Sendfile") == nil)
            let etag = try #require(whole.header("ETag"))
            let part = try await site.get("/dl.cgi?path=\(fixture.report)", headers: ["Range: bytes=2-9"])
            #expect(part.status == 206)
            #expect(part.body == Array(Self.report[2...9]), "\(part.body.count) bytes")
            #expect(try await site.get("/dl.cgi?path=\(fixture.report)", headers: ["If-None-Match: \(etag)"]).status == 304)
            let accel = try await site.get("/dl.cgi?uri=/report.pdf")
            #expect(accel.status == 200 && Self.isReport(accel.body), "\(accel.statusLine), \(accel.body.count) bytes")
            #expect(accel.header("X-Accel-Redirect") == nil)
            #expect(!accel.text.contains("DROPPED BODY"))
        }
    }

    @Test("a pool's X-Sendfile is sent the same way (php-cgi, warm)")
    func warm() async throws {
        let fixture = try Self.fixture()
        let site = try await Self.start(fixture, capture: LogCapture(), warm: true)
        try await site.whileServing { site in
            let response = try await site.get("/dl.php?path=\(fixture.report)")
            #expect(response.status == 200)
            #expect(Self.isReport(response.body), "\(response.body.count) bytes")
            #expect(response.header("Content-Type") == "application/pdf")
            #expect(response.header("X-Sendfile") == nil)
        }
    }

    @Test("a file outside the sendfile_roots, or a script's source in them, is a 502 with a log line")
    func refused() async throws {
        let fixture = try Self.fixture()
        let capture = LogCapture()
        let site = try await Self.start(fixture, capture: capture)
        let refused = [
            fixture.elsewhere.path + "/secret.txt", fixture.downloads.path + "/../" + (fixture.elsewhere.path as NSString).lastPathComponent + "/secret.txt",
            fixture.downloads.path + "/config.php", "/etc/passwd", "relative.pdf", fixture.downloads.path + "/missing.pdf",
        ]
        try await site.whileServing { site in
            for path in refused {
                let response = try await site.get("/dl.cgi?path=\(path)")
                #expect(response.status == 502, "\(path)")
                #expect(!response.text.contains("SENDFILE-SECRET"), "\(path)")
                #expect(response.header("X-Sendfile") == nil)
            }
            #expect(try await site.get("/dl.cgi?uri=/../x").status == 502)
            #expect(try await site.get("/dl.cgi?uri=/config.php").status == 502)
        }
        #expect(capture.records.filter { $0.message == "script's file refused" }.count == refused.count + 2)
        #expect(capture.records.contains { $0.message == "script's file refused" && $0.metadata["field"] == "X-Sendfile: /etc/passwd" })
    }

    @Test("a mount without sendfile_roots answers X-Sendfile with 502, never passing the field on")
    func mountWithoutRoots() async throws {
        let fixture = try Self.fixture()
        let capture = LogCapture()
        let site = try await Self.start(fixture, capture: capture)
        try await site.whileServing { site in
            let response = try await site.get("/cgi-bin/plain.cgi?path=\(fixture.report)")
            #expect(response.status == 502)
            #expect(response.header("X-Sendfile") == nil)
            #expect(!response.text.contains("DROPPED BODY"))
        }
        #expect(capture.records.contains { $0.message == "script named a file to send; its mount has no sendfile_roots" })
    }
}
