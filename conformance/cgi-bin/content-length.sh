#!/bin/sh
# Conformance probe (RFC 3875 §6.3.4): the script gives a correct
# Content-Length for its 11-byte body.
printf 'Content-Type: text/plain\n'
printf 'Content-Length: 11\n\n'
printf '0123456789\n'
