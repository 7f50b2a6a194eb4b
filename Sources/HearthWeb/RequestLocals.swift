/// Values that one step of a request's handling attaches for the steps after
/// it — a session, a published object's authenticated user, a page's extra
/// scope — keyed by type, so two libraries never collide on a string name
/// (the idea of swift-service-context's keys). Lives as long as the request.
public protocol RequestLocalKey {
    associatedtype Value: Sendable
}

public struct RequestLocals: Sendable {
    private var values: [ObjectIdentifier: any Sendable] = [:]

    public init() {}

    public subscript<Key: RequestLocalKey>(_ key: Key.Type) -> Key.Value? {
        get { values[ObjectIdentifier(key)] as? Key.Value }
        set { values[ObjectIdentifier(key)] = newValue }
    }
}
