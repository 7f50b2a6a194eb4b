#!/bin/sh
# An NPH script (RFC 3875 §5): it writes the whole HTTP response itself,
# status line included, and the server passes it on untouched.
printf '%s 200 OK\r\n' "${SERVER_PROTOCOL:-HTTP/1.0}"
printf 'Content-Type: text/plain\r\n'
printf 'Connection: close\r\n\r\n'
date -u '+%Y-%m-%dT%H:%M:%SZ'
