import HearthWeb
import Logging

/// A handler with sessions, the way `PhasedHandler` adds phases: it finds
/// the session cookie, takes the session's lock, loads the session and
/// attaches it (`request.session`), runs the handler, then saves the
/// session if it changed (or moves its expiry if not), sets or removes the
/// cookie, and lets go of the lock.
///
/// The lock is held for the whole request, so two requests of one session
/// run one after the other, and never deadlock: a request that waits longer
/// than `lockTimeout` is answered 503 with Retry-After, and the log names
/// the request holding the lock and since when. Requests of different
/// sessions never wait for each other. A wrapper inside another one for the
/// same request uses the outer one's session and lock (re-entrant).
///
/// A streamed body is written after the handler returns: the session is
/// saved and unlocked before it, so set values before returning.
public struct SessionHandler: HearthHandler {
    public let handler: any HearthHandler
    public let sessions: Sessions

    public init(_ handler: any HearthHandler, sessions: Sessions) {
        self.handler = handler
        self.sessions = sessions
    }

    public func handle(_ request: HearthRequest) async throws -> HearthResponse {
        if request.locals[SessionLocalKey.self] != nil { return try await handler.handle(request) }
        let cookie = sessions.sessionCookie(in: request)
        guard let id = cookie.id else { return try await serve(request, loading: nil, cookieSent: cookie.sent) }
        let holder = SessionLockHolder(
            token: SessionID.random().text, request: "\(request.method.rawValue) \(request.path)", since: sessions.store.clock.now()
        )
        try await sessions.lock(id, for: holder)
        let renewal = sessions.renewingLease(of: id, for: holder)
        let result: Result<HearthResponse, any Error>
        do {
            result = .success(try await serve(request, loading: id, cookieSent: true))
        } catch {
            result = .failure(error)
        }
        renewal.cancel()
        await renewal.value
        // In a task of its own: a request cancelled (its client gone) must
        // still let go, and a cancelled task's database call may not run.
        await Task { [sessions] in await sessions.unlock(id, for: holder) }.value
        return try result.get()
    }

    private func serve(_ request: HearthRequest, loading id: SessionID?, cookieSent: Bool) async throws -> HearthResponse {
        let session = try await sessions.open(id)
        var request = request
        request.locals[SessionLocalKey.self] = session
        var response = try await handler.handle(request)
        try await sessions.finish(session, cookieSent: cookieSent, request: request, response: &response)
        return response
    }
}
