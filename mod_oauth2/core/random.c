#include "random.h"
#include "encoding.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

apr_status_t oauth2_random_token(apr_pool_t *pool, apr_size_t nbytes,
                                 char **token)
{
    unsigned char buf[64];

    if (nbytes == 0 || nbytes > sizeof(buf)) {
        return APR_EINVAL;
    }
    if (RAND_bytes(buf, (int)nbytes) != 1) {
        return APR_EGENERAL;
    }
    *token = oauth2_base64url_encode(pool, buf, nbytes);
    OPENSSL_cleanse(buf, sizeof(buf));
    return APR_SUCCESS;
}

apr_status_t oauth2_random_bytes(unsigned char *buf, apr_size_t n)
{
    return RAND_bytes(buf, (int)n) == 1 ? APR_SUCCESS : APR_EGENERAL;
}
