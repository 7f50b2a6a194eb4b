import HTTPTypes
import HearthAuth
import HearthWeb

/// A published object: the functions reachable at `/MOUNT/NAME/FUNCTION`,
/// and nothing else. `index` answers the object's root (`/MOUNT/NAME` and
/// `/MOUNT/NAME/`), as in mod_python. What is not published here is not
/// reachable: there is no reflection, so a method of your type that you
/// did not publish cannot be called, whatever its name.
public struct PublishedObject: Sendable {
    /// Basic authentication for every function of the object that has
    /// none of its own (the innermost level configured applies).
    public var auth: BasicAuthenticator?
    private(set) var functions: [String: PublishedFunction] = [:]

    public init(auth: BasicAuthenticator? = nil) {
        self.auth = auth
    }

    /// Publishes `body` as `name`. Every overload of `publish` comes here.
    ///
    /// - Parameters:
    ///   - methods: what the function answers; GET (and HEAD with it) by
    ///     default. A function that changes state says `[.post]`.
    ///   - auth: Basic authentication for this function alone, replacing
    ///     the object's.
    /// - Throws: `PublisherError` for a name outside `[A-Za-z0-9_-]`, empty,
    ///   beginning with `_`, or already published here.
    public mutating func publish<Arguments: Decodable & Sendable>(
        _ name: String, methods: [HTTPRequest.Method] = [.get], auth: BasicAuthenticator? = nil, arguments: Arguments.Type,
        respond: @escaping @Sendable (Arguments, HearthRequest) async throws -> HearthResponse
    ) throws(PublisherError) {
        try PublishedName.check(name)
        guard functions[name] == nil else { throw .duplicateName(name) }
        functions[name] = PublishedFunction(methods: methods, auth: auth, arguments, respond: respond)
    }
}
