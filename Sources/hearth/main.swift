import HearthHTTP
import NIOCore
import NIOPosix

// One event loop per CPU this process may run on (the affinity mask, not
// only the machine's core count), decided before anything starts them.
EventLoopSizing.fitSingletonGroupToAffinity()

// Swift concurrency runs on NIO's event loops rather than a pool of its own,
// so a request's tasks and its sockets and pipes share threads: no hop
// between the two on every read and write. Must happen first, on the main
// thread, once.
NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()

await HearthCommand.start()
