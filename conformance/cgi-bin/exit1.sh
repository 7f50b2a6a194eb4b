#!/bin/sh
# Conformance probe (RFC 3875 §6.1): exits with status 1 and no output.
exit 1
