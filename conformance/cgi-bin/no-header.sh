#!/bin/sh
# Conformance probe (RFC 3875 §6.2): no header block at all -- the output
# starts with the blank line.
printf '\nno header fields came before this line\n'
