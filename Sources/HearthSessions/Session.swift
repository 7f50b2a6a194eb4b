import Foundation
import HearthWeb
import Synchronization

/// One client's session during one request: typed values kept between
/// requests, found by the id in the session cookie. `SessionHandler`
/// attaches it (`request.session`) and, after the handler, saves it if it
/// changed, moves its expiry forward if not, and sets or removes the cookie.
///
/// Values are `Codable`, each stored as its own JSON text: `set("cart", to:
/// ["book"])`, `value("cart", as: [String].self)`. A session with no values
/// is never stored and sends no cookie, so visitors who never log in or
/// fill a cart cost nothing.
///
/// A class (with its state behind a lock) because the request is a value:
/// what the handler changes must still be there for the wrapper afterwards.
public final class Session: Sendable {
    struct State {
        var id: SessionID
        /// The id the store knows this session by; nil for a new one.
        var storedID: SessionID?
        var values: [String: String]
        var created: Int64
        var isNew: Bool
        var changed = false
    }

    let state: Mutex<State>

    init(id: SessionID, storedID: SessionID?, values: [String: String], created: Int64) {
        state = Mutex(State(id: id, storedID: storedID, values: values, created: created, isNew: storedID == nil))
    }

    /// The id the cookie carries. Changes on `regenerateID()` and `invalidate()`.
    public var id: SessionID { state.withLock { $0.id } }

    /// True when no stored session is behind this one (mod_python's
    /// `is_new()`): the first request, an expired or unknown cookie, or
    /// after `invalidate()`.
    public var isNew: Bool { state.withLock { $0.isNew } }

    /// The keys that have values.
    public var keys: [String] { state.withLock { $0.values.keys.sorted() } }

    /// The value under `key` decoded as `T`; nil when there is none. A value
    /// stored as another type throws `SessionValueError`.
    public func value<T: Decodable>(_ key: String, as type: T.Type = T.self) throws -> T? {
        guard let text = state.withLock({ $0.values[key] }) else { return nil }
        do {
            return try JSONDecoder().decode(T.self, from: Data(text.utf8))
        } catch {
            throw SessionValueError(key: key, reason: "is not a \(T.self): \(error)")
        }
    }

    /// Stores `value` under `key`, replacing what was there.
    public func set<T: Encodable>(_ key: String, to value: T) throws {
        let text: String
        do {
            text = String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
        } catch {
            throw SessionValueError(key: key, reason: "cannot be encoded as JSON: \(error)")
        }
        state.withLock {
            $0.values[key] = text
            $0.changed = true
        }
    }

    /// Removes the value under `key`.
    public func remove(_ key: String) {
        state.withLock {
            if $0.values.removeValue(forKey: key) != nil { $0.changed = true }
        }
    }

    /// Ends the session (log-out): its values are dropped, the store forgets
    /// it and the client's cookie is removed. Values set afterwards start a
    /// new session with a new id. mod_python's `invalidate()`.
    public func invalidate() {
        state.withLock {
            $0.id = .random()
            $0.values = [:]
            $0.isNew = true
            $0.changed = true
        }
    }

    /// Gives the session a new id and keeps its values; the old id stops
    /// working when this request ends. Call it when a user logs in or
    /// gains rights, so an id planted before (session fixation, OWASP) is
    /// worth nothing after.
    public func regenerateID() {
        state.withLock {
            $0.id = .random()
            $0.changed = true
        }
    }
}

/// A session value that could not be stored or read as asked.
public struct SessionValueError: Error, Sendable, CustomStringConvertible {
    public let key: String
    public let reason: String
    public var description: String { "session value \"\(key)\" \(reason)" }
}

/// Where `SessionHandler` puts the session.
public enum SessionLocalKey: RequestLocalKey {
    public typealias Value = Session
}

extension HearthRequest {
    /// The session `SessionHandler` attached. Throws (a 500, with this
    /// reason in the log) when no `SessionHandler` wraps the handler.
    public var session: Session {
        get throws {
            guard let session = locals[SessionLocalKey.self] else {
                throw HearthError.status(.internalServerError, "request.session used, but no SessionHandler wraps this handler")
            }
            return session
        }
    }
}
