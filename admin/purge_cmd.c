/* oauth2-admin purge: expired codes and tokens, deleted in batches. */
#include "admin.h"
#include "mod_oauth2/store/purge.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <apr_time.h>

/* 10,000 rows: a batch of a 10-million-row token table took about a third
 * of a second on a busy two-core machine (tests/bench/run, D@purge): short
 * for the row locks it holds, long enough that the statement's own cost
 * is spread over many rows. */
#define PURGE_BATCH_DEFAULT 10000
#define PURGE_BATCH_MAX 1000000
#define PURGE_PAUSE_MAX 3600.0 /* seconds */

/* The tables whose rows expire, in the order they are purged. */
typedef struct {
    const char *what;
    apr_status_t (*batch)(oauth2_store_t *store, int limit, int *count,
                          const char **error);
} purge_table_t;

static const purge_table_t purge_tables[] = {
    {"codes", oauth2_store_code_purge},
    {"tokens", oauth2_store_token_purge},
};

#define PURGE_TABLES (sizeof(purge_tables) / sizeof(purge_tables[0]))

typedef struct {
    int limit;                 /* rows per batch */
    apr_interval_time_t pause; /* between two batches */
    apr_int64_t rows[PURGE_TABLES];
    int batches[PURGE_TABLES];
} purge_run_t;

static int batch_size(admin_t *admin, int *limit)
{
    char *end;
    long n;

    *limit = PURGE_BATCH_DEFAULT;
    if (!admin->batch_size) {
        return ADMIN_EXIT_OK;
    }
    errno = 0;
    n = strtol(admin->batch_size, &end, 10);
    if (errno || end == admin->batch_size || *end || n < 1 ||
        n > PURGE_BATCH_MAX) {
        return admin_error(admin, ADMIN_EXIT_USAGE,
                           "--batch-size '%s': a whole number of rows from 1 "
                           "to %d",
                           admin->batch_size, PURGE_BATCH_MAX);
    }
    *limit = (int)n;
    return ADMIN_EXIT_OK;
}

static int pause_time(admin_t *admin, apr_interval_time_t *pause)
{
    char *end;
    double s;

    *pause = 0;
    if (!admin->pause) {
        return ADMIN_EXIT_OK;
    }
    errno = 0;
    s = strtod(admin->pause, &end);
    /* The comparison also refuses "nan". */
    if (errno || end == admin->pause || *end ||
        !(s >= 0.0 && s <= PURGE_PAUSE_MAX)) {
        return admin_error(admin, ADMIN_EXIT_USAGE,
                           "--pause '%s': seconds from 0 to %.0f, such as "
                           "0.05",
                           admin->pause, PURGE_PAUSE_MAX);
    }
    *pause = (apr_interval_time_t)(s * APR_USEC_PER_SEC + 0.5);
    return ADMIN_EXIT_OK;
}

/* Deletes table i's expired rows batch by batch, until a batch finds
 * fewer rows than the limit. */
static apr_status_t purge_table(admin_t *admin, purge_run_t *run, int i,
                                const char **error)
{
    int n;

    do {
        if (run->batches[i] > 0 && run->pause > 0) {
            apr_sleep(run->pause);
        }
        if (purge_tables[i].batch(admin->store, run->limit, &n, error) !=
            APR_SUCCESS) {
            return APR_EGENERAL;
        }
        run->batches[i]++;
        run->rows[i] += n;
    } while (n == run->limit);
    return APR_SUCCESS;
}

/* What was deleted (and committed), also when a batch failed. */
static void purge_report(const purge_run_t *run, apr_time_t took)
{
    apr_size_t i;

    printf("purged");
    for (i = 0; i < PURGE_TABLES; i++) {
        printf("%s %" APR_INT64_T_FMT " %s", i ? "," : "", run->rows[i],
               purge_tables[i].what);
    }
    printf("\nin batches of at most %d rows:", run->limit);
    for (i = 0; i < PURGE_TABLES; i++) {
        printf("%s %d for %s", i ? "," : "", run->batches[i],
               purge_tables[i].what);
    }
    printf("; %.1f s\n", (double)took / APR_USEC_PER_SEC);
}

int admin_cmd_purge(admin_t *admin)
{
    purge_run_t run = {0};
    const char *error = NULL;
    apr_time_t start;
    apr_size_t i;
    int rc;

    if ((rc = batch_size(admin, &run.limit)) != ADMIN_EXIT_OK ||
        (rc = pause_time(admin, &run.pause)) != ADMIN_EXIT_OK ||
        (rc = admin_store_open(admin)) != ADMIN_EXIT_OK) {
        return rc;
    }
    start = apr_time_now();
    for (i = 0; i < PURGE_TABLES && !error; i++) {
        purge_table(admin, &run, (int)i, &error);
    }
    purge_report(&run, apr_time_now() - start);
    return error ? admin_store_error(admin, error) : ADMIN_EXIT_OK;
}
