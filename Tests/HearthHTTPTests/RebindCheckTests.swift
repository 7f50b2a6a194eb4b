@testable import HearthHTTP
import Testing

/// What a reload's new `listen:` may change in a running server
/// (`HTTPServer.rebind`): plain listeners come and go; a TLS listener or
/// new options on an address in use wait for a restart; a new TLS listener
/// is bound only with the certificates the reload loaded for it.
@Suite struct RebindCheckTests {
    static let plain = HTTPListener(host: "127.0.0.1", port: 8080)
    static let secure = HTTPListener(host: "127.0.0.1", port: 8443, tls: true)

    @Test func plainListenersMayComeAndGo() throws {
        try HTTPServer.checkRebind(from: [Self.plain, Self.secure], to: [Self.secure, HTTPListener(host: "::1", port: 8081)])
        try HTTPServer.checkRebind(from: [Self.plain], to: [])
    }

    @Test func aNewTLSListenerNeedsItsCertificatesLoaded() throws {
        #expect(throws: RebindRefusal.self) { try HTTPServer.checkRebind(from: [Self.plain], to: [Self.plain, Self.secure]) }
        try HTTPServer.checkRebind(from: [Self.plain], to: [Self.plain, Self.secure], secured: { $0 == Self.secure })
    }

    @Test func newOptionsOnAnAddressInUseWaitForARestart() {
        var redirecting = Self.plain
        redirecting.redirectToHTTPS = true
        #expect(throws: RebindRefusal.self) { try HTTPServer.checkRebind(from: [Self.plain], to: [redirecting]) }
    }
}
