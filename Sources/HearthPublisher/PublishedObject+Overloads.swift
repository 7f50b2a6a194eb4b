import HTTPTypes
import HearthAuth
import HearthWeb

// The shapes a published function may have: arguments or none, the
// request or not; a `String` (HTML or plain text, as mod_python decides),
// any `Encodable` (JSON) or a `HearthResponse` (as is). Each is `async
// throws`-capable; a synchronous, non-throwing closure fits too.
extension PublishedObject {
    // (Arguments, HearthRequest)

    public mutating func publish<Arguments: Decodable & Sendable>(
        _ name: String, methods: [HTTPRequest.Method] = [.get], auth: BasicAuthenticator? = nil,
        _ body: @escaping @Sendable (Arguments, HearthRequest) async throws -> HearthResponse
    ) throws(PublisherError) {
        try publish(name, methods: methods, auth: auth, arguments: Arguments.self, respond: body)
    }

    public mutating func publish<Arguments: Decodable & Sendable>(
        _ name: String, methods: [HTTPRequest.Method] = [.get], auth: BasicAuthenticator? = nil,
        _ body: @escaping @Sendable (Arguments, HearthRequest) async throws -> String
    ) throws(PublisherError) {
        try publish(name, methods: methods, auth: auth, arguments: Arguments.self) { arguments, request in
            PublishedResult.response(text: try await body(arguments, request))
        }
    }

    public mutating func publish<Arguments: Decodable & Sendable, Result: Encodable & Sendable>(
        _ name: String, methods: [HTTPRequest.Method] = [.get], auth: BasicAuthenticator? = nil,
        _ body: @escaping @Sendable (Arguments, HearthRequest) async throws -> Result
    ) throws(PublisherError) {
        try publish(name, methods: methods, auth: auth, arguments: Arguments.self) { arguments, request in
            try PublishedResult.response(json: try await body(arguments, request))
        }
    }

    // (Arguments)

    public mutating func publish<Arguments: Decodable & Sendable>(
        _ name: String, methods: [HTTPRequest.Method] = [.get], auth: BasicAuthenticator? = nil,
        _ body: @escaping @Sendable (Arguments) async throws -> HearthResponse
    ) throws(PublisherError) {
        try publish(name, methods: methods, auth: auth) { (arguments: Arguments, _: HearthRequest) in try await body(arguments) }
    }

    public mutating func publish<Arguments: Decodable & Sendable>(
        _ name: String, methods: [HTTPRequest.Method] = [.get], auth: BasicAuthenticator? = nil,
        _ body: @escaping @Sendable (Arguments) async throws -> String
    ) throws(PublisherError) {
        try publish(name, methods: methods, auth: auth) { (arguments: Arguments, _: HearthRequest) in try await body(arguments) }
    }

    public mutating func publish<Arguments: Decodable & Sendable, Result: Encodable & Sendable>(
        _ name: String, methods: [HTTPRequest.Method] = [.get], auth: BasicAuthenticator? = nil,
        _ body: @escaping @Sendable (Arguments) async throws -> Result
    ) throws(PublisherError) {
        try publish(name, methods: methods, auth: auth) { (arguments: Arguments, _: HearthRequest) in try await body(arguments) }
    }

    // (HearthRequest): `NoArguments`, the form is not read.

    public mutating func publish(
        _ name: String, methods: [HTTPRequest.Method] = [.get], auth: BasicAuthenticator? = nil,
        _ body: @escaping @Sendable (HearthRequest) async throws -> HearthResponse
    ) throws(PublisherError) {
        try publish(name, methods: methods, auth: auth) { (_: NoArguments, request: HearthRequest) in try await body(request) }
    }

    public mutating func publish(
        _ name: String, methods: [HTTPRequest.Method] = [.get], auth: BasicAuthenticator? = nil,
        _ body: @escaping @Sendable (HearthRequest) async throws -> String
    ) throws(PublisherError) {
        try publish(name, methods: methods, auth: auth) { (_: NoArguments, request: HearthRequest) in try await body(request) }
    }

    public mutating func publish<Result: Encodable & Sendable>(
        _ name: String, methods: [HTTPRequest.Method] = [.get], auth: BasicAuthenticator? = nil,
        _ body: @escaping @Sendable (HearthRequest) async throws -> Result
    ) throws(PublisherError) {
        try publish(name, methods: methods, auth: auth) { (_: NoArguments, request: HearthRequest) in try await body(request) }
    }

    // (): `NoArguments`, the form is not read.

    public mutating func publish(
        _ name: String, methods: [HTTPRequest.Method] = [.get], auth: BasicAuthenticator? = nil,
        _ body: @escaping @Sendable () async throws -> HearthResponse
    ) throws(PublisherError) {
        try publish(name, methods: methods, auth: auth) { (_: NoArguments, _: HearthRequest) in try await body() }
    }

    public mutating func publish(
        _ name: String, methods: [HTTPRequest.Method] = [.get], auth: BasicAuthenticator? = nil,
        _ body: @escaping @Sendable () async throws -> String
    ) throws(PublisherError) {
        try publish(name, methods: methods, auth: auth) { (_: NoArguments, _: HearthRequest) in try await body() }
    }

    public mutating func publish<Result: Encodable & Sendable>(
        _ name: String, methods: [HTTPRequest.Method] = [.get], auth: BasicAuthenticator? = nil,
        _ body: @escaping @Sendable () async throws -> Result
    ) throws(PublisherError) {
        try publish(name, methods: methods, auth: auth) { (_: NoArguments, _: HearthRequest) in try await body() }
    }
}
