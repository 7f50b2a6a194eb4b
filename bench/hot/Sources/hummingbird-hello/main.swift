// Hummingbird 2's hello: one GET route, HTTP/1.1, no middleware (no access
// log). `hummingbird-hello --port N`. Like hearth-hot, Swift concurrency
// runs on NIO's event loops unless BENCH_HOT_NIO_EXECUTOR=0, and the
// event-loop count is NIO's singleton default unless
// NIO_SINGLETON_GROUP_LOOP_COUNT says otherwise.
#if canImport(Glibc)
import Glibc
#endif
import Hummingbird
import Logging
import NIOCore
import NIOPosix

/// One line to fd 1 (or 2), unbuffered: stdout's C stream is not
/// concurrency-safe in Swift 6.
func say(_ line: String, to fd: Int32 = 1) {
    var line = line + "\n"
    line.withUTF8 { _ = write(fd, $0.baseAddress, $0.count) }
}

let arguments = CommandLine.arguments
guard let portIndex = arguments.firstIndex(of: "--port"), portIndex + 1 < arguments.count,
      let port = Int(arguments[portIndex + 1])
else {
    say("usage: hummingbird-hello --port N", to: 2)
    exit(2)
}

let executor = getenv("BENCH_HOT_NIO_EXECUTOR").map { String(cString: $0) } != "0"
if executor {
    NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
}
say("hummingbird-hello: event-loop threads \(NIOSingletons.groupLoopCountSuggestion) (System.coreCount \(System.coreCount)); Swift concurrency on NIO's loops: \(executor ? "yes" : "no")")

let hello = ByteBuffer(string: "Hello, world!\n")
let router = Router()
router.get("hello") { _, _ -> Response in
    Response(status: .ok, headers: [.contentType: "text/plain"], body: ResponseBody(byteBuffer: hello))
}
var logger = Logger(label: "hummingbird-hello")
logger.logLevel = .warning
let app = Application(
    router: router,
    configuration: .init(address: .hostname("127.0.0.1", port: port)),
    eventLoopGroupProvider: .singleton,
    logger: logger
)
try await app.runService()
