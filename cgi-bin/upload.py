#!/usr/bin/env python3
"""Accepts a multipart/form-data upload and reports each part's name,
file name, size and SHA-256, using the email package (the cgi module is
gone in Python 3.13)."""
import hashlib
import os
import sys
from email.parser import BytesParser
from email.policy import HTTP

method = os.environ.get("REQUEST_METHOD", "GET")
print("Content-Type: text/plain; charset=utf-8")
print()
if method != "POST":
    print("POST a multipart/form-data body, e.g.:")
    print("  curl -F file=@README.md http://127.0.0.1:8080/cgi-bin/upload.py")
    sys.exit(0)
length = int(os.environ.get("CONTENT_LENGTH") or 0)
body = sys.stdin.buffer.read(length)
head = f"Content-Type: {os.environ.get('CONTENT_TYPE', '')}\r\n\r\n".encode()
message = BytesParser(policy=HTTP).parsebytes(head + body)
for part in message.iter_parts():
    data = part.get_payload(decode=True) or b""
    name = part.get_param("name", header="content-disposition")
    filename = part.get_filename() or "-"
    print(f"{name} {filename} {len(data)} {hashlib.sha256(data).hexdigest()}")
