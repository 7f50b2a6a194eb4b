#!/usr/bin/env python3
"""Writes the fuzzer's seed corpus: a few real FastCGI 1.0 record streams, as a host sends them.

Run from the repository root: python3 Fuzz/make-corpus.py  (rewrites Fuzz/corpus/*.bin; the files are committed).
"""
import os
import struct

def record(rtype, rid, content=b""):
    """One record (§3.3): version 1, type, id, length, padding to a multiple of 8, reserved, content, padding."""
    padding = (8 - len(content) % 8) % 8
    return struct.pack(">BBHHBB", 1, rtype, rid, len(content), padding, 0) + content + b"\0" * padding

def length(n):
    """A §3.4 length: one byte below 128, else four bytes with the high bit set."""
    return bytes([n]) if n < 128 else struct.pack(">I", n | 0x80000000)

def pairs(*items):
    return b"".join(length(len(k)) + length(len(v)) + k + v for k, v in items)

def begin(rid, role=1, keep=True):
    return record(1, rid, struct.pack(">HB5x", role, 1 if keep else 0))  # §5.1

BEGIN, ABORT, PARAMS, STDIN, DATA, GET_VALUES = 1, 2, 4, 5, 8, 9
params = pairs((b"REQUEST_METHOD", b"GET"), (b"SCRIPT_NAME", b"/x"), (b"HTTP_LONG", b"v" * 200))

seeds = {
    # Appendix B example 2: params over two records, a body on stdin.
    "responder-request.bin": begin(1) + record(PARAMS, 1, params[:20]) + record(PARAMS, 1, params[20:])
    + record(PARAMS, 1) + record(STDIN, 1, b"quantity=100&item=3047936") + record(STDIN, 1),
    # §4.1 a query for the three known names and one unknown one.
    "get-values.bin": record(GET_VALUES, 0, pairs((b"FCGI_MAX_CONNS", b""), (b"FCGI_MAX_REQS", b""),
                                                  (b"FCGI_MPXS_CONNS", b""), (b"FCGI_OTHER", b""))),
    # §5.4 abort in the middle of stdin, then a second request on the same connection.
    "abort-mid-stdin.bin": begin(2) + record(PARAMS, 2) + record(STDIN, 2, b"ab") + record(ABORT, 2)
    + begin(3, keep=False) + record(PARAMS, 3) + record(STDIN, 3),
    # §5.5 CANT_MPX_CONN and UNKNOWN_ROLE, §4.2 UNKNOWN_TYPE for type 12.
    "rejections.bin": begin(1) + begin(2) + begin(4, role=2) + record(12, 0, b"\0" * 8) + record(GET_VALUES, 5),
    # §6.4 a filter: params, stdin, data.
    "filter-data.bin": begin(1, role=3) + record(PARAMS, 1, pairs((b"FCGI_DATA_LENGTH", b"4"),)) + record(PARAMS, 1)
    + record(STDIN, 1) + record(DATA, 1, b"data") + record(DATA, 1),
}

directory = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
os.makedirs(directory, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(directory, name), "wb") as file:
        file.write(data)
    print(f"{name}: {len(data)} bytes")
