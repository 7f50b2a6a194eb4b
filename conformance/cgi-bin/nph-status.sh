#!/bin/sh
# Conformance probe (RFC 3875 §5): an NPH script -- a complete HTTP response
# with a status line of its own, passed to the client unmodified.
printf '%s 299 NPH Probe\r\n' "${SERVER_PROTOCOL:-HTTP/1.0}"
printf 'Content-Type: text/plain\r\n'
printf 'X-NPH-Probe: untouched\r\n'
printf 'Connection: close\r\n\r\n'
printf 'nph body\n'
