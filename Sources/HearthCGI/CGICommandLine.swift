/// §4.4: the ISINDEX command line. A GET or HEAD whose query string has no
/// unencoded "=" is a search string; its "+"-separated words, decoded, become
/// the script's arguments. Off by default (CVE-2012-1823: php-cgi took
/// `-s` and `-d` from the query string); a mount opts in.
public enum CGICommandLine {
    /// The argument words, or [] when the request is not an indexed query or
    /// any word cannot be represented ("MUST NOT generate any command line
    /// information" then).
    public static func searchWords(method: String, queryString: String, maxWords: Int = 64) -> [String] {
        // "=" and "+" are bytes: among Characters, a combining mark after
        // one would hide it.
        let query = queryString.utf8
        guard method == "GET" || method == "HEAD", !query.isEmpty, !query.contains(0x3D) else { return [] }
        let raw = query.split(separator: 0x2B, omittingEmptySubsequences: false)
        guard raw.count <= maxWords else { return [] }
        var words: [String] = []
        for word in raw {
            guard !word.isEmpty, let decoded = PercentDecoding.decode(Substring(word)), !decoded.utf8.contains(0) else { return [] }
            words.append(decoded)
        }
        return words
    }
}
