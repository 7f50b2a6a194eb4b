import Foundation
import Hearth
import HearthTesting
import HTTPTypes
import Testing

/// X-Sendfile and X-Accel-Redirect from a hot handler: the same
/// `StaticFileSender` as a cold or warm script's (SendfileTests), through
/// `SiteBuilder.mount(_:handler:sendfileRoots:)`.
@Suite struct HotSendfileTests {
    static func naming(_ field: HTTPField.Name, _ value: String) -> HandlerFunction {
        HandlerFunction { _ in
            HearthResponse(headerFields: [field: value, .contentDisposition: "attachment; filename=report.txt"], body: .bytes(.init(string: "the handler's own body")))
        }
    }

    @Test func aHandlersFileGoesOutWithTheStaticRules() async throws {
        let downloads = try TemporaryDirectory()
        let file = try downloads.write("report.txt", "0123456789 a report\n")
        let capture = LogCapture()
        let site = try await CGITestSite.start(scripts: [:], builder: {
            $0.mount("/path", handler: Self.naming(HTTPField.Name("X-Sendfile")!, file), sendfileRoots: [downloads.path])
            $0.mount("/uri", handler: Self.naming(HTTPField.Name("X-Accel-Redirect")!, "/report.txt"), sendfileRoots: [downloads.path])
            $0.mount("/outside", handler: Self.naming(HTTPField.Name("X-Sendfile")!, "/etc/passwd"), sendfileRoots: [downloads.path])
            $0.mount("/unset", handler: Self.naming(HTTPField.Name("X-Sendfile")!, file))
        }, logger: capture.logger())
        let whole = try await site.get("/path")
        let range = try await site.get("/uri", headers: ["Range: bytes=0-9"])
        let outside = try await site.get("/outside")
        let unset = try await site.get("/unset")
        try await site.stop()
        #expect(whole.status == 200)
        #expect(whole.text == "0123456789 a report\n")
        #expect(whole.header("content-type")?.hasPrefix("text/plain") == true)
        #expect(whole.header("content-disposition") == "attachment; filename=report.txt", "the handler's other fields are kept")
        #expect(whole.header("x-sendfile") == nil, "the field never reaches the client")
        #expect(range.status == 206)
        #expect(range.text == "0123456789")
        #expect(range.header("x-accel-redirect") == nil)
        #expect(outside.status == 502)
        #expect(!outside.text.contains("root:"))
        #expect(unset.status == 502, "a mount without sendfile roots sends no file")
        #expect(!unset.text.contains("a report"))
        #expect(capture.records.contains { $0.message == "script's file refused" && $0.metadata["reason"]?.contains("outside the sendfile_roots") == true })
        #expect(capture.records.contains { $0.message.contains("its mount has no sendfile roots") })
    }
}
