#if canImport(Glibc)
import Glibc
#endif
import HearthFastCGI
import NIOCore

/// FCGI_LISTENSOCK_FILENO (FastCGI 1.0 §2.2): the listening socket a web
/// server hands its application as file descriptor 0.
package enum FastCGIListenSocket {
    package static let descriptor: Int32 = 0

    /// True when fd 0 is a listening socket: this process was started as a
    /// FastCGI application (§2.2). libfcgi asks getpeername for ENOTCONN;
    /// SO_ACCEPTCONN says it directly, and is false for a pipe, a file or a
    /// terminal (the CGI and standalone cases).
    package static var isListening: Bool {
        var accepting: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        return getsockopt(descriptor, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &length) == 0 && accepting != 0
    }
}

/// Why a request stopped before its end.
package enum FastCGIWorkerStop: Error {
    /// The host closed the connection (or broke its framing): nothing more
    /// can be written on it.
    case connectionClosed
    /// The host aborted the request (§5.4), or the state machine ended it
    /// for a protocol error (§5.5).
    case requestEnded
}

/// A request whose PARAMS are complete (§5.2): it may run.
package struct FastCGIWorkerRequest {
    package var id: UInt16
    package var params: FastCGIParams
}

/// One accepted connection, with blocking socket I/O, driving the pure
/// `FastCGIChildConnection` state machine: records in, actions out. Shared
/// by the warm probe and `HearthApp.run`'s FastCGI mode.
///
/// `@unchecked Sendable`: it is confined to the one task serving the
/// connection (one request at a time, FCGI_MPXS_CONNS = 0); it is Sendable
/// only so a handler's body closure may capture it.
package final class FastCGIWorkerConnection: @unchecked Sendable {
    let fd: Int32
    private var machine = FastCGIChildConnection()
    var decoder = FastCGIRecordDecoder()
    var inbound = ByteBuffer()
    /// The request body (§5.3) received and not yet read.
    private var stdin = ByteBuffer()
    package private(set) var stdinEnded = false
    private var requestEnded = false

    package init(fd: Int32) {
        self.fd = fd
    }

    /// Serves requests one after another until the host closes the
    /// connection, or a request without FCGI_KEEP_CONN ends (§5.1). `run`
    /// answers one request and returns END_REQUEST's appStatus (§5.5).
    package func serve(_ run: (FastCGIWorkerRequest) async throws -> UInt32) async {
        defer { close(fd) }
        do {
            while let started = try nextRequest() {
                try await serveOne(started, with: run)
            }
        } catch {
            // FastCGIWorkerStop.connectionClosed: back to accept().
        }
    }

    /// Reads records until a request has its PARAMS (§5.2, §6.2).
    private func nextRequest() throws -> FastCGIWorkerRequest? {
        while true {
            guard let record = try nextRecord(deadline: nil) else { continue }
            if let started = try handle(machine.receive(record)) { return started }
        }
    }

    private func serveOne(_ started: FastCGIWorkerRequest, with run: (FastCGIWorkerRequest) async throws -> UInt32) async throws {
        stdin = ByteBuffer()
        stdinEnded = false
        requestEnded = false
        let status: UInt32
        do {
            status = try await run(started)
        } catch FastCGIWorkerStop.requestEnded {
            status = 1
        }
        // Writes nothing when the machine already ended the request (§5.5).
        let end = machine.endRequest(requestID: started.id, appStatus: status)
        try send(end.records)
        if end.closeConnection { throw FastCGIWorkerStop.connectionClosed }
    }

    /// Does what an action says; returns a request once it may run.
    private func handle(_ action: FastCGIChildConnection.Action) throws -> FastCGIWorkerRequest? {
        switch action {
        case .none, .data, .dataEnded:
            return nil
        case .write(let write):
            try send(write.records)
            if write.closeConnection { throw FastCGIWorkerStop.connectionClosed }
        case .requestStarted(let id, _, _, let params):
            return FastCGIWorkerRequest(id: id, params: params)
        case .stdin(_, let chunk):
            stdin.writeImmutableBuffer(chunk)
        case .stdinEnded:
            stdinEnded = true
        case .abort:
            requestEnded = true
        case .requestFailed(_, _, let write):
            requestEnded = true
            try send(write.records)
            if write.closeConnection { throw FastCGIWorkerStop.connectionClosed }
        case .closeConnection:
            throw FastCGIWorkerStop.connectionClosed
        }
        return nil
    }
}

// MARK: - What a running request asks of its connection

extension FastCGIWorkerConnection {
    /// Waits for more of the request (body records, an abort) until
    /// `deadline`; false when it passed first. Throws once the request or
    /// the connection is over.
    @discardableResult
    package func waitForInput(until deadline: ContinuousClock.Instant?) throws -> Bool {
        guard !requestEnded else { throw FastCGIWorkerStop.requestEnded }
        guard let record = try nextRecord(deadline: deadline) else { return false }
        _ = try handle(machine.receive(record))
        if requestEnded { throw FastCGIWorkerStop.requestEnded }
        return true
    }

    /// Takes up to `count` bytes of the body already received.
    package func takeStdin(upTo count: Int) -> ByteBuffer {
        stdin.readSlice(length: min(count, stdin.readableBytes)) ?? ByteBuffer()
    }

    /// The next piece of the body as it arrives, nil at its end (§5.3: the
    /// empty STDIN record).
    package func nextStdinChunk(upTo count: Int = 65536) throws -> ByteBuffer? {
        while true {
            let chunk = takeStdin(upTo: count)
            if chunk.readableBytes > 0 { return chunk }
            if stdinEnded { return nil }
            try waitForInput(until: nil)
        }
    }

    package func writeStdout(_ bytes: ByteBuffer, requestID: UInt16) throws {
        guard !requestEnded else { throw FastCGIWorkerStop.requestEnded }
        try send(machine.stdout(bytes, requestID: requestID))
    }

    /// FCGI_STDERR (§5.3): a FastCGI application's stderr, which the host logs.
    package func writeStderr(_ bytes: ByteBuffer, requestID: UInt16) throws {
        guard !requestEnded else { throw FastCGIWorkerStop.requestEnded }
        try send(machine.stderr(bytes, requestID: requestID))
    }
}
