/// Finds imports of the modules a Python CGI script typically uses that
/// PEP 594 removed in Python 3.13: such a script dies with
/// ModuleNotFoundError on the first request after an upgrade.
enum PythonImports {
    static let removedModules: Set<String> = ["cgi", "cgitb"]

    /// The removed modules `source` imports, each once, in order of first
    /// import. Reads statements line by line (`import cgi, os`,
    /// `from cgi import FieldStorage`, `import cgitb; cgitb.enable()`);
    /// comments are ignored, a module such as `cgi_utils` is not `cgi`.
    static func removedModules(importedBy source: String) -> [String] {
        var found: [String] = []
        for line in source.split(whereSeparator: \.isNewline) {
            let code = line.prefix { $0 != "#" }
            for statement in code.split(separator: ";") {
                for module in importedModules(statement) where removedModules.contains(module) {
                    if !found.contains(module) { found.append(module) }
                }
            }
        }
        return found
    }

    /// The top-level modules one statement imports; [] if it is no import.
    private static func importedModules(_ statement: Substring) -> [String] {
        let words = statement.split { $0 == " " || $0 == "\t" }
        switch words.first {
        case "from" where words.count >= 3 && words[2] == "import":
            return [topLevel(words[1])]
        case "import":
            // `import a.b as c, d`: the module is the first word of each part.
            let rest = statement.drop { $0 == " " || $0 == "\t" }.dropFirst("import".count)
            return rest.split(separator: ",").compactMap { part in
                part.split { $0 == " " || $0 == "\t" }.first.map(topLevel)
            }
        default:
            return []
        }
    }

    private static func topLevel(_ module: Substring) -> String {
        String(module.prefix { $0 != "." })
    }
}
