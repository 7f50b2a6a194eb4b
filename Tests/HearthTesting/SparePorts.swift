#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Loopback ports for tests that name a port before anything binds it.
///
/// A port taken from the kernel with bind(0) and released is free again at
/// once: the servers other tests start on port 0 (and HAProxy, which binds
/// with SO_REUSEPORT) may be handed it while this test still holds it only
/// as a number. A CI run saw both: a reload's new listener found its port
/// taken, and a TLS client reached another test's plain HAProxy. So these
/// come from below the kernel's ephemeral range (ip_local_port_range),
/// where bind(0) never looks, each handed out once per test process, and
/// checked free when handed out.
final class SparePorts: Sendable {
    static let shared = SparePorts()

    private let range: Range<Int>
    private let cursor = Mutex(0)

    init() {
        let ephemeralLow = Self.ephemeralLow() ?? 32768
        let low = max(1024, ephemeralLow - 12_000)
        range = low..<ephemeralLow
        // A different start each run: a port a crashed run left listening
        // is not the first tried again.
        cursor.withLock { $0 = Int.random(in: 0..<range.count) }
    }

    func next() throws -> Int {
        for _ in 0..<range.count {
            let port = cursor.withLock { offset in
                defer { offset = (offset + 1) % range.count }
                return range.lowerBound + offset
            }
            if Self.isFree(port) { return port }
        }
        throw RawClientError.connect("127.0.0.1", 0)
    }

    /// The low end of `net.ipv4.ip_local_port_range`.
    private static func ephemeralLow() -> Int? {
        guard let file = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r") else { return nil }
        defer { fclose(file) }
        var low: Int32 = 0, high: Int32 = 0
        return withUnsafeMutablePointer(to: &low) { lowPointer in
            withUnsafeMutablePointer(to: &high) { highPointer in
                withVaList([lowPointer, highPointer]) { vfscanf(file, "%d %d", $0) }
            }
        } == 2 ? Int(low) : nil
    }

    /// Whether a TCP socket can bind `port` on 127.0.0.1 now.
    private static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
