/// A certificate that cannot serve: unreadable, expired, not yet valid, or
/// not matching its key. Names the file, so the operator knows which.
public struct TLSCertificateError: Error, CustomStringConvertible {
    public var file: String
    public var reason: String

    public var description: String { "\(file): \(reason)" }
}
