import HearthHTTP
import Logging
import NIOCore
import NIOHTTP1

/// The admin listener's own small responder: four paths and nothing else.
/// `/metrics` (Prometheus text format), `/server-status` (HTML, `?json`,
/// `?auto`), `/healthz` (alive) and `/readyz` (listening, pools up).
struct AdminResponder: Responder {
    let monitoring: Monitoring

    /// Prometheus' text exposition format, version 0.0.4.
    static let metricsType = "text/plain; version=0.0.4; charset=utf-8"

    func respond(to request: Request, writer: consuming ResponseWriter) async throws {
        guard request.head.method == .GET || request.head.method == .HEAD else {
            throw HTTPError(.methodNotAllowed, "the admin listener answers GET and HEAD only", headers: [("Allow", "GET, HEAD")])
        }
        let query = request.head.uri.firstIndex(of: "?").map { request.head.uri[request.head.uri.index(after: $0)...].split(separator: "&") } ?? []
        switch request.rawPath {
        case "/metrics":
            try await writer.write(status: .ok, headers: Self.headers(Self.metricsType), body: ByteBuffer(bytes: monitoring.metricsText()))
        case "/server-status":
            let report = monitoring.statusReport()
            if query.contains("json") {
                try await writer.write(status: .ok, headers: Self.headers("application/json"), body: ByteBuffer(bytes: report.json()))
            } else if query.contains("auto") {
                try await writer.write(status: .ok, headers: Self.headers("text/plain; charset=utf-8"), body: ByteBuffer(string: report.auto()))
            } else {
                try await writer.write(status: .ok, headers: Self.headers("text/html; charset=utf-8"), body: ByteBuffer(string: report.html()))
            }
        case "/healthz":
            try await writer.write(status: .ok, headers: Self.headers("text/plain; charset=utf-8"), body: ByteBuffer(string: "ok\n"))
        case "/readyz":
            let problems = monitoring.unready()
            let body = problems.isEmpty ? "ready\n" : problems.map { "not ready: \($0)\n" }.joined()
            try await writer.write(status: problems.isEmpty ? .ok : .serviceUnavailable, headers: Self.headers("text/plain; charset=utf-8"), body: ByteBuffer(string: body))
        default:
            throw HTTPError(.notFound, "the admin listener serves /metrics, /server-status, /healthz and /readyz only")
        }
    }

    /// Every answer is about now: never cached.
    private static func headers(_ type: String) -> HTTPHeaders {
        HTTPHeaders([("Content-Type", type), ("Cache-Control", "no-store")])
    }
}

/// The admin listener's first check: a client outside `allow` is refused
/// with 403 before anything else (its credentials are not even read), and
/// the connection's notice line names its address.
struct AdminNetworkGuard: Responder {
    let allow: [IPNetwork]
    let next: any Responder

    func respond(to request: Request, writer: consuming ResponseWriter) async throws {
        let client = request.connection.remoteAddress
        guard allow.contains(where: { $0.contains(client) }) else {
            throw HTTPError(.forbidden, "admin listener: client \(client) is outside its allow list (\(allow.map(\.description).joined(separator: ", ")))")
        }
        try await next.respond(to: request, writer: writer)
    }
}
