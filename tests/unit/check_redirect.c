/* core/redirect.c (authorization response URIs, RFC 6749 §4.1.2, §4.2.2)
 * and core/template.c (the consent page). */
#include "core_suites.h"

#include <string.h>

#include <apr_hash.h>
#include <apr_strings.h>

#include "mod_oauth2/core/redirect.h"
#include "mod_oauth2/core/template.h"

/* --- building the response URI ----------------------------------------- */

static const struct {
    const char *base;
    int in_fragment;
    const char *code; /* NULL: parameter skipped */
    const char *state;
    const char *uri;
} builds[] = {
    {"https://c.example/cb", 0, "abc", "xyz",
     "https://c.example/cb?code=abc&state=xyz"},
    /* RFC 6749 §3.1.2: a query of the registered URI is kept */
    {"https://c.example/cb?tenant=1", 0, "abc", "xyz",
     "https://c.example/cb?tenant=1&code=abc&state=xyz"},
    {"https://c.example/cb?", 0, "abc", NULL, "https://c.example/cb?code=abc"},
    /* values are form-encoded */
    {"https://c.example/cb", 0, "a+b/c=", "x y&z#",
     "https://c.example/cb?code=a%2Bb%2Fc%3D&state=x%20y%26z%23"},
    /* absent values are left out, not sent empty */
    {"https://c.example/cb", 0, NULL, "xyz", "https://c.example/cb?state=xyz"},
    {"https://c.example/cb", 0, NULL, NULL, "https://c.example/cb"},
    /* the implicit grant answers in the fragment, even after a query */
    {"https://c.example/cb", 1, "abc", "xyz",
     "https://c.example/cb#code=abc&state=xyz"},
    {"https://c.example/cb?tenant=1", 1, "abc", NULL,
     "https://c.example/cb?tenant=1#code=abc"},
    {"com.example.app:/cb", 0, "abc", NULL, "com.example.app:/cb?code=abc"},
};

START_TEST(test_redirect_build_appends_encoded_params)
{
    apr_array_header_t *params = NULL;

    oauth2_redirect_param(test_pool, &params, "code", builds[_i].code);
    oauth2_redirect_param(test_pool, &params, "state", builds[_i].state);
    ck_assert_str_eq(oauth2_redirect_build(test_pool, builds[_i].base,
                                           builds[_i].in_fragment, params),
                     builds[_i].uri);
}
END_TEST

START_TEST(test_redirect_build_without_params_returns_the_base)
{
    ck_assert_str_eq(
        oauth2_redirect_build(test_pool, "https://c.example/cb", 0, NULL),
        "https://c.example/cb");
}
END_TEST

START_TEST(test_redirect_build_reads_nothing_before_an_empty_base)
{
    /* The byte before the empty base is a '?', which must not be taken
     * for the base's own separator. */
    char *memory = apr_pstrdup(test_pool, "?");
    const char *empty = memory + 1;
    apr_array_header_t *params = NULL;

    oauth2_redirect_param(test_pool, &params, "error", "access_denied");
    ck_assert_str_eq(oauth2_redirect_build(test_pool, empty, 0, params),
                     "?error=access_denied");
}
END_TEST

START_TEST(test_redirect_param_keeps_pairs_in_order)
{
    apr_array_header_t *params = NULL;

    oauth2_redirect_param(test_pool, &params, "error", "invalid_scope");
    ck_assert_ptr_nonnull(params);
    oauth2_redirect_param(test_pool, &params, "state", NULL);
    ck_assert_int_eq(params->nelts, 4);
    ck_assert_str_eq(APR_ARRAY_IDX(params, 0, const char *), "error");
    ck_assert_str_eq(APR_ARRAY_IDX(params, 1, const char *), "invalid_scope");
    ck_assert_str_eq(APR_ARRAY_IDX(params, 2, const char *), "state");
    ck_assert_ptr_null(APR_ARRAY_IDX(params, 3, const char *));
}
END_TEST

/* --- registration (RFC 6749 §3.1.2, RFC 9700 §2.1, RFC 8252) --------- */

static const char *const good_redirects[] = {
    "https://client.example.org/cb",
    "https://client.example.org/cb?state=fixed&x=1", /* query allowed */
    "https://client.example.org:8443/a/b/c",
    "HTTPS://Client.Example.Org/cb",
    "https://127.0.0.1/cb",
    "http://127.0.0.1:53412/callback", /* RFC 8252 §7.3 */
    "http://127.0.0.1/callback",
    "http://[::1]:53412/callback",
    "http://[::1]/",
    "com.example.app:/oauth2redirect", /* RFC 8252 §7.1 */
    "com.example.app:/",
    "com.example.app://callback/path",
};

START_TEST(test_redirect_uri_accepts_https_loopback_http_and_private_use)
{
    const char *err = oauth2_redirect_uri_check(test_pool, good_redirects[_i]);

    ck_assert_msg(err == NULL, "'%s': %s", good_redirects[_i], err);
}
END_TEST

#define NO_SPACE "without spaces or control characters"
#define ABSOLUTE "must be an absolute URI"
#define NO_FRAGMENT "must not include a fragment"
#define NEEDS_HTTPS "must use https: plain http is only for the loopback"
#define NO_LOCALHOST "rather than localhost (RFC 8252 §8.3)"
#define REVERSE_DOMAIN "reverse-domain form"
#define NO_SCRIPT "must not use a javascript, data, vbscript or file"

static const struct {
    const char *uri;
    const char *message;
} bad_redirects[] = {
    {"", NO_SPACE},
    {"https://client.example.org/c b", NO_SPACE},
    {"https://client.example.org/cb\t", NO_SPACE},
    {"https://a.example/cb https://b.example/cb", NO_SPACE},
    {"https://client.example.org/cb\r\nSet-Cookie: x=1", NO_SPACE},
    {"https://client.example.org/\x7f", NO_SPACE},
    {"/cb", ABSOLUTE},
    {"cb", ABSOLUTE},
    {"client.example.org/cb", ABSOLUTE},
    {"//client.example.org/cb", ABSOLUTE},
    {"https://client.example.org/cb#frag", NO_FRAGMENT},
    {"https://client.example.org/cb#", NO_FRAGMENT},
    {"https://client.example.org/cb?x=1#y", NO_FRAGMENT},
    {"com.example.app:/cb#x", NO_FRAGMENT},
    /* RFC 9700 §2.1: no code in clear to another host */
    {"http://client.example.org/cb", NEEDS_HTTPS},
    {"http://app.example/callback", NEEDS_HTTPS},
    {"HTTP://client.example.org/cb", NEEDS_HTTPS},
    {"http://127.0.0.2/cb", NEEDS_HTTPS},
    {"http://127.0.0.1.example.org/cb", NEEDS_HTTPS},
    {"http://[::2]/cb", NEEDS_HTTPS},
    {"http://[0:0:0:0:0:0:0:1]/cb", NEEDS_HTTPS},
    {"http://10.0.0.1/cb", NEEDS_HTTPS},
    {"http://localhost:8080/cb", NO_LOCALHOST},
    {"http://LocalHost/cb", NO_LOCALHOST},
    {"https:///cb", "must name a host"},
    {"http:///cb", "must name a host"},
    {"https://client.example.org:99999/cb", "port from 1 to 65535"},
    {"http://127.0.0.1:0/cb", "port from 1 to 65535"},
    {"https://good.example@evil.example/cb", "user information"},
    {"http://127.0.0.1:80@evil.example/cb", "user information"},
    /* RFC 8252 §7.1; RFC 9700 §4.1 */
    {"myapp:/callback", REVERSE_DOMAIN},
    {"urn:ietf:wg:oauth:2.0:oob", REVERSE_DOMAIN},
    {"ftp://client.example.org/cb", REVERSE_DOMAIN},
    {"javascript:alert(1)", NO_SCRIPT},
    {"JavaScript://x/%0aalert(1)", NO_SCRIPT},
    {"data:text/html,<script>alert(1)</script>", NO_SCRIPT},
    {"vbscript:msgbox", NO_SCRIPT},
    {"file:///etc/passwd", NO_SCRIPT},
};

START_TEST(test_redirect_uri_rejects_what_rfc9700_and_rfc8252_forbid)
{
    const char *err =
        oauth2_redirect_uri_check(test_pool, bad_redirects[_i].uri);

    ck_assert_msg(err != NULL, "accepted '%s'", bad_redirects[_i].uri);
    ck_assert_msg(strstr(err, bad_redirects[_i].message) != NULL,
                  "'%s': error '%s' lacks '%s'", bad_redirects[_i].uri, err,
                  bad_redirects[_i].message);
}
END_TEST

/* --- matching the registered URIs -------------------------------------- */

#define REGISTERED "https://a.example/cb https://b.example/cb?x=1 app:/cb"

static const struct {
    const char *registered;
    const char *uri;
    int match;
} matches[] = {
    {REGISTERED, "https://a.example/cb", 1},
    {REGISTERED, "https://b.example/cb?x=1", 1},
    {REGISTERED, "app:/cb", 1},
    {"https://a.example/cb", "https://a.example/cb", 1},
    /* RFC 9700 §4.1.3: exact string comparison, nothing looser */
    {REGISTERED, "https://a.example/c", 0},
    {REGISTERED, "https://a.example/cb/", 0},
    {REGISTERED, "https://a.example/cb/../cb", 0},
    {REGISTERED, "https://A.example/cb", 0},
    {REGISTERED, "https://a.example/cb?x=1", 0},
    {REGISTERED, "https://b.example/cb", 0},
    {REGISTERED, "https://a.example:443/cb", 0},
    {REGISTERED, "https://a.example/cb https://b.example/cb?x=1", 0},
    {REGISTERED, "app:/cb ", 0},
    {"", "https://a.example/cb", 0},
    {NULL, "https://a.example/cb", 0},
    /* RFC 8252 §7.3: any port for the loopback IP literals over http */
    {"http://127.0.0.1/cb", "http://127.0.0.1:51004/cb", 1},
    {"http://127.0.0.1:8080/cb", "http://127.0.0.1:51004/cb", 1},
    {"http://127.0.0.1:8080/cb", "http://127.0.0.1/cb", 1},
    {"http://127.0.0.1:8080/cb?x=1", "http://127.0.0.1:9/cb?x=1", 1},
    {"http://127.0.0.1:8080", "http://127.0.0.1:9", 1},
    {"http://[::1]:8080/cb", "http://[::1]:65535/cb", 1},
    {REGISTERED " http://[::1]/cb", "http://[::1]:1/cb", 1},
    /* ... with everything else equal */
    {"http://127.0.0.1:8080/cb", "http://127.0.0.1:9/cb/", 0},
    {"http://127.0.0.1:8080/cb", "http://127.0.0.1:9/cb?x=1", 0},
    {"http://127.0.0.1:8080/cb", "http://[::1]:8080/cb", 0},
    {"http://127.0.0.1:8080/cb", "https://127.0.0.1:8080/cb", 0},
    {"http://127.0.0.1:8080/cb", "http://127.0.0.1:0/cb", 0},
    {"http://127.0.0.1:8080/cb", "http://127.0.0.1:65536/cb", 0},
    {"http://127.0.0.1:8080/cb", "http://127.0.0.1:/cb", 0},
    {"http://127.0.0.1:8080/cb", "http://127.0.0.1:80a/cb", 0},
    {"http://127.0.0.1:8080/cb", "http://127.0.0.1:9@evil.example/cb", 0},
    {"http://127.0.0.1/cb", "http://127.0.0.1.evil.example/cb", 0},
    {"http://127.0.0.1/cb", "http://127.0.0.10/cb", 0},
    /* ... and for no other host or scheme */
    {"https://127.0.0.1:8080/cb", "https://127.0.0.1:9/cb", 0},
    {"http://localhost:8080/cb", "http://localhost:9/cb", 0},
    {"https://a.example:8443/cb", "https://a.example:9/cb", 0},
};

START_TEST(test_redirect_registered_compares_whole_strings_only)
{
    ck_assert_msg(
        oauth2_redirect_registered(matches[_i].registered, matches[_i].uri) ==
            matches[_i].match,
        "'%s' in '%s'", matches[_i].uri,
        matches[_i].registered ? matches[_i].registered : "NULL");
}
END_TEST

START_TEST(test_redirect_single_is_the_only_registered_uri_or_null)
{
    ck_assert_str_eq(oauth2_redirect_single(test_pool, "https://a.example/cb"),
                     "https://a.example/cb");
    ck_assert_ptr_null(oauth2_redirect_single(test_pool, REGISTERED));
    ck_assert_ptr_null(oauth2_redirect_single(test_pool, ""));
    ck_assert_ptr_null(oauth2_redirect_single(test_pool, NULL));
}
END_TEST

Suite *oauth2_redirect_suite(void)
{
    Suite *s = suite_create("redirect");
    TCase *tc = tcase_create("build");

    tcase_add_checked_fixture(tc, test_pool_setup, test_pool_teardown);
    tcase_add_loop_test(tc, test_redirect_build_appends_encoded_params, 0,
                        TABLE_SIZE(builds));
    tcase_add_test(tc, test_redirect_build_without_params_returns_the_base);
    tcase_add_test(tc, test_redirect_build_reads_nothing_before_an_empty_base);
    tcase_add_test(tc, test_redirect_param_keeps_pairs_in_order);
    suite_add_tcase(s, tc);

    tc = tcase_create("registration");
    tcase_add_checked_fixture(tc, test_pool_setup, test_pool_teardown);
    tcase_add_loop_test(
        tc, test_redirect_uri_accepts_https_loopback_http_and_private_use, 0,
        TABLE_SIZE(good_redirects));
    tcase_add_loop_test(
        tc, test_redirect_uri_rejects_what_rfc9700_and_rfc8252_forbid, 0,
        TABLE_SIZE(bad_redirects));
    suite_add_tcase(s, tc);

    tc = tcase_create("registered");
    tcase_add_checked_fixture(tc, test_pool_setup, test_pool_teardown);
    tcase_add_loop_test(tc,
                        test_redirect_registered_compares_whole_strings_only, 0,
                        TABLE_SIZE(matches));
    tcase_add_test(tc, test_redirect_single_is_the_only_registered_uri_or_null);
    suite_add_tcase(s, tc);
    return s;
}

/* --- the consent template ---------------------------------------------- */

static const struct {
    const char *tmpl;
    const char *rendered;
} renders[] = {
    {"", ""},
    {"no placeholders", "no placeholders"},
    {"Hello {{name}}!", "Hello World!"},
    {"{{name}}{{client}}", "WorldC&amp;A"},
    {"{{name}} and {{name}}", "World and World"},
    /* unknown names vanish rather than show */
    {"[{{unknown}}]", "[]"},
    {"[{{}}]", "[]"},
    /* values are not expanded again */
    {"{{tricky}}", "{{name}}"},
    /* an unclosed placeholder is text */
    {"a {{name", "a {{name"},
    {"}} {{name}} {{", "}} World {{"},
    {"{{{name}}}", "}"},
};

START_TEST(test_template_render_replaces_known_placeholders_only)
{
    apr_hash_t *values = apr_hash_make(test_pool);

    apr_hash_set(values, "name", APR_HASH_KEY_STRING, "World");
    apr_hash_set(values, "client", APR_HASH_KEY_STRING, "C&amp;A");
    apr_hash_set(values, "tricky", APR_HASH_KEY_STRING, "{{name}}");
    ck_assert_str_eq(
        oauth2_template_render(test_pool, renders[_i].tmpl, values),
        renders[_i].rendered);
}
END_TEST

static const struct {
    const char *text;
    const char *escaped;
} escapes[] = {
    {"", ""},
    {"plain text", "plain text"},
    {"a & b", "a &amp; b"},
    {"<script>", "&lt;script&gt;"},
    {"\"quoted\"", "&quot;quoted&quot;"},
    /* a single-quoted attribute of a custom template */
    {"' onmouseover='alert(1)", "&#39; onmouseover=&#39;alert(1)"},
    {"/oauth2/authorize/\"><svg onload=x>",
     "/oauth2/authorize/&quot;&gt;&lt;svg onload=x&gt;"},
    /* UTF-8 stays as it is: the page is UTF-8 */
    {"J\xc3\xbcrgen", "J\xc3\xbcrgen"},
};

START_TEST(test_template_escape_escapes_markup_and_both_quotes)
{
    ck_assert_str_eq(oauth2_template_escape(test_pool, escapes[_i].text),
                     escapes[_i].escaped);
}
END_TEST

Suite *oauth2_template_suite(void)
{
    Suite *s = suite_create("template");
    TCase *tc = tcase_create("render");

    tcase_add_checked_fixture(tc, test_pool_setup, test_pool_teardown);
    tcase_add_loop_test(tc,
                        test_template_render_replaces_known_placeholders_only,
                        0, TABLE_SIZE(renders));
    tcase_add_loop_test(tc, test_template_escape_escapes_markup_and_both_quotes,
                        0, TABLE_SIZE(escapes));
    suite_add_tcase(s, tc);
    return s;
}
