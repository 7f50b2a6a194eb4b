#!/bin/sh
# Conformance probe (RFC 3875 §4.3.3): prints a body whatever the method,
# so for HEAD the server must discard it. Reports the method in a header.
printf 'Content-Type: text/plain\n'
printf 'X-Request-Method: %s\n\n' "$REQUEST_METHOD"
printf 'HEAD-PROBE-BODY: this body must not reach a HEAD client\n'
