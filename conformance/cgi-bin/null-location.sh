#!/bin/sh
# Conformance probe (RFC 3875 §6.3): "A NULL field value is equivalent to a
# field not being sent" -- an empty Location in a document response.
printf 'Content-Type: text/plain\n'
printf 'Location:\n\n'
printf 'null-location body\n'
