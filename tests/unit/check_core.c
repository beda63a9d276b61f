/* Unit tests of core/: runs every suite of core_suites.h.
 *
 * Check forks a process per test by default (CK_FORK=no to debug in one
 * process); pass a suite name as the only argument to run just that one
 * (CK_RUN_SUITE and CK_RUN_CASE work as usual). */
#include "core_suites.h"

#include <stdlib.h>

#include <apr_general.h>

apr_pool_t *test_pool;

void test_pool_setup(void)
{
    ck_assert_int_eq(apr_pool_create(&test_pool, NULL), APR_SUCCESS);
}

void test_pool_teardown(void)
{
    apr_pool_destroy(test_pool);
    test_pool = NULL;
}

int main(int argc, char **argv)
{
    SRunner *runner;
    int failed;

    if (apr_initialize() != APR_SUCCESS) {
        return EXIT_FAILURE;
    }
    runner = srunner_create(oauth2_encoding_suite());
    srunner_add_suite(runner, oauth2_digest_suite());
    srunner_add_suite(runner, oauth2_random_suite());
    srunner_add_suite(runner, oauth2_grant_suite());
    srunner_add_suite(runner, oauth2_scope_suite());
    srunner_add_suite(runner, oauth2_uri_suite());
    srunner_add_suite(runner, oauth2_key_suite());
    srunner_add_suite(runner, oauth2_jose_suite());
    srunner_add_suite(runner, oauth2_pkce_suite());
    srunner_add_suite(runner, oauth2_form_suite());
    srunner_add_suite(runner, oauth2_basic_auth_suite());
    srunner_add_suite(runner, oauth2_csrf_suite());
    srunner_add_suite(runner, oauth2_redirect_suite());
    srunner_add_suite(runner, oauth2_template_suite());
    srunner_add_suite(runner, oauth2_memo_suite());
    srunner_add_suite(runner, oauth2_owner_suite());
    srunner_add_suite(runner, oauth2_error_description_suite());
    srunner_add_suite(runner, oauth2_cache_entry_suite());
    srunner_add_suite(runner, oauth2_subject_suite());

    if (argc > 1) {
        srunner_run(runner, argv[1], NULL, CK_NORMAL);
    }
    else {
        srunner_run_all(runner, CK_NORMAL);
    }
    failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    apr_terminate();
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
