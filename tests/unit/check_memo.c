/* core/memo.c: the per-process memo in front of the shared token cache. */
#include "core_suites.h"

#include <string.h>

#include <apr_thread_proc.h>

#include "mod_oauth2/core/memo.h"

#define NOW ((apr_time_t)1700000000 * APR_USEC_PER_SEC)
#define LATER (NOW + apr_time_from_sec(30))

static const unsigned char key_a[] = "0123456789abcdef0123456789abcdef";
static const unsigned char key_b[] = "fedcba9876543210fedcba9876543210";

static oauth2_memo_t *memo_of(unsigned int nslots)
{
    oauth2_memo_t *memo = oauth2_memo_create(test_pool, nslots);

    ck_assert_ptr_nonnull(memo);
    return memo;
}

static int put(oauth2_memo_t *memo, const unsigned char *key, const char *value,
               apr_time_t expires, apr_uint32_t epoch)
{
    return oauth2_memo_put(memo, key, strlen((const char *)key), value,
                           strlen(value), expires, epoch);
}

static int get(oauth2_memo_t *memo, const unsigned char *key, apr_time_t now,
               apr_uint32_t epoch, char *value)
{
    return oauth2_memo_get(memo, key, strlen((const char *)key), now, epoch,
                           value);
}

START_TEST(test_memo_returns_what_was_put)
{
    oauth2_memo_t *memo = memo_of(64);
    char value[OAUTH2_MEMO_VALUE_MAX + 1];

    ck_assert_int_eq(put(memo, key_a, "entry a", LATER, 7), 1);
    ck_assert_int_eq(get(memo, key_a, NOW, 7, value), 7);
    ck_assert_str_eq(value, "entry a");
}
END_TEST

START_TEST(test_memo_misses_a_key_never_put)
{
    oauth2_memo_t *memo = memo_of(64);
    char value[OAUTH2_MEMO_VALUE_MAX + 1];

    ck_assert_int_eq(get(memo, key_a, NOW, 0, value), -1);
    ck_assert_int_eq(put(memo, key_a, "entry a", LATER, 0), 1);
    ck_assert_int_eq(get(memo, key_b, NOW, 0, value), -1);
}
END_TEST

START_TEST(test_memo_entry_lapses_at_its_expiry)
{
    oauth2_memo_t *memo = memo_of(64);
    char value[OAUTH2_MEMO_VALUE_MAX + 1];

    put(memo, key_a, "entry a", LATER, 0);
    ck_assert_int_eq(get(memo, key_a, LATER - 1, 0, value), 7);
    ck_assert_int_eq(get(memo, key_a, LATER, 0, value), -1);
}
END_TEST

START_TEST(test_memo_entry_of_another_epoch_is_void)
{
    oauth2_memo_t *memo = memo_of(64);
    char value[OAUTH2_MEMO_VALUE_MAX + 1];

    put(memo, key_a, "entry a", LATER, 3);
    ck_assert_int_eq(get(memo, key_a, NOW, 4, value), -1);
    ck_assert_int_eq(get(memo, key_a, NOW, 2, value), -1);
}
END_TEST

START_TEST(test_memo_newer_entry_displaces_one_in_its_slot)
{
    oauth2_memo_t *memo = memo_of(1);
    char value[OAUTH2_MEMO_VALUE_MAX + 1];

    put(memo, key_a, "entry a", LATER, 0);
    put(memo, key_b, "entry b", LATER, 0);
    ck_assert_int_eq(get(memo, key_a, NOW, 0, value), -1);
    ck_assert_int_eq(get(memo, key_b, NOW, 0, value), 7);
    ck_assert_str_eq(value, "entry b");
}
END_TEST

START_TEST(test_memo_key_must_match_in_length_too)
{
    oauth2_memo_t *memo = memo_of(1);
    char value[OAUTH2_MEMO_VALUE_MAX + 1];

    oauth2_memo_put(memo, key_a, 32, "whole", 5, LATER, 0);
    ck_assert_int_eq(oauth2_memo_get(memo, key_a, 31, NOW, 0, value), -1);
    oauth2_memo_put(memo, key_a, 31, "prefix", 6, LATER, 0);
    ck_assert_int_eq(oauth2_memo_get(memo, key_a, 32, NOW, 0, value), -1);
    ck_assert_int_eq(oauth2_memo_get(memo, key_a, 31, NOW, 0, value), 6);
}
END_TEST

START_TEST(test_memo_keeps_a_value_of_the_largest_size)
{
    oauth2_memo_t *memo = memo_of(8);
    char big[OAUTH2_MEMO_VALUE_MAX + 1], value[OAUTH2_MEMO_VALUE_MAX + 1];

    memset(big, 'x', OAUTH2_MEMO_VALUE_MAX);
    big[OAUTH2_MEMO_VALUE_MAX] = '\0';
    ck_assert_int_eq(put(memo, key_a, big, LATER, 0), 1);
    memset(value, 'y', sizeof(value));
    ck_assert_int_eq(get(memo, key_a, NOW, 0, value), OAUTH2_MEMO_VALUE_MAX);
    ck_assert_str_eq(value, big);
}
END_TEST

START_TEST(test_memo_refuses_what_does_not_fit)
{
    oauth2_memo_t *memo = memo_of(8);
    unsigned char long_key[OAUTH2_MEMO_KEY_MAX + 1];
    char big[OAUTH2_MEMO_VALUE_MAX + 2], value[OAUTH2_MEMO_VALUE_MAX + 1];

    memset(long_key, 'k', sizeof(long_key));
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    ck_assert_int_eq(put(memo, key_a, big, LATER, 0), 0);
    ck_assert_int_eq(get(memo, key_a, NOW, 0, value), -1);
    ck_assert_int_eq(
        oauth2_memo_put(memo, long_key, sizeof(long_key), "v", 1, LATER, 0), 0);
    ck_assert_int_eq(
        oauth2_memo_get(memo, long_key, sizeof(long_key), NOW, 0, value), -1);
}
END_TEST

START_TEST(test_memo_of_zero_slots_still_works)
{
    oauth2_memo_t *memo = memo_of(0);
    char value[OAUTH2_MEMO_VALUE_MAX + 1];

    put(memo, key_a, "entry a", LATER, 0);
    ck_assert_int_eq(get(memo, key_a, NOW, 0, value), 7);
}
END_TEST

/* Threads put and get keys that share a few slots; a value read must be
 * wholly the one of its key (each key's value is one letter, repeated),
 * never a mix of two writes. */
#define RACE_KEYS 6
#define RACE_ROUNDS 20000

typedef struct {
    oauth2_memo_t *memo;
    int seed;
    int torn;
} race_t;

static void *APR_THREAD_FUNC race(apr_thread_t *thread, void *data)
{
    race_t *r = data;
    char value[OAUTH2_MEMO_VALUE_MAX + 1];
    int i;

    for (i = 0; i < RACE_ROUNDS; i++) {
        int k = (r->seed + i * 7) % RACE_KEYS, len, j;
        unsigned char key[2] = {'k', (unsigned char)('0' + k)};
        char letter = (char)('a' + k);

        if (i % 3 == 0) {
            char fill[OAUTH2_MEMO_VALUE_MAX];

            len = 1 + (r->seed + i) % OAUTH2_MEMO_VALUE_MAX;
            memset(fill, letter, len);
            oauth2_memo_put(r->memo, key, 2, fill, len, LATER, 0);
            continue;
        }
        len = oauth2_memo_get(r->memo, key, 2, NOW, 0, value);
        for (j = 0; j < len; j++) {
            r->torn += value[j] != letter;
        }
    }
    apr_thread_exit(thread, APR_SUCCESS);
    return NULL;
}

START_TEST(test_memo_reads_are_never_torn_by_concurrent_writes)
{
    oauth2_memo_t *memo = memo_of(3);
    race_t r[4];
    apr_thread_t *t[4];
    apr_status_t rv;
    int i;

    for (i = 0; i < 4; i++) {
        r[i].memo = memo;
        r[i].seed = i * 11;
        r[i].torn = 0;
        ck_assert_int_eq(apr_thread_create(&t[i], NULL, race, &r[i], test_pool),
                         APR_SUCCESS);
    }
    for (i = 0; i < 4; i++) {
        apr_thread_join(&rv, t[i]);
        ck_assert_int_eq(r[i].torn, 0);
    }
}
END_TEST

Suite *oauth2_memo_suite(void)
{
    Suite *s = suite_create("memo");
    TCase *tc = tcase_create("memo");

    tcase_add_checked_fixture(tc, test_pool_setup, test_pool_teardown);
    tcase_add_test(tc, test_memo_returns_what_was_put);
    tcase_add_test(tc, test_memo_misses_a_key_never_put);
    tcase_add_test(tc, test_memo_entry_lapses_at_its_expiry);
    tcase_add_test(tc, test_memo_entry_of_another_epoch_is_void);
    tcase_add_test(tc, test_memo_newer_entry_displaces_one_in_its_slot);
    tcase_add_test(tc, test_memo_key_must_match_in_length_too);
    tcase_add_test(tc, test_memo_keeps_a_value_of_the_largest_size);
    tcase_add_test(tc, test_memo_refuses_what_does_not_fit);
    tcase_add_test(tc, test_memo_of_zero_slots_still_works);
    tcase_add_test(tc, test_memo_reads_are_never_torn_by_concurrent_writes);
    suite_add_tcase(s, tc);
    return s;
}
