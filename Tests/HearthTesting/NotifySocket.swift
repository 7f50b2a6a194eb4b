import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The datagram socket systemd gives a `Type=notify` service in
/// `NOTIFY_SOCKET`, played by the test: bound at a path in a temporary
/// directory, or at an abstract name (`@...`), it receives what the server
/// notifies, one message per datagram.
public final class NotifySocket: Sendable {
    /// What to put in `NOTIFY_SOCKET`.
    public let name: String
    private let socket: Int32

    /// `path`: a file name to bind; nil binds a fresh abstract name.
    public init(path: String? = nil) throws {
        let name = path ?? "@hearth-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        var bytes = Array(name.utf8)
        if path == nil { bytes[0] = 0 }
        let socket = Glibc.socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + bytes.count)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) } }
        guard socket >= 0, bound == 0 else { throw RawClientError.malformed("cannot bind a notify socket at \(name): errno \(errno)") }
        self.socket = socket
        self.name = name
    }

    deinit { close(socket) }

    /// The next message, or nil when none comes within `seconds`.
    public func receive(within seconds: Double = 30) async throws -> String? {
        let socket = self.socket
        return try await offload {
            var poll = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            guard Glibc.poll(&poll, 1, Int32(seconds * 1000)) == 1 else { return nil }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = recv(socket, &buffer, buffer.count, 0)
            return count >= 0 ? String(decoding: buffer[..<count], as: UTF8.self) : nil
        }
    }
}
