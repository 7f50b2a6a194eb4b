#!/bin/sh
# Conformance probe (RFC 3875 §4.1): every environment variable, NAME=value,
# one per line, sorted bytewise. Never reads stdin.
printf 'Content-Type: text/plain\n\n'
env | LC_ALL=C sort
