// TEMPORARY stub until the static responder lands.
import HearthHTTP
import Logging
public struct StaticFilesConfiguration: Sendable {
    public var urlPath: String = "/"
    public var root: String = "public"
    public var indexFiles: [String] = ["index.html"]
    public var listDirectories = false
    public var forbiddenRoots: [String] = []
    public init() {}
}
public struct StaticFileResponder: Responder {
    public init(configuration: StaticFilesConfiguration, logger: Logger) {}
    public func respond(to request: Request, writer: consuming ResponseWriter) async throws { throw HTTPError(.notFound) }
}
