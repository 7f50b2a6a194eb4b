#!/bin/sh
# Conformance probe (RFC 3875 §6.3): CGI field names in other letter cases.
printf 'content-type: text/plain\n'
printf 'STATUS: 202 Accepted\n\n'
printf 'case-fields body\n'
