#!/bin/sh
# Conformance probe (RFC 3875 §4.2, §5): an NPH script that echoes the
# CONTENT_LENGTH bytes of its request body.
n=${CONTENT_LENGTH-}
case $n in '' | *[!0-9]*) n=0 ;; esac
printf '%s 200 OK\r\n' "${SERVER_PROTOCOL:-HTTP/1.0}"
printf 'Content-Type: application/octet-stream\r\n'
printf 'Connection: close\r\n\r\n'
[ "$n" -gt 0 ] || exit 0
if head -c 1 </dev/null >/dev/null 2>&1; then
    exec head -c "$n"
fi
exec dd bs=1 count="$n" 2>/dev/null
