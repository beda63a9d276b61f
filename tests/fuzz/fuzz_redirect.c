/* core/redirect.c and core/uri.c: a redirect_uri, the registered list and
 * a state value (three NUL-separated parts). A URI matches a list that
 * holds it; the parameters appended to a redirect read back as sent. */
#include "fuzz.h"

#include <string.h>

#include <apr_hash.h>
#include <apr_strings.h>

#include "mod_oauth2/core/form.h"
#include "mod_oauth2/core/redirect.h"
#include "mod_oauth2/core/uri.h"

static void check_uri(apr_pool_t *pool, const char *uri)
{
    if (!oauth2_redirect_uri_check(pool, uri)) {
        FUZZ_ASSERT(*uri && !strpbrk(uri, "# \t\r\n"));
    }
    oauth2_issuer_check(pool, uri);
    oauth2_endpoint_url_check(pool, uri);
    oauth2_host_is_loopback(uri);
}

static void check_registered(apr_pool_t *pool, const char *uri,
                             const char *registered)
{
    const char *single = oauth2_redirect_single(pool, registered);

    /* Matched: registered as sent, or (RFC 8252 §7.3) a loopback http
     * URI whose port may differ from the registered one's. */
    if (oauth2_redirect_registered(registered, uri)) {
        FUZZ_ASSERT(*uri && !strchr(uri, ' '));
        FUZZ_ASSERT(strstr(registered, uri) ||
                    !strncmp(uri, "http://127.0.0.1", 16) ||
                    !strncmp(uri, "http://[::1]", 12));
    }
    if (*uri && !strchr(uri, ' ')) {
        FUZZ_ASSERT(oauth2_redirect_registered(uri, uri));
        FUZZ_ASSERT(oauth2_redirect_registered(
            apr_pstrcat(pool, registered, " ", uri, NULL), uri));
    }
    if (single) {
        FUZZ_ASSERT(!strcmp(single, registered));
        FUZZ_ASSERT(oauth2_redirect_registered(registered, single));
    }
}

/* The parameters appended to base, as the client reads them back. */
static void check_build(apr_pool_t *pool, const char *base, const char *state,
                        int in_fragment)
{
    apr_array_header_t *params = NULL;
    const char *out, *added;
    apr_hash_t *back;

    oauth2_redirect_param(pool, &params, "code", "c0de");
    oauth2_redirect_param(pool, &params, "skipped", NULL);
    oauth2_redirect_param(pool, &params, "state", state);
    out = oauth2_redirect_build(pool, base, in_fragment, params);
    FUZZ_ASSERT(!strncmp(out, base, strlen(base)));
    added = out + strlen(base);
    if (*added == '?' || *added == '&' || *added == '#') {
        added++;
    }
    if (!oauth2_utf8_valid(state)) {
        return; /* the form parser refuses it, as the client may */
    }
    FUZZ_ASSERT(!oauth2_form_parse(pool, added, strlen(added), &back, NULL));
    FUZZ_ASSERT(apr_hash_count(back) == 2);
    FUZZ_ASSERT(
        !strcmp(apr_hash_get(back, "code", APR_HASH_KEY_STRING), "c0de"));
    FUZZ_ASSERT(
        !strcmp(apr_hash_get(back, "state", APR_HASH_KEY_STRING), state));
}

int fuzz_one(apr_pool_t *pool, const uint8_t *data, size_t size)
{
    const char *part[3];

    fuzz_split(pool, data, size, 3, part);
    check_uri(pool, part[0]);
    check_registered(pool, part[0], part[1]);
    /* Appended to a base with no query (checked by registration) or in
     * the fragment: then what follows is the parameters alone. */
    if (!strpbrk(part[0], "?#")) {
        check_build(pool, part[0], part[2], 0);
        check_build(pool, part[0], part[2], 1);
    }
    return 0;
}
