#!/bin/sh
# Conformance probe (RFC 3875 §6.2.2): the target of local-redirect.sh. Like
# env.sh, plus a line TARGET=reached.
printf 'Content-Type: text/plain\n\n'
{ echo 'TARGET=reached'; env; } | LC_ALL=C sort
