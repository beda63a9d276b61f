/* core/cache_entry.c: the token cache's entries read back exactly what was
 * written, whatever the bytes, and nothing else. */
#include "core_suites.h"

#include <string.h>

#include <apr_strings.h>

#include "mod_oauth2/core/cache_entry.h"

#define UNTIL ((apr_time_t)1700000030 * APR_USEC_PER_SEC)
#define EXPIRES ((apr_int64_t)1700003600)

static oauth2_cache_entry_t entry_of(const char *client_id, const char *user,
                                     const char *scope)
{
    oauth2_cache_entry_t e = {"0123456789abcdef", UNTIL, 0,    EXPIRES,
                              client_id,          user,  scope};
    return e;
}

static void assert_same(const oauth2_cache_entry_t *a,
                        const oauth2_cache_entry_t *b)
{
    ck_assert_str_eq(a->context, b->context);
    ck_assert_int_eq(a->until, b->until);
    ck_assert_int_eq(a->refused, b->refused);
    if (a->refused) {
        return;
    }
    ck_assert_int_eq(a->expires, b->expires);
    ck_assert_str_eq(a->client_id, b->client_id);
    ck_assert_pstr_eq(a->user, b->user);
    ck_assert_str_eq(a->scope, b->scope);
}

/* Encodes e, checks that it decodes to e, and returns the bytes. */
static const char *round_trip(const oauth2_cache_entry_t *e, apr_size_t *len)
{
    oauth2_cache_entry_t back;
    const char *data = oauth2_cache_entry_encode(test_pool, e, len);

    ck_assert_uint_eq(strlen(data), *len);
    ck_assert_int_eq(oauth2_cache_entry_decode(test_pool, data, *len, &back),
                     1);
    assert_same(e, &back);
    return data;
}

static int decodes(const char *data, apr_size_t len)
{
    oauth2_cache_entry_t e;

    return oauth2_cache_entry_decode(test_pool, data, len, &e);
}

START_TEST(test_cache_entry_reads_back_a_users_token)
{
    oauth2_cache_entry_t e = entry_of("app", "bob", "read write");
    apr_size_t len;

    round_trip(&e, &len);
}
END_TEST

START_TEST(test_cache_entry_reads_back_an_owner_with_a_newline)
{
    /* The defect: "bob\nX" came back as "bob" from the newline-separated
     * format. */
    oauth2_cache_entry_t e = entry_of("app", "bob\nX", "read");
    oauth2_cache_entry_t back;
    apr_size_t len;
    const char *data = oauth2_cache_entry_encode(test_pool, &e, &len);

    ck_assert_int_eq(decodes(data, len), 1);
    oauth2_cache_entry_decode(test_pool, data, len, &back);
    ck_assert_str_eq(back.user, "bob\nX");
    ck_assert_str_eq(back.scope, "read");
}
END_TEST

START_TEST(test_cache_entry_tells_a_clients_own_token_from_an_empty_owner)
{
    oauth2_cache_entry_t own = entry_of("app", NULL, "read");
    oauth2_cache_entry_t empty = entry_of("app", "", "");
    apr_size_t len;

    round_trip(&own, &len);
    round_trip(&empty, &len);
}
END_TEST

START_TEST(test_cache_entry_reads_back_a_refusal)
{
    oauth2_cache_entry_t e = {"ctx", UNTIL, 1};
    apr_size_t len;

    round_trip(&e, &len);
}
END_TEST

START_TEST(test_cache_entry_reads_back_every_byte_in_every_field)
{
    char all[256];
    int i;
    apr_size_t len;

    for (i = 1; i < 256; i++) {
        all[i - 1] = (char)i;
    }
    all[255] = '\0';
    {
        oauth2_cache_entry_t in_context = entry_of("a", "b", "c");
        oauth2_cache_entry_t in_fields = entry_of(all, all, all);
        in_context.context = all;
        round_trip(&in_context, &len);
        round_trip(&in_fields, &len);
    }
}
END_TEST

START_TEST(test_cache_entry_reads_back_the_extreme_times)
{
    oauth2_cache_entry_t e = entry_of("app", "bob", "read");
    apr_size_t len;

    e.until = 0;
    e.expires = APR_INT64_MAX;
    round_trip(&e, &len);
    e.until = APR_INT64_MAX;
    e.expires = 0;
    round_trip(&e, &len);
}
END_TEST

START_TEST(test_cache_entry_refuses_every_truncation_and_padding)
{
    static const char *users[] = {"bob", NULL, "b\n:9"};
    int i;

    for (i = 0; i < TABLE_SIZE(users); i++) {
        oauth2_cache_entry_t e = entry_of("app", users[i], "read write");
        apr_size_t len, n;
        const char *data = round_trip(&e, &len);
        char *padded = apr_pstrcat(test_pool, data, "x", NULL);

        for (n = 0; n < len; n++) {
            ck_assert_msg(!decodes(data, n), "prefix of %u bytes of %s",
                          (unsigned)n, data);
        }
        ck_assert_int_eq(decodes(padded, len + 1), 0);
    }
}
END_TEST

START_TEST(test_cache_entry_refuses_what_it_did_not_write)
{
    static const char *garbage[] = {
        "",
        /* the earlier format */
        "0123456789abcdef\n1700000030000000\n1700003600\napp\nbob\nread",
        "0123456789abcdef\n1700000030000000\n-",
        "~2"
        "3:ctx16:1700000030000000R", /* another version */
        "~1"
        "3:ctx16:1700000030000000", /* no kind */
        "~1"
        "3:ctx16:1700000030000000Z", /* unknown kind */
        "~1"
        "03:ctx16:1700000030000000R", /* a leading zero */
        "~1"
        "3ctx16:1700000030000000R", /* no colon */
        "~1"
        ":ctx16:1700000030000000R", /* no length */
        "~1"
        "9999999999:ctx", /* too long a length */
        "~1"
        "4:ctx16:1700000030000000R", /* a length past the end */
        "~1"
        "3:ctx2:-1R", /* a negative time */
        "~1"
        "3:ctx0:R", /* an empty time */
        "~1"
        "3:ctx2:01R", /* a time with a leading 0 */
        "~1"
        "3:ctx3:1x0R", /* a time not a number */
        "~1"
        "3:ctx19:9999999999999999999R", /* a time past int64 */
        "~1"
        "3:ctx2:10C2:103:app", /* no scope */
        "~1"
        "3:ctx2:10U2:103:app4:read", /* user, no scope */
        "~1"
        "3:ctx2:10C2:103:app4:read4:more", /* one field too many */
    };
    int i;

    for (i = 0; i < TABLE_SIZE(garbage); i++) {
        ck_assert_msg(!decodes(garbage[i], strlen(garbage[i])), "%s",
                      garbage[i]);
    }
    {
        static const char fine[] = "~1"
                                   "3:ctx2:10C2:103:app4:read";
        ck_assert_int_eq(decodes(fine, sizeof(fine) - 1), 1);
    }
}
END_TEST

START_TEST(test_cache_entry_refuses_a_nul_inside_a_string)
{
    static const char entry[] = "~1"
                                "3:c\0x2:10R";

    ck_assert_int_eq(decodes(entry, sizeof(entry) - 1), 0);
}
END_TEST

Suite *oauth2_cache_entry_suite(void)
{
    Suite *s = suite_create("cache_entry");
    TCase *tc = tcase_create("cache_entry");

    tcase_add_checked_fixture(tc, test_pool_setup, test_pool_teardown);
    tcase_add_test(tc, test_cache_entry_reads_back_a_users_token);
    tcase_add_test(tc, test_cache_entry_reads_back_an_owner_with_a_newline);
    tcase_add_test(
        tc, test_cache_entry_tells_a_clients_own_token_from_an_empty_owner);
    tcase_add_test(tc, test_cache_entry_reads_back_a_refusal);
    tcase_add_test(tc, test_cache_entry_reads_back_every_byte_in_every_field);
    tcase_add_test(tc, test_cache_entry_reads_back_the_extreme_times);
    tcase_add_test(tc, test_cache_entry_refuses_every_truncation_and_padding);
    tcase_add_test(tc, test_cache_entry_refuses_what_it_did_not_write);
    tcase_add_test(tc, test_cache_entry_refuses_a_nul_inside_a_string);
    suite_add_tcase(s, tc);
    return s;
}
