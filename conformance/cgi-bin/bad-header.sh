#!/bin/sh
# Conformance probe (RFC 3875 §6.3; SECURITY.md "response splitting"): a
# broken or hostile header block, chosen by QUERY_STRING. Each variant also
# prints a body, so a lax server shows what it let through.
case $QUERY_STRING in
    cr) printf 'Content-Type: text/plain\nX-Probe: a\rX-Injected: yes\n\n' ;;
    nul) printf 'Content-Type: text/plain\nX-Probe: a\000b\n\n' ;;
    fold) printf 'Content-Type: text/plain\nX-Probe: first\n  X-Injected: yes\n\n' ;;
    name) printf 'Content-Type: text/plain\nX Injected: yes\n\n' ;;
    nocolon) printf 'Content-Type: text/plain\nthis line is not a header field\n\n' ;;
    space-before-colon) printf 'Content-Type: text/plain\nX-Probe : spaced\n\n' ;;
    dup-ctype) printf 'Content-Type: text/plain\nContent-Type: text/html\n\n' ;;
    dup-status) printf 'Status: 200 OK\nStatus: 404 Not Found\nContent-Type: text/plain\n\n' ;;
    status-abc) printf 'Status: abc\nContent-Type: text/plain\n\n' ;;
    status-2digit) printf 'Status: 99 Too Small\nContent-Type: text/plain\n\n' ;;
    status-4digit) printf 'Status: 2000 Too Big\nContent-Type: text/plain\n\n' ;;
    unterminated) printf 'Content-Type: text/plain\nX-Probe: no blank line follows\n'; exit 0 ;;
    huge)
        printf 'Content-Type: text/plain\nX-Huge: '
        awk 'BEGIN { for (i = 0; i < 16384; i++) printf "%064d", i }'
        printf '\n\n' ;;
    *) printf 'Status: 400 Bad Request\nContent-Type: text/plain\n\nunknown variant\n'; exit 0 ;;
esac
printf 'bad-header body\n'
