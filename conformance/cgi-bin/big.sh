#!/bin/sh
# Conformance probe (RFC 3875 §6.4): 1 MiB of body (16384 numbered lines of
# 64 bytes), then a line "END-OF-BIG-OUTPUT".
printf 'Content-Type: text/plain\n\n'
awk 'BEGIN { for (i = 0; i < 16384; i++) printf "%063d\n", i }'
printf 'END-OF-BIG-OUTPUT\n'
