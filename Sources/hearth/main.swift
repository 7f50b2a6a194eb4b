import NIOCore
import NIOPosix

// Swift concurrency runs on NIO's event loops rather than a pool of its own,
// so a request's tasks and its sockets and pipes share threads: no hop
// between the two on every read and write. Must happen first, on the main
// thread, once.
NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()

await HearthCommand.start()
