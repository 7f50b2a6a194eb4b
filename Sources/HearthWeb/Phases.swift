import HTTPTypes

/// What a phase hook decides: mod_python's return codes.
public enum PhaseOutcome: Sendable {
    /// `apache.OK`: this hook is satisfied.
    case ok
    /// `apache.DECLINED`: this hook has no opinion; ask the next one.
    case declined
    /// Any other status (`apache.HTTP_FORBIDDEN`, …) or a whole response:
    /// the request is answered now; only log and cleanup still run.
    case respond(HearthResponse)

    /// A short page for `status`, the same one a thrown error gets.
    public static func status(_ status: HTTPResponse.Status) -> PhaseOutcome {
        .respond(ErrorMapping.page(status))
    }
}

/// A hook of the access, authentication, authorization or fixup phase. It
/// may change the request for the phases after it (authentication sets
/// REMOTE_USER; a fixup may add a meta-variable).
public typealias RequestHook = @Sendable (inout HearthRequest) async throws -> PhaseOutcome
/// A log-phase hook: sees the request as the phases left it and the
/// response the client gets. It cannot change either.
public typealias LogHook = @Sendable (HearthRequest, HearthResponse) async -> Void
/// A cleanup hook: runs last, whatever happened before it.
public typealias CleanupHook = @Sendable (HearthRequest) async -> Void

extension HearthRequest {
    /// Sets the meta-variable `name`, replacing any earlier value.
    public mutating func setVariable(_ name: String, _ value: String) {
        variables = CGIMetaVariables(variables.pairs.filter { $0.name != name } + [(name: name, value: value)])
    }

    /// What an authentication hook records (RFC 3875 §4.1.11 REMOTE_USER,
    /// §4.1.1 AUTH_TYPE) for the phases and handler after it.
    public mutating func authenticate(user: String, type: String) {
        setVariable("REMOTE_USER", user)
        setVariable("AUTH_TYPE", type)
    }
}
