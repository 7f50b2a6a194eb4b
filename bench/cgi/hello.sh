#!/bin/sh
# The trivial sh CGI of the cold-path benchmark: printf is a shell builtin,
# so this starts only the shell itself.
printf 'Content-Type: text/plain\r\n\r\nHello, world\n'
