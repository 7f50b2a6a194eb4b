#if canImport(Glibc)
import Glibc
#endif
import HearthWeb
import NIOCore

/// FastCGI mode (FastCGI 1.0, RESPONDER role, §6.2): accept the host's
/// connections on fd 0 one at a time (FCGI_MAX_CONNS = 1, §4.1; a pool runs
/// several workers for concurrency) and answer each request with the
/// handler: PARAMS are the variables, STDIN the body, STDOUT the CGI output.
enum FastCGIRunner {
    static func serve(_ handler: some HearthHandler) async {
        // A host that closes mid-answer must not kill the worker: a failed
        // write then ends only that connection.
        signal(SIGPIPE, SIG_IGN)
        while true {
            let fd = accept(FastCGIListenSocket.descriptor, nil, nil)
            guard fd >= 0 else {
                if errno == EINTR || errno == ECONNABORTED { continue }
                ProcessEnvironment.logError("accept on fd 0 failed: \(String(cString: strerror(errno)))")
                return
            }
            let connection = FastCGIWorkerConnection(fd: fd)
            await connection.serve { started in
                try await answer(started, on: connection, with: handler)
            }
        }
    }

    /// One request. An abort (§5.4) or a closed connection surfaces as a
    /// thrown `FastCGIWorkerStop` from a read or a write, which ends it.
    static func answer(_ started: FastCGIWorkerRequest, on connection: FastCGIWorkerConnection, with handler: some HearthHandler) async throws -> UInt32 {
        let body = HearthRequestBody { try connection.nextStdinChunk() }
        let variables = started.params.pairs.map { (name: $0.name, value: $0.value) }
        let answer: (response: HearthResponse, logMessage: String?)
        do {
            answer = await handler.respondMappingErrors(to: try HearthRequest(cgiVariables: variables, body: body))
        } catch {
            let mapped = ErrorMapping.response(for: error)
            answer = (mapped.response, mapped.logMessage)
        }
        if let message = answer.logMessage {
            // FCGI_STDERR (§5.3): the host writes it to its error log.
            try connection.writeStderr(ByteBuffer(string: "hearth: \(message.replacingNewlines)\n"), requestID: started.id)
        }
        let id = started.id
        try await CGIOutput.write(answer.response) { try connection.writeStdout($0, requestID: id) }
        return 0
    }
}
