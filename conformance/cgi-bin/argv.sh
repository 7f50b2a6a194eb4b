#!/bin/sh
# Conformance probe (RFC 3875 §4.4): the command-line words it was given.
printf 'Content-Type: text/plain\n\n'
printf 'argc=%s\n' "$#"
i=0
for a in "$@"; do
    i=$((i + 1))
    printf 'argv[%s]=<%s>\n' "$i" "$a"
done
