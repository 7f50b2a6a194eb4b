#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// systemd's readiness protocol (`Type=notify`, sd_notify(3)) without
/// libsystemd: one datagram per state change, `KEY=value` lines, to the
/// AF_UNIX socket named in `NOTIFY_SOCKET` (a path, or `@name` for an
/// abstract socket). systemd then knows when the server is listening
/// (`READY=1`: `systemctl start` returns, units ordered after it start),
/// reloading (`RELOADING=1`) and stopping (`STOPPING=1`), and shows
/// `STATUS=` in `systemctl status`. A notification that cannot be sent
/// changes nothing else: the server serves as it would without systemd.
final class SystemdNotifier: Sendable {
    private let socket: Int32
    private let address: [UInt8]

    /// From `NOTIFY_SOCKET`, which is then removed from the environment
    /// (sd_notify's `unset_environment`): no child started after this
    /// could notify in the server's name. nil when unset or unusable.
    static func fromEnvironment() -> SystemdNotifier? {
        guard let name = ProcessInfo.processInfo.environment["NOTIFY_SOCKET"] else { return nil }
        unsetenv("NOTIFY_SOCKET")
        return SystemdNotifier(socketName: name)
    }

    /// `name`: a path (`/run/systemd/notify`) or `@` and an abstract name.
    init?(socketName name: String) {
        var path = Array(name.utf8)
        guard let first = path.first, first == UInt8(ascii: "/") || first == UInt8(ascii: "@") else { return nil }
        // An abstract address starts with a NUL byte and has no terminator.
        if first == UInt8(ascii: "@") { path[0] = 0 }
        guard path.count < MemoryLayout.size(ofValue: sockaddr_un().sun_path) else { return nil }
        let socket = Glibc.socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard socket >= 0 else { return nil }
        self.socket = socket
        self.address = path
    }

    deinit { close(socket) }

    /// Listening, with a one-line summary for `systemctl status`; also
    /// after a reload.
    func ready(status: String) {
        send("READY=1\nSTATUS=\(status.replacingOccurrences(of: "\n", with: " "))")
    }

    /// A reload begins. systemd 253's `Type=notify-reload` wants the
    /// monotonic clock with it, to tell this reload from an older one.
    func reloading() {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        send("RELOADING=1\nMONOTONIC_USEC=\(Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1000)")
    }

    /// A graceful stop begins.
    func stopping() {
        send("STOPPING=1")
    }

    /// One datagram; true when it was sent.
    @discardableResult
    func send(_ message: String) -> Bool {
        var target = sockaddr_un()
        target.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &target.sun_path) { $0.copyBytes(from: address) }
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + address.count)
        let sent = message.utf8CString.withUnsafeBufferPointer { text in
            withUnsafePointer(to: &target) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(socket, text.baseAddress, text.count - 1, Int32(MSG_NOSIGNAL), $0, length)
                }
            }
        }
        return sent >= 0
    }
}
