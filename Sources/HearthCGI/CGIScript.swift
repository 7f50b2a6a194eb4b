/// A request path resolved to one script under a script directory.
public struct CGIScript: Sendable, Equatable {
    /// SCRIPT_NAME (§4.1.13): the URL path that names the script, decoded.
    public var scriptName: String
    /// PATH_INFO (§4.1.5): the decoded rest of the path, "" when none.
    public var pathInfo: String
    /// SCRIPT_FILENAME: the absolute path of the file to execute.
    public var filePath: String
    /// The interpreter that runs a non-executable script by its extension
    /// (Apache's Action/AddHandler), or nil when the file is executed itself.
    public var interpreter: String?

    public init(scriptName: String, pathInfo: String, filePath: String, interpreter: String? = nil) {
        self.scriptName = scriptName
        self.pathInfo = pathInfo
        self.filePath = filePath
        self.interpreter = interpreter
    }

    /// The file name alone, e.g. `nph-clock.sh`.
    public var fileName: String {
        filePath.split(separator: "/").last.map(String.init) ?? filePath
    }

    /// §5.1: NPH scripts are identified by the `nph-` name prefix, as every
    /// mainstream server does.
    public var isNPH: Bool { fileName.hasPrefix("nph-") }

    /// §7.2: the working directory SHOULD be the script's directory.
    public var directory: String {
        guard let slash = filePath.lastIndex(of: "/") else { return "." }
        return slash == filePath.startIndex ? "/" : String(filePath[..<slash])
    }
}
