#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// systemd's socket activation (sd_listen_fds(3)) without libsystemd: the
/// sockets of `hearth.socket` arrive already bound and listening as
/// descriptors 3, 4, …, counted by `LISTEN_FDS`, meant for the process
/// `LISTEN_PID` names, named by `LISTEN_FDNAMES`. The server accepts on
/// them instead of binding `server.host` and `server.port`: systemd holds
/// the port across restarts (no connection refused while Hearth restarts)
/// and may bind a port below 1024 for a server that never is root.
struct SocketActivation: Sendable {
    /// The sockets, as this process now holds them.
    var descriptors: [Int32]
    /// `LISTEN_FDNAMES`, one per socket when given (systemd: the unit's
    /// `FileDescriptorName=`, by default the socket unit's name).
    var names: [String]

    /// Read once, first thing in main (so `_ = SocketActivation.passed`
    /// there): the descriptors are moved up to 64 and above, close-on-exec
    /// (no script or worker inherits a listening socket), before the
    /// spawn's descriptor slots are reserved from descriptor 3 on
    /// (ProcessSettings); and the three variables are removed from the
    /// environment, so nothing the server starts sees them. nil when
    /// they are absent or meant for another process.
    static let passed: SocketActivation? = takeOver()

    private static func takeOver() -> SocketActivation? {
        let environment = ProcessInfo.processInfo.environment
        defer { for name in ["LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"] { unsetenv(name) } }
        guard let pid = environment["LISTEN_PID"].flatMap({ Int32($0) }), pid == getpid(),
              let count = environment["LISTEN_FDS"].flatMap({ Int32($0) }), count > 0 else { return nil }
        let descriptors = (firstDescriptor..<firstDescriptor + count).map { fd -> Int32 in
            let moved = fcntl(fd, F_DUPFD_CLOEXEC, movedAbove)
            guard moved >= 0 else { return fd }
            close(fd)
            return moved
        }
        let names = environment["LISTEN_FDNAMES"].map { $0.split(separator: ":", omittingEmptySubsequences: false).map(String.init) } ?? []
        return SocketActivation(descriptors: descriptors, names: names)
    }

    /// SD_LISTEN_FDS_START.
    private static let firstDescriptor: Int32 = 3
    /// Above the spawn slots' search (CHearthSpawn/slots.c).
    private static let movedAbove: Int32 = 64

    /// Each socket must be a listening TCP socket (IPv4 or IPv6): the
    /// error names the one that is not (a `ListenDatagram=`, a Unix socket).
    func check() throws {
        for (index, fd) in descriptors.enumerated() {
            let name = index < names.count ? " (\(names[index]))" : ""
            guard Self.option(fd, SO_ACCEPTCONN) == 1, Self.option(fd, SO_TYPE) == Int32(SOCK_STREAM.rawValue),
                  [AF_INET, AF_INET6].contains(Self.option(fd, SO_DOMAIN)) else {
                throw Failure(message: "LISTEN_FDS: socket \(index + 1) of \(descriptors.count)\(name) is not a listening TCP socket", code: .failure)
            }
        }
    }

    private static func option(_ fd: Int32, _ name: Int32) -> Int32 {
        var value: Int32 = -1
        var length = socklen_t(MemoryLayout<Int32>.size)
        return getsockopt(fd, SOL_SOCKET, name, &value, &length) == 0 ? value : -1
    }
}
