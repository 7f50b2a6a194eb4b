import CHearthCrypt
import Crypto
import NIOPosix

/// One stored password hash, in a format Apache's `htpasswd` writes. Each is
/// verified by its real algorithm and the result compared in constant time
/// (SECURITY.md). Plain text is never accepted as a hash.
public enum HtpasswdHash: Sendable, Equatable {
    /// `$2y$`, `$2b$`, `$2a$` (bcrypt), `$1$`, `$5$`, `$6$` and 13-character
    /// DES crypt: all libxcrypt's `crypt_r`, given the stored hash as setting.
    case crypt(String)
    /// `$apr1$salt$digest`: Apache's MD5-crypt.
    case apr1(salt: String, hash: String)
    /// `{SHA}` + base64 of the password's SHA-1.
    case sha1(String)

    /// Nil for a format that is not a hash (plain text, an empty field).
    public init?(_ stored: String) {
        if stored.hasPrefix("$apr1$") {
            let parts = stored.dropFirst(6).split(separator: "$", omittingEmptySubsequences: false)
            guard parts.count == 2, (1...8).contains(parts[0].count), parts[1].count == 22 else { return nil }
            self = .apr1(salt: String(parts[0]), hash: stored)
        } else if stored.hasPrefix("{SHA}") {
            guard stored.count == 33 else { return nil }
            self = .sha1(stored)
        } else if ["$2y$", "$2b$", "$2a$", "$1$", "$5$", "$6$"].contains(where: stored.hasPrefix) {
            self = .crypt(stored)
        } else if stored.utf8.count == 13, stored.utf8.allSatisfy(Self.isCryptCharacter) {
            self = .crypt(stored)
        } else {
            return nil
        }
    }

    /// The format's name, for log lines.
    public var format: String {
        switch self {
        case .crypt(let stored) where stored.hasPrefix("$2"): "bcrypt"
        case .crypt(let stored) where stored.hasPrefix("$"): "crypt(\(stored.split(separator: "$").first ?? ""))"
        case .crypt: "crypt (DES)"
        case .apr1: "apr1"
        case .sha1: "SHA"
        }
    }

    /// Whether `password` hashes to this value. bcrypt is slow on purpose,
    /// so `crypt_r` runs on NIO's blocking thread pool, not on the caller's
    /// executor.
    public func verify(_ password: String) async -> Bool {
        switch self {
        case .crypt(let stored):
            let computed = try? await NIOThreadPool.singleton.runIfActive { Crypt.hash(password, setting: stored) }
            return ConstantTime.equal(Array((computed ?? nil)?.utf8 ?? "".utf8), Array(stored.utf8))
        case .apr1(let salt, let stored):
            return ConstantTime.equal(Array(APR1.hash(password, salt: salt).utf8), Array(stored.utf8))
        case .sha1(let stored):
            let digest = Insecure.SHA1.hash(data: Array(password.utf8))
            return ConstantTime.equal(Array(("{SHA}" + Base64.encode(Array(digest))).utf8), Array(stored.utf8))
        }
    }

    private static func isCryptCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"): true
        default: false
        }
    }
}

/// Comparisons whose time depends on the length only, never on where the
/// first difference is.
enum ConstantTime {
    static func equal(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}

/// libxcrypt's reentrant `crypt_r`.
enum Crypt {
    /// The hash of `password` under `setting` (a stored hash carries its own
    /// algorithm, cost and salt), or nil when libxcrypt refuses it: its
    /// failure tokens start with `*`.
    static func hash(_ password: String, setting: String) -> String? {
        guard !password.utf8.contains(0) else { return nil }
        let data = UnsafeMutablePointer<crypt_data>.allocate(capacity: 1)
        defer { data.deallocate() }
        // crypt(5): `initialized` must be zero before the first call.
        UnsafeMutableRawPointer(data).initializeMemory(as: UInt8.self, repeating: 0, count: MemoryLayout<crypt_data>.size)
        guard let result = crypt_r(password, setting, data) else { return nil }
        let text = String(cString: result)
        return text.hasPrefix("*") ? nil : text
    }
}
