#!/bin/sh
# Conformance probe (RFC 3875 §6.3.1): an uncommon media type with a
# parameter, to be sent unmodified.
printf 'Content-Type: application/x-conformance-probe; level=1\n\n'
printf 'ctype body\n'
