#!/bin/sh
# Conformance probe (RFC 3875 §6.4): a body that starts with a blank line and
# holds LF and CR LF blank lines and a tab, to be passed on unmodified.
printf 'Content-Type: text/plain\n\n'
printf '\nline after a blank line\n\n\r\n\r\n\tend\n'
