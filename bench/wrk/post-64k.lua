-- wrk script for the POST echo row: every request carries a 64 KiB body.
wrk.method = "POST"
wrk.body = string.rep("0123456789abcdef", 4096)  -- 65536 bytes
wrk.headers["Content-Type"] = "application/octet-stream"
