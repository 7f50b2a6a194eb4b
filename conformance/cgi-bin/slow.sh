#!/bin/sh
# Conformance probe (RFC 3875 §6.4): part of the body, a pause of one second,
# the rest; the server must read until end-of-file.
printf 'Content-Type: text/plain\n\nbefore the pause\n'
sleep 1
printf 'after the pause\n'
