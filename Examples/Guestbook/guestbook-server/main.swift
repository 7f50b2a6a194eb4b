// Hot: the guestbook mounted in your own server's process, next to the
// scripts it replaces. The mount table is the one `hearth.yaml` describes
// (without one: ./cgi-bin at /cgi-bin, ./public at /, 127.0.0.1:8080),
// plus a handler.
#if canImport(Glibc)
import Glibc
#endif
import Guestbook
import Hearth

// One event loop per CPU the server may use, before anything starts them.
EventLoopSizing.fitSingletonGroupToAffinity()
let file = getenv("GUESTBOOK_FILE").map { String(cString: $0) } ?? "guestbook.txt"
let guestbook = Guestbook(file: file)

var configuration = HearthConfiguration()
if access("hearth.yaml", F_OK) == 0 {
    do {
        configuration = try ConfigurationFile.load(path: "hearth.yaml")
    } catch {
        ProgramExit.failure("\(error)").perform(usage: "usage: guestbook-server [--port N]")
    }
}
var site = SiteBuilder(configuration: configuration)
site.mount("/guestbook", handler: guestbook, warmUp: {
    // Preloaded before the first request: here, proof the file is readable.
    _ = try guestbook.store.entries()
})
// `--port N` and `--help`; a port in use is one line on stderr, exit 1.
await site.serveProgram()
