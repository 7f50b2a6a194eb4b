import HearthSessions
import HearthWeb

/// A visit counter per session, written once and run hot (mounted in the
/// server) or warm (`session-counter`, a FastCGI worker): with one SQLite
/// file behind both, either sees what the other wrote (docs/sessions.md).
///
/// - `/`: counts this visit and answers the count;
/// - `/peek`: answers the count without changing it;
/// - `/login`: a new session id, same values (against fixation);
/// - `/logout`: ends the session.
public struct SessionCounter: HearthHandler {
    public init() {}

    public func handle(_ request: HearthRequest) async throws -> HearthResponse {
        let session = try request.session
        let visits = try session.value("visits", as: Int.self) ?? 0
        switch request.pathInfo {
        case "", "/":
            try session.set("visits", to: visits + 1)
            return .text("visits \(visits + 1)\n")
        case "/peek":
            return .text("visits \(visits)\n")
        case "/login":
            session.regenerateID()
            return .text("visits \(visits)\n")
        case "/logout":
            session.invalidate()
            return .text("bye\n")
        default:
            throw HearthError.notFound
        }
    }
}
