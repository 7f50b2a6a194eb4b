#!/bin/sh
# Conformance probe (RFC 3875 §7.2): is the working directory the script's
# own? (Its sibling probes are there.)
printf 'Content-Type: text/plain\n\n'
if [ -f ./pwd.sh ] && [ -f ./env.sh ]; then
    echo 'in_script_dir=yes'
else
    echo 'in_script_dir=no'
fi
printf 'cwd=%s\n' "$(pwd)"
