import HTTPTypes
import HearthAuth
import HearthWeb
import Logging

/// mod_python's publisher, safe by construction: a hot handler that maps
/// `/MOUNT/object/function` to Swift functions you published, binds form
/// fields to a Decodable arguments type, and turns the return value into
/// the response (docs/publisher.md).
///
/// Deny by default: the router splits PATH_INFO into at most two segments
/// and looks each up by exact match in a dictionary of what was published;
/// nothing is found by reflection, so mod_python's traversal advisory
/// (CVE-2005-0088: `/module/__dict__`, `_private`, a parent object) has
/// nothing to reach. `/MOUNT/` and `/MOUNT` answer with the `index`
/// function of an object named `index`, when there is one: 404 otherwise,
/// never a listing.
public struct Publisher: HearthHandler {
    private var objects: [String: PublishedObject] = [:]
    /// The limits each function's form is read under. Default `FormLimits()`.
    public var formLimits: FormLimits
    let logger: Logger

    /// `logger` gets a notice line for every request the publisher refuses
    /// (404, 405, 400, 401, 403) with the path and remote address. Its
    /// default writes to stderr: a publisher may run as a CGI program,
    /// whose stdout is the response.
    public init(
        formLimits: FormLimits = FormLimits(),
        logger: Logger = Logger(label: "hearth.publisher", factory: { StreamLogHandler.standardError(label: $0) })
    ) {
        self.formLimits = formLimits
        self.logger = logger
    }

    /// Publishes `object` at `/MOUNT/name/`.
    /// - Throws: `PublisherError` for an invalid or duplicate name.
    public mutating func publish(_ name: String, _ object: PublishedObject) throws(PublisherError) {
        try PublishedName.check(name)
        guard objects[name] == nil else { throw .duplicateName(name) }
        objects[name] = object
    }

    /// Route (404), authentication (401, 403), method (405), arguments
    /// (400), call. Authentication comes before the method check, so a
    /// protected function tells a stranger nothing of itself but its realm.
    public func handle(_ request: HearthRequest) async throws -> HearthResponse {
        guard let (object, function) = route(request) else {
            return refuse(HearthError.notFound, request, "no published function at this path")
        }
        var request = request
        if let auth = function.auth ?? object.auth, let refusal = try await authenticate(&request, auth) {
            return refusal
        }
        guard function.allows(request.method) else {
            return refuse(HearthError.methodNotAllowed(allowed: function.methods), request, "method \(request.method.rawValue) not published")
        }
        do {
            return try await function.call(request, formLimits)
        } catch let failure as Binding.Failure {
            return refuse(failure, request)
        }
    }

    /// The object and function named by PATH_INFO, or nil. Segments are
    /// checked to be publishable names before the exact lookups; an
    /// encoded slash (`%2F`) is refused outright, since PATH_INFO no longer
    /// tells it from a real one (Apache's `AllowEncodedSlashes Off`).
    func route(_ request: HearthRequest) -> (PublishedObject, PublishedFunction)? {
        guard !Self.hasEncodedSlash(request.path), let names = Self.names(in: request.pathInfo[...]),
            PublishedName.isValid(names.object), PublishedName.isValid(names.function),
            let object = objects[String(names.object)], let function = object.functions[String(names.function)]
        else { return nil }
        return (object, function)
    }

    /// `""` and `/` → index/index; `/o` and `/o/` → o/index; `/o/f` → o/f;
    /// anything else (`/o/f/`, `/o/f/x`, `//f`) → nil.
    static func names(in pathInfo: Substring) -> (object: Substring, function: Substring)? {
        var rest = pathInfo
        if rest.first == "/" {
            rest.removeFirst()
        } else if !rest.isEmpty {
            return nil
        }
        guard let slash = rest.firstIndex(of: "/") else { return (rest.isEmpty ? "index" : rest, "index") }
        let object = rest[..<slash]
        let function = rest[rest.index(after: slash)...]
        guard !object.isEmpty, !function.contains("/") else { return nil }
        return (object, function.isEmpty ? "index" : function)
    }

    static func hasEncodedSlash(_ path: Substring) -> Bool {
        var utf8 = path.utf8[...]
        while let percent = utf8.firstIndex(of: UInt8(ascii: "%")) {
            utf8 = utf8[utf8.index(after: percent)...]
            if utf8.starts(with: "2f".utf8) || utf8.starts(with: "2F".utf8) { return true }
        }
        return false
    }
}
