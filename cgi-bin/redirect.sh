#!/bin/sh
# Redirects (RFC 3875 §6.2.2, §6.2.3): ?local re-dispatches inside the
# server to hello.sh; anything else sends the client to it with a 302.
if [ "$QUERY_STRING" = "local" ]; then
    printf 'Location: /cgi-bin/hello.sh\n\n'
else
    printf 'Location: %s://%s:%s/cgi-bin/hello.sh\n\n' "$REQUEST_SCHEME" "$SERVER_NAME" "$SERVER_PORT"
fi
