#!/bin/sh
# Conformance probe (RFC 3875 §6.2.3): a client redirect, an absolute URI
# (with a fragment) and no Status: the server must answer 302.
printf 'Location: http://example.org/elsewhere?q=1#frag\n\n'
