import HearthCGI
import HearthHTTP

/// Told when a script's output is refused with a 502 for a rule it broke
/// (SECURITY.md, "Script → response"), cold or warm: the site's mount
/// metrics adopt it and count 502s by rule. Found through the request's
/// notes (`RequestNotes.observer`), so the relay needs no wiring.
package protocol ScriptOutputObserver: RequestObserver {
    func scriptOutputRefused(rule: ScriptOutputRule)
}

/// The rule a script's output broke, as a bounded label: one name per
/// check, never the offending text.
package enum ScriptOutputRule: String, Sendable, CaseIterable {
    // RFC 3875 §6: the header block.
    case noOutput = "no_output"
    case headerNotTerminated = "header_not_terminated"
    case headerTooLarge = "header_too_large"
    case noCGIField = "no_cgi_field"
    case malformedLine = "malformed_line"
    case invalidFieldName = "invalid_field_name"
    case invalidFieldValue = "invalid_field_value"
    case continuationLine = "continuation_line"
    case duplicateField = "duplicate_field"
    case invalidStatus = "invalid_status"
    case interimStatus = "interim_status"
    /// §6.3.4 and framing confusion: an invalid or conflicting length.
    case contentLength = "content_length"
    /// SECURITY.md, "runaway output": the mount's `max_output_bytes`.
    case outputCap = "output_cap"
    /// `X-Sendfile` or `X-Accel-Redirect` where no `sendfile_roots` allow it.
    case sendfileNotAllowed = "sendfile_not_allowed"

    package init(_ error: CGIOutputError) {
        switch error {
        case .noOutput: self = .noOutput
        case .headerNotTerminated: self = .headerNotTerminated
        case .headerTooLarge: self = .headerTooLarge
        case .noFields: self = .noCGIField
        case .malformedLine: self = .malformedLine
        case .invalidFieldName: self = .invalidFieldName
        case .invalidFieldValue: self = .invalidFieldValue
        case .continuationLine: self = .continuationLine
        case .duplicateField: self = .duplicateField
        case .invalidStatus: self = .invalidStatus
        case .interimStatus: self = .interimStatus
        }
    }
}

extension Request {
    /// Tells the request's observer, if it counts them, that the script's
    /// output broke `rule` and was answered with `error`; returns `error`.
    /// Only a 502 counts: an output that ended early because of a timeout
    /// is the script's time, not its form.
    package func refused(_ rule: ScriptOutputRule, _ error: HTTPError) -> HTTPError {
        if error.status == .badGateway, let observer = notes.observer as? any ScriptOutputObserver {
            observer.scriptOutputRefused(rule: rule)
        }
        return error
    }
}
