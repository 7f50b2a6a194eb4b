#!/bin/sh
# Conformance probe (RFC 3875 §6.2.2): a local redirect response, a Location
# path and nothing else. The target is found next to this script through
# SCRIPT_NAME, so the probe works under any URL prefix.
dir=${SCRIPT_NAME%/*}
case $QUERY_STRING in
    missing) loc="$dir/no-such-script.sh" ;;
    loop) loc="$SCRIPT_NAME?loop" ;;
    plain) loc="$dir/plain.txt" ;;
    escape) loc="$dir/../../../../../../../../etc/passwd" ;;
    *) loc="$dir/target.sh?from=local" ;;
esac
printf 'Location: %s\n\n' "$loc"
