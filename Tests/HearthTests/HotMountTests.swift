import Foundation
import Hearth
import HearthTesting
import Logging
import NIOCore
import Synchronization
import Testing

/// Swift handlers mounted in-process: preloaded by their warm-up before the
/// server accepts traffic, keeping state across requests, with the same
/// meta-variables a script at that mount would see.
@Suite struct HotMountTests {
    /// State the warm-up fills and every request reads and changes.
    final class Counter: Sendable {
        let value = Mutex(0)
        let warmedUp = Mutex(false)
    }

    static func counting(_ counter: Counter) -> HandlerFunction {
        HandlerFunction { request in
            guard counter.warmedUp.withLock({ $0 }) else { throw HearthError.status(.serviceUnavailable, "not warmed up") }
            let count = counter.value.withLock { value in
                value += 1
                return value
            }
            return .text("\(count) \(request.scriptName) [\(request.pathInfo)] \(request.variables["QUERY_STRING"] ?? "-")\n")
        }
    }

    @Test func warmUpRunsBeforeTrafficAndStatePersistsAcrossRequests() async throws {
        let counter = Counter()
        let site = try await CGITestSite.start(scripts: [:], builder: {
            $0.mount("/count", handler: Self.counting(counter), warmUp: {
                counter.value.withLock { $0 = 100 }
                counter.warmedUp.withLock { $0 = true }
            })
        })
        #expect(counter.warmedUp.withLock { $0 }, "start() returned before the warm-up ran")
        let first = try await site.get("/count/a%20b?x=1")
        let second = try await site.get("/count")
        try await site.stop()
        #expect(first.status == 200)
        #expect(first.text == "101 /count [/a b] x=1\n")
        #expect(second.text == "102 /count [] \n")
    }

    /// The meta-variables are built only when read; the accessors answer
    /// four of them without building. Both ways must agree, with and
    /// without PATH_INFO, and with REMOTE_USER set by a mount's Basic auth.
    @Test func accessorsAgreeWithTheBuiltMetaVariables() async throws {
        let agreement = HandlerFunction { request in
            let built = Dictionary(request.variables.pairs.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
            let accessors: [(String, String?, String?)] = [
                ("SCRIPT_NAME", request.scriptName, built["SCRIPT_NAME"]),
                ("PATH_INFO", request.variables["PATH_INFO"], built["PATH_INFO"]),
                ("REMOTE_ADDR", request.remoteAddress, built["REMOTE_ADDR"]),
                ("REMOTE_USER", request.remoteUser, built["REMOTE_USER"]),
            ]
            let lines = accessors.map { "\($0.0)=\($0.1 ?? "nil") built=\($0.2 ?? "nil")" }
            let agree = accessors.allSatisfy { $0.1 == $0.2 } && built["REQUEST_METHOD"] == "GET"
            return .text((agree ? "agree\n" : "DISAGREE\n") + lines.joined(separator: "\n") + "\n")
        }
        // "{SHA}" of "secret" (RFC 3174 digest, base64), as htpasswd -s writes it.
        let hash = try #require(HtpasswdHash("{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ="))
        let site = try await CGITestSite.start(scripts: [:], builder: {
            $0.mount("/open", handler: agreement)
            $0.mount("/closed", handler: agreement)
            $0.configuration.authentication["/closed"] = BasicAuthConfiguration(realm: "test", passwords: .users(["ada": hash]))
        })
        let plain = try await site.get("/open")
        let withPath = try await site.get("/open/a%20b/c")
        let authenticated = try await site.get("/closed/x", headers: ["Authorization: Basic YWRhOnNlY3JldA=="])
        try await site.stop()
        for response in [plain, withPath, authenticated] {
            #expect(response.status == 200)
            #expect(response.text.hasPrefix("agree\n"), "\(response.text)")
        }
        #expect(withPath.text.contains("PATH_INFO=/a b/c built=/a b/c"))
        #expect(plain.text.contains("PATH_INFO=nil built=nil"))
        #expect(authenticated.text.contains("REMOTE_USER=ada built=ada"))
    }

    @Test func failingWarmUpStopsStartWithItsError() async throws {
        struct NoDatabase: Error {}
        var configuration = HearthConfiguration()
        configuration.cgiMounts = []
        configuration.staticMounts = []
        var builder = SiteBuilder(configuration: configuration)
        builder.mount("/app", handler: HandlerFunction { _ in .text("never") }, warmUp: { throw NoDatabase() })
        let site = try builder.build(logger: TestLog.logger("test"))
        await #expect(throws: Site.WarmUpError.self) { try await site.start() }
        await site.shutdown()
    }

    @Test func errorsMapToTheirStatusAndStreamsAreChunked() async throws {
        let site = try await CGITestSite.start(scripts: [:], builder: {
            $0.mount("/fail", handler: HandlerFunction { _ in throw HearthError.forbidden })
            $0.mount("/crash", handler: HandlerFunction { _ in throw CancellationError() })
            $0.mount("/stream", handler: HandlerFunction { _ in
                HearthResponse(body: .stream { writer in
                    try await writer.write("one ")
                    try await writer.write("two")
                })
            })
        })
        let forbidden = try await site.get("/fail")
        let crash = try await site.get("/crash")
        let stream = try await site.get("/stream")
        try await site.stop()
        #expect(forbidden.status == 403)
        #expect(crash.status == 500 && crash.text == "500 Internal Server Error\n", "internals stay in the log")
        #expect(stream.header("Transfer-Encoding") == "chunked" && stream.text == "one two")
    }
}
