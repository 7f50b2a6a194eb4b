// libxcrypt's crypt_r (Debian libcrypt-dev): bcrypt ($2y$, $2b$, $2a$) and
// DES crypt, as Apache's htpasswd writes them.
#include <crypt.h>
