/// The header block a script printed (§6.3), parsed and validated.
public struct CGIResponseHead: Sendable, Equatable {
    /// The `Status` field (§6.3.3), if the script sent one.
    public var status: CGIStatus?
    /// The `Content-Type` field (§6.3.1), if any.
    public var contentType: String?
    /// The `Location` field (§6.3.2), if any.
    public var location: String?
    /// Every other field, in order, names as the script wrote them.
    public var fields: [CGIField]
    /// Under `CGIScriptHeaders.lenient`, the names of fields read but not
    /// relayed, being no HTTP token (cgitb's `<!--`); empty otherwise.
    public var droppedNames: [String] = []

    public init(status: CGIStatus? = nil, contentType: String? = nil, location: String? = nil, fields: [CGIField] = [], droppedNames: [String] = []) {
        self.status = status
        self.contentType = contentType
        self.location = location
        self.fields = fields
        self.droppedNames = droppedNames
    }
}

public struct CGIField: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

public struct CGIStatus: Sendable, Equatable {
    public var code: Int
    public var reason: String

    public init(code: Int, reason: String) {
        self.code = code
        self.reason = reason
    }
}

/// What the server must do with a script's response (§6.2).
public enum CGIResponseKind: Sendable, Equatable {
    /// §6.2.1 and §6.2.4: send status, fields and the body.
    case document(status: CGIStatus, fields: [CGIField])
    /// §6.2.2: reprocess the request internally at this path and query.
    case localRedirect(String)
}

extension CGIResponseHead {
    /// Classifies the response per §6.2. A local `Location` without a
    /// redirect status is a local redirect; an absolute one without `Status`
    /// is a client redirect, 302 (§6.2.3).
    public var kind: CGIResponseKind {
        if let location, location.hasPrefix("/"), !location.hasPrefix("//"), status == nil || status?.code == 200 {
            return .localRedirect(location)
        }
        var out: [CGIField] = []
        if let contentType { out.append(CGIField(name: "Content-Type", value: contentType)) }
        if let location { out.append(CGIField(name: "Location", value: location)) }
        out += fields
        let defaultStatus = location == nil ? CGIStatus(code: 200, reason: "OK") : CGIStatus(code: 302, reason: "Found")
        return .document(status: status ?? defaultStatus, fields: out)
    }
}
