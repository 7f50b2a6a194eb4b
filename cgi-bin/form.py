#!/usr/bin/env python3
"""Shows a form on GET and echoes the posted fields on POST.

Reads exactly CONTENT_LENGTH bytes of stdin (RFC 3875 §4.2) and parses
them with urllib.parse, not the cgi module (removed in Python 3.13).
"""
import html
import os
import sys
from urllib.parse import parse_qsl

method = os.environ.get("REQUEST_METHOD", "GET")
print("Content-Type: text/html; charset=utf-8")
print()
if method == "POST":
    length = int(os.environ.get("CONTENT_LENGTH") or 0)
    body = sys.stdin.buffer.read(length).decode("utf-8", "replace")
    print("<!DOCTYPE html><title>Posted</title><h1>You posted</h1><dl>")
    for name, value in parse_qsl(body, keep_blank_values=True):
        print(f"<dt>{html.escape(name)}</dt><dd>{html.escape(value)}</dd>")
    print("</dl>")
else:
    print("""<!DOCTYPE html><title>Form</title>
<form method="post"><input name="name" value="Ada"><input name="note"><button>Send</button></form>""")
