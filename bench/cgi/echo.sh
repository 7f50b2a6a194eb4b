#!/bin/sh
# The POST echo of the cold-path benchmark: sends back the request body,
# exactly CONTENT_LENGTH bytes (RFC 3875 §4.2: the script must not read
# past it). `exec` replaces the shell with head, so one request costs one
# process and two execs (sh, then head).
printf 'Content-Type: application/octet-stream\r\n\r\n'
exec head -c "${CONTENT_LENGTH:-0}"
