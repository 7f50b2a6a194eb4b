#!/bin/sh
# Conformance probe (SECURITY.md "debug output"): writes to stderr, then a
# normal document. ?flood writes 256 KiB to stderr first (a server that does
# not drain stderr while waiting for stdout deadlocks).
if [ "$QUERY_STRING" = flood ]; then
    awk 'BEGIN { for (i = 0; i < 4096; i++) printf "STDERR-PROBE-MARKER flood line %050d\n", i }' >&2
else
    echo 'STDERR-PROBE-MARKER: this must never reach the client' >&2
fi
printf 'Content-Type: text/plain\n\nstdout only\n'
