/// A mistake in what a program publishes, found when it registers it —
/// before the server takes a request — rather than a name that would be
/// silently unreachable, or worse, reachable by surprise. Thrown, not
/// trapped, so a test can show it and a program can report it.
public enum PublisherError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An object or function name outside `[A-Za-z0-9_-]`, empty, or
    /// beginning with `_` (mod_python's rule for private names, kept even
    /// though nothing here is reached by reflection).
    case invalidName(String, reason: String)
    /// A name registered twice in the same place.
    case duplicateName(String)

    public var description: String {
        switch self {
        case .invalidName(let name, let reason): "cannot publish \(name.debugDescription): \(reason)"
        case .duplicateName(let name): "\(name.debugDescription) is already published here"
        }
    }
}

/// The names that can be published, checked once at registration; the
/// router checks each path segment with the same rule before a lookup, so
/// the lookup is an exact byte match (no Unicode equivalence: KELVIN SIGN
/// is not `K`).
enum PublishedName {
    static func check(_ name: String) throws(PublisherError) {
        guard !name.isEmpty else { throw .invalidName(name, reason: "a name cannot be empty") }
        guard name.utf8.first != UInt8(ascii: "_") else {
            throw .invalidName(name, reason: "names beginning with _ are never published")
        }
        guard isValid(name[...]) else {
            throw .invalidName(name, reason: "a name is made of A-Z, a-z, 0-9, _ and - only")
        }
    }

    /// True for a name that may have been published: a cheap byte scan.
    static func isValid(_ segment: Substring) -> Bool {
        guard let first = segment.utf8.first, first != UInt8(ascii: "_") else { return false }
        return segment.utf8.allSatisfy(isNameByte)
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "_"), UInt8(ascii: "-"): true
        default: false
        }
    }
}
