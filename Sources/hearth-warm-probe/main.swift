// hearth-warm-probe: the conformance probes of conformance/cgi-bin, as one
// FastCGI 1.0 application (README "Warm"), so the RFC 3875 suite can be run
// through Hearth's warm path.
//
// Started by a worker pool with a listening socket on fd 0
// (FCGI_LISTENSOCK_FILENO, FastCGI 1.0 §2.2). It accepts one connection at a
// time and serves it until the host closes it (FCGI_KEEP_CONN, §5.1); Hearth
// runs several workers for concurrency.
#if canImport(Glibc)
import Glibc
#endif
import HearthRun

// A host that closes mid-answer must not kill the worker: a failed write
// then ends only that connection.
signal(SIGPIPE, SIG_IGN)

while true {
    let fd = accept(FastCGIListenSocket.descriptor, nil, nil)
    guard fd >= 0 else {
        if errno == EINTR || errno == ECONNABORTED { continue }
        // fd 0 is not a listening socket: started by hand, not by a pool.
        let message = "hearth-warm-probe: accept on fd 0 failed (\(String(cString: strerror(errno)))); run me as a FastCGI worker\n"
        _ = message.withCString { write(2, $0, strlen($0)) }
        exit(1)
    }
    let connection = FastCGIWorkerConnection(fd: fd)
    await connection.serve { started in
        try Probes.run(ProbeRequest(id: started.id, params: started.params, connection: connection))
    }
}
