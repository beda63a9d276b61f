/* core/csrf.c: the consent form's anti-forgery tokens. */
#include "core_suites.h"

#include <string.h>

#include <apr_strings.h>
#include <apr_tables.h>

#include "mod_oauth2/core/csrf.h"

#define MADE 1700000000
#define MAX_AGE apr_time_from_sec(600)

static unsigned char key[OAUTH2_CSRF_KEY_LEN];

static void csrf_setup(void)
{
    size_t i;

    test_pool_setup();
    for (i = 0; i < sizeof(key); i++) {
        key[i] = (unsigned char)(i * 7 + 1);
    }
}

/* The fields of an authorization request, '|'-separated. */
static apr_array_header_t *fields(const char *list)
{
    apr_array_header_t *out =
        apr_array_make(test_pool, 6, sizeof(const char *));
    char *copy = apr_pstrdup(test_pool, list), *bar;

    for (;;) {
        bar = strchr(copy, '|');
        if (bar) {
            *bar = '\0';
        }
        APR_ARRAY_PUSH(out, const char *) = copy;
        if (!bar) {
            return out;
        }
        copy = bar + 1;
    }
}

#define REQUEST "alice|client-1|https://c.example/cb|openid profile|st4te"

static const char *made(void)
{
    const char *token = oauth2_csrf_make(test_pool, key, fields(REQUEST),
                                         apr_time_from_sec(MADE));

    ck_assert_ptr_nonnull(token);
    return token;
}

static int check(const char *token, const char *list, apr_time_t now)
{
    return oauth2_csrf_check(test_pool, key, fields(list), token, now, MAX_AGE);
}

START_TEST(test_csrf_token_carries_its_time_and_a_sha256_mac)
{
    const char *token = made();
    const char *dot = strchr(token, '.');

    ck_assert_ptr_nonnull(dot);
    ck_assert_str_eq(apr_pstrmemdup(test_pool, token, dot - token),
                     apr_itoa(test_pool, MADE));
    /* 32 bytes of HMAC-SHA256, base64url without padding. */
    ck_assert_uint_eq(strlen(dot + 1), 43);
    ck_assert_uint_eq(strspn(dot + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                      "abcdefghijklmnopqrstuvwxyz"
                                      "0123456789-_"),
                      43);
}
END_TEST

START_TEST(test_csrf_check_accepts_the_same_request_within_max_age)
{
    const char *token = made();

    ck_assert_int_eq(check(token, REQUEST, apr_time_from_sec(MADE)), 1);
    ck_assert_int_eq(check(token, REQUEST, apr_time_from_sec(MADE + 600)), 1);
    ck_assert_int_eq(check(token, REQUEST, apr_time_from_sec(MADE + 601)), 0);
    /* Made in the future: a clock or a forgery problem. */
    ck_assert_int_eq(check(token, REQUEST, apr_time_from_sec(MADE - 1)), 0);
}
END_TEST

/* Each differs from REQUEST in one way. */
static const char *const other_requests[] = {
    "mallory|client-1|https://c.example/cb|openid profile|st4te",
    "alice|client-2|https://c.example/cb|openid profile|st4te",
    "alice|client-1|https://evil.example/cb|openid profile|st4te",
    "alice|client-1|https://c.example/cb|openid profile email|st4te",
    "alice|client-1|https://c.example/cb|openid profile|st4tf",
    "alice|client-1|https://c.example/cb|openid profile|st4te|extra",
    "alice|client-1|https://c.example/cb|openid profile",
    /* the same bytes, split differently */
    "alic|eclient-1|https://c.example/cb|openid profile|st4te",
    "alice|client-1|https://c.example/cb|openid|profile|st4te",
};

START_TEST(test_csrf_check_refuses_a_token_of_another_request)
{
    ck_assert_int_eq(
        check(made(), other_requests[_i], apr_time_from_sec(MADE + 1)), 0);
}
END_TEST

START_TEST(test_csrf_check_refuses_a_token_made_with_another_key)
{
    const char *token = made();

    key[0] ^= 1;
    ck_assert_int_eq(check(token, REQUEST, apr_time_from_sec(MADE + 1)), 0);
    key[0] ^= 1;
    ck_assert_int_eq(check(token, REQUEST, apr_time_from_sec(MADE + 1)), 1);
}
END_TEST

START_TEST(test_csrf_check_refuses_tampered_or_malformed_tokens)
{
    const char *token = made(), *mac = strchr(token, '.') + 1;
    char *flipped = apr_pstrdup(test_pool, token);
    const char *const bad[] = {
        "",
        "no-dot-at-all",
        ".",
        apr_pstrcat(test_pool, ".", mac, NULL), /* no time */
        apr_pstrcat(test_pool, "x1700000000.", mac, NULL),
        apr_pstrcat(test_pool, "1700000000x.", mac, NULL),
        apr_pstrcat(test_pool, "1700000100.", mac, NULL), /* renewed */
        apr_pstrcat(test_pool, token, "A", NULL),
        apr_pstrndup(test_pool, token, strlen(token) - 1),
        apr_pstrcat(test_pool, token, ".", mac, NULL),
    };
    size_t i;

    flipped[strlen(flipped) - 2] ^= 1;
    ck_assert_int_eq(check(flipped, REQUEST, apr_time_from_sec(MADE + 200)), 0);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_msg(check(bad[i], REQUEST, apr_time_from_sec(MADE + 200)) ==
                          0,
                      "accepted '%s'", bad[i]);
    }
    ck_assert_int_eq(oauth2_csrf_check(test_pool, key, fields(REQUEST), NULL,
                                       apr_time_from_sec(MADE), MAX_AGE),
                     0);
    /* The untouched token still passes at that time. */
    ck_assert_int_eq(check(token, REQUEST, apr_time_from_sec(MADE + 200)), 1);
}
END_TEST

Suite *oauth2_csrf_suite(void)
{
    Suite *s = suite_create("csrf");
    TCase *tc = tcase_create("csrf");

    tcase_add_checked_fixture(tc, csrf_setup, test_pool_teardown);
    tcase_add_test(tc, test_csrf_token_carries_its_time_and_a_sha256_mac);
    tcase_add_test(tc, test_csrf_check_accepts_the_same_request_within_max_age);
    tcase_add_loop_test(tc, test_csrf_check_refuses_a_token_of_another_request,
                        0, TABLE_SIZE(other_requests));
    tcase_add_test(tc, test_csrf_check_refuses_a_token_made_with_another_key);
    tcase_add_test(tc, test_csrf_check_refuses_tampered_or_malformed_tokens);
    suite_add_tcase(s, tc);
    return s;
}
