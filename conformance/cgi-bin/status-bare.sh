#!/bin/sh
# Conformance probe (RFC 3875 §6.3.3): "Status: 410", no SP and no reason
# phrase (the grammar wants SP reason-phrase; most servers accept this).
printf 'Status: 410\n'
printf 'Content-Type: text/plain\n\n'
printf 'status-bare body\n'
