/* core/uri.c: the issuer (RFC 8414 §2) and endpoint URLs. */
#include "core_suites.h"

#include <string.h>

#include "mod_oauth2/core/uri.h"

static const struct {
    const char *host;
    int loopback;
} hosts[] = {
    {"localhost", 1},
    {"LOCALHOST", 1},
    {"LocalHost", 1},
    {"127.0.0.1", 1},
    {"::1", 1}, /* as apr_uri_parse gives "[::1]" */
    {NULL, 0},
    {"", 0},
    {"localhost.example.org", 0},
    {"localhost.", 0},
    {"127.0.0.1.nip.io", 0},
    {"127.0.0.2", 0},
    {"::2", 0},
    {"example.org", 0},
    {"localhost ", 0},
};

START_TEST(test_host_is_loopback_only_for_loopback_names)
{
    ck_assert_msg(oauth2_host_is_loopback(hosts[_i].host) == hosts[_i].loopback,
                  "'%s'", hosts[_i].host ? hosts[_i].host : "(null)");
}
END_TEST

static const char *const good_issuers[] = {
    "https://auth.example.org",
    "https://auth.example.org/",
    "https://auth.example.org:8443/tenants/a",
    "https://auth.example.org:1",
    "https://auth.example.org:65535",
    "HTTPS://Auth.Example.Org",
    "https://127.0.0.1",
    "https://[2001:db8::1]:443/",
    /* Plain http on loopback, any port, for development. */
    "http://localhost",
    "http://localhost:8080",
    "http://LOCALHOST:1/oauth2",
    "http://127.0.0.1",
    "http://127.0.0.1:65535/oauth2",
    "http://[::1]",
    "http://[::1]:8443/",
};

START_TEST(test_issuer_accepts_https_and_loopback_http)
{
    const char *err = oauth2_issuer_check(test_pool, good_issuers[_i]);

    ck_assert_msg(err == NULL, "'%s': %s", good_issuers[_i], err);
}
END_TEST

#define NOT_ABSOLUTE "must be an absolute URL"
#define NEEDS_HTTPS "must use https"
#define NO_QUERY "must not have a query or fragment"
#define NO_USERINFO "must not carry user information"
#define BAD_PORT "must have a port from 1 to 65535"

static const struct {
    const char *url;
    const char *message; /* a part of the expected error */
} bad_issuers[] = {
    /* http only for loopback hosts */
    {"http://auth.example.org", NEEDS_HTTPS},
    {"http://auth.example.org:80/", NEEDS_HTTPS},
    {"http://localhost.example.org", NEEDS_HTTPS},
    {"http://127.0.0.2", NEEDS_HTTPS},
    {"http://127.0.0.1.nip.io", NEEDS_HTTPS},
    {"http://[::2]", NEEDS_HTTPS},
    {"http://[2001:db8::1]", NEEDS_HTTPS},
    {"ftp://auth.example.org", NEEDS_HTTPS},
    {"wss://auth.example.org", NEEDS_HTTPS},
    /* RFC 8414 §2: no query, no fragment, even empty ones */
    {"https://auth.example.org?tenant=a", NO_QUERY},
    {"https://auth.example.org/?", NO_QUERY},
    {"https://auth.example.org#top", NO_QUERY},
    {"https://auth.example.org/#", NO_QUERY},
    {"http://localhost/?x=1", NO_QUERY},
    /* user information */
    {"https://user@auth.example.org", NO_USERINFO},
    {"https://user:pw@auth.example.org", NO_USERINFO},
    {"https://:pw@auth.example.org", NO_USERINFO},
    {"http://localhost@evil.example", NO_USERINFO},
    /* not absolute */
    {"", NOT_ABSOLUTE},
    {"/oauth2", NOT_ABSOLUTE},
    {"auth.example.org", NOT_ABSOLUTE},
    {"//auth.example.org", NOT_ABSOLUTE},
    {"https://", NOT_ABSOLUTE},
    {"https:///oauth2", NOT_ABSOLUTE},
    {"https:auth.example.org", NOT_ABSOLUTE},
    /* ports that are no TCP port (apr_uri_parse truncates them) */
    {"https://auth.example.org:99999", BAD_PORT},
    {"https://auth.example.org:65536/", BAD_PORT},
    {"https://auth.example.org:0", BAD_PORT},
    {"https://auth.example.org:-1", BAD_PORT},
    {"https://auth.example.org:+443", BAD_PORT},
    {"https://auth.example.org:", BAD_PORT},
    {"https://auth.example.org:443x", NOT_ABSOLUTE},
    {"http://localhost:99999", BAD_PORT},
    /* spaces and control characters */
    {"https://auth.example.org /oauth2", NOT_ABSOLUTE},
    {"https://auth.example.org\n", NOT_ABSOLUTE},
    {"https://auth.example.org/\x7f", NOT_ABSOLUTE},
    {" https://auth.example.org", NOT_ABSOLUTE},
};

START_TEST(test_issuer_rejects_what_rfc8414_forbids)
{
    const char *err = oauth2_issuer_check(test_pool, bad_issuers[_i].url);

    ck_assert_msg(err != NULL, "accepted '%s'", bad_issuers[_i].url);
    ck_assert_msg(strstr(err, bad_issuers[_i].message) != NULL,
                  "'%s': error '%s' lacks '%s'", bad_issuers[_i].url, err,
                  bad_issuers[_i].message);
}
END_TEST

START_TEST(test_issuer_rejects_http_on_public_hosts)
{
    const char *err = oauth2_issuer_check(test_pool, "http://example.org");

    ck_assert_ptr_nonnull(err);
    ck_assert_ptr_null(oauth2_issuer_check(test_pool, "https://example.org"));
}
END_TEST

static const char *const good_endpoints[] = {
    "https://auth.example.org/token",
    "https://auth.example.org/token?tenant=a", /* a query is allowed */
    "https://auth.example.org:8443/oauth2/introspect",
    "HTTPS://Auth.Example.Org/token",
    "http://localhost:8080/token",
    "http://127.0.0.1/token",
    "http://[::1]:8443/token",
};

START_TEST(test_endpoint_url_accepts_https_and_loopback_http)
{
    const char *err = oauth2_endpoint_url_check(test_pool, good_endpoints[_i]);

    ck_assert_msg(err == NULL, "'%s': %s", good_endpoints[_i], err);
}
END_TEST

static const struct {
    const char *url;
    const char *message;
} bad_endpoints[] = {
    {"http://auth.example.org/token", "must use https"},
    {"http://localhost.example.org/token", "must use https"},
    {"ftp://auth.example.org/token", "must use https"},
    {"https://auth.example.org/token#top", "must not have a fragment"},
    {"https://auth.example.org/token#", "must not have a fragment"},
    {"https://auth.example.org:99999/token", BAD_PORT},
    {"https://auth.example.org:/token", BAD_PORT},
    {"", "must be an absolute URL"},
    {"/token", "must be an absolute URL"},
    {"//auth.example.org/token", "must be an absolute URL"},
    {"https:///token", "must be an absolute URL"},
    {"https://auth.example.org/ token", "must be an absolute URL"},
    {"https://auth.example.org/token\r\n", "must be an absolute URL"},
};

START_TEST(test_endpoint_url_rejects_http_fragments_and_relative)
{
    const char *err =
        oauth2_endpoint_url_check(test_pool, bad_endpoints[_i].url);

    ck_assert_msg(err != NULL, "accepted '%s'", bad_endpoints[_i].url);
    ck_assert_msg(strstr(err, bad_endpoints[_i].message) != NULL,
                  "'%s': error '%s' lacks '%s'", bad_endpoints[_i].url, err,
                  bad_endpoints[_i].message);
}
END_TEST

Suite *oauth2_uri_suite(void)
{
    Suite *s = suite_create("uri");
    TCase *tc = tcase_create("loopback");

    tcase_add_loop_test(tc, test_host_is_loopback_only_for_loopback_names, 0,
                        TABLE_SIZE(hosts));
    suite_add_tcase(s, tc);

    tc = tcase_create("issuer");
    tcase_add_checked_fixture(tc, test_pool_setup, test_pool_teardown);
    tcase_add_loop_test(tc, test_issuer_accepts_https_and_loopback_http, 0,
                        TABLE_SIZE(good_issuers));
    tcase_add_loop_test(tc, test_issuer_rejects_what_rfc8414_forbids, 0,
                        TABLE_SIZE(bad_issuers));
    tcase_add_test(tc, test_issuer_rejects_http_on_public_hosts);
    suite_add_tcase(s, tc);

    tc = tcase_create("endpoint_url");
    tcase_add_checked_fixture(tc, test_pool_setup, test_pool_teardown);
    tcase_add_loop_test(tc, test_endpoint_url_accepts_https_and_loopback_http,
                        0, TABLE_SIZE(good_endpoints));
    tcase_add_loop_test(tc,
                        test_endpoint_url_rejects_http_fragments_and_relative,
                        0, TABLE_SIZE(bad_endpoints));
    suite_add_tcase(s, tc);
    return s;
}
