# The hot row's mod_python handler (PythonHandler hello_handler): the hello
# written straight to the request, with its length, and apache.OK.
from mod_python import apache

BODY = b"Hello, world!\n"


def handler(req):
    req.content_type = "text/plain"
    req.set_content_length(len(BODY))
    req.write(BODY)
    return apache.OK
