// The guestbook as one binary at every temperature: drop it in cgi-bin as
// `guestbook.cgi` (cold), name it as a FastCGI pool's command (warm), or
// run it (`guestbook --port 8080`, on its own). Hot, the same `Guestbook`
// value is mounted with `SiteBuilder.mount` in your own server.
#if canImport(Glibc)
import Glibc
#endif
import Guestbook
import HearthRun

// One event loop per CPU the program may use (standalone mode), before
// anything starts them.
EventLoopSizing.fitSingletonGroupToAffinity()
let file = getenv("GUESTBOOK_FILE").map { String(cString: $0) } ?? "guestbook.txt"
try await HearthApp.run(Guestbook(file: file))
