// Hearth's hot row: the hello handler in-process.
//
//   hearth-hot site --port N         mounted with SiteBuilder at /hello (no
//                                    CGI, no static mount), served by
//                                    SiteBuilder.serve()
//   hearth-hot standalone --port N   the same handler through HearthApp.run,
//                                    standalone mode (answers at every path)
//   hearth-hot publisher --port N    a Publisher mounted at /pub, served like
//                                    `site`: GET /pub/hello/hello, the shape
//                                    of mod_python's /pub/hello.py/hello
//
// BENCH_HOT_TLS_CERT=PEM BENCH_HOT_TLS_KEY=PEM: the listener speaks TLS
// (ALPN h2, then http/1.1), for bench/tls's http2-hot row.
//
// BENCH_HOT_ADMIN_PORT=N turns on the admin listener (metrics, status page)
// on 127.0.0.1:N for `site` and `publisher`: bench/metrics compares the
// hot row with metrics on and off.
//
// As in `hearth serve` (Sources/hearth/main.swift), Swift concurrency runs
// on NIO's event loops, unless BENCH_HOT_NIO_EXECUTOR=0. The event-loop
// count is NIO's singleton default (System.coreCount) unless
// NIO_SINGLETON_GROUP_LOOP_COUNT says otherwise; the line on stdout says
// which.
#if canImport(Glibc)
import Glibc
#endif
import Hearth
import Logging
import NIOCore
import NIOPosix

/// One line to fd 1 (or 2), unbuffered: stdout's C stream is not
/// concurrency-safe in Swift 6.
func say(_ line: String, to fd: Int32 = 1) {
    var line = line + "\n"
    line.withUTF8 { _ = write(fd, $0.baseAddress, $0.count) }
}

struct Hello: HearthHandler {
    func handle(_ request: HearthRequest) async throws -> HearthResponse {
        .text("Hello, world!\n", contentType: "text/plain")
    }
}

/// The publisher's counterpart of mod_python's `hello.py` (bench/hot/modpython):
/// an object `hello` with a function `hello` that takes no arguments (like
/// `hello(req)`, so the form is not read) and returns a String, whose
/// content type is the publisher's own guess (plain text here).
func helloPublisher() throws -> Publisher {
    var hello = PublishedObject()
    try hello.publish("hello") { "Hello, world!\n" }
    var publisher = Publisher()
    try publisher.publish("hello", hello)
    return publisher
}

/// `site` and `publisher`: one handler mounted with SiteBuilder, no CGI, no
/// static mount, log level warning, no access log.
func serveSite(mounting handler: some HearthHandler, at prefix: String, port: Int) async throws {
    var configuration = HearthConfiguration()
    configuration.server.host = "127.0.0.1"
    configuration.server.port = port
    configuration.cgiMounts = []
    configuration.staticMounts = []
    configuration.accessLog = nil
    configuration.logLevel = .warning
    // BENCH_HOT_TLS_CERT and BENCH_HOT_TLS_KEY: the listener speaks TLS
    // (ALPN h2 and http/1.1) with that certificate: bench/tls's http2-hot row.
    if let certificate = getenv("BENCH_HOT_TLS_CERT").map({ String(cString: $0) }), let key = getenv("BENCH_HOT_TLS_KEY").map({ String(cString: $0) }) {
        configuration.server.listeners = [HTTPListener(host: "127.0.0.1", port: port, tls: true)]
        configuration.tlsListeners = [0: TLSListenerConfiguration(certificates: [TLSCertificateFiles(certificate: certificate, key: key)])]
        configuration.server.maxRequestsPerConnection = 1_000_000
    }
    if let adminPort = getenv("BENCH_HOT_ADMIN_PORT").flatMap({ Int(String(cString: $0)) }) {
        var admin = AdminConfiguration()
        admin.port = adminPort
        configuration.admin = admin
    }
    var site = SiteBuilder(configuration: configuration)
    site.mount(prefix, handler: handler)
    var logger = Logger(label: "hearth", factory: { StreamLogHandler.standardError(label: $0) })
    logger.logLevel = .warning
    try await site.serve(logger: logger)
}

let arguments = CommandLine.arguments
let mode = arguments.count > 1 ? arguments[1] : "site"
guard ["site", "standalone", "publisher"].contains(mode),
      let portIndex = arguments.firstIndex(of: "--port"), portIndex + 1 < arguments.count,
      let port = Int(arguments[portIndex + 1])
else {
    say("usage: hearth-hot site|standalone|publisher --port N", to: 2)
    exit(2)
}

// As `hearth serve` does: one event loop per CPU in the affinity mask
// (under taskset -c 0: one), unless NIO_SINGLETON_GROUP_LOOP_COUNT is set.
EventLoopSizing.fitSingletonGroupToAffinity()
let executor = getenv("BENCH_HOT_NIO_EXECUTOR").map { String(cString: $0) } != "0"
if executor {
    NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
}
say("hearth-hot \(mode): event-loop threads \(NIOSingletons.groupLoopCountSuggestion) (System.coreCount \(System.coreCount)); Swift concurrency on NIO's loops: \(executor ? "yes" : "no")")

switch mode {
case "standalone":
    // HearthApp.run picks standalone when fd 0 is not a listening socket and
    // GATEWAY_INTERFACE is unset; it reads --port N itself.
    try await HearthApp.run(Hello())
case "publisher":
    try await serveSite(mounting: try helloPublisher(), at: "/pub", port: port)
default:
    try await serveSite(mounting: Hello(), at: "/hello", port: port)
}
