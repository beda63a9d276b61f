/* The Check suites of core/, one or more per test file; check_core.c runs
 * them all. */
#ifndef OAUTH2_TESTS_CORE_SUITES_H
#define OAUTH2_TESTS_CORE_SUITES_H

#include <check.h>

#include <apr_pools.h>

/* check_encoding.c */
Suite *oauth2_encoding_suite(void);
Suite *oauth2_digest_suite(void);
Suite *oauth2_random_suite(void);

/* check_grant.c */
Suite *oauth2_grant_suite(void);

/* check_scope.c */
Suite *oauth2_scope_suite(void);

/* check_uri.c */
Suite *oauth2_uri_suite(void);

/* check_key.c */
Suite *oauth2_key_suite(void);

/* check_jose.c */
Suite *oauth2_jose_suite(void);

/* check_pkce.c */
Suite *oauth2_pkce_suite(void);

/* check_form.c */
Suite *oauth2_form_suite(void);
Suite *oauth2_basic_auth_suite(void);

/* check_csrf.c */
Suite *oauth2_csrf_suite(void);

/* check_cache_entry.c */
Suite *oauth2_cache_entry_suite(void);

/* check_memo.c */
Suite *oauth2_memo_suite(void);

/* check_subject.c */
Suite *oauth2_subject_suite(void);

/* check_redirect.c */
Suite *oauth2_redirect_suite(void);
Suite *oauth2_template_suite(void);

/* check_owner.c */
Suite *oauth2_owner_suite(void);
Suite *oauth2_error_description_suite(void);

/* A fresh pool for each test (a checked fixture: it runs in the test's
 * own process), defined in check_core.c. */
extern apr_pool_t *test_pool;
void test_pool_setup(void);
void test_pool_teardown(void);

/* Number of elements of a static table. */
#define TABLE_SIZE(t) ((int)(sizeof(t) / sizeof((t)[0])))

#endif
