#!/bin/sh
# Conformance probe (RFC 3875 §6.3.3; RFC 9110 §15.2): a 1xx Status, which in
# HTTP is an interim answer and can never be a script's final one, chosen by
# QUERY_STRING: 101 Switching Protocols by default, `100`, `103`. A body
# follows, so a lax server shows what it let through.
case $QUERY_STRING in
    100) printf 'Status: 100 Continue\nContent-Type: text/plain\n\n' ;;
    103) printf 'Status: 103 Early Hints\nContent-Type: text/plain\n\n' ;;
    *) printf 'Status: 101 Switching Protocols\nContent-Type: text/plain\n\n' ;;
esac
printf 'status-1xx body\n'
