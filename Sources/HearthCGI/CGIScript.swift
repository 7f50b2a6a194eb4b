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

    /// The file name alone, e.g. `nph-clock.sh`. Paths are bytes: "/" is
    /// found in UTF-8, not among Characters, where a combining mark after it
    /// would hide it.
    public var fileName: String {
        filePath.utf8.split(separator: 0x2F).last.map { String(Substring($0)) } ?? filePath
    }

    /// §5.1: NPH scripts are identified by the `nph-` name prefix, as every
    /// mainstream server does.
    public var isNPH: Bool { fileName.utf8.starts(with: "nph-".utf8) }

    /// §7.2: the working directory SHOULD be the script's directory.
    public var directory: String {
        guard let slash = filePath.utf8.lastIndex(of: 0x2F) else { return "." }
        return slash == filePath.startIndex ? "/" : String(Substring(filePath.utf8[..<slash]))
    }
}
