#if canImport(Glibc)
import Glibc
#endif
import Logging
import NIOHTTP1
import Synchronization

/// Every request's id, as Apache's mod_unique_id gives one: returned to the
/// client in `X-Request-Id`, passed to scripts as `UNIQUE_ID` and
/// `HTTP_X_REQUEST_ID`, and written in the access-log line and in every
/// error-log line about the request (`request_id`), so the three can be
/// joined. A proxy in `trusted_proxies` may hand its own id over in
/// `X-Request-Id` (its logs then join too); from anyone else that field is
/// replaced, never passed on: a client must not choose what an operator
/// takes for the server's own identification of its request.
public enum RequestID {
    /// The field that carries the id, in and out.
    public static let field = "X-Request-Id"

    /// A new id: 16 characters of base64url (RFC 4648 §5, URL- and
    /// log-safe) over 96 bits — the time in seconds, a random tag drawn
    /// once per process, and a per-process counter. Unique as
    /// mod_unique_id's ids are (time, process, counter), with the tag in
    /// place of the pid and host address; cheap enough to make for every
    /// request (no system call). Not a secret, and not guessable-proof.
    public static func next() -> String {
        let seconds = UInt64(UInt32(truncatingIfNeeded: wallClockSeconds()))
        let count = counter.add(1, ordering: .relaxed).newValue
        let high = seconds << 32 | UInt64(tag)
        return encode(high: high, low: count)
    }

    /// Whether `text`, from a trusted proxy, may stand as the id: 1–128
    /// characters of letters, digits and `-_.:@+=/~` (UUIDs, base64,
    /// Heroku's and AWS's ids); anything else is replaced by a fresh one.
    public static func isAcceptable(_ text: String) -> Bool {
        (1...128).contains(text.utf8.count) && text.utf8.allSatisfy { byte in
            alphabet.contains(byte) || "._:@+=/~".utf8.contains(byte)
        }
    }

    /// The id of `head` arriving from `client`: the one `X-Request-Id`
    /// field of a trusted proxy when it is acceptable, else a new one. The
    /// head is left with exactly that id in `X-Request-Id`, so scripts see
    /// it (`HTTP_X_REQUEST_ID`) and `%{X-Request-Id}i` logs it.
    static func assign(to head: inout HTTPRequestHead, client: String, trusted: [IPNetwork]) -> String {
        let given = head.headers[canonicalForm: field]
        if given.count == 1, isAcceptable(String(given[0])), trusted.contains(where: { $0.contains(client) }) {
            return String(given[0])
        }
        let id = next()
        head.headers.replaceOrAdd(name: field, value: id)
        return id
    }

    /// The id of the request the current task serves, for the error log:
    /// set by the connection around its responder, read by
    /// `metadataProvider`.
    @TaskLocal public static var current: String?

    /// Adds `request_id` to every log record made in a request's task,
    /// whatever logger makes it. `hearth` bootstraps its log handler with
    /// it; a program embedding the server can do the same. Records made
    /// outside the task (a script's stderr, read on an event loop) carry
    /// the id as explicit metadata instead.
    public static let metadataProvider = Logger.MetadataProvider {
        current.map { [metadataKey: .string($0)] } ?? [:]
    }

    /// The metadata key of the id in error-log records.
    public static let metadataKey = "request_id"

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    private static let counter = Atomic<UInt32>(0)
    private static let tag = UInt32.random(in: .min ... .max)

    /// 96 bits, six at a time, most significant first.
    private static func encode(high: UInt64, low: UInt32) -> String {
        var characters: [UInt8] = []
        characters.reserveCapacity(16)
        for shift in stride(from: 90, through: 0, by: -6) {
            let bits = shift >= 32 ? high >> (shift - 32) : (high << (32 - shift)) | UInt64(low >> shift)
            characters.append(alphabet[Int(bits & 0x3F)])
        }
        return String(decoding: characters, as: UTF8.self)
    }

    /// Seconds since 1970 (the wall clock: an id's time is a date).
    private static func wallClockSeconds() -> Int {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return now.tv_sec
    }
}
