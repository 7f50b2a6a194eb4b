import HearthPages
import HearthSessions
import HearthWeb

/// Puts the request's session, when a `SessionHandler` attached one, in a
/// page's scope as `session`: every value by its key, decoded from the JSON
/// it is stored as into what a template can walk (text, numbers, booleans,
/// lists, nested objects), plus `session.isNew`. A request without a
/// session adds nothing, so `{{#session}}` is simply false. mod_python's
/// PSP had `session` in scope the same way.
struct SessionPageScope: PageScopeProvider {
    func scope(for request: HearthRequest) async throws -> [String: any Sendable] {
        guard let session = request.locals[SessionLocalKey.self] else { return [:] }
        var values: [String: any Sendable] = ["isNew": session.isNew]
        for key in session.keys {
            if let value = try? session.value(key, as: TemplateValue.self)?.value { values[key] = value }
        }
        return ["session": values]
    }
}

/// Any JSON value, as a template scope holds it.
private struct TemplateValue: Decodable {
    let value: (any Sendable)?

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            value = nil
        } else if let bool = try? container.decode(Bool.self) {
            value = bool
        } else if let int = try? container.decode(Int.self) {
            value = int
        } else if let double = try? container.decode(Double.self) {
            value = double
        } else if let text = try? container.decode(String.self) {
            value = text
        } else if let list = try? container.decode([TemplateValue].self) {
            value = list.compactMap(\.value)
        } else {
            value = try container.decode([String: TemplateValue].self).compactMapValues(\.value)
        }
    }
}
