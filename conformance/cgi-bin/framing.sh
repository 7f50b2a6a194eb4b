#!/bin/sh
# Conformance probe (RFC 3875 §6.3.4; SECURITY.md "framing confusion"): the
# script sends fields that belong to the server's framing, by QUERY_STRING.
# Each body is "0123456789\n" (11 bytes).
case $QUERY_STRING in
    te) printf 'Content-Type: text/plain\nTransfer-Encoding: chunked\n\n' ;;
    connection) printf 'Content-Type: text/plain\nConnection: keep-alive\nKeep-Alive: timeout=600, max=1000\n\n' ;;
    upgrade) printf 'Content-Type: text/plain\nUpgrade: h2c\nConnection: Upgrade\n\n' ;;
    cl-twice) printf 'Content-Type: text/plain\nContent-Length: 5\nContent-Length: 11\n\n' ;;
    cl-over) printf 'Content-Type: text/plain\nContent-Length: 100\n\n' ;;
    cl-under) printf 'Content-Type: text/plain\nContent-Length: 4\n\n' ;;
    *) printf 'Status: 400 Bad Request\nContent-Type: text/plain\n\nunknown variant\n'; exit 0 ;;
esac
printf '0123456789\n'
