/* core/basic_auth.c: client credentials in an Authorization header.
 * What parses is a non-empty UTF-8 id and a UTF-8 secret, and the header
 * a client would send for them parses back to them. */
#include "fuzz.h"

#include <string.h>

#include <apr_base64.h>
#include <apr_strings.h>

#include "mod_oauth2/core/basic_auth.h"
#include "mod_oauth2/core/form.h"

int fuzz_one(apr_pool_t *pool, const uint8_t *data, size_t size)
{
    const char *header = apr_pstrmemdup(pool, (const char *)data, size);
    const char *id = NULL, *secret = NULL, *id2, *secret2, *err;
    char *plain, *b64;

    err = oauth2_basic_parse(pool, header, &id, &secret);
    if (!oauth2_basic_is_basic(header)) {
        FUZZ_ASSERT(err);
    }
    if (err) {
        return 0;
    }
    FUZZ_ASSERT(id && *id && secret);
    FUZZ_ASSERT(oauth2_utf8_valid(id) && oauth2_utf8_valid(secret));
    plain = apr_pstrcat(pool, oauth2_form_encode(pool, id), ":",
                        oauth2_form_encode(pool, secret), NULL);
    b64 = apr_palloc(pool, apr_base64_encode_len(strlen(plain)));
    apr_base64_encode(b64, plain, strlen(plain));
    FUZZ_ASSERT(!oauth2_basic_parse(
        pool, apr_pstrcat(pool, "Basic ", b64, NULL), &id2, &secret2));
    FUZZ_ASSERT(!strcmp(id, id2) && !strcmp(secret, secret2));
    return 0;
}
