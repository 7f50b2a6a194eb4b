/// Small real CGI scripts the live tests run, each doing one thing.
enum Probe {
    /// Prints every environment variable, one `NAME=value` per line.
    static let printenv = """
    #!/bin/sh
    printf 'Content-Type: text/plain\\n\\n'
    env
    """

    /// Copies exactly CONTENT_LENGTH bytes of stdin to stdout (§4.2).
    static let echo = """
    #!/bin/sh
    printf 'Content-Type: application/octet-stream\\n\\n'
    head -c "${CONTENT_LENGTH:-0}"
    """

    /// Copies its body back, but only starts reading after a pause: the
    /// server finds the stdin pipe full and must wait for room.
    static let slowEcho = """
    #!/bin/sh
    printf 'Content-Type: application/octet-stream\\n\\n'
    sleep 0.3
    head -c "${CONTENT_LENGTH:-0}"
    """

    /// Writes $1 megabytes of a repeating pattern.
    static let big = """
    #!/bin/sh
    printf 'Content-Type: application/octet-stream\\n\\n'
    head -c $((5 * 1024 * 1024)) /dev/zero | tr '\\0' 'x'
    """

    /// Ignores SIGPIPE, records its pid in `$QUERY_STRING.pid`, writes 5
    /// megabytes, then hangs on: only a signal from the server ends it.
    static let bigThenLingers = """
    #!/bin/sh
    trap '' PIPE
    echo $$ > "$QUERY_STRING.pid"
    printf 'Content-Type: application/octet-stream\\n\\n'
    head -c $((5 * 1024 * 1024)) /dev/zero | tr '\\0' 'x'
    exec sleep 1000
    """

    /// Never reads its input; answers at once.
    static let ignoresInput = """
    #!/bin/sh
    printf 'Content-Type: text/plain\\n\\nignored\\n'
    """

    /// Leaves its stdin to a background child that never reads it (its
    /// output goes elsewhere), records that child's pid in
    /// `$QUERY_STRING.pid`, answers and exits.
    static let leavesStdinToAChild = """
    #!/bin/sh
    # An asynchronous list's stdin is /dev/null unless redirected (POSIX
    # sh, job control off): hand the pipe over through fd 3.
    exec 3<&0
    sleep 300 <&3 3<&- >/dev/null 2>&1 &
    echo $! > "$QUERY_STRING.pid"
    printf 'Content-Type: text/plain\\n\\nleft\\n'
    """

    /// Records its pid in `$QUERY_STRING.pid`, then hangs without output.
    static let hangs = """
    #!/bin/sh
    echo $$ > "$QUERY_STRING.pid"
    exec sleep 1000
    """

    /// Sends a head, records its pid, then streams forever.
    static let streams = """
    #!/bin/sh
    printf 'Content-Type: text/plain\\n\\n'
    echo $$ > "$QUERY_STRING.pid"
    while :; do echo tick; sleep 0.05; done
    """

    /// Prints who started it and how: its parent's pid, its own argv and
    /// the names in the environment it was exec'd with, from /proc.
    static let origin = """
    #!/bin/sh
    printf 'Content-Type: text/plain\\n\\n'
    echo "parent=$PPID"
    printf 'argv='; tr '\\0' '|' < /proc/$$/cmdline; echo
    printf 'started-with='; tr '\\0' '\\n' < /proc/$$/environ | sed 's/=.*//' | tr '\\n' ' '; echo
    """

    /// Prints whatever output `$QUERY_STRING` names, for response tests.
    static let respond = #"""
    #!/bin/sh
    case "$QUERY_STRING" in
      status) printf 'Status: 404 Nowhere\nContent-Type: text/plain\n\nmissing\n' ;;
      local) printf 'Location: /cgi-bin/respond?status\n\n' ;;
      loop) printf 'Location: /cgi-bin/respond?loop\n\n' ;;
      client) printf 'Location: http://example.org/x\n\n' ;;
      clientdoc) printf 'Status: 301 Moved\nLocation: http://example.org/y\nContent-Type: text/html\n\n<a href="http://example.org/y">moved</a>\n' ;;
      length) printf 'Content-Type: text/plain\nContent-Length: 6\n\nsized\n' ;;
      conflict) printf 'Content-Type: text/plain\nContent-Length: 6\nContent-Length: 7\n\nsized\n' ;;
      framing) printf 'Content-Type: text/plain\nConnection: keep-alive\nTransfer-Encoding: chunked\n\nplain\n' ;;
      split) printf 'Content-Type: text/plain\nX-Evil: a\rSet-Cookie: b\n\nbody\n' ;;
      noheader) printf 'just text\n' ;;
      nothing) exit 3 ;;
      crlf) printf 'Content-Type: text/plain\r\nX-Line: crlf\r\n\r\nbody\n' ;;
      *) printf 'Content-Type: text/plain\n\nhello\n' ;;
    esac
    """#

    /// An NPH script: the whole HTTP response, by itself.
    static let nph = """
    #!/bin/sh
    printf 'HTTP/1.1 299 Custom\\r\\nX-Raw: yes\\r\\n\\r\\nraw body'
    """

    /// Prints its arguments, one per line (§4.4).
    static let argv = """
    #!/bin/sh
    printf 'Content-Type: text/plain\\n\\n'
    for word in "$@"; do echo "[$word]"; done
    """

    /// Writes a line to stderr and answers.
    static let stderr = """
    #!/bin/sh
    echo "warning from the script" >&2
    printf 'Content-Type: text/plain\\n\\nok\\n'
    """

    /// Writes 20,000 numbered lines to stderr (several pipe buffers) before
    /// any output, and a last one with no newline after it.
    static let stderrFlood = """
    #!/bin/sh
    seq 1 20000 | sed 's/^/noise /' >&2
    printf 'unterminated' >&2
    printf 'Content-Type: text/plain\\n\\nok\\n'
    """

    /// Writes its whole answer in one write (dash's printf is a builtin)
    /// and closes stdout a system call later, long before it exits: the
    /// server almost always reads the output and its end together. For
    /// HEAD it leaves the body out, as §4.3.3 requires.
    static let closesAfterOneWrite = """
    #!/bin/sh
    exec 3>&1 1>&-
    body='whole\\n'
    [ "$REQUEST_METHOD" = HEAD ] && body=''
    printf "Content-Type: text/plain\\n\\n$body" >&3
    exec 3>&-
    sleep 0.1
    """

    /// Begins a stderr line, finishes it after the server has started
    /// watching the pipe (`ScriptStderrPipe.watchAfter`), then answers.
    static let stderrLineAcrossTheWatch = """
    #!/bin/sh
    printf 'part' >&2
    sleep 0.3
    printf 'ial\\n' >&2
    printf 'Content-Type: text/plain\\n\\nok\\n'
    """

    /// Answers, closes stdout, and then writes to stderr without end.
    static let endlessStderrAfterOutput = """
    #!/bin/sh
    printf 'Content-Type: text/plain\\n\\nok\\n'
    exec >&-
    exec yes 'noise without end' >&2
    """

    /// Answers and closes stdout, then writes to stderr a moment later.
    static let stderrAfterOutput = """
    #!/bin/sh
    printf 'Content-Type: text/plain\\n\\nok\\n'
    exec >&-
    sleep 0.05
    echo 'after the answer' >&2
    """

    /// Answers, closes stdout and stderr, and only then exits, with status 3.
    static let outlivesOutput = """
    #!/bin/sh
    printf 'Content-Type: text/plain\\n\\nearly\\n'
    exec >&- 2>&-
    sleep 0.3
    exit 3
    """

    /// Names what its stdin is, then copies it to its end.
    static let stdinKind = """
    #!/bin/sh
    printf 'Content-Type: text/plain\\n\\n'
    readlink /proc/self/fd/0
    cat
    """
}

extension RawResponseEnvironment {
}

/// The `NAME=value` lines of a printenv response as a dictionary.
enum RawResponseEnvironment {
    static func parse(_ text: String) -> [String: String] {
        var environment: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            environment[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        return environment
    }
}
