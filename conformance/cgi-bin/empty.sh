#!/bin/sh
# Conformance probe (RFC 3875 §6.2): a document response with an empty body.
printf 'Content-Type: text/plain\n\n'
