#!/bin/sh
# Conformance probe (RFC 3875 §4.2): reads CONTENT_LENGTH bytes of stdin and
# writes them back unchanged, with the CONTENT_LENGTH it saw.
# `head -c` is not POSIX but is in GNU coreutils, BSD and busybox (default
# build); where it is missing, `dd bs=1` is used (portable, slow).
n=${CONTENT_LENGTH-}
case $n in '' | *[!0-9]*) n=0 ;; esac
printf 'Content-Type: application/octet-stream\n'
if [ -n "${CONTENT_LENGTH-}" ]; then
    printf 'X-Content-Length: %s\n' "$CONTENT_LENGTH"
fi
printf '\n'
[ "$n" -gt 0 ] || exit 0
if head -c 1 </dev/null >/dev/null 2>&1; then
    exec head -c "$n"
fi
exec dd bs=1 count="$n" 2>/dev/null
