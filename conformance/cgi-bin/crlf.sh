#!/bin/sh
# Conformance probe (RFC 3875 §7.2): header lines end in CR LF.
printf 'Content-Type: text/plain\r\nX-Probe-Newline: crlf\r\n\r\ncrlf body\r\n'
