import HTTPTypes
import HearthWeb

/// A request rebuilt from its meta-variables: the CGI child's environment
/// and a FastCGI request's PARAMS are the same RFC 3875 variables (FastCGI
/// 1.0 §6.2), read by one function, as Go's fcgi reuses cgi.RequestFromMap.
extension HearthRequest {
    package init(cgiVariables pairs: [(name: String, value: String)], body: HearthRequestBody) throws {
        let variables = CGIMetaVariables(pairs)
        guard let methodName = variables["REQUEST_METHOD"], let method = HTTPRequest.Method(methodName) else {
            throw HearthError.badRequest("REQUEST_METHOD missing or invalid")  // §4.1.12: MUST be set
        }
        self.init(
            method: method, target: Self.target(variables), headerFields: Self.fields(pairs),
            body: body, variables: variables
        )
    }

    /// REQUEST_URI as the server received it (Apache, nginx, Hearth set it);
    /// without it, the path rebuilt from SCRIPT_NAME, PATH_INFO and
    /// QUERY_STRING (§4.1.13, §4.1.5, §4.1.7).
    static func target(_ variables: CGIMetaVariables) -> String {
        if let uri = variables["REQUEST_URI"], !uri.isEmpty { return uri }
        let query = variables["QUERY_STRING"] ?? ""
        let path = (variables["SCRIPT_NAME"] ?? "") + (variables["PATH_INFO"] ?? "")
        return (path.isEmpty ? "/" : path) + (query.isEmpty ? "" : "?" + query)
    }

    /// The request's header fields: HTTP_* (§4.1.18) back to field names,
    /// `HTTP_ACCEPT_LANGUAGE` → `Accept-Language`, plus CONTENT_TYPE and
    /// CONTENT_LENGTH (§4.1.3, §4.1.2), which carry no HTTP_ prefix.
    static func fields(_ pairs: [(name: String, value: String)]) -> HTTPFields {
        var fields = HTTPFields()
        for (name, value) in pairs {
            let fieldName: String
            switch name {
            case "CONTENT_TYPE": fieldName = "Content-Type"
            case "CONTENT_LENGTH": fieldName = "Content-Length"
            case _ where name.hasPrefix("HTTP_"):
                fieldName = name.dropFirst(5).split(separator: "_").map { $0.prefix(1) + $0.dropFirst().lowercased() }.joined(separator: "-")
            default: continue
            }
            if let field = HTTPField.Name(fieldName) { fields.append(HTTPField(name: field, value: value)) }
        }
        return fields
    }
}
