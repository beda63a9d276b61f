/* core/owner.c (resource owner names) and core/error_description.c (the
 * characters an error_description may carry). */
#include "core_suites.h"

#include <string.h>

#include "mod_oauth2/core/error_description.h"
#include "mod_oauth2/core/owner.h"

static const char *const good_owners[] = {
    "alice",
    "bob@example.org",
    "CN=Bob,O=Example",
    "J\xc3\xbcrgen",            /* UTF-8 */
    "\xe5\xb1\xb1\xe7\x94\xb0", /* 山田 */
    "with space",
    "client",
    "clients:x",
    "my-client:x",
    "\xc2\xa0nbsp", /* U+00A0 is not C1 */
};

START_TEST(test_owner_names_in_utf8_without_controls_are_accepted)
{
    const char *err = oauth2_owner_name_check(good_owners[_i]);

    ck_assert_msg(err == NULL, "'%s': %s", good_owners[_i], err);
}
END_TEST

#define CONTROL "control character"
#define NOT_UTF8 "not valid UTF-8"
#define CLIENT "starts with 'client:'"

static const struct {
    const char *name;
    const char *message;
} bad_owners[] = {
    {NULL, "empty"},
    {"", "empty"},
    {"bob\nX", CONTROL},
    {"bob\r", CONTROL},
    {"\tbob", CONTROL},
    {"bob\x1b[31m", CONTROL},
    {"bob\x7f", CONTROL},
    {"bob\xc2\x85", CONTROL}, /* U+0085 NEL */
    {"bob\xc2\x9f", CONTROL}, /* U+009F */
    {"bob\xc2\x80", CONTROL}, /* U+0080 */
    {"bob\xff", NOT_UTF8},
    {"\xe9t\xe9", NOT_UTF8},    /* Latin-1 */
    {"bob\xc3", NOT_UTF8},      /* cut */
    {"\xc0\xaf", NOT_UTF8},     /* overlong '/' */
    {"\xed\xa0\x80", NOT_UTF8}, /* surrogate */
    {"client:admin", CLIENT},
    {"Client:admin", CLIENT},
    {"CLIENT:", CLIENT},
};

START_TEST(test_owner_names_with_controls_bad_utf8_or_client_prefix_fail)
{
    const char *err = oauth2_owner_name_check(bad_owners[_i].name);

    ck_assert_msg(err != NULL, "accepted entry %d", _i);
    ck_assert_msg(strstr(err, bad_owners[_i].message) != NULL,
                  "entry %d: error '%s' lacks '%s'", _i, err,
                  bad_owners[_i].message);
}
END_TEST

Suite *oauth2_owner_suite(void)
{
    Suite *s = suite_create("owner");
    TCase *tc = tcase_create("name");

    tcase_add_loop_test(tc,
                        test_owner_names_in_utf8_without_controls_are_accepted,
                        0, TABLE_SIZE(good_owners));
    tcase_add_loop_test(
        tc, test_owner_names_with_controls_bad_utf8_or_client_prefix_fail, 0,
        TABLE_SIZE(bad_owners));
    suite_add_tcase(s, tc);
    return s;
}

/* --- error_description -------------------------------------------------- */

static const struct {
    const char *text;
    const char *cleaned;
} descriptions[] = {
    {"", ""},
    {"scope 'x' is not allowed", "scope 'x' is not allowed"},
    {"all of !#$%&()*+,-./:;<=>?@[]^_`{|}~ stay",
     "all of !#$%&()*+,-./:;<=>?@[]^_`{|}~ stay"},
    /* %x22 and %x5C are outside the set */
    {"scope '\"x\\' is not allowed", "scope '?x?' is not allowed"},
    {"a\r\nLocation: evil", "a??Location: evil"},
    {"tab\there", "tab?here"},
    {"del\x7f", "del?"},
    /* one '?' per UTF-8 character */
    {"J\xc3\xbcrgen", "J?rgen"},
    {"\xe5\xb1\xb1\xe7\x94\xb0", "??"},
    {"\xf0\x9f\x98\x80!", "?!"},
    /* bytes that are not UTF-8 at all */
    {"\x80\x80x", "?x"},
    {"\xff\xfe", "??"},
};

START_TEST(test_error_description_keeps_only_the_rfc6749_characters)
{
    ck_assert_str_eq(oauth2_error_description(test_pool, descriptions[_i].text),
                     descriptions[_i].cleaned);
}
END_TEST

START_TEST(test_error_description_of_clean_text_is_the_text_and_null_null)
{
    const char *text = "code_challenge is required (PKCE, RFC 7636)";

    ck_assert_ptr_eq(oauth2_error_description(test_pool, text), text);
    ck_assert_ptr_null(oauth2_error_description(test_pool, NULL));
}
END_TEST

Suite *oauth2_error_description_suite(void)
{
    Suite *s = suite_create("error_description");
    TCase *tc = tcase_create("filter");

    tcase_add_checked_fixture(tc, test_pool_setup, test_pool_teardown);
    tcase_add_loop_test(
        tc, test_error_description_keeps_only_the_rfc6749_characters, 0,
        TABLE_SIZE(descriptions));
    tcase_add_test(
        tc, test_error_description_of_clean_text_is_the_text_and_null_null);
    suite_add_tcase(s, tc);
    return s;
}
