import Foundation
import HearthTesting
import Logging
import Testing

/// One relay for every door (issue 23, "Structure"): the same program
/// answers the same output cold (`contract.cgi`, a process per request) and
/// warm (`contract.fcgi`, a pooled CGI::Fast worker), and the client must
/// not be able to tell which door it came through. Each case once drifted
/// between the gateway's relay and the pools'.
@Suite("The script relay's contract, cold and warm", .serialized)
struct RelayContractTests {
    enum Door: String, CaseIterable, CustomTestStringConvertible {
        case cold = "contract.cgi"
        case warm = "contract.fcgi"
        var testDescription: String { "\(self)" }
        var path: String { "/cgi-bin/\(rawValue)" }
    }

    /// CGI::Fast runs once as a plain CGI program when stdin is no FastCGI
    /// socket, and as a worker in a pool when it is: one text, two doors.
    static let program = #"""
        #!/usr/bin/perl
        use strict;
        use warnings;
        use CGI::Fast;
        # Not autoflushed: a worker's answer leaves at the end of the request,
        # in one write with FCGI_END_REQUEST, as a small answer usually does.
        while (my $q = CGI::Fast->new) {
            my $case = ($ENV{QUERY_STRING} // '') =~ /case=(\w+)/ ? $1 : 'page';
            my $block = 'x' x 65536;
            if ($case eq 'page') {
                print "Content-Type: text/plain\r\nX-Case: page\r\n\r\n";
                # RFC 3875 §4.3.3: no body for HEAD.
                print "page of $ENV{SCRIPT_NAME}\n" unless $ENV{REQUEST_METHOD} eq 'HEAD';
            } elsif ($case eq 'interim') {
                print "Status: 103 Early Hints\r\nContent-Type: text/plain\r\n\r\nnot final\n";
            } elsif ($case eq 'malformed') {
                print "Content-Type text/plain\r\n\r\nno colon\n";
            } elsif ($case eq 'redirect') {
                print "Location: $ENV{SCRIPT_NAME}?case=page\r\n\r\n";
            } elsif ($case eq 'flood') {
                print "Content-Type: application/octet-stream\r\n\r\n";
                print $block for 1..128;
            } elsif ($case eq 'dies') {
                print "Content-Type: application/octet-stream\r\n\r\n";
                print $block for 1..64;
                kill 'KILL', $$;
            } elsif ($case eq 'slow') {
                sleep 30;
                print "Content-Type: text/plain\r\n\r\ntoo late\n";
            } elsif ($case eq 'diesearly') {
                $| = 1;
                print "Content-Type: text/plain\r\n\r\npartial\n";
                kill 'KILL', $$;
            }
        }
        """#

    /// 64 KiB: far below the 8 MiB `flood` writes.
    static let cap = 65536

    private func withSite(maxOutput: Int? = nil, logger: Logger = TestLog.logger("hearth.test"), _ body: (CGITestSite) async throws -> Void) async throws {
        let site = try await CGITestSite.start(
            scripts: [Door.cold.rawValue: Self.program, Door.warm.rawValue: Self.program],
            mount: { $0.maxOutputBytes = maxOutput }, site: { $0.scriptPools = testPool() }, logger: logger)
        try await site.whileServing(body)
    }

    /// Everything the server sent for one request on its own connection
    /// (asking it to close), split into head and what followed.
    private func exchange(_ site: CGITestSite, _ door: Door, method: String = "GET", case name: String) async throws -> (head: String, rest: [UInt8]) {
        let connection = try RawConnection(port: site.port)
        defer { connection.close() }
        try await connection.send("\(method) \(door.path)?case=\(name) HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        let bytes = try await connection.readToEnd()
        let marker = Array("\r\n\r\n".utf8)
        let end = try #require((0...(max(0, bytes.count - 4))).first { bytes[$0..<min(bytes.count, $0 + 4)].elementsEqual(marker) }, "no head in \(bytes.count) bytes")
        return (String(decoding: bytes[..<end], as: UTF8.self), Array(bytes[(end + 4)...]))
    }

    /// A chunked body that stops without its last chunk: cut off.
    private func endsWithLastChunk(_ rest: [UInt8]) -> Bool {
        String(decoding: rest.suffix(5), as: UTF8.self) == "0\r\n\r\n"
    }

    @Test("a plain page answers the same", arguments: Door.allCases)
    func page(_ door: Door) async throws {
        try await withSite { site in
            let response = try await site.get(door.path)
            #expect(response.status == 200)
            #expect(response.text == "page of \(door.path)\n")
        }
    }

    /// RFC 9110 §9.3.2: the head a GET would get, and no body. The warm
    /// relay once invented `Content-Length: 0` from a script that rightly
    /// wrote no body for HEAD (§4.3.3).
    @Test("HEAD gets the head, no body, and no length counted from the missing body", arguments: Door.allCases)
    func head(_ door: Door) async throws {
        try await withSite { site in
            let (head, rest) = try await exchange(site, door, method: "HEAD", case: "page")
            #expect(head.hasPrefix("HTTP/1.1 200 "))
            #expect(head.contains("X-Case: page\r\n"))
            #expect(!head.lowercased().contains("content-length: 0"), "\(head)")
            #expect(rest.isEmpty, "\(rest.count) body bytes after a HEAD answer")
        }
    }

    /// SECURITY.md, "runaway output": `max_output` caps warm answers as it
    /// caps cold ones (the pools once had no cap at all).
    @Test("max_output cuts a streamed body off, the same way", arguments: Door.allCases)
    func outputCap(_ door: Door) async throws {
        try await withSite(maxOutput: Self.cap) { site in
            let (head, rest) = try await exchange(site, door, case: "flood")
            #expect(head.hasPrefix("HTTP/1.1 200 "))
            #expect(rest.count <= Self.cap + 65536, "\(rest.count) bytes went out under a \(Self.cap)-byte cap")
            let whole = endsWithLastChunk(rest)
            #expect(!whole, "no last chunk")
        }
    }

    /// RFC 9110 §15.2: an interim status cannot end a response.
    @Test("a 1xx Status is a bad gateway", arguments: Door.allCases)
    func interimStatus(_ door: Door) async throws {
        try await withSite { site in
            let status = try await site.get("\(door.path)?case=interim").status
            #expect(status == 502)
        }
    }

    @Test("a malformed head is a bad gateway", arguments: Door.allCases)
    func malformedHead(_ door: Door) async throws {
        try await withSite { site in
            let status = try await site.get("\(door.path)?case=malformed").status
            #expect(status == 502)
        }
    }

    /// RFC 3875 §6.2.2: the server answers the local URL instead.
    @Test("a local redirect is followed", arguments: Door.allCases)
    func localRedirect(_ door: Door) async throws {
        try await withSite { site in
            let response = try await site.get("\(door.path)?case=redirect")
            #expect(response.status == 200)
            #expect(response.header("Location") == nil)
            #expect(response.text == "page of \(door.path)\n")
        }
    }

    /// A script killed (a limit, a crash) or a worker that dies in the
    /// middle of its body: the response is cut off, never ended as if it
    /// were whole.
    @Test("a body cut off by the script's death is cut off", arguments: Door.allCases)
    func diesMidBody(_ door: Door) async throws {
        try await withSite { site in
            let (head, rest) = try await exchange(site, door, case: "dies")
            #expect(head.hasPrefix("HTTP/1.1 200 "))
            #expect(head.contains("Transfer-Encoding: chunked"))
            let whole = endsWithLastChunk(rest)
            #expect(!whole, "no last chunk")
        }
    }

    /// The same death after a short body, which is usually all in hand when
    /// the head is read: the cold relay once sent it whole, with a
    /// `Content-Length`, as if the script had finished.
    @Test("a short answer whose script then dies is never a whole 200", arguments: Door.allCases)
    func diesAfterShortBody(_ door: Door) async throws {
        try await withSite { site in
            let (head, rest) = try await exchange(site, door, case: "diesearly")
            if head.hasPrefix("HTTP/1.1 200 ") {
                #expect(!head.lowercased().contains("content-length"), "\(head)")
                let whole = endsWithLastChunk(rest)
            #expect(!whole, "no last chunk")
            } else {
                #expect(head.hasPrefix("HTTP/1.1 502 "), "\(head)")
            }
        }
    }

    /// SECURITY.md: a client that disconnects stops the work done for it,
    /// cold (the script's process group) and warm (FCGI_ABORT_REQUEST),
    /// logged as 499, long before the script would have answered. A
    /// half-close is the same FIN on the wire (docs/http1.md).
    @Test("a client that leaves before the answer stops the work for it", arguments: Door.allCases, [false, true])
    func clientLeaves(_ door: Door, halfClose: Bool) async throws {
        let capture = LogCapture()
        try await withSite(logger: capture.logger()) { site in
            let connection = try RawConnection(port: site.port)
            defer { connection.close() }
            try await connection.send("GET \(door.path)?case=slow HTTP/1.1\r\nHost: t\r\n\r\n")
            if halfClose { connection.shutdownWrite() } else { connection.close() }
            #expect(await Processes.eventually(seconds: 20) { capture.records.contains { $0.metadata["status"] == "499" } }, "\(capture.records.map(\.message))")
        }
    }
}
