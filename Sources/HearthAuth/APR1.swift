import Crypto

/// Apache's `$apr1$` hash: Poul-Henning Kamp's MD5-crypt with the magic
/// `$apr1$` (apr_md5.c, `apr_md5_encode`). libxcrypt knows only the `$1$`
/// variant, and the magic is hashed in, so it is implemented here on
/// swift-crypto's MD5.
enum APR1 {
    static let magic = Array("$apr1$".utf8)

    static func hash(_ password: String, salt: String) -> String {
        let pw = Array(password.utf8)
        let salt = Array(salt.utf8.prefix(8))
        var context = Insecure.MD5()
        context.update(data: pw + magic + salt)
        let alternate = Array(Insecure.MD5.hash(data: pw + salt + pw))
        var remaining = pw.count
        while remaining > 0 {
            context.update(data: alternate.prefix(min(16, remaining)))
            remaining -= 16
        }
        // The original's quirk: a NUL byte for a set bit, else the first
        // byte of the password.
        var bits = pw.count
        while bits > 0 {
            context.update(data: bits & 1 == 1 ? [0] : [pw[0]])
            bits >>= 1
        }
        var final = Array(context.finalize())
        for round in 0..<1000 {
            var step = Insecure.MD5()
            step.update(data: round & 1 == 1 ? pw : final)
            if round % 3 != 0 { step.update(data: salt) }
            if round % 7 != 0 { step.update(data: pw) }
            step.update(data: round & 1 == 1 ? final : pw)
            final = Array(step.finalize())
        }
        return "$apr1$" + String(decoding: salt, as: UTF8.self) + "$" + encode(final)
    }

    /// crypt's base-64 (`./0-9A-Za-z`), least significant sextet first, over
    /// the digest's bytes in MD5-crypt's shuffled order.
    static func encode(_ f: [UInt8]) -> String {
        let alphabet = Array("./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)
        var out: [UInt8] = []
        func put(_ value: UInt32, _ count: Int) {
            var value = value
            for _ in 0..<count {
                out.append(alphabet[Int(value & 0x3F)])
                value >>= 6
            }
        }
        for (a, b, c) in [(0, 6, 12), (1, 7, 13), (2, 8, 14), (3, 9, 15), (4, 10, 5)] {
            put(UInt32(f[a]) << 16 | UInt32(f[b]) << 8 | UInt32(f[c]), 4)
        }
        put(UInt32(f[11]), 2)
        return String(decoding: out, as: UTF8.self)
    }
}
