import HearthWeb
import Logging

/// What `SessionHandler` asks of its `Sessions` during one request.
extension Sessions {
    /// The id the session cookie carries, if it has the exact shape of one;
    /// `sent` also when it does not (the client's cookie is then removed).
    /// A malformed one is logged with the client's address, never its value.
    func sessionCookie(in request: HearthRequest) -> (id: SessionID?, sent: Bool) {
        let values = request.cookies.values(configuration.cookieName)
        guard !values.isEmpty else { return (nil, false) }
        if let id = values.lazy.compactMap({ SessionID(validating: $0) }).first { return (id, true) }
        logger.warning("session cookie rejected: not a session id", metadata: [
            "cookie": "\(configuration.cookieName)", "remote": "\(request.remoteAddress)",
        ])
        return (nil, true)
    }

    /// Takes the lock, or answers 503 after `lockTimeout`, logging who holds it.
    func lock(_ id: SessionID, for holder: SessionLockHolder) async throws {
        let observer = self.observer
        do {
            // Watched, a lock that is not free at once is a wait to count:
            // one attempt first, then the wait (a held lock costs one more
            // attempt; a free one, none).
            if let observer, !(try await tryOnce(id, for: holder)) { observer.sessionLockWaited() }
            try await store.lock(id, for: holder, lease: configuration.lockLease, waitingAtMost: configuration.lockTimeout)
        } catch let timeout as SessionLockTimeout {
            observer?.sessionLockTimedOut()
            let current = timeout.holder
            logger.warning("session lock timeout", metadata: [
                "request": "\(holder.request)", "session": "\(id)", "waited": "\(configuration.lockTimeout)",
                "held_by": "\(current?.request ?? "-")",
                "held_since": "\(current.map { SessionTimeText.iso8601($0.since) } ?? "-")",
            ])
            let seconds = Int(configuration.lockTimeout.components.seconds)
            throw HearthError.unavailable(retryAfter: max(1, seconds), "\(timeout) (session \(id))")
        }
    }

    /// Takes the lock if it is free now; false if another request holds it.
    private func tryOnce(_ id: SessionID, for holder: SessionLockHolder) async throws -> Bool {
        do {
            try await store.lock(id, for: holder, lease: configuration.lockLease, waitingAtMost: .zero)
            return true
        } catch is SessionLockTimeout {
            return false
        }
    }

    /// Re-takes the lock every third of its lease while the handler runs, so
    /// a long request keeps it and a dead one loses it. Cancel it, and wait
    /// for it, before unlocking: a renewal after the unlock would lock again.
    func renewingLease(of id: SessionID, for holder: SessionLockHolder) -> Task<Void, Never> {
        let lease = configuration.lockLease
        return Task { [store] in
            while true {
                do { try await Task.sleep(for: lease / 3) } catch { return }
                try? await store.lock(id, for: holder, lease: lease, waitingAtMost: .zero)
            }
        }
    }

    /// Failing to unlock is logged; the lease frees the lock later.
    func unlock(_ id: SessionID, for holder: SessionLockHolder) async {
        do {
            try await store.unlock(id, for: holder)
        } catch {
            logger.error("session unlock failed; the lock ends with its lease", metadata: ["session": "\(id)", "error": "\(error)"])
        }
    }

    /// The stored session of `id`, or a new one with a fresh id: an id the
    /// store does not know is never adopted (that would allow fixation).
    func open(_ id: SessionID?) async throws -> Session {
        if let id, let record = try await store.load(id) {
            return Session(id: id, storedID: id, values: record.values, created: record.created)
        }
        return Session(id: .random(), storedID: nil, values: [:], created: store.clock.now())
    }

    /// After the handler: the old id of a regenerated or invalidated session
    /// is deleted; a session with values is saved (changed) or has its
    /// expiry moved (unchanged); a cookie is set for a new id, or removed
    /// when the client sent one and no session remains.
    func finish(_ session: Session, cookieSent: Bool, request: HearthRequest, response: inout HearthResponse) async throws {
        let state = session.state.withLock { $0 }
        let now = store.clock.now()
        if let stored = state.storedID, stored != state.id || state.values.isEmpty { try await store.delete(stored) }
        guard !state.values.isEmpty else {
            if cookieSent { try response.setCookie(cookie(value: "", maxAge: 0), for: request) }
            return
        }
        let created = state.isNew ? now : state.created
        var expires = now + configuration.idleTimeout.milliseconds
        if let lifetime = configuration.lifetime { expires = min(expires, created + lifetime.milliseconds) }
        if state.changed || state.storedID != state.id {
            try await store.save(state.id, SessionRecord(values: state.values, created: created, expires: expires))
        } else {
            try await store.touch(state.id, expires: expires)
        }
        if state.storedID != state.id {
            try response.setCookie(cookie(value: state.id.text, maxAge: configuration.lifetime.map { Int($0.components.seconds) }), for: request)
        }
    }

    /// HttpOnly and SameSite=Lax (SetCookie's defaults); Secure is added
    /// under TLS by `setCookie(_:for:)`. Max-Age 0 removes it, with an
    /// Expires in the past for clients older than Max-Age (RFC 6265 §3.1).
    private func cookie(value: String, maxAge: Int?) -> SetCookie {
        SetCookie(
            name: configuration.cookieName, value: value, expires: maxAge == 0 ? 0 : nil, maxAge: maxAge,
            domain: configuration.cookieDomain, path: configuration.cookiePath
        )
    }
}
