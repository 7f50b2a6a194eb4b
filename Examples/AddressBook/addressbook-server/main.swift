// The address book published hot, on its own: 127.0.0.1:8080 unless
// `--port N` says otherwise; `--htpasswd FILE` checks the editors'
// passwords against an Apache htpasswd file instead of the built-in user
// (docs/publisher.md).
#if canImport(Glibc)
import Glibc
#endif
import AddressBook
import Hearth
import Logging

// One event loop per CPU the server may use, before anything starts them.
EventLoopSizing.fitSingletonGroupToAffinity()

func option(_ name: String) -> String? {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

var configuration = HearthConfiguration()
configuration.cgiMounts = []
configuration.staticMounts = []
if let port = option("--port") {
    guard let number = Int(port), (0...65535).contains(number) else {
        let message = "addressbook-server: --port needs a port number, not \(port)\n"
        _ = write(STDERR_FILENO, message, message.utf8.count)
        exit(2)
    }
    configuration.server.port = number
}

let logger = Logger(label: "addressbook", factory: { StreamLogHandler.standardError(label: $0) })
let book = AddressBook()
let editors = try option("--htpasswd").map { PasswordVerifier.htpasswd(try HtpasswdFile(path: $0, logger: logger)) }
var site = SiteBuilder(configuration: configuration)
site.mount("/api", handler: try book.publisher(editors: editors ?? .users(AddressBook.editors), logger: logger))
try await site.serve(logger: logger)
