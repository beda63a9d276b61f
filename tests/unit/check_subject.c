/* core/subject.c: one name space for owners and clients (RFC 9068 §5). */
#include "core_suites.h"

#include "mod_oauth2/core/subject.h"

START_TEST(test_an_owners_token_has_the_owner_as_subject)
{
    ck_assert_str_eq(oauth2_subject(test_pool, "alice", "app"), "alice");
    /* An owner named like the client stays the owner. */
    ck_assert_str_eq(oauth2_subject(test_pool, "app", "app"), "app");
    ck_assert_ptr_null(oauth2_subject_client("app"));
}
END_TEST

START_TEST(test_a_clients_own_token_has_the_prefixed_client_id)
{
    const char *sub = oauth2_subject(test_pool, NULL, "app:1");

    ck_assert_str_eq(sub, "client:app:1");
    ck_assert_str_eq(oauth2_subject_client(sub), "app:1");
}
END_TEST

/* Only the exact prefix names a client. */
static const char *const owner_subjects[] = {
    "", "client", "Client:app", "CLIENT:app", " client:app", "clients:app",
};

START_TEST(test_only_the_exact_prefix_names_a_client)
{
    ck_assert_ptr_null(oauth2_subject_client(owner_subjects[_i]));
}
END_TEST

START_TEST(test_the_bare_prefix_names_the_empty_client_id)
{
    ck_assert_str_eq(oauth2_subject_client("client:"), "");
}
END_TEST

Suite *oauth2_subject_suite(void)
{
    Suite *s = suite_create("subject");
    TCase *tc = tcase_create("subject");

    tcase_add_checked_fixture(tc, test_pool_setup, test_pool_teardown);
    tcase_add_test(tc, test_an_owners_token_has_the_owner_as_subject);
    tcase_add_test(tc, test_a_clients_own_token_has_the_prefixed_client_id);
    tcase_add_loop_test(tc, test_only_the_exact_prefix_names_a_client, 0,
                        TABLE_SIZE(owner_subjects));
    tcase_add_test(tc, test_the_bare_prefix_names_the_empty_client_id);
    suite_add_tcase(s, tc);
    return s;
}
