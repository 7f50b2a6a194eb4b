#if canImport(Glibc)
import Glibc
#endif
import HearthWeb
import NIOCore
import Synchronization

/// CGI mode: one request from the environment and stdin, one response on
/// stdout (RFC 3875 §4, §6), errors on stderr for the server's log.
enum CGIRunner {
    static func serve(_ handler: some HearthHandler) async {
        signal(SIGPIPE, SIG_IGN)
        let variables = ProcessEnvironment.current()
        let length = variables.last { $0.name == "CONTENT_LENGTH" }.flatMap { Int($0.value) } ?? 0
        let answer: (response: HearthResponse, logMessage: String?)
        do {
            let request = try HearthRequest(cgiVariables: variables, body: stdinBody(length: length))
            answer = await handler.respondMappingErrors(to: request)
        } catch {
            let mapped = ErrorMapping.response(for: error)
            answer = (mapped.response, mapped.logMessage)
        }
        if let message = answer.logMessage { ProcessEnvironment.logError(message) }
        do {
            try await CGIOutput.write(answer.response) { buffer in
                guard FileDescriptorIO.writeAll(1, buffer) else { throw CGIOutputClosed() }
            }
        } catch {
            // The server stopped reading (client gone, timeout): nothing to
            // tell it any more.
            ProcessEnvironment.logError("response not written: \(error)")
        }
    }

    struct CGIOutputClosed: Error {}

    /// §4.2: the body is exactly CONTENT_LENGTH bytes of stdin; the server
    /// need not close stdin after it, so nothing beyond it is read.
    static func stdinBody(length: Int) -> HearthRequestBody {
        let remaining = Mutex(length)
        return HearthRequestBody {
            try remaining.withLock { left -> ByteBuffer? in
                guard left > 0 else { return nil }
                var chunk = ByteBuffer()
                let count = try chunk.writeWithUnsafeMutableBytes(minimumWritableBytes: min(left, 65536)) { bytes in
                    while true {
                        let count = read(0, bytes.baseAddress, min(left, bytes.count))
                        if count < 0 && errno == EINTR { continue }
                        guard count > 0 else { throw HearthError.badRequest("request body ended \(left) bytes short of CONTENT_LENGTH") }
                        return count
                    }
                }
                left -= count
                return chunk
            }
        }
    }
}
