#!/bin/sh
# The smallest CGI script: a Content-Type, a blank line, a body (RFC 3875 §6.2.1).
printf 'Content-Type: text/plain; charset=utf-8\n\n'
printf 'Hello from %s, served by %s.\n' "$SCRIPT_NAME" "$SERVER_SOFTWARE"
