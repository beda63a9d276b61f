/* The fixed keys of the JOSE targets, so that their verify paths run. */
#ifndef OAUTH2_TESTS_FUZZ_KEYS_H
#define OAUTH2_TESTS_FUZZ_KEYS_H

#include <stdlib.h>

#include <openssl/evp.h>

/* The EC P-256 key (ec) or the RSA 2048 key; made once per call, never
 * freed (the targets make them once). */
EVP_PKEY *fuzz_key(int ec);

/* Their kids in the targets' key sets. */
#define FUZZ_KID_EC "ec"
#define FUZZ_KID_RSA "rsa"

#endif
