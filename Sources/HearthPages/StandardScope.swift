import HTTPTypes
import HearthWeb

/// The scope every page starts from (docs/pages.md, "Scope"):
///
/// - `request`: `method`, `path` and `query` (as sent, still encoded),
///   `target`; `headers` by lower-case name, repeated fields joined with
///   `, ` (`Cookie` with `; `); `header_list` and `variables` as lists of
///   `name`/`value` for iterating; and every RFC 3875 meta-variable under
///   its own name (`{{request.REMOTE_ADDR}}`, `{{request.PATH_INFO}}`).
/// - `form`: each field's `PageFormValues`.
/// - `cookies`: each cookie's value (the first, when a name is repeated).
enum StandardScope {
    /// Credentials stay out of a page, as they stay out of a script's
    /// environment (SECURITY.md, Authorization leakage, RFC 3875 §4.1.18).
    static let hiddenHeaders: Set<HTTPField.Name> = [.authorization, .proxyAuthorization]

    static func values(for request: HearthRequest, form: HearthForm) -> [String: any Sendable] {
        ["request": requestValues(request), "form": formValues(form), "cookies": cookieValues(request.cookies)]
    }

    static func requestValues(_ request: HearthRequest) -> [String: any Sendable] {
        var values: [String: any Sendable] = [:]
        for (name, value) in request.variables { values[name] = value }
        let fields = Array(request.headerFields.filter { !hiddenHeaders.contains($0.name) })
        values["method"] = request.method.rawValue
        values["path"] = String(request.path)
        values["query"] = String(request.queryString)
        values["target"] = request.target
        values["headers"] = joinedFields(fields)
        values["header_list"] = fields.map { ["name": $0.name.rawName, "value": $0.value] }
        values["variables"] = request.variables.map { ["name": $0.name, "value": $0.value] }
        return values
    }

    /// RFC 9110 §5.3: fields of one name combine with `, `; `Cookie` is
    /// the exception, joined with `; ` (RFC 6265 §5.4).
    static func joinedFields(_ fields: [HTTPField]) -> [String: String] {
        var joined: [String: String] = [:]
        for field in fields {
            let name = field.name.canonicalName
            let separator = field.name == .cookie ? "; " : ", "
            joined[name] = joined[name].map { $0 + separator + field.value } ?? field.value
        }
        return joined
    }

    static func formValues(_ form: HearthForm) -> [String: PageFormValues] {
        var values: [String: [String]] = [:]
        for field in form.fields { values[field.name, default: []].append(field.value) }
        return values.mapValues(PageFormValues.init)
    }

    static func cookieValues(_ cookies: HearthCookies) -> [String: String] {
        var values: [String: String] = [:]
        for cookie in cookies where values[cookie.name] == nil { values[cookie.name] = cookie.value }
        return values
    }
}
