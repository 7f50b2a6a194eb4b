import Dispatch
import HearthHTTP
import NIOCore
import NIOPosix
import HearthProcess

// Started as the privileged spawner of a server with run_as mounts
// (PrivilegedSpawner): serve it and exit, before anything else starts.
SpawnerService.serveIfAsked()

// SIGHUP and SIGUSR1 wait, pending, for `serve` to install their handlers,
// rather than end the process during start-up (HeldSignals). Before any
// thread exists: every thread inherits the mask.
HeldSignals.holdIfServing(arguments: CommandLine.arguments)

// systemd's listening sockets (LISTEN_FDS) moved out of the way of the
// spawn's slots, close-on-exec, and their variables removed.
_ = SocketActivation.passed

// SIGPIPE ignored, SIGCHLD kept, the spawn's descriptor slots reserved
// while descriptor 3 is still free (ProcessSettings).
ProcessSettings.prepare()

// One event loop per CPU this process may run on (the affinity mask, not
// only the machine's core count), decided before anything starts them.
EventLoopSizing.fitSingletonGroupToAffinity()

// Swift concurrency runs on NIO's event loops rather than a pool of its own,
// so a request's tasks and its sockets and pipes share threads: no hop
// between the two on every read and write. Must happen first, on the main
// thread, once.
NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()

// The main thread waits here, not in dispatch_main (where a top-level
// `await` would leave it): dispatch parks it in sigsuspend with every signal
// blocked, so it could not take glibc's SIGSETXID, and it alone kept uid 0
// when the server gave up root (`Privileges.drop` checks every thread).
let finished = DispatchSemaphore(value: 0)
Task.detached {
    await HearthCommand.start()
    finished.signal()
}
finished.wait()
