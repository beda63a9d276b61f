/* core/pkce.c: Proof Key for Code Exchange (RFC 7636). */
#include "core_suites.h"

#include <string.h>

#include <apr_strings.h>

#include "mod_oauth2/core/pkce.h"

/* RFC 7636 Appendix B. */
#define RFC_VERIFIER "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
#define RFC_CHALLENGE "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"

/* n copies of c, from the test pool. */
static const char *repeat(char c, int n)
{
    char *s = apr_palloc(test_pool, n + 1);

    memset(s, c, n);
    s[n] = '\0';
    return s;
}

START_TEST(test_pkce_verifier_is_43_to_128_unreserved_characters)
{
    static const struct {
        char c;
        int n;
        int valid;
    } runs[] = {
        {'a', 43, 1},    {'Z', 128, 1}, {'0', 64, 1}, {'-', 43, 1},
        {'.', 43, 1},    {'_', 43, 1},  {'~', 43, 1}, {'a', 42, 0},
        {'a', 129, 0},   {'a', 0, 0},   {'+', 43, 0}, {'/', 43, 0},
        {'=', 43, 0},    {' ', 43, 0},  {'%', 43, 0}, {'\x80', 43, 0},
        {'\xe9', 43, 0},
    };
    size_t i;

    for (i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
        ck_assert_msg(oauth2_pkce_verifier_valid(
                          repeat(runs[i].c, runs[i].n)) == runs[i].valid,
                      "%d x 0x%02x", runs[i].n, (unsigned char)runs[i].c);
    }
    ck_assert_int_eq(oauth2_pkce_verifier_valid(RFC_VERIFIER), 1);
    /* One bad character among good ones is enough. */
    ck_assert_int_eq(oauth2_pkce_verifier_valid(
                         apr_pstrcat(test_pool, RFC_VERIFIER, "!", NULL)),
                     0);
}
END_TEST

static const struct {
    const char *challenge;
    const char *method;
    int valid;
} challenges[] = {
    {RFC_CHALLENGE, "S256", 1},
    {RFC_VERIFIER, "plain", 1},
    {RFC_CHALLENGE, "plain", 1}, /* 43 unreserved characters */
    /* S256: exactly the 43-character base64url of 32 bytes */
    {RFC_CHALLENGE "A", "S256", 0},
    {"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-c", "S256", 0},
    {"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cN", "S256", 0}, /* bits */
    {"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM", "S256", 0},
    {"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM=", "S256", 0},
    {"", "S256", 0},
    /* plain: a verifier */
    {"short", "plain", 0},
    {"", "plain", 0},
    /* methods are case-sensitive and only these two */
    {RFC_CHALLENGE, "s256", 0},
    {RFC_CHALLENGE, "SHA256", 0},
    {RFC_CHALLENGE, "", 0},
};

START_TEST(test_pkce_challenge_valid_checks_form_per_method)
{
    ck_assert_msg(oauth2_pkce_challenge_valid(
                      test_pool, challenges[_i].challenge,
                      challenges[_i].method) == challenges[_i].valid,
                  "'%s' (%s)", challenges[_i].challenge, challenges[_i].method);
}
END_TEST

static const struct {
    const char *verifier;
    const char *challenge;
    const char *method;
    int match;
} verifications[] = {
    {RFC_VERIFIER, RFC_CHALLENGE, "S256", 1},
    {RFC_VERIFIER, RFC_VERIFIER, "plain", 1},
    /* a different verifier */
    {RFC_VERIFIER "x", RFC_CHALLENGE, "S256", 0},
    {"eBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", RFC_CHALLENGE, "S256", 0},
    {RFC_VERIFIER, RFC_VERIFIER "x", "plain", 0},
    /* the verifier itself presented against an S256 challenge */
    {RFC_CHALLENGE, RFC_CHALLENGE, "S256", 0},
    /* the challenge checked with the wrong method */
    {RFC_VERIFIER, RFC_CHALLENGE, "plain", 0},
    {RFC_VERIFIER, RFC_VERIFIER, "S256", 0},
    {RFC_VERIFIER, RFC_CHALLENGE, "s256", 0},
    {RFC_VERIFIER, RFC_CHALLENGE, "", 0},
    /* a malformed verifier never matches, even equal to the challenge */
    {"too-short", "too-short", "plain", 0},
    {RFC_VERIFIER "+", RFC_VERIFIER "+", "plain", 0},
    {"", "", "plain", 0},
};

START_TEST(test_pkce_verify_matches_only_the_right_verifier)
{
    ck_assert_msg(oauth2_pkce_verify(test_pool, verifications[_i].verifier,
                                     verifications[_i].challenge,
                                     verifications[_i].method) ==
                      verifications[_i].match,
                  "'%s' vs '%s' (%s)", verifications[_i].verifier,
                  verifications[_i].challenge, verifications[_i].method);
}
END_TEST

Suite *oauth2_pkce_suite(void)
{
    Suite *s = suite_create("pkce");
    TCase *tc = tcase_create("pkce");

    tcase_add_checked_fixture(tc, test_pool_setup, test_pool_teardown);
    tcase_add_test(tc, test_pkce_verifier_is_43_to_128_unreserved_characters);
    tcase_add_loop_test(tc, test_pkce_challenge_valid_checks_form_per_method, 0,
                        TABLE_SIZE(challenges));
    tcase_add_loop_test(tc, test_pkce_verify_matches_only_the_right_verifier, 0,
                        TABLE_SIZE(verifications));
    suite_add_tcase(s, tc);
    return s;
}
