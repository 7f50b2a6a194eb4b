#!/bin/sh
# Conformance probe (RFC 3875 §6.3.3): "Status: 410 " with SP and an empty
# reason-phrase (reason-phrase = *TEXT).
printf 'Status: 410 \n'
printf 'Content-Type: text/plain\n\n'
printf 'status-empty-reason body\n'
