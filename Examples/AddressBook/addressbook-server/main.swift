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

let usage = """
    usage: addressbook-server [--port N] [--htpasswd FILE]
      Publishes the address book at http://127.0.0.1:N/api (--port, else PORT, else 8080).
      --htpasswd FILE checks the editors' passwords against an Apache htpasswd file.
    """

/// `--htpasswd FILE` is this program's own; the rest is `ProgramArguments`'.
func parse(_ arguments: [String]) -> (ProgramArguments, htpasswd: String?) {
    var rest: [String] = []
    var htpasswd: String?
    var iterator = arguments.makeIterator()
    while let argument = iterator.next() {
        if argument == "--htpasswd" {
            guard let file = iterator.next() else { ProgramExit.usage("--htpasswd needs a file").perform(usage: usage) }
            htpasswd = file
        } else {
            rest.append(argument)
        }
    }
    switch ProgramArguments.parse(rest, environmentPort: getenv("PORT").map { String(cString: $0) }) {
    case .success(let arguments): return (arguments, htpasswd)
    case .failure(let exit): exit.perform(usage: usage)
    }
}

let (arguments, htpasswd) = parse(Array(CommandLine.arguments.dropFirst()))
var configuration = HearthConfiguration()
configuration.cgiMounts = []
configuration.staticMounts = []

let logger = Logger(label: "addressbook", factory: { StreamLogHandler.standardError(label: $0) })
let book = AddressBook()
do {
    let editors = try htpasswd.map { PasswordVerifier.htpasswd(try HtpasswdFile(path: $0, logger: logger)) }
    var site = SiteBuilder(configuration: configuration)
    site.mount("/api", handler: try book.publisher(editors: editors ?? .users(AddressBook.editors), logger: logger))
    await site.serveProgram(arguments: arguments, usage: usage, logger: logger)
} catch {
    ProgramExit.failure("\(error)").perform(usage: usage)
}
