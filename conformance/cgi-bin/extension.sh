#!/bin/sh
# Conformance probe (RFC 3875 §6.3.4, §6.3.5): protocol fields to pass on, and
# an X-CGI- extension field the server may drop.
printf 'Content-Type: text/plain\n'
printf 'X-CGI-Probe: extension\n'
printf 'X-Probe-Field: one two\n'
printf 'Cache-Control: no-store\n\n'
printf 'extension body\n'
