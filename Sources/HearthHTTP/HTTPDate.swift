#if canImport(Glibc)
import Glibc
#endif
import NIOConcurrencyHelpers

/// IMF-fixdate (RFC 9110 §5.6.7) for `Date` headers, and the Common Log
/// Format and JSON log timestamps; each formatted at most once a second.
public enum HTTPDate {
    /// A NIOLock, not a Mutex: taken for every response's `Date`, and a
    /// Mutex costs a gettid(2) per lock on Linux.
    private static let cache = NIOLockedValueBox<(second: time_t, http: String, log: String, iso: String)>((0, "", "", ""))

    public static func now() -> String { current().http }

    /// `[25/Nov/2026:08:24:49 +0000]` without the brackets.
    public static func logTimestamp() -> String { current().log }

    /// `2026-11-25T08:24:49Z` (RFC 3339, UTC): the JSON access log's time.
    public static func isoTimestamp() -> String { current().iso }

    /// IMF-fixdate for any instant (Last-Modified).
    public static func format(_ seconds: time_t) -> String {
        strftimeUTC(seconds, "%a, %d %b %Y %H:%M:%S GMT")
    }

    /// Parses IMF-fixdate, `Sun, 06 Nov 1994 08:49:37 GMT` (If-Modified-Since);
    /// nil for anything else.
    public static func parse(_ text: String) -> time_t? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", let day = Int(parts[1]), let year = Int(parts[3]),
              let month = months.firstIndex(of: String(parts[2])) else { return nil }
        let clock = parts[4].split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3 else { return nil }
        var fields = tm()
        fields.tm_year = Int32(year - 1900)
        fields.tm_mon = Int32(month)
        fields.tm_mday = Int32(day)
        fields.tm_hour = Int32(clock[0])
        fields.tm_min = Int32(clock[1])
        fields.tm_sec = Int32(clock[2])
        return timegm(&fields)
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    private static func current() -> (http: String, log: String, iso: String) {
        let second = time(nil)
        return cache.withLockedValue { cached in
            if cached.second != second {
                cached = (second, format(second), strftimeUTC(second, "%d/%b/%Y:%H:%M:%S +0000"), strftimeUTC(second, "%Y-%m-%dT%H:%M:%SZ"))
            }
            return (cached.http, cached.log, cached.iso)
        }
    }

    private static func strftimeUTC(_ seconds: time_t, _ pattern: String) -> String {
        var instant = seconds
        var parts = tm()
        gmtime_r(&instant, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, pattern, &parts)
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
