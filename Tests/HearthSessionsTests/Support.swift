import HTTPTypes
import HearthSessions
import HearthWeb
import Synchronization

/// A clock a test moves by hand, shared by a store and the test.
final class ManualClock: Sendable {
    private let milliseconds = Mutex<Int64>(1_700_000_000_000)

    var now: Int64 { milliseconds.withLock { $0 } }
    var sessionClock: SessionClock { SessionClock { self.now } }

    func advance(by duration: Duration) {
        let (seconds, attoseconds) = duration.components
        milliseconds.withLock { $0 += seconds * 1000 + attoseconds / 1_000_000_000_000_000 }
    }
}

/// A request as an adapter would make it, with cookies and variables.
func makeRequest(
    _ method: HTTPRequest.Method = .get, path: String = "/", query: String = "", cookie: String? = nil, variables: [(String, String)] = []
) -> HearthRequest {
    var fields = HTTPFields()
    if let cookie { fields[.cookie] = cookie }
    let base = [
        ("REQUEST_METHOD", method.rawValue), ("REMOTE_ADDR", "192.0.2.7"), ("SCRIPT_NAME", ""), ("PATH_INFO", path), ("QUERY_STRING", query),
    ]
    return HearthRequest(
        method: method, target: query.isEmpty ? path : "\(path)?\(query)", headerFields: fields, body: .empty,
        variables: CGIMetaVariables((base + variables).map { (name: $0.0, value: $0.1) })
    )
}

extension HearthResponse {
    var setCookies: [String] { headerFields[values: .setCookie] }

    var text: String {
        guard case .bytes(let buffer) = body else { return "" }
        return String(buffer: buffer)
    }
}

/// The value of the cookie `name` in a `Set-Cookie` field.
func cookieValue(_ setCookie: String, name: String) -> String? {
    guard let pair = setCookie.split(separator: ";").first, pair.hasPrefix("\(name)=") else { return nil }
    return String(pair.dropFirst(name.count + 1))
}

/// A store that passes every call to another one and records them, so a
/// test can see what reached the store and when a lock was asked for.
final class RecordingStore: SessionStore {
    let inner: any SessionStore
    private let calls = Mutex<[String]>([])
    private let lockObservers = Mutex<[@Sendable (SessionLockHolder) -> Void]>([])
    private let sweepObservers = Mutex<[@Sendable (Int) -> Void]>([])

    init(_ inner: any SessionStore) { self.inner = inner }

    var clock: SessionClock { inner.clock }
    var recorded: [String] { calls.withLock { $0 } }

    /// Runs `observer` whenever a lock is asked for (before it is granted).
    func onLock(_ observer: @escaping @Sendable (SessionLockHolder) -> Void) {
        lockObservers.withLock { $0.append(observer) }
    }

    /// Runs `observer` after each `deleteExpired`, with how many went.
    func onSweep(_ observer: @escaping @Sendable (Int) -> Void) {
        sweepObservers.withLock { $0.append(observer) }
    }

    private func record(_ call: String) { calls.withLock { $0.append(call) } }

    func load(_ id: SessionID) async throws -> SessionRecord? {
        record("load \(id.text)")
        return try await inner.load(id)
    }
    func save(_ id: SessionID, _ record: SessionRecord) async throws {
        self.record("save \(id.text)")
        try await inner.save(id, record)
    }
    func touch(_ id: SessionID, expires: Int64) async throws {
        record("touch \(id.text)")
        try await inner.touch(id, expires: expires)
    }
    func delete(_ id: SessionID) async throws {
        record("delete \(id.text)")
        try await inner.delete(id)
    }
    func deleteExpired(limit: Int) async throws -> Int {
        let deleted = try await inner.deleteExpired(limit: limit)
        record("sweep \(deleted)")
        for observer in sweepObservers.withLock({ $0 }) { observer(deleted) }
        return deleted
    }
    func lock(_ id: SessionID, for holder: SessionLockHolder, lease: Duration, waitingAtMost wait: Duration) async throws {
        record("lock \(id.text)")
        for observer in lockObservers.withLock({ $0 }) { observer(holder) }
        try await inner.lock(id, for: holder, lease: lease, waitingAtMost: wait)
    }
    func unlock(_ id: SessionID, for holder: SessionLockHolder) async throws {
        record("unlock \(id.text)")
        try await inner.unlock(id, for: holder)
    }
    func close() async {
        record("close")
        await inner.close()
    }
}
