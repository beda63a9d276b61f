/* store/ against a real PostgreSQL: the schema, the statements, clients,
 * transactions and purges.
 *
 * OAUTH2_TEST_DB holds a libpq conninfo string. Every client this run
 * creates has a client_id starting with a random prefix, so runs never
 * collide and other rows in the database are left alone; the prefix's
 * rows are deleted at the end. Check forks a process per test, so each
 * test opens its own connection (a checked fixture). */
#include <check.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "mod_oauth2/core/digest.h"
#include "mod_oauth2/core/random.h"
#include "mod_oauth2/store/client_store.h"
#include "mod_oauth2/store/code_store.h"
#include "mod_oauth2/store/purge.h"
#include "mod_oauth2/store/schema_store.h"
#include "mod_oauth2/store/store.h"
#include "mod_oauth2/store/token_store.h"

static const char *conninfo;
static char run_prefix[32];

static apr_pool_t *pool;
static oauth2_store_t *store;

/* --- fixtures and helpers --------------------------------------------- */

static void store_setup(void)
{
    const char *error = NULL;
    apr_status_t rv;

    ck_assert_int_eq(apr_pool_create(&pool, NULL), APR_SUCCESS);
    rv = oauth2_store_open(pool, conninfo, &store, &error);
    ck_assert_msg(rv == APR_SUCCESS, "cannot open %s: %s", conninfo, error);
}

static void schema_setup(void)
{
    const char *error = NULL;
    int from = -1, to = -1;

    store_setup();
    ck_assert_msg(oauth2_store_schema_upgrade(store, &from, &to, &error) ==
                      APR_SUCCESS,
                  "schema upgrade: %s", error);
}

static void store_teardown(void)
{
    apr_pool_destroy(pool);
    pool = NULL;
    store = NULL;
}

/* A client_id of this run. */
static const char *id(const char *suffix)
{
    return apr_pstrcat(pool, run_prefix, suffix, NULL);
}

/* A confidential client with every field set. */
static oauth2_client_t *sample_client(const char *suffix)
{
    oauth2_client_t *c = apr_pcalloc(pool, sizeof(*c));

    c->client_id = id(suffix);
    c->name = apr_pstrcat(pool, "Test client ", suffix, NULL);
    c->secret_hash = oauth2_sha256_hex(pool, "s3cr3t");
    c->redirect_uris = "https://a.example/cb https://b.example/cb?x=1";
    c->grant_types = "authorization_code refresh_token";
    c->scopes = "openid profile email";
    return c;
}

static void insert(const oauth2_client_t *c)
{
    const char *error = NULL;

    ck_assert_msg(oauth2_store_client_insert(store, c, &error) == APR_SUCCESS,
                  "insert %s: %s", c->client_id, error);
}

static oauth2_client_t *get(const char *client_id)
{
    oauth2_client_t *c = NULL;
    const char *error = NULL;

    ck_assert_msg(oauth2_store_client_get(store, client_id, &c, &error) ==
                      APR_SUCCESS,
                  "get %s: %s", client_id, error);
    ck_assert_ptr_nonnull(c);
    return c;
}

static void assert_absent(const char *client_id)
{
    oauth2_client_t *c = NULL;
    const char *error = NULL;

    ck_assert_int_eq(oauth2_store_client_get(store, client_id, &c, &error),
                     APR_NOTFOUND);
    ck_assert_ptr_null(c);
    ck_assert_ptr_nonnull(error);
}

/* The clients of the list whose client_id starts with prefix, in order. */
static apr_array_header_t *listed(const char *prefix)
{
    apr_array_header_t *all = NULL, *mine;
    const char *error = NULL;
    int i;

    ck_assert_msg(oauth2_store_client_list(store, &all, &error) == APR_SUCCESS,
                  "list: %s", error);
    ck_assert_ptr_nonnull(all);
    mine = apr_array_make(pool, 4, sizeof(oauth2_client_t *));
    for (i = 0; i < all->nelts; i++) {
        oauth2_client_t *c = APR_ARRAY_IDX(all, i, oauth2_client_t *);

        if (!strncmp(c->client_id, prefix, strlen(prefix))) {
            APR_ARRAY_PUSH(mine, oauth2_client_t *) = c;
        }
    }
    return mine;
}

/* --- connection and statements ---------------------------------------- */

START_TEST(test_store_open_reports_an_unreachable_server)
{
    oauth2_store_t *s = NULL;
    const char *error = NULL;

    /* Port 1 on loopback: refused at once. */
    ck_assert_int_ne(oauth2_store_open(pool,
                                       "host=127.0.0.1 port=1 "
                                       "dbname=none connect_timeout=5",
                                       &s, &error),
                     APR_SUCCESS);
    ck_assert_ptr_null(s);
    ck_assert_ptr_nonnull(error);
    ck_assert_int_gt(strlen(error), 0);
}
END_TEST

START_TEST(test_store_refuses_labels_it_does_not_know)
{
    apr_dbd_results_t *res = NULL;
    const char *error = NULL;
    int rows = -1;

    ck_assert_int_eq(
        oauth2_store_select(store, "oauth2_no_such", &res, &error, 0, NULL),
        APR_EGENERAL);
    ck_assert_ptr_nonnull(strstr(error, "oauth2_no_such"));
    error = NULL;
    ck_assert_int_eq(oauth2_store_exec(store, "oauth2_no_such_either", &rows,
                                       &error, 0, NULL),
                     APR_EGENERAL);
    ck_assert_ptr_nonnull(strstr(error, "oauth2_no_such_either"));
}
END_TEST

typedef struct {
    apr_pool_t *pool;
    apr_hash_t *labels;
    const char *failure;
} statement_check_t;

/* Every label is unique and "oauth2_…", and its SQL prepares on this
 * server (which catches SQL errors before any request runs it). */
static int check_statement(void *baton, const char *label, const char *sql)
{
    statement_check_t *check = baton;
    apr_dbd_prepared_t *stmt = NULL;
    int rc;

    if (strncmp(label, "oauth2_", 7) != 0) {
        check->failure = apr_psprintf(check->pool, "label %s", label);
        return 1;
    }
    if (apr_hash_get(check->labels, label, APR_HASH_KEY_STRING)) {
        check->failure = apr_psprintf(check->pool, "duplicate %s", label);
        return 1;
    }
    apr_hash_set(check->labels, label, APR_HASH_KEY_STRING, sql);
    /* Prepared without a label: mod_dbd owns the named ones. */
    rc = apr_dbd_prepare(store->driver, check->pool, store->handle, sql, NULL,
                         &stmt);
    if (rc != 0) {
        check->failure =
            apr_psprintf(check->pool, "%s: %s", label,
                         apr_dbd_error(store->driver, store->handle, rc));
        return 1;
    }
    return 0;
}

START_TEST(test_every_statement_has_a_unique_label_and_prepares)
{
    statement_check_t check = {pool, apr_hash_make(pool), NULL};

    ck_assert_int_eq(oauth2_store_each_statement(check_statement, &check), 0);
    ck_assert_msg(check.failure == NULL, "%s", check.failure);
    /* The client table's six statements at least. */
    ck_assert_ptr_nonnull(apr_hash_get(check.labels, "oauth2_client_update",
                                       APR_HASH_KEY_STRING));
    ck_assert_uint_ge(apr_hash_count(check.labels), 6);
}
END_TEST

static int stop_at_third(void *baton, const char *label, const char *sql)
{
    int *calls = baton;

    return ++*calls == 3 ? 42 : 0;
}

START_TEST(test_each_statement_stops_at_the_first_nonzero_answer)
{
    int calls = 0;

    ck_assert_int_eq(oauth2_store_each_statement(stop_at_third, &calls), 42);
    ck_assert_int_eq(calls, 3);
}
END_TEST

/* --- schema ------------------------------------------------------------ */

START_TEST(test_schema_migrations_are_numbered_upwards)
{
    const oauth2_store_migration_t *m;
    int previous = 0;

    for (m = oauth2_store_migrations; m->sql; m++) {
        ck_assert_int_gt(m->version, previous);
        ck_assert_int_gt(strlen(m->sql), 0);
        previous = m->version;
    }
    ck_assert_int_ge(previous, 1);
    ck_assert_int_eq(oauth2_store_schema_latest(), previous);
}
END_TEST

START_TEST(test_schema_upgrade_reaches_latest_then_is_a_noop)
{
    int latest = oauth2_store_schema_latest();
    const char *error = NULL;
    int from = -1, to = -1;

    ck_assert_msg(oauth2_store_schema_upgrade(store, &from, &to, &error) ==
                      APR_SUCCESS,
                  "first upgrade: %s", error);
    ck_assert_int_ge(from, 0);
    ck_assert_int_le(from, latest);
    ck_assert_int_eq(to, latest);

    from = to = -1;
    ck_assert_msg(oauth2_store_schema_upgrade(store, &from, &to, &error) ==
                      APR_SUCCESS,
                  "second upgrade: %s", error);
    ck_assert_int_eq(from, latest);
    ck_assert_int_eq(to, latest);
}
END_TEST

/* --- clients ----------------------------------------------------------- */

START_TEST(test_client_insert_then_get_returns_every_field)
{
    oauth2_client_t *in = sample_client("full"), *out;

    insert(in);
    out = get(in->client_id);
    ck_assert_str_eq(out->client_id, in->client_id);
    ck_assert_str_eq(out->name, in->name);
    ck_assert_str_eq(out->secret_hash, in->secret_hash);
    ck_assert_str_eq(out->redirect_uris, in->redirect_uris);
    ck_assert_str_eq(out->grant_types, in->grant_types);
    ck_assert_str_eq(out->scopes, in->scopes);
    ck_assert_int_eq(out->disabled, 0);
    /* ISO 8601 in UTC: 2026-11-25T12:00:00Z */
    ck_assert_ptr_nonnull(out->created_at);
    ck_assert_uint_eq(strlen(out->created_at), 20);
    ck_assert_int_eq(out->created_at[4], '-');
    ck_assert_int_eq(out->created_at[10], 'T');
    ck_assert_int_eq(out->created_at[19], 'Z');
}
END_TEST

START_TEST(test_client_insert_refuses_a_taken_id_with_eexist)
{
    oauth2_client_t *first = sample_client("taken");
    oauth2_client_t *second = sample_client("taken");
    const char *error = NULL;

    insert(first);
    second->name = "Impostor";
    second->secret_hash = NULL;
    ck_assert_int_eq(oauth2_store_client_insert(store, second, &error),
                     APR_EEXIST);
    ck_assert_ptr_nonnull(error);
    ck_assert_ptr_nonnull(strstr(error, first->client_id));
    /* The first registration is untouched. */
    ck_assert_str_eq(get(first->client_id)->name, first->name);
    ck_assert_str_eq(get(first->client_id)->secret_hash, first->secret_hash);
}
END_TEST

START_TEST(test_public_client_has_a_null_secret)
{
    oauth2_client_t *in = sample_client("public");

    in->secret_hash = NULL;
    insert(in);
    ck_assert_ptr_null(get(in->client_id)->secret_hash);
}
END_TEST

START_TEST(test_client_with_empty_lists_reads_back_empty_strings)
{
    oauth2_client_t *in = sample_client("empty"), *out;

    in->redirect_uris = NULL; /* NULL lists are stored as empty ones */
    in->scopes = "";
    in->grant_types = "client_credentials";
    insert(in);
    out = get(in->client_id);
    ck_assert_str_eq(out->redirect_uris, "");
    ck_assert_str_eq(out->scopes, "");
    ck_assert_str_eq(out->grant_types, "client_credentials");
}
END_TEST

START_TEST(test_client_ids_and_names_are_data_not_sql)
{
    oauth2_client_t *in = sample_client("quote'); DROP TABLE oauth2_client;--");
    oauth2_client_t *out;

    in->name = "O'Brien \"Client\" \\ 100% \xc3\xa9t\xc3\xa9 %s";
    insert(in);
    out = get(in->client_id);
    ck_assert_str_eq(out->client_id, in->client_id);
    ck_assert_str_eq(out->name, in->name);
}
END_TEST

START_TEST(test_client_get_of_an_unknown_id_is_notfound)
{
    assert_absent(id("never-registered"));
}
END_TEST

START_TEST(test_client_list_is_ordered_by_client_id)
{
    const char *prefix = id("list-");
    apr_array_header_t *mine;
    const char *const order[] = {"list-a", "list-b", "list-c"};
    int i;

    /* Nothing of this prefix yet: an empty list, not an error. */
    ck_assert_int_eq(listed(prefix)->nelts, 0);
    insert(sample_client("list-c"));
    insert(sample_client("list-a"));
    insert(sample_client("list-b"));
    mine = listed(prefix);
    ck_assert_int_eq(mine->nelts, 3);
    for (i = 0; i < 3; i++) {
        oauth2_client_t *c = APR_ARRAY_IDX(mine, i, oauth2_client_t *);

        ck_assert_str_eq(c->client_id, id(order[i]));
        /* Listed rows carry every field, as get's do. */
        ck_assert_str_eq(c->scopes, "openid profile email");
        ck_assert_ptr_nonnull(c->secret_hash);
    }
}
END_TEST

START_TEST(test_client_update_replaces_only_the_fields_given)
{
    oauth2_client_t *in = sample_client("update"), *out;
    oauth2_client_t changes = {0};
    const char *error = NULL;

    insert(in);
    changes.redirect_uris = "https://c.example/cb";
    ck_assert_int_eq(oauth2_store_client_update(store, in->client_id, &changes,
                                                -1, OAUTH2_CLIENT_KEEP, &error),
                     APR_SUCCESS);
    out = get(in->client_id);
    ck_assert_str_eq(out->redirect_uris, "https://c.example/cb");
    ck_assert_str_eq(out->grant_types, in->grant_types);
    ck_assert_str_eq(out->scopes, in->scopes);
    ck_assert_str_eq(out->name, in->name);
    ck_assert_str_eq(out->secret_hash, in->secret_hash);
    ck_assert_int_eq(out->disabled, 0);

    changes.redirect_uris = NULL;
    changes.grant_types = "client_credentials";
    changes.scopes = "read write";
    ck_assert_int_eq(oauth2_store_client_update(store, in->client_id, &changes,
                                                -1, OAUTH2_CLIENT_KEEP, &error),
                     APR_SUCCESS);
    out = get(in->client_id);
    ck_assert_str_eq(out->redirect_uris, "https://c.example/cb");
    ck_assert_str_eq(out->grant_types, "client_credentials");
    ck_assert_str_eq(out->scopes, "read write");
}
END_TEST

START_TEST(test_client_update_with_nothing_given_keeps_everything)
{
    oauth2_client_t *in = sample_client("noop"), *out;
    oauth2_client_t changes = {0};
    const char *error = NULL;

    insert(in);
    ck_assert_int_eq(oauth2_store_client_update(store, in->client_id, &changes,
                                                -1, OAUTH2_CLIENT_KEEP, &error),
                     APR_SUCCESS);
    out = get(in->client_id);
    ck_assert_str_eq(out->redirect_uris, in->redirect_uris);
    ck_assert_str_eq(out->grant_types, in->grant_types);
    ck_assert_str_eq(out->scopes, in->scopes);
    ck_assert_int_eq(out->disabled, 0);
}
END_TEST

START_TEST(test_client_update_with_an_empty_list_clears_it)
{
    oauth2_client_t *in = sample_client("clear");
    oauth2_client_t changes = {0};
    const char *error = NULL;

    insert(in);
    changes.scopes = "";
    ck_assert_int_eq(oauth2_store_client_update(store, in->client_id, &changes,
                                                -1, OAUTH2_CLIENT_KEEP, &error),
                     APR_SUCCESS);
    ck_assert_str_eq(get(in->client_id)->scopes, "");
    ck_assert_str_eq(get(in->client_id)->redirect_uris, in->redirect_uris);
}
END_TEST

START_TEST(test_client_update_disables_and_enables)
{
    static const struct {
        int disabled; /* argument: 1, 0 or -1 (keep) */
        int expected;
    } steps[] = {{1, 1}, {-1, 1}, {1, 1}, {0, 0}, {-1, 0}, {0, 0}, {1, 1}};
    oauth2_client_t *in = sample_client("toggle");
    oauth2_client_t changes = {0};
    const char *error = NULL;
    size_t i;

    insert(in);
    for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        ck_assert_int_eq(oauth2_store_client_update(store, in->client_id,
                                                    &changes, steps[i].disabled,
                                                    OAUTH2_CLIENT_KEEP, &error),
                         APR_SUCCESS);
        ck_assert_msg(get(in->client_id)->disabled == steps[i].expected,
                      "step %zu", i);
    }
    /* Disabling changes nothing else. */
    ck_assert_str_eq(get(in->client_id)->scopes, in->scopes);
}
END_TEST

START_TEST(test_client_set_secret_replaces_the_hash_or_clears_it)
{
    oauth2_client_t *in = sample_client("rotate");
    const char *fresh = oauth2_sha256_hex(pool, "n3w s3cr3t");
    const char *error = NULL;

    insert(in);
    ck_assert_int_eq(
        oauth2_store_client_set_secret(store, in->client_id, fresh, &error),
        APR_SUCCESS);
    ck_assert_str_eq(get(in->client_id)->secret_hash, fresh);
    ck_assert_str_eq(get(in->client_id)->scopes, in->scopes);
    ck_assert_int_eq(
        oauth2_store_client_set_secret(store, in->client_id, NULL, &error),
        APR_SUCCESS);
    ck_assert_ptr_null(get(in->client_id)->secret_hash);
}
END_TEST

START_TEST(test_client_changes_to_an_unknown_id_are_notfound)
{
    const char *ghost = id("ghost");
    oauth2_client_t changes = {0};
    const char *error = NULL;

    ck_assert_int_eq(oauth2_store_client_update(store, ghost, &changes, 1,
                                                OAUTH2_CLIENT_KEEP, &error),
                     APR_NOTFOUND);
    ck_assert_ptr_nonnull(error);
    error = NULL;
    ck_assert_int_eq(oauth2_store_client_set_secret(store, ghost, "00", &error),
                     APR_NOTFOUND);
    ck_assert_ptr_nonnull(error);
    error = NULL;
    ck_assert_int_eq(oauth2_store_client_delete(store, ghost, &error),
                     APR_NOTFOUND);
    ck_assert_ptr_nonnull(error);
    /* And none of them created it. */
    assert_absent(ghost);
}
END_TEST

START_TEST(test_client_delete_removes_the_client_once)
{
    oauth2_client_t *in = sample_client("delete");
    oauth2_client_t *other = sample_client("delete-not-me");
    const char *error = NULL;

    insert(in);
    insert(other);
    ck_assert_int_eq(oauth2_store_client_delete(store, in->client_id, &error),
                     APR_SUCCESS);
    assert_absent(in->client_id);
    ck_assert_int_eq(oauth2_store_client_delete(store, in->client_id, &error),
                     APR_NOTFOUND);
    ck_assert_str_eq(get(other->client_id)->name, other->name);
}
END_TEST

/* --- transactions ------------------------------------------------------ */

typedef struct {
    const oauth2_client_t *client;
    apr_status_t outcome;
} insert_then_t;

static apr_status_t insert_then(oauth2_store_t *s, void *baton,
                                const char **error)
{
    insert_then_t *t = baton;
    apr_status_t rv = oauth2_store_client_insert(s, t->client, error);

    if (rv != APR_SUCCESS) {
        return rv;
    }
    if (t->outcome != APR_SUCCESS) {
        *error = "changed my mind";
    }
    return t->outcome;
}

START_TEST(test_transaction_commits_when_the_function_succeeds)
{
    insert_then_t t = {sample_client("commit"), APR_SUCCESS};
    const char *error = NULL;

    ck_assert_int_eq(oauth2_store_transaction(store, insert_then, &t, &error),
                     APR_SUCCESS);
    ck_assert_str_eq(get(t.client->client_id)->name, t.client->name);
}
END_TEST

START_TEST(test_transaction_rolls_back_when_the_function_fails)
{
    insert_then_t t = {sample_client("rollback"), APR_EINVAL};
    const char *error = NULL;

    ck_assert_int_eq(oauth2_store_transaction(store, insert_then, &t, &error),
                     APR_EINVAL);
    ck_assert_str_eq(error, "changed my mind");
    assert_absent(t.client->client_id);
    /* The connection is usable again afterwards. */
    insert(t.client);
    ck_assert_str_eq(get(t.client->client_id)->name, t.client->name);
}
END_TEST

/* --- purge ------------------------------------------------------------- */

START_TEST(test_purges_succeed_with_non_negative_counts)
{
    const char *error = NULL;
    int codes = -1, tokens = -1;

    ck_assert_msg(oauth2_store_code_purge(store, 100, &codes, &error) ==
                      APR_SUCCESS,
                  "code purge: %s", error);
    ck_assert_int_ge(codes, 0);
    ck_assert_msg(oauth2_store_token_purge(store, 100, &tokens, &error) ==
                      APR_SUCCESS,
                  "token purge: %s", error);
    ck_assert_int_ge(tokens, 0);
}
END_TEST

START_TEST(test_purges_leave_clients_alone)
{
    oauth2_client_t *in = sample_client("purge-survivor");
    const char *error = NULL;
    int count = -1;

    insert(in);
    ck_assert_int_eq(oauth2_store_code_purge(store, 100, &count, &error),
                     APR_SUCCESS);
    ck_assert_int_eq(oauth2_store_token_purge(store, 100, &count, &error),
                     APR_SUCCESS);
    ck_assert_str_eq(get(in->client_id)->name, in->name);
}
END_TEST

/* A fresh hash, as the token endpoint would store. */
static const char *fresh_hash(void)
{
    char *token = NULL;

    ck_assert_int_eq(oauth2_random_token(pool, OAUTH2_TOKEN_BYTES, &token),
                     APR_SUCCESS);
    return oauth2_sha256_hex(pool, token);
}

/* Stores a code of client_id that expires in lifetime seconds (negative:
 * expired already); returns its hash. */
static const char *insert_code(const char *client_id, int lifetime)
{
    oauth2_code_t code = {0};
    const char *error = NULL;

    code.code_hash = fresh_hash();
    code.client_id = client_id;
    code.user_id = "alice";
    code.redirect_uri = "https://a.example/cb";
    code.scope = "openid";
    code.lifetime = lifetime;
    ck_assert_msg(oauth2_store_code_insert(store, &code, &error) == APR_SUCCESS,
                  "code insert: %s", error);
    return code.code_hash;
}

/* Stores an access token and, if refresh_lifetime is not 0, a refresh
 * token of client_id; lifetimes in seconds, negative: expired. */
static void issue_tokens(const char *client_id, int access_lifetime,
                         int refresh_lifetime, const char **access_hash,
                         const char **refresh_hash)
{
    oauth2_token_issue_t issue = {0};
    oauth2_client_t *client;
    const char *error = NULL;

    ck_assert_int_eq(oauth2_store_client_get(store, client_id, &client, &error),
                     APR_SUCCESS);
    issue.client = client;
    issue.user_id = "alice";
    issue.scope = "openid";
    issue.grant_type = "authorization_code";
    issue.access_hash = *access_hash = fresh_hash();
    issue.access_lifetime = access_lifetime;
    issue.refresh_hash = *refresh_hash = refresh_lifetime ? fresh_hash() : NULL;
    issue.refresh_lifetime = refresh_lifetime;
    ck_assert_msg(oauth2_store_token_issue(store, &issue, &error) ==
                      APR_SUCCESS,
                  "token issue: %s", error);
}

static apr_status_t code_state(const char *hash, oauth2_code_t **code)
{
    const char *error = NULL;

    *code = NULL;
    return oauth2_store_code_get(store, hash, code, &error);
}

static apr_status_t token_state(const char *hash, oauth2_token_t **token)
{
    const char *error = NULL;

    *token = NULL;
    return oauth2_store_token_get(store, hash, token, &error);
}

START_TEST(test_code_purge_deletes_expired_codes_and_keeps_live_ones)
{
    oauth2_client_t *client = sample_client("purge-codes");
    const char *expired, *live, *error = NULL;
    oauth2_code_t *code;
    int count = -1;

    insert(client);
    expired = insert_code(client->client_id, -60);
    live = insert_code(client->client_id, 600);
    ck_assert_int_eq(code_state(expired, &code), APR_SUCCESS);
    ck_assert_int_eq(code->expired, 1);

    ck_assert_int_eq(oauth2_store_code_purge(store, 100, &count, &error),
                     APR_SUCCESS);
    ck_assert_int_ge(count, 1);
    ck_assert_int_eq(code_state(expired, &code), APR_NOTFOUND);
    ck_assert_int_eq(code_state(live, &code), APR_SUCCESS);
    ck_assert_int_eq(code->expired, 0);
    ck_assert_int_eq(code->used, 0);
    ck_assert_str_eq(code->client_id, client->client_id);
}
END_TEST

START_TEST(test_token_purge_deletes_expired_tokens_and_keeps_live_ones)
{
    oauth2_client_t *client = sample_client("purge-tokens");
    const char *old_access, *live_refresh, *live_access, *none;
    const char *error = NULL;
    oauth2_token_t *token;
    int count = -1;

    insert(client);
    /* One family: the access token has expired, the refresh token not. */
    issue_tokens(client->client_id, -60, 600, &old_access, &live_refresh);
    issue_tokens(client->client_id, 600, 0, &live_access, &none);
    ck_assert_ptr_null(none);
    ck_assert_int_eq(token_state(old_access, &token), APR_SUCCESS);
    ck_assert_int_eq(token->expired, 1);

    ck_assert_int_eq(oauth2_store_token_purge(store, 100, &count, &error),
                     APR_SUCCESS);
    ck_assert_int_ge(count, 1);
    ck_assert_int_eq(token_state(old_access, &token), APR_NOTFOUND);
    ck_assert_int_eq(token_state(live_refresh, &token), APR_SUCCESS);
    ck_assert_str_eq(token->kind, "refresh");
    ck_assert_int_eq(token->expired, 0);
    ck_assert_int_eq(token_state(live_access, &token), APR_SUCCESS);
    ck_assert_str_eq(token->kind, "access");
    ck_assert_int_eq(token->expired, 0);
}
END_TEST

/* Purging runs in batches: a call deletes no more than its limit. */
START_TEST(test_token_purge_deletes_at_most_the_limit_per_call)
{
    oauth2_client_t *client = sample_client("purge-batches");
    const char *hashes[3], *none, *error = NULL;
    oauth2_token_t *token;
    int i, count = -1;

    insert(client);
    for (i = 0; i < 3; i++) {
        issue_tokens(client->client_id, -60, 0, &hashes[i], &none);
    }
    ck_assert_int_eq(oauth2_store_token_purge(store, 1, &count, &error),
                     APR_SUCCESS);
    ck_assert_int_eq(count, 1);
    ck_assert_int_eq(oauth2_store_token_purge(store, 2, &count, &error),
                     APR_SUCCESS);
    ck_assert_int_eq(count, 2);
    do {
        ck_assert_int_eq(oauth2_store_token_purge(store, 1000, &count, &error),
                         APR_SUCCESS);
    } while (count == 1000);
    for (i = 0; i < 3; i++) {
        ck_assert_int_eq(token_state(hashes[i], &token), APR_NOTFOUND);
    }
}
END_TEST

static apr_status_t live_access(const char *hash, oauth2_token_t **token)
{
    const char *error = NULL;

    *token = NULL;
    return oauth2_store_token_live_access(store, hash, token, &error);
}

START_TEST(test_live_access_finds_only_live_access_tokens)
{
    oauth2_client_t *client = sample_client("live-access");
    const char *access, *refresh, *expired, *none, *revoked, *error = NULL;
    apr_array_header_t *hashes;
    oauth2_token_t *t;

    insert(client);
    issue_tokens(client->client_id, 600, 600, &access, &refresh);
    issue_tokens(client->client_id, -60, 0, &expired, &none);
    issue_tokens(client->client_id, 600, 0, &revoked, &none);
    ck_assert_int_eq(oauth2_store_token_revoke(
                         store, revoked, client->client_id, &hashes, &error),
                     APR_SUCCESS);

    ck_assert_int_eq(live_access(access, &t), APR_SUCCESS);
    ck_assert_str_eq(t->kind, "access");
    ck_assert_str_eq(t->client_id, client->client_id);
    ck_assert_str_eq(t->user_id, "alice");
    ck_assert_str_eq(t->scope, "openid");
    ck_assert_int_gt(t->expires_at, (apr_int64_t)apr_time_sec(apr_time_now()));
    ck_assert_int_eq(live_access(refresh, &t), APR_NOTFOUND);
    ck_assert_ptr_null(t);
    ck_assert_int_eq(live_access(expired, &t), APR_NOTFOUND);
    ck_assert_int_eq(live_access(revoked, &t), APR_NOTFOUND);
    ck_assert_int_eq(live_access(fresh_hash(), &t), APR_NOTFOUND);
}
END_TEST

static void set_disabled(const char *client_id, int disabled)
{
    oauth2_client_t changes = {0};
    const char *error = NULL;

    ck_assert_msg(oauth2_store_client_update(store, client_id, &changes,
                                             disabled, OAUTH2_CLIENT_KEEP,
                                             &error) == APR_SUCCESS,
                  "client update: %s", error);
}

START_TEST(test_disabling_a_client_revokes_its_tokens_and_voids_its_codes)
{
    oauth2_client_t *client = sample_client("disable"), *bystander;
    const char *access, *refresh, *other, *none, *code;
    oauth2_token_t *t;
    oauth2_code_t *c;

    insert(client);
    insert(bystander = sample_client("disable-other"));
    issue_tokens(client->client_id, 600, 600, &access, &refresh);
    issue_tokens(bystander->client_id, 600, 0, &other, &none);
    code = insert_code(client->client_id, 600);

    set_disabled(client->client_id, 1);
    ck_assert_int_eq(token_state(access, &t), APR_SUCCESS);
    ck_assert_int_eq(t->revoked, 1);
    ck_assert_int_eq(token_state(refresh, &t), APR_SUCCESS);
    ck_assert_int_eq(t->revoked, 1);
    ck_assert_int_eq(code_state(code, &c), APR_SUCCESS);
    ck_assert_int_eq(c->expired, 1);
    ck_assert_int_eq(c->used, 0);
    ck_assert_int_eq(live_access(other, &t), APR_SUCCESS);

    /* Enabling the client brings none of them back. */
    set_disabled(client->client_id, 0);
    ck_assert_int_eq(live_access(access, &t), APR_NOTFOUND);
    ck_assert_int_eq(token_state(refresh, &t), APR_SUCCESS);
    ck_assert_int_eq(t->revoked, 1);
}
END_TEST

/* A statement of the test itself, outside the store's tables. */
static void run_sql(const char *sql)
{
    int rows = 0;

    ck_assert_msg(apr_dbd_query(store->driver, store->handle, &rows, sql) == 0,
                  "%s: %s", sql,
                  apr_dbd_error(store->driver, store->handle, 1));
}

START_TEST(test_a_token_of_a_disabled_client_is_not_live)
{
    oauth2_client_t *client = sample_client("disabled-live");
    const char *access, *none;
    oauth2_token_t *t;

    insert(client);
    issue_tokens(client->client_id, 600, 0, &access, &none);
    set_disabled(client->client_id, 1);
    /* As if stored by a request racing the disabling, after the
     * revocation ran. */
    run_sql(apr_psprintf(pool,
                         "UPDATE oauth2_token SET revoked_at = NULL"
                         " WHERE token_hash = '%s'",
                         access));
    ck_assert_int_eq(live_access(access, &t), APR_NOTFOUND);
    ck_assert_int_eq(token_state(access, &t), APR_SUCCESS);
    ck_assert_int_eq(t->revoked, 1);
    set_disabled(client->client_id, 0);
    ck_assert_int_eq(live_access(access, &t), APR_NOTFOUND);
}
END_TEST

START_TEST(test_client_introspect_flag_is_stored_and_updated)
{
    oauth2_client_t *in = sample_client("introspect");
    oauth2_client_t changes = {0};
    const char *error = NULL;
    static const struct {
        int arg, expected;
    } steps[] = {
        {OAUTH2_CLIENT_KEEP, 1}, {0, 0}, {OAUTH2_CLIENT_KEEP, 0}, {1, 1}};
    size_t i;

    in->introspect = 1;
    insert(in);
    for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        ck_assert_int_eq(oauth2_store_client_update(
                             store, in->client_id, &changes, OAUTH2_CLIENT_KEEP,
                             steps[i].arg, &error),
                         APR_SUCCESS);
        ck_assert_msg(get(in->client_id)->introspect == steps[i].expected,
                      "step %zu", i);
    }
    ck_assert_int_eq(get(in->client_id)->disabled, 0);
}
END_TEST

/* Issues an access token on the client record as read now, then applies
 * change to the row and issues on the old record. */
static void assert_issue_refused_after(const char *suffix,
                                       const oauth2_client_t *change,
                                       int disabled, const char *secret_hash)
{
    oauth2_client_t *client = sample_client(suffix);
    oauth2_token_issue_t issue = {0};
    const char *error = NULL;
    oauth2_token_t *t;

    insert(client);
    issue.client = get(client->client_id);
    issue.scope = "openid";
    issue.grant_type = "client_credentials";
    issue.access_hash = fresh_hash();
    issue.access_lifetime = 600;
    ck_assert_int_eq(oauth2_store_token_issue(store, &issue, &error),
                     APR_SUCCESS);
    if (secret_hash) {
        ck_assert_int_eq(oauth2_store_client_set_secret(
                             store, client->client_id, secret_hash, &error),
                         APR_SUCCESS);
    }
    else {
        ck_assert_int_eq(oauth2_store_client_update(store, client->client_id,
                                                    change, disabled,
                                                    OAUTH2_CLIENT_KEEP, &error),
                         APR_SUCCESS);
    }
    issue.access_hash = fresh_hash();
    ck_assert_int_eq(oauth2_store_token_issue(store, &issue, &error),
                     APR_EAGAIN);
    ck_assert_int_eq(token_state(issue.access_hash, &t), APR_NOTFOUND);
    /* On the record as it is now, issuing works again (unless disabled). */
    issue.client = get(client->client_id);
    ck_assert_int_eq(oauth2_store_token_issue(store, &issue, &error),
                     disabled == 1 ? APR_EAGAIN : APR_SUCCESS);
}

START_TEST(test_token_issue_stores_nothing_once_the_client_row_changed)
{
    oauth2_client_t scopes = {0}, grants = {0}, none = {0};

    scopes.scopes = "openid";
    grants.grant_types = "client_credentials";
    assert_issue_refused_after("guard-scopes", &scopes, -1, NULL);
    assert_issue_refused_after("guard-grants", &grants, -1, NULL);
    assert_issue_refused_after("guard-disabled", &none, 1, NULL);
    assert_issue_refused_after("guard-secret", &none, -1, "0123abcd");
}
END_TEST

START_TEST(test_client_delete_cascades_to_its_codes_and_tokens)
{
    oauth2_client_t *client = sample_client("cascade");
    oauth2_client_t *other = sample_client("cascade-other");
    const char *code, *access, *refresh, *other_code, *error = NULL;
    oauth2_code_t *c;
    oauth2_token_t *t;

    insert(client);
    insert(other);
    code = insert_code(client->client_id, 600);
    issue_tokens(client->client_id, 600, 600, &access, &refresh);
    other_code = insert_code(other->client_id, 600);

    ck_assert_int_eq(
        oauth2_store_client_delete(store, client->client_id, &error),
        APR_SUCCESS);
    ck_assert_int_eq(code_state(code, &c), APR_NOTFOUND);
    ck_assert_int_eq(token_state(access, &t), APR_NOTFOUND);
    ck_assert_int_eq(token_state(refresh, &t), APR_NOTFOUND);
    ck_assert_int_eq(code_state(other_code, &c), APR_SUCCESS);
}
END_TEST

/* --- runner ------------------------------------------------------------ */

static TCase *store_case(const char *name, int schema)
{
    TCase *tc = tcase_create(name);

    tcase_add_checked_fixture(tc, schema ? schema_setup : store_setup,
                              store_teardown);
    /* Generous for a busy server; a hung query still ends the test. */
    tcase_set_timeout(tc, 30);
    return tc;
}

static Suite *store_suite(void)
{
    Suite *s = suite_create("store");
    TCase *tc = store_case("connection", 0);

    tcase_add_test(tc, test_store_open_reports_an_unreachable_server);
    tcase_add_test(tc, test_store_refuses_labels_it_does_not_know);
    tcase_add_test(tc, test_each_statement_stops_at_the_first_nonzero_answer);
    suite_add_tcase(s, tc);

    /* No upgrade in this setup: on a fresh database the test's first
     * upgrade starts from version 0. */
    tc = store_case("schema", 0);
    tcase_add_test(tc, test_schema_migrations_are_numbered_upwards);
    tcase_add_test(tc, test_schema_upgrade_reaches_latest_then_is_a_noop);
    suite_add_tcase(s, tc);

    tc = store_case("statements", 1);
    tcase_add_test(tc, test_every_statement_has_a_unique_label_and_prepares);
    suite_add_tcase(s, tc);

    tc = store_case("client", 1);
    tcase_add_test(tc, test_client_insert_then_get_returns_every_field);
    tcase_add_test(tc, test_client_insert_refuses_a_taken_id_with_eexist);
    tcase_add_test(tc, test_public_client_has_a_null_secret);
    tcase_add_test(tc, test_client_with_empty_lists_reads_back_empty_strings);
    tcase_add_test(tc, test_client_ids_and_names_are_data_not_sql);
    tcase_add_test(tc, test_client_get_of_an_unknown_id_is_notfound);
    tcase_add_test(tc, test_client_list_is_ordered_by_client_id);
    tcase_add_test(tc, test_client_update_replaces_only_the_fields_given);
    tcase_add_test(tc, test_client_update_with_nothing_given_keeps_everything);
    tcase_add_test(tc, test_client_update_with_an_empty_list_clears_it);
    tcase_add_test(tc, test_client_update_disables_and_enables);
    tcase_add_test(tc, test_client_set_secret_replaces_the_hash_or_clears_it);
    tcase_add_test(tc, test_client_changes_to_an_unknown_id_are_notfound);
    tcase_add_test(tc, test_client_delete_removes_the_client_once);
    suite_add_tcase(s, tc);

    tc = store_case("transaction", 1);
    tcase_add_test(tc, test_transaction_commits_when_the_function_succeeds);
    tcase_add_test(tc, test_transaction_rolls_back_when_the_function_fails);
    suite_add_tcase(s, tc);

    tc = store_case("purge", 1);
    tcase_add_test(tc, test_purges_succeed_with_non_negative_counts);
    tcase_add_test(tc, test_purges_leave_clients_alone);
    tcase_add_test(tc,
                   test_code_purge_deletes_expired_codes_and_keeps_live_ones);
    tcase_add_test(tc,
                   test_token_purge_deletes_expired_tokens_and_keeps_live_ones);
    tcase_add_test(tc, test_token_purge_deletes_at_most_the_limit_per_call);
    tcase_add_test(tc, test_live_access_finds_only_live_access_tokens);
    tcase_add_test(
        tc, test_disabling_a_client_revokes_its_tokens_and_voids_its_codes);
    tcase_add_test(tc, test_a_token_of_a_disabled_client_is_not_live);
    tcase_add_test(tc, test_client_introspect_flag_is_stored_and_updated);
    tcase_add_test(tc,
                   test_token_issue_stores_nothing_once_the_client_row_changed);
    tcase_add_test(tc, test_client_delete_cascades_to_its_codes_and_tokens);
    suite_add_tcase(s, tc);
    return s;
}

/* Deletes this run's clients, including those of failed tests. Runs in
 * the runner's process, outside any test: no assertions here. */
static void delete_run_clients(void)
{
    apr_array_header_t *all = NULL;
    oauth2_store_t *s = NULL;
    const char *error = NULL;
    apr_pool_t *p;
    int i;

    if (apr_pool_create(&p, NULL) != APR_SUCCESS) {
        return;
    }
    if (oauth2_store_open(p, conninfo, &s, &error) == APR_SUCCESS &&
        oauth2_store_client_list(s, &all, &error) == APR_SUCCESS) {
        for (i = 0; i < all->nelts; i++) {
            oauth2_client_t *c = APR_ARRAY_IDX(all, i, oauth2_client_t *);

            if (!strncmp(c->client_id, run_prefix, strlen(run_prefix))) {
                oauth2_store_client_delete(s, c->client_id, &error);
            }
        }
    }
    apr_pool_destroy(p);
}

int main(int argc, char **argv)
{
    apr_pool_t *p;
    char *token;
    SRunner *runner;
    int failed;

    conninfo = getenv("OAUTH2_TEST_DB");
    if (!conninfo || !*conninfo) {
        fprintf(stderr,
                "%s: OAUTH2_TEST_DB is not set: it must hold the "
                "libpq conninfo of a PostgreSQL database to test against, "
                "e.g. \"host=127.0.0.1 port=5432 dbname=test user=test\"\n",
                argv[0]);
        return EXIT_FAILURE;
    }
    if (apr_initialize() != APR_SUCCESS ||
        apr_pool_create(&p, NULL) != APR_SUCCESS ||
        oauth2_random_token(p, 9, &token) != APR_SUCCESS) {
        fprintf(stderr, "%s: cannot initialise APR\n", argv[0]);
        return EXIT_FAILURE;
    }
    snprintf(run_prefix, sizeof(run_prefix), "check-store-%s-", token);
    apr_pool_destroy(p);

    runner = srunner_create(store_suite());
    if (argc > 1) {
        srunner_run(runner, NULL, argv[1], CK_NORMAL);
    }
    else {
        srunner_run_all(runner, CK_NORMAL);
    }
    failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    delete_run_clients();
    apr_terminate();
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
