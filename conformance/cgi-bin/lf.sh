#!/bin/sh
# Conformance probe (RFC 3875 §6.3.4, §7.2): header lines end in LF only.
printf 'Content-Type: text/plain\nX-Probe-Newline: lf\n\nlf body\n'
