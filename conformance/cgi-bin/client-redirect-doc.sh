#!/bin/sh
# Conformance probe (RFC 3875 §6.2.4): a client redirect with a document.
printf 'Status: 301 Moved Permanently\n'
printf 'Location: http://example.org/moved\n'
printf 'Content-Type: text/html\n\n'
printf '<p>Moved to <a href="http://example.org/moved">example.org/moved</a>.</p>\n'
