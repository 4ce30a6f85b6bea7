/* OpenSSL's libcrypto (Debian libssl-dev): digests and HMAC. Only Vigil imports it. */
#include <openssl/evp.h>
#include <openssl/hmac.h>
