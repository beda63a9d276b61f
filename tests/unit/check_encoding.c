/* core/encoding.c, core/digest.c and core/random.c. */
#include "core_suites.h"

#include <string.h>

#include <apr_hash.h>
#include <apr_strings.h>

#include "mod_oauth2/core/digest.h"
#include "mod_oauth2/core/encoding.h"
#include "mod_oauth2/core/random.h"

#define B64URL_ALPHABET                                                        \
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

/* --- base64url ------------------------------------------------------- */

/* RFC 4648 §10, without the padding that §5 base64url omits here. */
static const struct {
    const char *plain;
    const char *encoded;
} rfc4648_vectors[] = {
    {"", ""},
    {"f", "Zg"},
    {"fo", "Zm8"},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg"},
    {"fooba", "Zm9vYmE"},
    {"foobar", "Zm9vYmFy"},
};

START_TEST(test_base64url_encode_matches_rfc4648_vectors)
{
    const char *plain = rfc4648_vectors[_i].plain;

    ck_assert_str_eq(oauth2_base64url_encode(test_pool,
                                             (const unsigned char *)plain,
                                             strlen(plain)),
                     rfc4648_vectors[_i].encoded);
}
END_TEST

START_TEST(test_base64url_decode_inverts_rfc4648_vectors)
{
    const char *plain = rfc4648_vectors[_i].plain;
    apr_size_t len = 12345;
    unsigned char *out;

    out = oauth2_base64url_decode(test_pool, rfc4648_vectors[_i].encoded, &len);
    ck_assert_ptr_nonnull(out);
    ck_assert_uint_eq(len, strlen(plain));
    ck_assert_mem_eq(out, plain, len);
    /* The result is NUL-terminated for callers that treat it as text. */
    ck_assert_int_eq(out[len], '\0');
}
END_TEST

START_TEST(test_base64url_encode_uses_dash_and_underscore)
{
    /* Standard base64 of these bytes is "+/+/" and "/+8". */
    static const unsigned char high[] = {0xfb, 0xff, 0xbf};
    static const unsigned char mixed[] = {0xff, 0xef};

    ck_assert_str_eq(oauth2_base64url_encode(test_pool, high, sizeof(high)),
                     "-_-_");
    ck_assert_str_eq(oauth2_base64url_encode(test_pool, mixed, sizeof(mixed)),
                     "_-8");
}
END_TEST

START_TEST(test_base64url_round_trips_every_byte_value_at_every_length)
{
    unsigned char data[256];
    apr_size_t n, len, i;

    for (i = 0; i < sizeof(data); i++) {
        data[i] = (unsigned char)(255 - i);
    }
    for (n = 0; n <= sizeof(data); n++) {
        const char *text = oauth2_base64url_encode(test_pool, data, n);
        unsigned char *back;

        /* Unpadded: 4 characters per 3 bytes, 2 or 3 for the remainder. */
        ck_assert_uint_eq(strlen(text), n / 3 * 4 + (n % 3 ? n % 3 + 1 : 0));
        ck_assert_uint_eq(strspn(text, B64URL_ALPHABET), strlen(text));
        back = oauth2_base64url_decode(test_pool, text, &len);
        ck_assert_ptr_nonnull(back);
        ck_assert_uint_eq(len, n);
        ck_assert_mem_eq(back, data, n);
    }
}
END_TEST

START_TEST(test_base64url_decode_keeps_nul_bytes)
{
    static const unsigned char expected[] = {0x00, 0x61, 0x00};
    apr_size_t len = 0;
    unsigned char *out = oauth2_base64url_decode(test_pool, "AGEA", &len);

    ck_assert_ptr_nonnull(out);
    ck_assert_uint_eq(len, sizeof(expected));
    ck_assert_mem_eq(out, expected, sizeof(expected));
}
END_TEST

/* Each is a valid length; only the named character is wrong. */
static const char *const outside_alphabet[] = {
    "+/+/",                /* standard base64, not base64url */
    "Zm9+",     "Zg==",    /* padding is not part of the unpadded form */
    "Zm8=",     "Zm9v Yg", /* space */
    "Zm9v\tYg",            /* tab */
    "Zm9v\nYg",            /* line break (MIME-style wrapping) */
    "Zm9.",     "Zm9%",       "Zm9\x80", /* high bytes */
    "Zm9\xff",  "\xc3\xa9Zm",
};

START_TEST(test_base64url_decode_rejects_chars_off_alphabet)
{
    apr_size_t len = 12345;

    ck_assert_msg(
        oauth2_base64url_decode(test_pool, outside_alphabet[_i], &len) == NULL,
        "decoded '%s'", outside_alphabet[_i]);
}
END_TEST

/* 4n + 1 characters hold 6 bits beyond the last whole byte. */
static const char *const impossible_lengths[] = {
    "A", "Z", "AAAAA", "Zm9vY", "Zm9vYmFyZ", "Zm9vYmFyZm9vY",
};

START_TEST(test_base64url_decode_rejects_impossible_lengths)
{
    apr_size_t len = 12345;

    ck_assert_msg(oauth2_base64url_decode(test_pool, impossible_lengths[_i],
                                          &len) == NULL,
                  "decoded '%s'", impossible_lengths[_i]);
}
END_TEST

/* The last character carries bits beyond the last byte; they must be 0,
 * so that each byte string has exactly one encoding. */
static const struct {
    const char *noncanonical;
    const char *canonical;
} trailing_bits[] =
    {
        {"Zh", "Zg"}, /* "f": 4 spare bits */
        {"Zv", "Zg"},           {"AB", "AA"},
        {"Zm9", "Zm8"}, /* "fo": 2 spare bits */
        {"AAB", "AAA"},         {"Zm9vYh", "Zm9vYg"},
        {"Zm9vYmF", "Zm9vYmE"}, {"__", "_w"},
        {"___", "__8"},
};

START_TEST(test_base64url_decode_rejects_nonzero_trailing_bits)
{
    apr_size_t len = 0;

    ck_assert_msg(oauth2_base64url_decode(
                      test_pool, trailing_bits[_i].noncanonical, &len) == NULL,
                  "decoded '%s'", trailing_bits[_i].noncanonical);
    /* The canonical neighbour is accepted: the length was not the issue. */
    ck_assert_ptr_nonnull(
        oauth2_base64url_decode(test_pool, trailing_bits[_i].canonical, &len));
    ck_assert_uint_eq(len, strlen(trailing_bits[_i].canonical) * 3 / 4);
}
END_TEST

/* --- hex ------------------------------------------------------------- */

START_TEST(test_hex_encode_writes_two_lower_case_digits_per_byte)
{
    static const unsigned char data[] = {0x00, 0x01, 0x0f, 0x10,
                                         0x9a, 0xab, 0xf0, 0xff};

    ck_assert_str_eq(oauth2_hex_encode(test_pool, data, sizeof(data)),
                     "00010f109aabf0ff");
}
END_TEST

START_TEST(test_hex_encode_of_nothing_is_the_empty_string)
{
    static const unsigned char data[] = {0x42};

    ck_assert_str_eq(oauth2_hex_encode(test_pool, data, 0), "");
}
END_TEST

START_TEST(test_hex_decode_reverses_hex_encode)
{
    static const unsigned char data[] = {0x00, 0x01, 0x0f, 0x10,
                                         0x9a, 0xab, 0xf0, 0xff};
    unsigned char out[sizeof(data)];

    ck_assert_int_eq(
        oauth2_hex_decode(oauth2_hex_encode(test_pool, data, sizeof(data)), out,
                          sizeof(out)),
        1);
    ck_assert_mem_eq(out, data, sizeof(data));
}
END_TEST

START_TEST(test_hex_decode_refuses_what_hex_encode_never_writes)
{
    static const char *const bad[] = {"0g", "A0", "0F", " 0", "0:", "0"};
    unsigned char out[1];

    ck_assert_int_eq(oauth2_hex_decode(bad[_i], out, 1), 0);
}
END_TEST

Suite *oauth2_encoding_suite(void)
{
    Suite *s = suite_create("encoding");
    TCase *tc = tcase_create("base64url");

    tcase_add_checked_fixture(tc, test_pool_setup, test_pool_teardown);
    tcase_add_loop_test(tc, test_base64url_encode_matches_rfc4648_vectors, 0,
                        TABLE_SIZE(rfc4648_vectors));
    tcase_add_loop_test(tc, test_base64url_decode_inverts_rfc4648_vectors, 0,
                        TABLE_SIZE(rfc4648_vectors));
    tcase_add_test(tc, test_base64url_encode_uses_dash_and_underscore);
    tcase_add_test(tc,
                   test_base64url_round_trips_every_byte_value_at_every_length);
    tcase_add_test(tc, test_base64url_decode_keeps_nul_bytes);
    tcase_add_loop_test(tc, test_base64url_decode_rejects_chars_off_alphabet, 0,
                        TABLE_SIZE(outside_alphabet));
    tcase_add_loop_test(tc, test_base64url_decode_rejects_impossible_lengths, 0,
                        TABLE_SIZE(impossible_lengths));
    tcase_add_loop_test(tc, test_base64url_decode_rejects_nonzero_trailing_bits,
                        0, TABLE_SIZE(trailing_bits));
    suite_add_tcase(s, tc);

    tc = tcase_create("hex");
    tcase_add_checked_fixture(tc, test_pool_setup, test_pool_teardown);
    tcase_add_test(tc, test_hex_encode_writes_two_lower_case_digits_per_byte);
    tcase_add_test(tc, test_hex_encode_of_nothing_is_the_empty_string);
    tcase_add_test(tc, test_hex_decode_reverses_hex_encode);
    tcase_add_loop_test(
        tc, test_hex_decode_refuses_what_hex_encode_never_writes, 0, 6);
    suite_add_tcase(s, tc);
    return s;
}

/* --- SHA-256 and secret comparison ------------------------------------ */

/* FIPS 180-2 appendix B and other well-known digests. */
static const struct {
    const char *text;
    const char *sha256;
} sha256_vectors[] = {
    {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
    {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
    {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
    {"The quick brown fox jumps over the lazy dog",
     "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592"},
};

START_TEST(test_sha256_hex_matches_known_digests)
{
    ck_assert_str_eq(oauth2_sha256_hex(test_pool, sha256_vectors[_i].text),
                     sha256_vectors[_i].sha256);
}
END_TEST

START_TEST(test_sha256_hashes_raw_bytes_including_nul)
{
    /* SHA-256 of the single byte 0x00: the length is taken from the
     * argument, not from strlen. */
    static const char expected[] =
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d";
    unsigned char md[OAUTH2_SHA256_LEN];

    memset(md, 0xaa, sizeof(md));
    oauth2_sha256("\0", 1, md);
    ck_assert_str_eq(oauth2_hex_encode(test_pool, md, sizeof(md)), expected);

    oauth2_sha256("abc", 3, md);
    ck_assert_str_eq(oauth2_hex_encode(test_pool, md, sizeof(md)),
                     sha256_vectors[1].sha256);
}
END_TEST

static const struct {
    const char *a;
    const char *b;
    int equal;
} secret_pairs[] = {
    {"", "", 1},
    {"s3cr3t", "s3cr3t", 1},
    {"s3cr3t", "s3cr3T", 0}, /* last byte differs */
    {"s3cr3t", "S3cr3t", 0}, /* first byte differs */
    {"s3cr3t", "s3cr3", 0},  /* prefix */
    {"s3cr3", "s3cr3t", 0},
    {"s3cr3t", "", 0},
    {"", "s3cr3t", 0},
    {"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", 1},
    {"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ae", 0},
};

START_TEST(test_secret_equal_compares_whole_strings_by_content)
{
    /* Copies, so that equal pointers cannot make the answer. */
    const char *a = apr_pstrdup(test_pool, secret_pairs[_i].a);
    const char *b = apr_pstrdup(test_pool, secret_pairs[_i].b);

    ck_assert_msg(oauth2_secret_equal(a, b) == secret_pairs[_i].equal,
                  "'%s' vs '%s'", a, b);
    ck_assert_msg(oauth2_secret_equal(b, a) == secret_pairs[_i].equal,
                  "'%s' vs '%s' (swapped)", b, a);
}
END_TEST

Suite *oauth2_digest_suite(void)
{
    Suite *s = suite_create("digest");
    TCase *tc = tcase_create("sha256");

    tcase_add_checked_fixture(tc, test_pool_setup, test_pool_teardown);
    tcase_add_loop_test(tc, test_sha256_hex_matches_known_digests, 0,
                        TABLE_SIZE(sha256_vectors));
    tcase_add_test(tc, test_sha256_hashes_raw_bytes_including_nul);
    suite_add_tcase(s, tc);

    tc = tcase_create("secret_equal");
    tcase_add_checked_fixture(tc, test_pool_setup, test_pool_teardown);
    tcase_add_loop_test(tc, test_secret_equal_compares_whole_strings_by_content,
                        0, TABLE_SIZE(secret_pairs));
    suite_add_tcase(s, tc);
    return s;
}

/* --- random tokens ---------------------------------------------------- */

#define MANY_TOKENS 2000

static const struct {
    apr_size_t nbytes;
    apr_size_t chars;
} token_lengths[] = {
    {1, 2}, {2, 3}, {3, 4}, {16, 22}, {OAUTH2_TOKEN_BYTES, 43}, {64, 86},
};

START_TEST(test_random_token_has_the_base64url_length_of_its_bytes)
{
    char *token = NULL;

    ck_assert_int_eq(
        oauth2_random_token(test_pool, token_lengths[_i].nbytes, &token),
        APR_SUCCESS);
    ck_assert_ptr_nonnull(token);
    ck_assert_uint_eq(strlen(token), token_lengths[_i].chars);
}
END_TEST

START_TEST(test_random_token_carries_at_least_256_bits)
{
    char *token = NULL;
    apr_size_t len = 0;

    ck_assert_uint_ge(OAUTH2_TOKEN_BYTES * 8, 256);
    ck_assert_int_eq(oauth2_random_token(test_pool, OAUTH2_TOKEN_BYTES, &token),
                     APR_SUCCESS);
    ck_assert_ptr_nonnull(oauth2_base64url_decode(test_pool, token, &len));
    ck_assert_uint_eq(len, OAUTH2_TOKEN_BYTES);
}
END_TEST

START_TEST(test_random_tokens_use_all_base64url_and_no_more)
{
    int seen[256] = {0};
    const char *c;
    int i;

    for (i = 0; i < MANY_TOKENS; i++) {
        char *token = NULL;

        ck_assert_int_eq(
            oauth2_random_token(test_pool, OAUTH2_TOKEN_BYTES, &token),
            APR_SUCCESS);
        ck_assert_uint_eq(strspn(token, B64URL_ALPHABET), strlen(token));
        for (c = token; *c; c++) {
            seen[(unsigned char)*c] = 1;
        }
    }
    /* 86,000 uniform characters miss one of 64 with odds below 1e-500. */
    for (c = B64URL_ALPHABET; *c; c++) {
        ck_assert_msg(seen[(unsigned char)*c], "'%c' never drawn", *c);
    }
}
END_TEST

START_TEST(test_random_tokens_do_not_repeat)
{
    apr_hash_t *seen = apr_hash_make(test_pool);
    int i;

    for (i = 0; i < MANY_TOKENS; i++) {
        char *token = NULL;

        ck_assert_int_eq(
            oauth2_random_token(test_pool, OAUTH2_TOKEN_BYTES, &token),
            APR_SUCCESS);
        ck_assert_msg(apr_hash_get(seen, token, APR_HASH_KEY_STRING) == NULL,
                      "token %d repeats an earlier one", i);
        apr_hash_set(seen, token, APR_HASH_KEY_STRING, token);
    }
    ck_assert_uint_eq(apr_hash_count(seen), MANY_TOKENS);
}
END_TEST

START_TEST(test_random_token_refuses_zero_and_more_than_64_bytes)
{
    static const apr_size_t bad[] = {0, 65, 1024};
    char *untouched = "untouched";
    char *token;
    apr_size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        token = untouched;
        ck_assert_int_eq(oauth2_random_token(test_pool, bad[i], &token),
                         APR_EINVAL);
        ck_assert_ptr_eq(token, untouched);
    }
}
END_TEST

START_TEST(test_random_bytes_fills_exactly_the_bytes_asked_for)
{
    unsigned char buf[48], seen[32] = {0};
    int draw;
    size_t i;

    for (draw = 0; draw < 100; draw++) {
        memset(buf, 0, sizeof(buf));
        ck_assert_int_eq(oauth2_random_bytes(buf, 32), APR_SUCCESS);
        for (i = 0; i < 32; i++) {
            seen[i] |= buf[i];
        }
        /* Nothing past the 32 bytes is written. */
        for (i = 32; i < sizeof(buf); i++) {
            ck_assert_int_eq(buf[i], 0);
        }
    }
    /* Every byte was written: all zero in 100 draws has odds 2^-800. */
    for (i = 0; i < 32; i++) {
        ck_assert_msg(seen[i] != 0, "byte %zu never written", i);
    }
    ck_assert_int_eq(oauth2_random_bytes(buf, 0), APR_SUCCESS);
}
END_TEST

START_TEST(test_random_bytes_do_not_repeat)
{
    unsigned char a[OAUTH2_TOKEN_BYTES], b[OAUTH2_TOKEN_BYTES];

    ck_assert_int_eq(oauth2_random_bytes(a, sizeof(a)), APR_SUCCESS);
    ck_assert_int_eq(oauth2_random_bytes(b, sizeof(b)), APR_SUCCESS);
    ck_assert_int_ne(memcmp(a, b, sizeof(a)), 0);
}
END_TEST

Suite *oauth2_random_suite(void)
{
    Suite *s = suite_create("random");
    TCase *tc = tcase_create("random_token");

    tcase_add_checked_fixture(tc, test_pool_setup, test_pool_teardown);
    tcase_add_loop_test(tc,
                        test_random_token_has_the_base64url_length_of_its_bytes,
                        0, TABLE_SIZE(token_lengths));
    tcase_add_test(tc, test_random_token_carries_at_least_256_bits);
    tcase_add_test(tc, test_random_tokens_use_all_base64url_and_no_more);
    tcase_add_test(tc, test_random_tokens_do_not_repeat);
    tcase_add_test(tc, test_random_token_refuses_zero_and_more_than_64_bytes);
    tcase_add_test(tc, test_random_bytes_fills_exactly_the_bytes_asked_for);
    tcase_add_test(tc, test_random_bytes_do_not_repeat);
    suite_add_tcase(s, tc);
    return s;
}
