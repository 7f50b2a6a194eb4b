#!/bin/sh
# Conformance probe (RFC 3875 §6.2.1, §6.3.3): a document with a Status.
printf 'Status: 410 Gone\n'
printf 'Content-Type: text/plain\n\n'
printf 'doc-status body\n'
