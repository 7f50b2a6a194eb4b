#!/bin/sh
# Conformance probe (SECURITY.md "scripts that hang"): never answers. The
# server must give up (504) and stop it; the sleep ends by itself after
# ten minutes in case it does not.
sleep 600
