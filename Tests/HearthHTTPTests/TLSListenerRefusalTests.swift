import HearthHTTP
import HearthTesting
import Logging
import Testing

/// A listener marked TLS never serves plain HTTP: started without
/// certificates for it (a program building `HTTPServer` itself and
/// forgetting `security`), the server refuses to bind it, naming it.
@Suite struct TLSListenerRefusalTests {
    @Test func aTLSListenerWithoutCertificatesIsNotBound() async throws {
        var configuration = HTTPServerConfiguration()
        configuration.listeners = [HTTPListener(host: "127.0.0.1", port: 0), HTTPListener(host: "127.0.0.1", port: 0, tls: true)]
        let server = HTTPServer(configuration: configuration, responder: TextResponder(), logger: Logger(label: "tls-refusal") { _ in SwiftLogNoOpLogHandler() })
        await #expect { try await server.bindListener() } throws: { error in
            "\(error)".contains("127.0.0.1:0") && "\(error)".contains("TLS listener with no certificates")
        }
    }
}
