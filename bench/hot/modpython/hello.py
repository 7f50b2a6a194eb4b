# The hot row's mod_python publisher module (PythonHandler
# mod_python.publisher): GET /pub/hello.py/hello calls hello() and sends
# what it returns.


def hello(req):
    req.content_type = "text/plain"
    return "Hello, world!\n"
