#include "csrf.h"
#include "digest.h"
#include "encoding.h"

#include <string.h>

#include <apr_strings.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

/* HMAC-SHA256 over "seconds" and each field, each ended by a NUL byte so
 * that no two field lists share an encoding. */
static const char *mac(apr_pool_t *pool, const unsigned char *key,
                       const apr_array_header_t *fields, const char *seconds)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    apr_size_t size = strlen(seconds) + 1, at;
    unsigned char *data;
    int i;

    for (i = 0; i < fields->nelts; i++) {
        const char *f = APR_ARRAY_IDX(fields, i, const char *);
        size += (f ? strlen(f) : 0) + 1;
    }
    data = apr_palloc(pool, size);
    at = strlen(seconds) + 1;
    memcpy(data, seconds, at);
    for (i = 0; i < fields->nelts; i++) {
        const char *f = APR_ARRAY_IDX(fields, i, const char *);
        apr_size_t n = f ? strlen(f) + 1 : 1;
        memcpy(data + at, f ? f : "", n);
        at += n;
    }
    if (!HMAC(EVP_sha256(), key, OAUTH2_CSRF_KEY_LEN, data, size, md, &len)) {
        return NULL;
    }
    return oauth2_base64url_encode(pool, md, len);
}

const char *oauth2_csrf_make(apr_pool_t *pool, const unsigned char *key,
                             const apr_array_header_t *fields, apr_time_t now)
{
    const char *seconds =
        apr_psprintf(pool, "%" APR_TIME_T_FMT, apr_time_sec(now));
    const char *m = mac(pool, key, fields, seconds);

    return m ? apr_pstrcat(pool, seconds, ".", m, NULL) : NULL;
}

int oauth2_csrf_check(apr_pool_t *pool, const unsigned char *key,
                      const apr_array_header_t *fields, const char *token,
                      apr_time_t now, apr_interval_time_t max_age)
{
    const char *dot = token ? strchr(token, '.') : NULL;
    const char *seconds, *expected;
    char *end;
    apr_int64_t made;

    if (!dot) {
        return 0;
    }
    seconds = apr_pstrmemdup(pool, token, dot - token);
    made = apr_strtoi64(seconds, &end, 10);
    if (*end || !*seconds || made > apr_time_sec(now) ||
        apr_time_sec(now) - made > apr_time_sec(max_age)) {
        return 0;
    }
    expected = mac(pool, key, fields, seconds);
    return expected && oauth2_secret_equal(expected, dot + 1);
}
