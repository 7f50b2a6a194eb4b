#if canImport(Glibc)
import Glibc
#endif

/// Strings as C wants them for exec: each NUL-terminated, side by side in
/// one buffer, and a NULL-ended array of pointers to them. Two allocations
/// for a whole environment, where one per variable (strdup) was a
/// measurable part of a cold request.
struct CStringArray: ~Copyable {
    private let storage: UnsafeMutablePointer<CChar>
    /// argv or envp: the strings in order, then NULL.
    let pointers: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>

    init(_ strings: [String]) {
        self.init(parts: strings.map { [$0] })
    }

    /// Each pair as `name=value` (an environment, RFC 3875 §4.1).
    init(pairs: [(name: String, value: String)]) {
        self.init(parts: pairs.map { [$0.name, "=", $0.value] })
    }

    /// Each string the concatenation of its parts.
    private init(parts: [[String]]) {
        let bytes = parts.reduce(0) { total, string in total + string.reduce(1) { $0 + $1.utf8.count } }
        storage = .allocate(capacity: bytes)
        pointers = .allocate(capacity: parts.count + 1)
        var next = storage
        for (index, string) in parts.enumerated() {
            pointers[index] = next
            for part in string { next = Self.copy(part, to: next) }
            next.pointee = 0
            next += 1
        }
        pointers[parts.count] = nil
    }

    private static func copy(_ string: String, to destination: UnsafeMutablePointer<CChar>) -> UnsafeMutablePointer<CChar> {
        var next = destination
        for byte in string.utf8 {
            next.pointee = CChar(bitPattern: byte)
            next += 1
        }
        return next
    }

    subscript(index: Int) -> UnsafeMutablePointer<CChar> { pointers[index]! }

    deinit {
        storage.deallocate()
        pointers.deallocate()
    }
}
