#!/bin/sh
# Conformance probe (RFC 3875 §6.3): no whitespace, then several spaces,
# between the ":" and the value.
printf 'Content-Type:text/plain\n'
printf 'Status:    203 Non-Authoritative Information\n\n'
printf 'ws-fields body\n'
