import HearthAuth
import HearthHTTP

/// The admin listener (`admin:`, docs/operations.md): `/metrics`,
/// `/server-status`, `/healthz` and `/readyz` on an address and port of
/// their own, never on the site's. Off unless configured.
public struct AdminConfiguration: Sendable {
    /// Address to bind. Default `127.0.0.1`.
    public var host: String = "127.0.0.1"
    /// Port to bind; 0 picks a free one. Default 9180.
    public var port: Int = 9180
    /// The clients let in, by address range; anyone else is answered 403
    /// and logged. Default loopback (`127.0.0.0/8`, `::1/128`).
    public var allow: [IPNetwork] = Self.loopback
    /// Basic authentication, as a mount's `auth:` (docs/authentication.md);
    /// nil for none. Default nil.
    public var auth: BasicAuthConfiguration? = nil

    public init() {}

    /// Loopback in both families: `allow`'s default.
    public static let loopback = [IPNetwork(cidr: "127.0.0.0/8")!, IPNetwork(cidr: "::1/128")!]
}
