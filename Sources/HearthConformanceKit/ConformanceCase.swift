/// One conformance case: a raw request, the script it uses, and what a
/// conforming server must answer. Loaded from conformance/cases/*.yaml
/// (conformance/FORMAT.md).
public struct ConformanceCase: Codable, Sendable, Equatable {
    public enum Class: String, Codable, Sendable, CaseIterable, Comparable {
        case must = "MUST"
        case should = "SHOULD"
        case may = "MAY"
        case security = "SECURITY"
        case robust = "ROBUST"

        /// A failure of this class makes the run fail.
        public var isRequired: Bool { self == .must || self == .security }

        public static func < (lhs: Self, rhs: Self) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    public var id: String
    public var section: String
    public var sentence: String
    public var `class`: Class
    public var probe: String?
    public var request: String?
    public var body: String?
    public var raw: String?
    public var timeout: Double?
    public var expect: Expectation
    public var note: String?
    /// The file the case came from, set by the loader.
    public var file: String?

    public init(
        id: String, section: String, sentence: String, class kind: Class, probe: String? = nil,
        request: String? = nil, body: String? = nil, raw: String? = nil, timeout: Double? = nil,
        expect: Expectation, note: String? = nil
    ) {
        self.id = id
        self.section = section
        self.sentence = sentence
        self.class = kind
        self.probe = probe
        self.request = request
        self.body = body
        self.raw = raw
        self.timeout = timeout
        self.expect = expect
        self.note = note
    }

    /// The bytes to send, placeholders filled in: the head's lines end in
    /// CR LF and a blank line ends it; `raw` is sent exactly. In `body` and
    /// `raw`, `{repeat N TEXT}` stands for TEXT written N times (a chunk
    /// line of 128 KiB is no data to keep in a case file).
    public func wireBytes(for target: ConformanceTarget) -> [UInt8] {
        if let raw { return Array(Self.expandRepeats(target.substitute(raw)).utf8) }
        var head = (request ?? "").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while head.last == "" { head.removeLast() }
        let text = head.map { target.substitute($0) + "\r\n" }.joined() + "\r\n"
        return Array(text.utf8) + Array(Self.expandRepeats(body ?? "").utf8)
    }

    /// `{repeat N TEXT}` → TEXT × N; TEXT holds no `}`.
    static func expandRepeats(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let start = rest.range(of: "{repeat ") {
            out += rest[..<start.lowerBound]
            let after = rest[start.upperBound...]
            guard let close = after.firstIndex(of: "}"), let space = after.firstIndex(of: " "), space < close,
                  let count = Int(after[..<space]) else {
                out += rest[start]
                rest = after
                continue
            }
            out += String(repeating: String(after[after.index(after: space)..<close]), count: count)
            rest = after[after.index(after: close)...]
        }
        return out + rest
    }
}

/// What a response must show. Every field given must hold; `anyOf` holds
/// when at least one alternative does (where the RFC leaves a choice).
public struct Expectation: Codable, Sendable, Equatable {
    public var status: StatusSet?
    public var headers: [String: String]?
    public var headersPresent: [String]?
    public var headersAbsent: [String]?
    public var headerMatches: [String: String]?
    public var env: [String: String]?
    public var envAbsent: [String]?
    public var envMatches: [String: String]?
    public var body: String?
    public var bodyContains: [String]?
    public var bodyNotContains: [String]?
    public var rawPrefix: String?
    public var closed: Bool?
    /// Every line of the response head ends in CR LF (RFC 3875 §6.3.4: the
    /// server translates the script's LF newlines).
    public var crlfHead: Bool?
    public var anyOf: [Expectation]?

    enum CodingKeys: String, CodingKey {
        case status, headers, env, body, closed
        case headersPresent = "headers_present", headersAbsent = "headers_absent", headerMatches = "header_matches"
        case envAbsent = "env_absent", envMatches = "env_matches"
        case bodyContains = "body_contains", bodyNotContains = "body_not_contains"
        case rawPrefix = "raw_prefix", anyOf = "any_of", crlfHead = "crlf_head"
    }

    public init() {}

    /// Whether reading must go on until the server closes the connection.
    var readsToClose: Bool {
        rawPrefix != nil || closed == true || (anyOf ?? []).contains { $0.readsToClose }
    }
}

/// One allowed status or several.
public struct StatusSet: Codable, Sendable, Equatable {
    public var codes: [Int]

    public init(_ codes: [Int]) { self.codes = codes }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let single = try? container.decode(Int.self) {
            codes = [single]
        } else {
            codes = try container.decode([Int].self)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if codes.count == 1 { try container.encode(codes[0]) } else { try container.encode(codes) }
    }
}
