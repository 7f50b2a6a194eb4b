import HTTPTypes
import HearthAuth
import HearthWeb

/// One published function, its types erased: the methods it answers, its
/// own authentication if any, and a call that binds the arguments from
/// the request's form and turns the return value into a response.
struct PublishedFunction: Sendable {
    /// As the `Allow` field lists them: HEAD joins GET.
    let methods: [HTTPRequest.Method]
    let auth: BasicAuthenticator?
    let call: @Sendable (HearthRequest, FormLimits) async throws -> HearthResponse

    init<Arguments: Decodable & Sendable>(
        methods: [HTTPRequest.Method], auth: BasicAuthenticator?, _ arguments: Arguments.Type,
        respond: @escaping @Sendable (Arguments, HearthRequest) async throws -> HearthResponse
    ) {
        self.methods = Self.allowed(methods)
        self.auth = auth
        self.call = { request, limits in
            let bound = try await Binding.bind(Arguments.self, from: request, limits: limits)
            return try await respond(bound, request)
        }
    }

    func allows(_ method: HTTPRequest.Method) -> Bool { methods.contains(method) }

    /// The declared methods in a fixed order, HEAD added wherever GET is
    /// (RFC 9110 §9.3.2: HEAD is GET without the body).
    static func allowed(_ declared: [HTTPRequest.Method]) -> [HTTPRequest.Method] {
        var methods: [HTTPRequest.Method] = []
        for method in declared where !methods.contains(method) {
            methods.append(method)
            if method == .get, !declared.contains(.head) { methods.append(.head) }
        }
        return methods
    }
}

/// The arguments of one call, from the request's form. Only what the
/// client got wrong becomes a `Binding.Failure`; anything else a custom
/// `init(from:)` throws goes on as the function's own error would.
enum Binding {
    enum Failure: Error {
        /// 400 naming the field.
        case field(FieldProblem)
        /// The form itself is malformed or too large (400 or 413).
        case form(HearthError)
        /// The arguments type cannot come from a form: 500.
        case unsupported(UnsupportedArgument)
    }

    static func bind<Arguments: Decodable & Sendable>(_ type: Arguments.Type, from request: HearthRequest, limits: FormLimits) async throws -> Arguments {
        // No form read: the body stays the function's, and the fastest
        // path costs nothing.
        if let none = NoArguments() as? Arguments { return none }
        let form: HearthForm
        do {
            form = try await request.form(limits: limits)
        } catch let error as HearthError {
            throw Failure.form(error)
        }
        do {
            return try Arguments(from: FormDecoder(form: form))
        } catch let problem as FieldProblem {
            throw Failure.field(problem)
        } catch let unsupported as UnsupportedArgument {
            throw Failure.unsupported(unsupported)
        } catch let error as DecodingError {
            throw Failure.field(problem(error))
        }
    }

    /// A DecodingError thrown by a type's own `init(from:)` (a `String` enum
    /// given a value it lacks): the field from the coding path, and a
    /// problem of ours — its debugDescription may quote the value.
    static func problem(_ error: DecodingError) -> FieldProblem {
        switch error {
        case .keyNotFound(let key, _):
            return FieldProblem.missing(key)
        case .valueNotFound(_, let context):
            return FieldProblem(field: context.codingPath.first?.stringValue ?? "", problem: "is required")
        case .typeMismatch(_, let context):
            return FieldProblem(field: context.codingPath.first?.stringValue ?? "", problem: "has the wrong type")
        case .dataCorrupted(let context):
            return FieldProblem(field: context.codingPath.first?.stringValue ?? "", problem: "is not an accepted value")
        @unknown default:
            return FieldProblem(field: "", problem: "is not an accepted value")
        }
    }
}
