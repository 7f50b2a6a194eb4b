import Foundation
import Hearth
import HearthHTTP
import HearthTesting
import Testing

/// Every request's id (issue 24): made by the server unless a trusted
/// proxy sent one, returned in `X-Request-Id`, passed to scripts as
/// `UNIQUE_ID` and `HTTP_X_REQUEST_ID`, in the access log and in every
/// error-log record about the request.
@Suite struct RequestIDTests {
    static let ids = "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n'\necho \"UNIQUE_ID=$UNIQUE_ID HTTP_X_REQUEST_ID=$HTTP_X_REQUEST_ID\"\n"
    static let failing = "#!/bin/sh\necho \"went wrong\" >&2\nexit 2\n"

    /// A client's own `X-Request-Id` (one field or two) never reaches the
    /// script, the log or the response: the server's id replaces it.
    @Test func anUntrustedClientsIDIsReplaced() async throws {
        let site = try await CGITestSite.start(scripts: ["ids": Self.ids])
        try await site.whileServing { site in
            var seen: Set<String> = []
            for forged in [[], ["X-Request-Id: forged"], ["X-Request-Id: a", "X-Request-Id: b"]] {
                let response = try await site.get("/cgi-bin/ids", headers: forged)
                let id = try #require(response.header("x-request-id"))
                #expect(id.wholeMatch(of: #/[A-Za-z0-9_-]{16}/#) != nil, "\(id)")
                #expect(response.text == "UNIQUE_ID=\(id) HTTP_X_REQUEST_ID=\(id)\n")
                #expect(response.headers.filter { $0.name.lowercased() == "x-request-id" }.count == 1)
                seen.insert(id)
            }
            #expect(seen.count == 3)
        }
    }

    /// From a peer in `trusted_proxies`, an acceptable id is kept; an
    /// unacceptable one (a space, or two fields) is still replaced.
    @Test func aTrustedProxysIDIsKept() async throws {
        let site = try await CGITestSite.start(scripts: ["ids": Self.ids], site: { $0.server.trustedProxies = [IPNetwork(cidr: "127.0.0.0/8")!] })
        try await site.whileServing { site in
            let kept = try await site.get("/cgi-bin/ids", headers: ["X-Request-Id: 4bf92f35-77b3-4da6-a3ce-929d0e0e4736"])
            #expect(kept.header("x-request-id") == "4bf92f35-77b3-4da6-a3ce-929d0e0e4736")
            #expect(kept.text == "UNIQUE_ID=4bf92f35-77b3-4da6-a3ce-929d0e0e4736 HTTP_X_REQUEST_ID=4bf92f35-77b3-4da6-a3ce-929d0e0e4736\n")
            for refused in [["X-Request-Id: two words"], ["X-Request-Id: a", "X-Request-Id: b"]] {
                let response = try await site.get("/cgi-bin/ids", headers: refused)
                let id = try #require(response.header("x-request-id"))
                #expect(id.wholeMatch(of: #/[A-Za-z0-9_-]{16}/#) != nil, "\(id)")
                #expect(response.text == "UNIQUE_ID=\(id) HTTP_X_REQUEST_ID=\(id)\n")
            }
        }
    }

    /// A proxy outside the list is a client like any other.
    @Test func aProxyOutsideTheListIsNotTrusted() async throws {
        let site = try await CGITestSite.start(scripts: ["ids": Self.ids], site: { $0.server.trustedProxies = [IPNetwork(cidr: "10.0.0.0/8")!] })
        try await site.whileServing { site in
            let response = try await site.get("/cgi-bin/ids", headers: ["X-Request-Id: from-outside"])
            #expect(response.header("x-request-id") != "from-outside")
            #expect(!response.text.contains("from-outside"))
        }
    }

    /// The failed run's record carries the id, its stderr line too, and
    /// the access line (`%{UNIQUE_ID}e`, `%{X-Request-Id}i`) the same id.
    @Test func logsNameTheRequest() async throws {
        let capture = LogCapture()
        let log = MemoryAccessLog()
        let site = try await CGITestSite.start(
            scripts: ["failing": Self.failing], site: { $0.accessLogFormat = try! AccessLogFormat(parsing: "%{UNIQUE_ID}e %{X-Request-Id}i %>s") },
            accessLog: log, logger: capture.logger()
        )
        let response = try await site.get("/cgi-bin/failing", headers: ["X-Request-Id: forged"])
        try await site.stop()
        let id = try #require(response.header("x-request-id"))
        #expect(log.entries == ["\(id) \(id) 500"])
        let stderrLine = try #require(capture.records.first { $0.message == "went wrong" })
        #expect(stderrLine.metadata[RequestID.metadataKey] == id)
        let exited = try #require(capture.records.first { $0.message == "script exited" })
        #expect(exited.metadata[RequestID.metadataKey] == id)
        #expect(capture.records.filter { $0.metadata["status"] == "500" }.allSatisfy { $0.metadata[RequestID.metadataKey] == id })
        #expect(!capture.records.contains { $0.metadata.values.contains("forged") })
    }

    /// A request the server cannot read still gets an id, in its answer.
    @Test func aMalformedRequestGetsAnIDToo() async throws {
        let site = try await CGITestSite.start(scripts: [:])
        try await site.whileServing { site in
            let response = try await site.request("GET /x HTTP/1.1\r\nHost: t\r\nBad Header\r\n\r\n")
            #expect(response.status == 400)
            #expect(response.header("x-request-id")?.count == 16)
        }
    }
}
