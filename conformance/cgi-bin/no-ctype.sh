#!/bin/sh
# Conformance probe (RFC 3875 §6.3.1): a body without Content-Type; the
# server should not guess (this body looks like HTML to a sniffer).
printf 'Status: 200 OK\n\n'
printf '<!DOCTYPE html><html><body>sniff me</body></html>\n'
