/* core/form.c (form encoding, UTF-8) and core/basic_auth.c (client
 * credentials in an HTTP Basic header, RFC 6749 §2.3.1). */
#include "core_suites.h"

#include <string.h>

#include <apr_base64.h>
#include <apr_hash.h>
#include <apr_strings.h>

#include "mod_oauth2/core/basic_auth.h"
#include "mod_oauth2/core/form.h"

/* --- decoding and encoding --------------------------------------------- */

static const struct {
    const char *text;
    const char *decoded; /* NULL: refused */
} decodings[] = {
    {"", ""},
    {"abc", "abc"},
    {"a+b", "a b"},
    {"%41%62", "Ab"},
    {"%4a%4A", "JJ"}, /* either case of hex digit */
    {"100%25", "100%"},
    {"%2B+%20", "+  "},
    {"%C3%A9t%C3%A9", "\xc3\xa9t\xc3\xa9"},
    {"%", NULL},
    {"a%4", NULL},
    {"%G1", NULL},
    {"%1G", NULL},
    {"%%41", NULL},
    {"%00", NULL}, /* an encoded NUL would cut strings */
    {"a%00b", NULL},
};

START_TEST(test_form_decode_undoes_plus_and_percent_escapes)
{
    const char *text = decodings[_i].text;
    char *out = oauth2_form_decode(test_pool, text, strlen(text));

    if (decodings[_i].decoded) {
        ck_assert_msg(out != NULL, "refused '%s'", text);
        ck_assert_str_eq(out, decodings[_i].decoded);
    }
    else {
        ck_assert_msg(out == NULL, "decoded '%s' as '%s'", text, out);
    }
}
END_TEST

START_TEST(test_form_decode_reads_only_len_bytes_and_refuses_raw_nul)
{
    ck_assert_str_eq(oauth2_form_decode(test_pool, "abc&def", 3), "abc");
    /* An escape cut by len is malformed, not read past. */
    ck_assert_ptr_null(oauth2_form_decode(test_pool, "a%41", 3));
    ck_assert_ptr_null(oauth2_form_decode(test_pool, "a\0b", 3));
}
END_TEST

static const struct {
    const char *text;
    const char *encoded;
} encodings[] = {
    {"", ""},
    {"AZaz09-._~", "AZaz09-._~"}, /* RFC 3986 unreserved, kept */
    {"a b", "a%20b"},
    {"a+b", "a%2Bb"},
    {"/?#&=%", "%2F%3F%23%26%3D%25"},
    {"\xc3\xa9", "%C3%A9"},
    {"\x01\x7f\xff", "%01%7F%FF"},
};

START_TEST(test_form_encode_escapes_all_but_unreserved_characters)
{
    const char *out = oauth2_form_encode(test_pool, encodings[_i].text);

    ck_assert_str_eq(out, encodings[_i].encoded);
    /* And decoding gives the text back. */
    ck_assert_str_eq(oauth2_form_decode(test_pool, out, strlen(out)),
                     encodings[_i].text);
}
END_TEST

static const struct {
    const char *text;
    int valid;
} utf8[] = {
    {"", 1},
    {"plain ASCII", 1},
    {"\xc3\xa9", 1},         /* U+00E9 */
    {"\xe2\x82\xac", 1},     /* U+20AC */
    {"\xf0\x9f\x98\x80", 1}, /* U+1F600 */
    {"\xef\xbf\xbf", 1},     /* U+FFFF */
    {"\xf4\x8f\xbf\xbf", 1}, /* U+10FFFF, the last */
    {"\xc2\x80", 1},         /* U+0080, the first of two bytes */
    {"\x80", 0},             /* a lone continuation byte */
    {"\xc3", 0},             /* truncated */
    {"a\xe2\x82", 0},
    {"\xc3\x28", 0}, /* not a continuation byte */
    {"\xc0\x80", 0}, /* overlong NUL */
    {"\xc1\xbf", 0}, /* overlong */
    {"\xe0\x80\xaf", 0},
    {"\xf0\x80\x80\xaf", 0},
    {"\xed\xa0\x80", 0},         /* U+D800, a surrogate */
    {"\xed\xbf\xbf", 0},         /* U+DFFF */
    {"\xf4\x90\x80\x80", 0},     /* U+110000 */
    {"\xf8\x88\x80\x80\x80", 0}, /* five bytes */
    {"\xff", 0},
};

START_TEST(test_utf8_valid_refuses_overlongs_and_surrogates)
{
    const unsigned char *t = (const unsigned char *)utf8[_i].text;

    ck_assert_msg(oauth2_utf8_valid(utf8[_i].text) == utf8[_i].valid,
                  "row %d (first byte 0x%02x)", _i, t[0]);
}
END_TEST

/* --- parsing ----------------------------------------------------------- */

static apr_hash_t *parse_ok(const char *body)
{
    apr_hash_t *params = NULL;
    const char *err =
        oauth2_form_parse(test_pool, body, strlen(body), &params, NULL);

    ck_assert_msg(err == NULL, "'%s': %s", body, err);
    ck_assert_ptr_nonnull(params);
    return params;
}

static const char *param(apr_hash_t *params, const char *name)
{
    return apr_hash_get(params, name, APR_HASH_KEY_STRING);
}

START_TEST(test_form_parse_splits_pairs_and_decodes_both_halves)
{
    apr_hash_t *p;

    p = parse_ok("grant_type=client_credentials&scope=read+write");
    ck_assert_uint_eq(apr_hash_count(p), 2);
    ck_assert_str_eq(param(p, "grant_type"), "client_credentials");
    ck_assert_str_eq(param(p, "scope"), "read write");

    p = parse_ok("redirect%5Furi=https%3A%2F%2Fc.example%2Fcb%3Fa%3D1");
    ck_assert_str_eq(param(p, "redirect_uri"), "https://c.example/cb?a=1");

    p = parse_ok("a=1=2&b&c=&&d=%C3%A9&");
    ck_assert_uint_eq(apr_hash_count(p), 4);
    ck_assert_str_eq(param(p, "a"), "1=2"); /* first '=' splits */
    ck_assert_str_eq(param(p, "b"), "");    /* no '=' at all */
    ck_assert_str_eq(param(p, "c"), "");
    ck_assert_str_eq(param(p, "d"), "\xc3\xa9");

    p = parse_ok("Scope=a&scope=b"); /* names are case-sensitive */
    ck_assert_str_eq(param(p, "Scope"), "a");
    ck_assert_str_eq(param(p, "scope"), "b");

    ck_assert_uint_eq(apr_hash_count(parse_ok("")), 0);
}
END_TEST

START_TEST(test_form_parse_reads_only_len_bytes)
{
    apr_hash_t *params = NULL;

    ck_assert_ptr_null(
        oauth2_form_parse(test_pool, "a=1&b=2", 3, &params, NULL));
    ck_assert_uint_eq(apr_hash_count(params), 1);
    ck_assert_str_eq(param(params, "a"), "1");
}
END_TEST

static const struct {
    const char *body;
    const char *message;
} bad_forms[] = {
    {"a=1&a=2", "'a' is included more than once"},
    {"code=x&state=s&code=y", "'code' is included more than once"},
    {"a=%ZZ", "malformed percent-encoding"},
    {"a%=1", "malformed percent-encoding"},
    {"a=%00", "malformed percent-encoding"},
    {"a=%FF", "must be UTF-8"},
    {"%C0%80=x", "must be UTF-8"},
};

START_TEST(test_form_parse_refuses_repeats_and_bad_escapes)
{
    apr_hash_t *params = NULL;
    const char *err =
        oauth2_form_parse(test_pool, bad_forms[_i].body,
                          strlen(bad_forms[_i].body), &params, NULL);

    ck_assert_msg(err != NULL, "accepted '%s'", bad_forms[_i].body);
    ck_assert_msg(strstr(err, bad_forms[_i].message) != NULL,
                  "'%s': error '%s' lacks '%s'", bad_forms[_i].body, err,
                  bad_forms[_i].message);
}
END_TEST

START_TEST(test_form_parse_reports_a_repeat_to_a_caller_that_asks)
{
    const char *body = "a=1&b=2&a=3&b=4&c=5&a=6";
    apr_hash_t *params = NULL;
    apr_array_header_t *duplicate = NULL;

    ck_assert_ptr_null(
        oauth2_form_parse(test_pool, body, strlen(body), &params, &duplicate));
    ck_assert_int_eq(duplicate->nelts, 2); /* each repeated name once */
    ck_assert_str_eq(APR_ARRAY_IDX(duplicate, 0, const char *), "a");
    ck_assert_str_eq(APR_ARRAY_IDX(duplicate, 1, const char *), "b");
    ck_assert(oauth2_form_repeated(duplicate, "b"));
    ck_assert(!oauth2_form_repeated(duplicate, "c"));
    ck_assert_str_eq(param(params, "a"), "1"); /* first value kept */
    ck_assert_str_eq(param(params, "b"), "2");
    ck_assert_str_eq(param(params, "c"), "5");

    body = "a=1&b=2";
    ck_assert_ptr_null(
        oauth2_form_parse(test_pool, body, strlen(body), &params, &duplicate));
    ck_assert_ptr_null(duplicate);
    /* Malformed input is still an error. */
    ck_assert_ptr_nonnull(
        oauth2_form_parse(test_pool, "a=%", 3, &params, &duplicate));
}
END_TEST

START_TEST(test_form_get_treats_empty_values_as_absent)
{
    apr_hash_t *p = parse_ok("state=&code=abc&scope");

    ck_assert_str_eq(oauth2_form_get(p, "code"), "abc");
    ck_assert_ptr_null(oauth2_form_get(p, "state"));
    ck_assert_ptr_null(oauth2_form_get(p, "scope"));
    ck_assert_ptr_null(oauth2_form_get(p, "nonce"));
}
END_TEST

Suite *oauth2_form_suite(void)
{
    Suite *s = suite_create("form");
    TCase *tc = tcase_create("encoding");

    tcase_add_checked_fixture(tc, test_pool_setup, test_pool_teardown);
    tcase_add_loop_test(tc, test_form_decode_undoes_plus_and_percent_escapes, 0,
                        TABLE_SIZE(decodings));
    tcase_add_test(tc,
                   test_form_decode_reads_only_len_bytes_and_refuses_raw_nul);
    tcase_add_loop_test(tc,
                        test_form_encode_escapes_all_but_unreserved_characters,
                        0, TABLE_SIZE(encodings));
    tcase_add_loop_test(tc, test_utf8_valid_refuses_overlongs_and_surrogates, 0,
                        TABLE_SIZE(utf8));
    suite_add_tcase(s, tc);

    tc = tcase_create("parse");
    tcase_add_checked_fixture(tc, test_pool_setup, test_pool_teardown);
    tcase_add_test(tc, test_form_parse_splits_pairs_and_decodes_both_halves);
    tcase_add_test(tc, test_form_parse_reads_only_len_bytes);
    tcase_add_loop_test(tc, test_form_parse_refuses_repeats_and_bad_escapes, 0,
                        TABLE_SIZE(bad_forms));
    tcase_add_test(tc, test_form_parse_reports_a_repeat_to_a_caller_that_asks);
    tcase_add_test(tc, test_form_get_treats_empty_values_as_absent);
    suite_add_tcase(s, tc);
    return s;
}

/* --- HTTP Basic -------------------------------------------------------- */

/* "Basic " and the base64 of len bytes of plain. */
static const char *basic(const char *plain, int len)
{
    char *b64 = apr_palloc(test_pool, apr_base64_encode_len(len));

    apr_base64_encode(b64, plain, len);
    return apr_pstrcat(test_pool, "Basic ", b64, NULL);
}

static const struct {
    const char *header;
    int basic;
} schemes[] = {
    {"Basic Y2xpZW50OnNlY3JldA==", 1},
    {"basic Y2xpZW50OnNlY3JldA==", 1},
    {"BASIC Y2xpZW50OnNlY3JldA==", 1},
    {"Basic", 1},
    {NULL, 0},
    {"", 0},
    {"Bearer abc", 0},
    {"BasicY2xpZW50", 0},
    {"Basi", 0},
    {"Digest username=\"x\"", 0},
};

START_TEST(test_basic_is_basic_matches_the_scheme_word_in_any_case)
{
    ck_assert_msg(oauth2_basic_is_basic(schemes[_i].header) ==
                      schemes[_i].basic,
                  "'%s'", schemes[_i].header ? schemes[_i].header : "NULL");
}
END_TEST

static const struct {
    const char *plain;
    const char *id;
    const char *secret;
} good_credentials[] = {
    {"client:secret", "client", "secret"},
    {"my%20client:s%2Bc+r%3At", "my client", "s+c r:t"}, /* form-encoded */
    {"id:se:cret", "id", "se:cret"}, /* the first colon separates */
    {"id:", "id", ""},
    {"%C3%A9:%E2%82%AC", "\xc3\xa9", "\xe2\x82\xac"},
};

START_TEST(test_basic_parse_decodes_form_encoded_id_and_secret)
{
    const char *plain = good_credentials[_i].plain;
    const char *id = NULL, *secret = NULL;
    const char *err = oauth2_basic_parse(
        test_pool, basic(plain, (int)strlen(plain)), &id, &secret);

    ck_assert_msg(err == NULL, "'%s': %s", plain, err);
    ck_assert_str_eq(id, good_credentials[_i].id);
    ck_assert_str_eq(secret, good_credentials[_i].secret);
}
END_TEST

START_TEST(test_basic_parse_allows_several_spaces_after_the_scheme)
{
    const char *id = NULL, *secret = NULL;

    ck_assert_ptr_null(oauth2_basic_parse(
        test_pool, "basic   Y2xpZW50OnNlY3JldA==", &id, &secret));
    ck_assert_str_eq(id, "client");
    ck_assert_str_eq(secret, "secret");
}
END_TEST

static const struct {
    const char *plain; /* base64-encoded into the header */
    int len;           /* of plain; -1: strlen */
    const char *message;
} bad_credentials[] = {
    {"client", -1, "client_id:client_secret"},       /* no colon */
    {"id\0x:secret", 11, "client_id:client_secret"}, /* NUL inside */
    {":secret", -1, "malformed"},                    /* empty id */
    {"id%ZZ:secret", -1, "malformed"},
    {"id:sec%", -1, "malformed"},
    {"id%00:secret", -1, "malformed"},
    {"%FF:secret", -1, "malformed"}, /* not UTF-8 */
    {"id:%C0%80", -1, "malformed"},
};

START_TEST(test_basic_parse_refuses_malformed_credentials)
{
    const char *plain = bad_credentials[_i].plain;
    int len = bad_credentials[_i].len < 0 ? (int)strlen(plain)
                                          : bad_credentials[_i].len;
    const char *id = NULL, *secret = NULL;
    const char *err =
        oauth2_basic_parse(test_pool, basic(plain, len), &id, &secret);

    ck_assert_msg(err != NULL, "accepted row %d", _i);
    ck_assert_msg(strstr(err, bad_credentials[_i].message) != NULL,
                  "row %d: error '%s' lacks '%s'", _i, err,
                  bad_credentials[_i].message);
}
END_TEST

static const struct {
    const char *header;
    const char *message;
} bad_headers[] = {
    {"Bearer Y2xpZW50OnNlY3JldA==", "not HTTP Basic"},
    {"Basic", "malformed"},
    {"Basic ", "malformed"},
    {"Basic Y2xpZW50OnNlY3JldA", "malformed"}, /* padding missing */
    {"Basic Y2xpZW50OnNlY3JldA===", "malformed"},
    {"Basic Y2xpZW50OnNlY3JldA======", "malformed"}, /* 6 '=' */
    {"Basic Y2xp=W50OnNlY3JldA==", "malformed"},     /* '=' inside */
    {"Basic Y2xpZW50OnNlY3Jld!==", "malformed"},
    {"Basic Y2xpZW50-nNlY3JldA==", "malformed"}, /* base64url */
    {"Basic Y2xpZW50OnNlY3JldA== ", "malformed"},
};

START_TEST(test_basic_parse_refuses_headers_that_are_not_base64)
{
    const char *id = NULL, *secret = NULL;
    const char *err =
        oauth2_basic_parse(test_pool, bad_headers[_i].header, &id, &secret);

    ck_assert_msg(err != NULL, "accepted '%s'", bad_headers[_i].header);
    ck_assert_msg(strstr(err, bad_headers[_i].message) != NULL,
                  "'%s': error '%s' lacks '%s'", bad_headers[_i].header, err,
                  bad_headers[_i].message);
}
END_TEST

Suite *oauth2_basic_auth_suite(void)
{
    Suite *s = suite_create("basic_auth");
    TCase *tc = tcase_create("basic_auth");

    tcase_add_checked_fixture(tc, test_pool_setup, test_pool_teardown);
    tcase_add_loop_test(tc,
                        test_basic_is_basic_matches_the_scheme_word_in_any_case,
                        0, TABLE_SIZE(schemes));
    tcase_add_loop_test(tc, test_basic_parse_decodes_form_encoded_id_and_secret,
                        0, TABLE_SIZE(good_credentials));
    tcase_add_test(tc, test_basic_parse_allows_several_spaces_after_the_scheme);
    tcase_add_loop_test(tc, test_basic_parse_refuses_malformed_credentials, 0,
                        TABLE_SIZE(bad_credentials));
    tcase_add_loop_test(tc,
                        test_basic_parse_refuses_headers_that_are_not_base64, 0,
                        TABLE_SIZE(bad_headers));
    suite_add_tcase(s, tc);
    return s;
}
