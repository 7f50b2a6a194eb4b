#!/bin/sh
# Conformance probe (SECURITY.md "debug output"): writes to stderr only,
# then fails; the error page must not show the stderr text.
echo 'STDERR-PROBE-MARKER: /secret/path/config.php line 42: password=hunter2' >&2
exit 1
