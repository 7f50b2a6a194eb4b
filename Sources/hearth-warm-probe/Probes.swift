/// The probes of conformance/cgi-bin, by script name. Each answers with the
/// bytes its sh probe prints and returns the sh probe's exit status, which
/// becomes END_REQUEST's appStatus (FastCGI 1.0 §5.5).
enum Probes {
    static func run(_ request: ProbeRequest) throws -> UInt32 {
        let name = request.scriptName
        if let output = fixedOutput(name) {
            try request.out(output)
            return 0
        }
        switch name {
        case "env.sh": try env(request)
        case "target.sh": try target(request)
        case "echo.sh": try echo(request)
        case "head.sh": try head(request)
        case "local-redirect.sh": try localRedirect(request)
        case "bad-header.sh": try badHeader(request)
        case "framing.sh": try framing(request)
        case "big.sh": try big(request)
        case "slow.sh": try slow(request)
        case "hang.sh": try hang(request)
        case "stderr.sh": try stderr(request)
        case "stderr-fail.sh": return try stderrFail(request)
        case "exit1.sh": return exit1()
        case "argv.sh": try argv(request)
        case "pwd.sh": try pwd(request)
        case "nph-status.sh": try nphStatus(request)
        case "nph-echo.sh": try nphEcho(request)
        case "status-1xx.sh": try status1xx(request)
        default:
            // Not a probe: say so plainly rather than guess.
            try request.out("Status: 404 Not Found\nContent-Type: text/plain\n\nno warm probe named \(name)\n")
        }
        return 0
    }

    /// The probes whose output never varies: the sh probe named by each
    /// case prints exactly these bytes (its `printf` format strings).
    static func fixedOutput(_ name: String) -> String? {
        switch name {
        // blank-lines.sh (RFC 3875 §6.4): a body with blank lines and a tab.
        case "blank-lines.sh": "Content-Type: text/plain\n\n\nline after a blank line\n\n\r\n\r\n\tend\n"
        // case-fields.sh (§6.3): field names in other letter cases.
        case "case-fields.sh": "content-type: text/plain\nSTATUS: 202 Accepted\n\ncase-fields body\n"
        // client-redirect-doc.sh (§6.2.4): a client redirect with a document.
        case "client-redirect-doc.sh":
            "Status: 301 Moved Permanently\nLocation: http://example.org/moved\nContent-Type: text/html\n\n"
                + "<p>Moved to <a href=\"http://example.org/moved\">example.org/moved</a>.</p>\n"
        // client-redirect.sh (§6.2.3): an absolute Location and nothing else.
        case "client-redirect.sh": "Location: http://example.org/elsewhere?q=1#frag\n\n"
        // content-length.sh (§6.3.4): a correct Content-Length.
        case "content-length.sh": "Content-Type: text/plain\nContent-Length: 11\n\n0123456789\n"
        // crlf.sh (§7.2): CR LF line ends.
        case "crlf.sh": "Content-Type: text/plain\r\nX-Probe-Newline: crlf\r\n\r\ncrlf body\r\n"
        // ctype.sh (§6.3.1): an uncommon media type with a parameter.
        case "ctype.sh": "Content-Type: application/x-conformance-probe; level=1\n\nctype body\n"
        // doc-status.sh (§6.2.1, §6.3.3): a document with a Status.
        case "doc-status.sh": "Status: 410 Gone\nContent-Type: text/plain\n\ndoc-status body\n"
        // empty.sh (§6.2): an empty body.
        case "empty.sh": "Content-Type: text/plain\n\n"
        // extension.sh (§6.3.4, §6.3.5): an X-CGI- field and ordinary ones.
        case "extension.sh":
            "Content-Type: text/plain\nX-CGI-Probe: extension\nX-Probe-Field: one two\nCache-Control: no-store\n\nextension body\n"
        // lf.sh (§6.3.4, §7.2): LF line ends.
        case "lf.sh": "Content-Type: text/plain\nX-Probe-Newline: lf\n\nlf body\n"
        // no-ctype.sh (§6.3.1): no Content-Type, an HTML-looking body.
        case "no-ctype.sh": "Status: 200 OK\n\n<!DOCTYPE html><html><body>sniff me</body></html>\n"
        // no-header.sh (§6.2): the output starts with the blank line.
        case "no-header.sh": "\nno header fields came before this line\n"
        // null-location.sh (§6.3): an empty Location field.
        case "null-location.sh": "Content-Type: text/plain\nLocation:\n\nnull-location body\n"
        // status-bare.sh (§6.3.3): "Status: 410", no reason phrase.
        case "status-bare.sh": "Status: 410\nContent-Type: text/plain\n\nstatus-bare body\n"
        // status-empty-reason.sh (§6.3.3): an empty reason phrase.
        case "status-empty-reason.sh": "Status: 410 \nContent-Type: text/plain\n\nstatus-empty-reason body\n"
        // ws-fields.sh (§6.3): no space, then several, after the colon.
        case "ws-fields.sh": "Content-Type:text/plain\nStatus:    203 Non-Authoritative Information\n\nws-fields body\n"
        default: nil
        }
    }
}
