/* core/scope.c: scope tokens and scope strings (RFC 6749 §3.3). */
#include "core_suites.h"

#include <string.h>

#include <apr_strings.h>
#include <apr_tables.h>

#include "mod_oauth2/core/scope.h"

/* RFC 6749 §3.3: scope-token = 1*NQCHAR, NQCHAR = %x21 / %x23-5B /
 * %x5D-7E. Written out here independently of the code under test. */
static int is_nqchar(int c)
{
    return c == 0x21 || (c >= 0x23 && c <= 0x5b) || (c >= 0x5d && c <= 0x7e);
}

START_TEST(test_scope_token_of_one_char_is_valid_exactly_for_nqchar)
{
    int c;

    for (c = 1; c < 256; c++) {
        char token[2] = {(char)c, '\0'};

        ck_assert_msg(oauth2_scope_token_valid(token) == is_nqchar(c),
                      "byte 0x%02x", c);
    }
}
END_TEST

static const struct {
    const char *token;
    int valid;
} tokens[] = {
    {"read", 1},
    {"openid", 1},
    {"https://api.example.org/read", 1},
    {"user:email", 1},
    {"!#$%&'()*+,-./:;<=>?@[]^_`{|}~", 1},
    {"", 0},
    {"read write", 0},
    {"read\"", 0},
    {"a\\b", 0},
    {"read\t", 0},
    {"read\n", 0},
    {"rea\x7f", 0},
    {"r\xc3\xa9sum\xc3\xa9", 0}, /* UTF-8 is outside NQCHAR */
};

START_TEST(test_scope_token_valid_checks_every_character)
{
    ck_assert_msg(oauth2_scope_token_valid(tokens[_i].token) ==
                      tokens[_i].valid,
                  "'%s'", tokens[_i].token);
}
END_TEST

/* Expected tokens joined by '|', so that a table row stays one string. */
static const struct {
    const char *text;
    const char *tokens;
    int count;
} good_scopes[] = {
    {"", "", 0},
    {"read", "read", 1},
    {"read write", "read|write", 2},
    {"write read", "write|read", 2}, /* order kept */
    {"openid profile email", "openid|profile|email", 3},
    {"a b a", "a|b", 2}, /* duplicates collapsed */
    {"a a a", "a", 1},
    {"b a b c a", "b|a|c", 3},
    {"x:1 x:2", "x:1|x:2", 2},
};

START_TEST(test_scope_parse_splits_on_spaces_in_order)
{
    apr_array_header_t *scopes = NULL;
    const char *err =
        oauth2_scope_parse(test_pool, good_scopes[_i].text, &scopes);
    const char *joined;

    ck_assert_msg(err == NULL, "'%s': %s", good_scopes[_i].text, err);
    ck_assert_ptr_nonnull(scopes);
    ck_assert_int_eq(scopes->nelts, good_scopes[_i].count);
    joined = apr_array_pstrcat(test_pool, scopes, '|');
    ck_assert_str_eq(joined, good_scopes[_i].tokens);
}
END_TEST

START_TEST(test_scope_parse_does_not_modify_its_input)
{
    char text[] = "read write";
    apr_array_header_t *scopes = NULL;

    ck_assert_ptr_null(oauth2_scope_parse(test_pool, text, &scopes));
    ck_assert_str_eq(text, "read write");
    ck_assert_str_eq(APR_ARRAY_IDX(scopes, 0, const char *), "read");
}
END_TEST

#define SPACING "separated by single spaces"

static const struct {
    const char *text;
    const char *message; /* a part of the expected error */
} bad_scopes[] = {
    {" ", SPACING},
    {"  ", SPACING},
    {" read", SPACING},
    {"read ", SPACING},
    {"read  write", SPACING},
    {"read write ", SPACING},
    {"read\twrite", "'read\twrite'"},
    {"read \"write\"", "'\"write\"'"},
    {"read a\\b", "'a\\b'"},
    {"read wr\x7fite", "'wr\x7fite'"},
    {"r\xc3\xa9sum\xc3\xa9", "'r\xc3\xa9sum\xc3\xa9'"},
    {"read\r\nwrite", "invalid scope token"},
};

START_TEST(test_scope_parse_rejects_empty_tokens_and_bad_chars)
{
    apr_array_header_t *scopes = NULL;
    const char *err =
        oauth2_scope_parse(test_pool, bad_scopes[_i].text, &scopes);

    ck_assert_msg(err != NULL, "accepted '%s'", bad_scopes[_i].text);
    ck_assert_msg(strstr(err, bad_scopes[_i].message) != NULL,
                  "'%s': error '%s' lacks '%s'", bad_scopes[_i].text, err,
                  bad_scopes[_i].message);
}
END_TEST

START_TEST(test_scope_join_separates_tokens_with_single_spaces)
{
    apr_array_header_t *scopes =
        apr_array_make(test_pool, 1, sizeof(const char *));

    ck_assert_str_eq(oauth2_scope_join(test_pool, scopes), "");
    APR_ARRAY_PUSH(scopes, const char *) = "openid";
    ck_assert_str_eq(oauth2_scope_join(test_pool, scopes), "openid");
    APR_ARRAY_PUSH(scopes, const char *) = "profile";
    APR_ARRAY_PUSH(scopes, const char *) = "email";
    ck_assert_str_eq(oauth2_scope_join(test_pool, scopes),
                     "openid profile email");
}
END_TEST

START_TEST(test_scope_join_of_parse_is_the_canonical_scope_string)
{
    apr_array_header_t *scopes = NULL;
    char *canonical = apr_pstrdup(test_pool, good_scopes[_i].tokens);
    char *bar;

    /* The table's '|'-joined tokens, with spaces instead. */
    while ((bar = strchr(canonical, '|')) != NULL) {
        *bar = ' ';
    }
    ck_assert_ptr_null(
        oauth2_scope_parse(test_pool, good_scopes[_i].text, &scopes));
    ck_assert_str_eq(oauth2_scope_join(test_pool, scopes), canonical);
}
END_TEST

/* --- scope algebra ---------------------------------------------------- */

static apr_array_header_t *scopes_of(const char *text)
{
    apr_array_header_t *scopes = NULL;
    const char *err = oauth2_scope_parse(test_pool, text, &scopes);

    ck_assert_msg(err == NULL, "'%s': %s", text, err);
    return scopes;
}

static const struct {
    const char *wanted;
    const char *allowed;
    const char *missing; /* NULL: wanted is a subset of allowed */
} subsets[] = {
    {"", "", NULL},
    {"", "read", NULL},
    {"read", "read write", NULL},
    {"write read", "read write", NULL},
    {"read read", "read", NULL},
    {"read admin", "read write", "admin"},
    {"admin read", "read", "admin"},
    {"a b c", "b", "a"},
    {"read", "", "read"},
    {"Read", "read", "Read"},         /* case-sensitive */
    {"read:all", "read", "read:all"}, /* no prefix matching */
    {"read", "read:all", "read"},
};

START_TEST(test_scope_missing_names_the_first_scope_not_allowed)
{
    const char *missing = oauth2_scope_missing(scopes_of(subsets[_i].wanted),
                                               scopes_of(subsets[_i].allowed));

    if (subsets[_i].missing) {
        ck_assert_msg(missing != NULL, "'%s' within '%s'", subsets[_i].wanted,
                      subsets[_i].allowed);
        ck_assert_str_eq(missing, subsets[_i].missing);
    }
    else {
        ck_assert_msg(missing == NULL, "'%s' within '%s': missing '%s'",
                      subsets[_i].wanted, subsets[_i].allowed, missing);
    }
}
END_TEST

static const struct {
    const char *a;
    const char *b;
    const char *both;
} intersections[] = {
    {"", "", ""},
    {"read", "", ""},
    {"", "read", ""},
    {"read write", "write read", "read write"},
    {"a b c d", "d b x", "b d"}, /* in a's order */
    {"d b x", "a b c d", "d b"},
    {"read write", "admin", ""},
    {"Read", "read", ""},
    {"read", "read:all", ""},
};

START_TEST(test_scope_intersect_keeps_common_scopes_in_first_order)
{
    apr_array_header_t *a = scopes_of(intersections[_i].a);
    apr_array_header_t *b = scopes_of(intersections[_i].b);
    apr_array_header_t *both = oauth2_scope_intersect(test_pool, a, b);

    ck_assert_ptr_nonnull(both);
    ck_assert_str_eq(oauth2_scope_join(test_pool, both),
                     intersections[_i].both);
    /* The inputs are left as they were. */
    ck_assert_str_eq(oauth2_scope_join(test_pool, a), intersections[_i].a);
    ck_assert_str_eq(oauth2_scope_join(test_pool, b), intersections[_i].b);
}
END_TEST

Suite *oauth2_scope_suite(void)
{
    Suite *s = suite_create("scope");
    TCase *tc = tcase_create("token");

    tcase_add_checked_fixture(tc, test_pool_setup, test_pool_teardown);
    tcase_add_test(tc,
                   test_scope_token_of_one_char_is_valid_exactly_for_nqchar);
    tcase_add_loop_test(tc, test_scope_token_valid_checks_every_character, 0,
                        TABLE_SIZE(tokens));
    suite_add_tcase(s, tc);

    tc = tcase_create("string");
    tcase_add_checked_fixture(tc, test_pool_setup, test_pool_teardown);
    tcase_add_loop_test(tc, test_scope_parse_splits_on_spaces_in_order, 0,
                        TABLE_SIZE(good_scopes));
    tcase_add_test(tc, test_scope_parse_does_not_modify_its_input);
    tcase_add_loop_test(tc, test_scope_parse_rejects_empty_tokens_and_bad_chars,
                        0, TABLE_SIZE(bad_scopes));
    tcase_add_test(tc, test_scope_join_separates_tokens_with_single_spaces);
    tcase_add_loop_test(tc,
                        test_scope_join_of_parse_is_the_canonical_scope_string,
                        0, TABLE_SIZE(good_scopes));
    suite_add_tcase(s, tc);

    tc = tcase_create("algebra");
    tcase_add_checked_fixture(tc, test_pool_setup, test_pool_teardown);
    tcase_add_loop_test(tc,
                        test_scope_missing_names_the_first_scope_not_allowed, 0,
                        TABLE_SIZE(subsets));
    tcase_add_loop_test(tc,
                        test_scope_intersect_keeps_common_scopes_in_first_order,
                        0, TABLE_SIZE(intersections));
    suite_add_tcase(s, tc);
    return s;
}
