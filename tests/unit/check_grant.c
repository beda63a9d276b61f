/* core/grant.c: grant type names and bit sets. */
#include "core_suites.h"

#include <string.h>

#include <apr_strings.h>

#include "mod_oauth2/core/grant.h"

/* RFC 6749 §4 and §6, in canonical order. */
static const struct {
    unsigned int bit;
    const char *name;
} grants[] = {
    {OAUTH2_GRANT_AUTHORIZATION_CODE, "authorization_code"},
    {OAUTH2_GRANT_IMPLICIT, "implicit"},
    {OAUTH2_GRANT_PASSWORD, "password"},
    {OAUTH2_GRANT_CLIENT_CREDENTIALS, "client_credentials"},
    {OAUTH2_GRANT_REFRESH_TOKEN, "refresh_token"},
};

START_TEST(test_grant_name_and_bit_map_to_each_other)
{
    ck_assert_uint_eq(oauth2_grant_from_name(grants[_i].name), grants[_i].bit);
    ck_assert_str_eq(oauth2_grant_name(grants[_i].bit), grants[_i].name);
    /* Each grant is one bit of OAUTH2_GRANTS_ALL. */
    ck_assert_uint_eq(grants[_i].bit & (grants[_i].bit - 1), 0);
    ck_assert_uint_eq(grants[_i].bit & OAUTH2_GRANTS_ALL, grants[_i].bit);
}
END_TEST

START_TEST(test_grants_all_is_exactly_the_known_grants)
{
    unsigned int all = 0;
    int i;

    for (i = 0; i < TABLE_SIZE(grants); i++) {
        all |= grants[i].bit;
    }
    ck_assert_uint_eq(all, OAUTH2_GRANTS_ALL);
}
END_TEST

/* Protocol names are case-sensitive and exact (RFC 6749 §4.1.3 etc.). */
static const char *const unknown_names[] = {
    "",
    "code",
    "token",
    "Password",
    "PASSWORD",
    "client-credentials",
    "refresh_token ",
    " implicit",
    "authorization_code\n",
    "urn:ietf:params:oauth:grant-type:device_code",
};

START_TEST(test_grant_from_name_rejects_unknown_or_inexact_names)
{
    ck_assert_uint_eq(oauth2_grant_from_name(unknown_names[_i]), 0);
}
END_TEST

START_TEST(test_grant_name_is_null_for_no_bit_or_several_bits)
{
    ck_assert_ptr_null(oauth2_grant_name(0));
    ck_assert_ptr_null(
        oauth2_grant_name(OAUTH2_GRANT_PASSWORD | OAUTH2_GRANT_IMPLICIT));
    ck_assert_ptr_null(oauth2_grant_name(OAUTH2_GRANTS_ALL));
    ck_assert_ptr_null(oauth2_grant_name(OAUTH2_GRANTS_ALL + 1));
}
END_TEST

static const struct {
    const char *list;
    unsigned int grants;
} good_lists[] = {
    {"", 0},
    {" ", 0},
    {"password", OAUTH2_GRANT_PASSWORD},
    {"authorization_code refresh_token",
     OAUTH2_GRANT_AUTHORIZATION_CODE | OAUTH2_GRANT_REFRESH_TOKEN},
    {"refresh_token authorization_code",
     OAUTH2_GRANT_AUTHORIZATION_CODE | OAUTH2_GRANT_REFRESH_TOKEN},
    {"  client_credentials\tpassword  ",
     OAUTH2_GRANT_CLIENT_CREDENTIALS | OAUTH2_GRANT_PASSWORD},
    {"implicit implicit", OAUTH2_GRANT_IMPLICIT},
    {"authorization_code implicit password client_credentials refresh_token",
     OAUTH2_GRANTS_ALL},
};

START_TEST(test_grants_parse_accepts_any_order_and_spacing)
{
    unsigned int parsed = 0xdead;
    const char *err =
        oauth2_grants_parse(test_pool, good_lists[_i].list, &parsed);

    ck_assert_msg(err == NULL, "'%s': %s", good_lists[_i].list, err);
    ck_assert_uint_eq(parsed, good_lists[_i].grants);
}
END_TEST

static const struct {
    const char *list;
    const char *bad_word;
} bad_lists[] = {
    {"code", "'code'"},
    {"password Password", "'Password'"},
    {"authorization_code,refresh_token", "'authorization_code,refresh_token'"},
    {"client_credentials device_code implicit", "'device_code'"},
};

START_TEST(test_grants_parse_names_the_first_unknown_word)
{
    unsigned int parsed = 0;
    const char *err =
        oauth2_grants_parse(test_pool, bad_lists[_i].list, &parsed);

    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strstr(err, bad_lists[_i].bad_word) != NULL,
                  "'%s' does not name %s", err, bad_lists[_i].bad_word);
    /* The message helps: it lists what would have been accepted. */
    ck_assert_ptr_nonnull(strstr(err, oauth2_grants_known()));
}
END_TEST

START_TEST(test_grants_parse_does_not_modify_its_input)
{
    char list[] = "password refresh_token";
    unsigned int parsed = 0;

    ck_assert_ptr_null(oauth2_grants_parse(test_pool, list, &parsed));
    ck_assert_str_eq(list, "password refresh_token");
}
END_TEST

static const struct {
    unsigned int grants;
    const char *text;
} formats[] = {
    {0, ""},
    {OAUTH2_GRANT_REFRESH_TOKEN, "refresh_token"},
    {OAUTH2_GRANT_REFRESH_TOKEN | OAUTH2_GRANT_AUTHORIZATION_CODE,
     "authorization_code refresh_token"},
    {OAUTH2_GRANT_CLIENT_CREDENTIALS | OAUTH2_GRANT_IMPLICIT,
     "implicit client_credentials"},
    {OAUTH2_GRANTS_ALL,
     "authorization_code implicit password client_credentials refresh_token"},
    /* Bits no grant owns are left out. */
    {0x20 | OAUTH2_GRANT_PASSWORD, "password"},
    {0x80000000u, ""},
};

START_TEST(test_grants_format_lists_names_in_canonical_order)
{
    ck_assert_str_eq(oauth2_grants_format(test_pool, formats[_i].grants),
                     formats[_i].text);
}
END_TEST

START_TEST(test_grants_format_and_parse_round_trip_every_set)
{
    unsigned int set, parsed;

    for (set = 0; set <= OAUTH2_GRANTS_ALL; set++) {
        const char *text = oauth2_grants_format(test_pool, set);

        parsed = 0xdead;
        ck_assert_ptr_null(oauth2_grants_parse(test_pool, text, &parsed));
        ck_assert_msg(parsed == set, "0x%x -> '%s' -> 0x%x", set, text, parsed);
    }
}
END_TEST

START_TEST(test_grants_known_lists_every_grant_and_only_those)
{
    unsigned int parsed = 0;

    ck_assert_ptr_null(
        oauth2_grants_parse(test_pool, oauth2_grants_known(), &parsed));
    ck_assert_uint_eq(parsed, OAUTH2_GRANTS_ALL);
    ck_assert_str_eq(oauth2_grants_known(),
                     oauth2_grants_format(test_pool, OAUTH2_GRANTS_ALL));
}
END_TEST

Suite *oauth2_grant_suite(void)
{
    Suite *s = suite_create("grant");
    TCase *tc = tcase_create("names");

    tcase_add_checked_fixture(tc, test_pool_setup, test_pool_teardown);
    tcase_add_loop_test(tc, test_grant_name_and_bit_map_to_each_other, 0,
                        TABLE_SIZE(grants));
    tcase_add_test(tc, test_grants_all_is_exactly_the_known_grants);
    tcase_add_loop_test(tc,
                        test_grant_from_name_rejects_unknown_or_inexact_names,
                        0, TABLE_SIZE(unknown_names));
    tcase_add_test(tc, test_grant_name_is_null_for_no_bit_or_several_bits);
    tcase_add_test(tc, test_grants_known_lists_every_grant_and_only_those);
    suite_add_tcase(s, tc);

    tc = tcase_create("lists");
    tcase_add_checked_fixture(tc, test_pool_setup, test_pool_teardown);
    tcase_add_loop_test(tc, test_grants_parse_accepts_any_order_and_spacing, 0,
                        TABLE_SIZE(good_lists));
    tcase_add_loop_test(tc, test_grants_parse_names_the_first_unknown_word, 0,
                        TABLE_SIZE(bad_lists));
    tcase_add_test(tc, test_grants_parse_does_not_modify_its_input);
    tcase_add_loop_test(tc, test_grants_format_lists_names_in_canonical_order,
                        0, TABLE_SIZE(formats));
    tcase_add_test(tc, test_grants_format_and_parse_round_trip_every_set);
    suite_add_tcase(s, tc);
    return s;
}
