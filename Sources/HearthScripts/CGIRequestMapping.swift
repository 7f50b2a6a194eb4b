import HearthCGI
import HearthHTTP

/// The HTTP request as the RFC 3875 model sees it.
package enum CGIRequestMapping {
    package static func head(_ request: Request) -> CGIRequestHead { request.cgiHead }

    /// AUTH_TYPE and REMOTE_USER (§4.1.1, §4.1.11) when hearth itself
    /// authenticated the request; the builder then also withholds
    /// Authorization (§4.1.18), whatever the mount's pass_authorization.
    package static func authentication(_ request: Request) -> CGIAuthentication? {
        request.authenticatedUser.map { CGIAuthentication(type: $0.type, user: $0.user) }
    }

    package static func connection(_ request: Request) -> CGIConnection { request.connection.cgiConnection }
}
