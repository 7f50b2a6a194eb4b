#if canImport(Glibc)
import Glibc
#endif
import HearthFastCGI
import NIOCore

// MARK: - Socket I/O: blocking, one connection per worker process

extension FastCGIWorkerConnection {
    /// The next record, waiting for bytes until `deadline` (nil: for
    /// ever); nil when it passed first. One at a time: the records after a
    /// request's PARAMS stay buffered for the request that then runs.
    func nextRecord(deadline: ContinuousClock.Instant?) throws -> FastCGIRecord? {
        while true {
            do {
                if let record = try decoder.decode(&inbound) { return record }
            } catch {
                throw FastCGIWorkerStop.connectionClosed  // §3.3: not a record stream we can follow
            }
            guard try readable(by: deadline) else { return nil }
            try receiveBytes()
        }
    }

    private func readable(by deadline: ContinuousClock.Instant?) throws -> Bool {
        guard let deadline else { return true }
        while true {
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .zero else { return false }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(min(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1, 60_000))
            let ready = poll(&poller, 1, milliseconds)
            if ready > 0 { return true }
            if ready < 0 && errno != EINTR { throw FastCGIWorkerStop.connectionClosed }
        }
    }

    private func receiveBytes() throws {
        _ = try inbound.writeWithUnsafeMutableBytes(minimumWritableBytes: 65536) { bytes in
            while true {
                let count = read(fd, bytes.baseAddress, bytes.count)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { throw FastCGIWorkerStop.connectionClosed }
                return count
            }
        }
    }

    func send(_ records: [FastCGIRecord]) throws {
        guard !records.isEmpty else { return }
        var buffer = ByteBuffer()
        for record in records { record.write(into: &buffer) }
        guard FileDescriptorIO.writeAll(fd, buffer) else { throw FastCGIWorkerStop.connectionClosed }
    }
}

/// Blocking writes of whole buffers, for the CGI and FastCGI modes.
package enum FileDescriptorIO {
    /// Writes every byte of `buffer`; false when the descriptor failed.
    package static func writeAll(_ fd: Int32, _ buffer: ByteBuffer) -> Bool {
        buffer.withUnsafeReadableBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let count = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { return false }
                offset += count
            }
            return true
        }
    }
}
