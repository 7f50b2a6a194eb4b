#if canImport(Glibc)
import Glibc
#endif
import HearthRun
import HearthSessions
import SessionCounter

// The counter at any temperature (`HearthApp.run`). SESSION_DB names the
// SQLite file it shares with the server and the other workers; without
// it, sessions live in this process's memory (one FastCGI worker only).
let store: SessionConfiguration.Store = getenv("SESSION_DB").map { .sqlite(path: String(cString: $0)) } ?? .memory
let sessions = Sessions(configuration: SessionConfiguration(store: store))
try await HearthApp.run(SessionHandler(SessionCounter(), sessions: sessions))
