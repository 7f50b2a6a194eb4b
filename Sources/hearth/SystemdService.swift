import Hearth
import HearthHTTP
import NIOCore
import ServiceLifecycle

/// What `hearth serve` tells systemd, as a service beside the server (and
/// listed after it, so a graceful stop reaches it first): `READY=1` once
/// the server accepts on every listener (warm-ups and pools started before
/// that), `STOPPING=1` as a graceful stop begins. Reloads notify from the
/// SIGHUP handler (`reloaded`).
struct SystemdService: Service {
    let notifier: SystemdNotifier
    let server: HTTPServer
    let live: LiveSite

    func run() async throws {
        if let address = try? await server.listeningAddress { notifier.ready(status: Self.status(address: address, site: live.current)) }
        try? await gracefulShutdown()
        notifier.stopping()
    }

    /// RELOADING=1, the reload, READY=1 again (systemd shows "reloading"
    /// meanwhile, and `systemctl reload` returns after it).
    func reloaded(_ reload: () async -> Void) async {
        notifier.reloading()
        await reload()
        if let address = try? await server.listeningAddress { notifier.ready(status: Self.status(address: address, site: live.current)) }
    }

    /// `serving on 127.0.0.1:8080, 3 mounts`: one line for `systemctl status`.
    static func status(address: SocketAddress, site: Site) -> String {
        let authority = HTTPServer.authority(host: address.ipAddress ?? "?", port: address.port ?? 0)
        return "serving on \(authority), \(site.mounts.count) mount\(site.mounts.count == 1 ? "" : "s")"
    }
}
