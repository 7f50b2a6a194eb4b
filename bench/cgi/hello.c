/* The trivial C CGI of the cold-path benchmark: one header, a blank line,
 * one line of body (RFC 3875 §6.2.1). No input is read, no library is
 * called besides write(2). Built by bench/run with `cc -O2`. */
#include <unistd.h>

int main(void) {
    static const char response[] =
        "Content-Type: text/plain\r\n"
        "\r\n"
        "Hello, world\n";
    return write(1, response, sizeof response - 1) == (ssize_t)(sizeof response - 1) ? 0 : 1;
}
