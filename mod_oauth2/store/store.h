/* The store: every SQL statement of mod_oauth2, run through APR DBD.
 *
 * This layer knows apr_dbd and nothing of httpd: the module fills an
 * oauth2_store_t from a mod_dbd pooled connection (whose statements mod_dbd
 * prepared from oauth2_store_statements()), the admin tool and the tests
 * from a connection of their own. */
#ifndef OAUTH2_STORE_H
#define OAUTH2_STORE_H

#include <apr_dbd.h>
#include <apr_hash.h>
#include <apr_pools.h>

typedef struct {
    apr_pool_t *pool; /* results and strings live here */
    const apr_dbd_driver_t *driver;
    apr_dbd_t *handle;
    apr_hash_t *prepared;  /* label -> apr_dbd_prepared_t * */
    int standalone;        /* prepare missing labels on demand */
    apr_pool_t *conn_pool; /* mod_dbd: the pooled connection's */
} oauth2_store_t;

/* One statement: a label for mod_dbd (always "oauth2_…") and its SQL in
 * APR DBD syntax (%s placeholders; every argument is passed as text). */
typedef struct {
    const char *label;
    const char *sql;
} oauth2_store_statement_t;

/* Every statement of every table, ending with {NULL, NULL}. */
const oauth2_store_statement_t *const *oauth2_store_statement_tables(void);

/* Calls fn for each statement; stops at and returns the first non-zero. */
int oauth2_store_each_statement(int (*fn)(void *baton, const char *label,
                                          const char *sql),
                                void *baton);

/* Opens a standalone PostgreSQL connection (libpq conninfo string) for the
 * admin tool and the tests. The connection is closed with the pool. */
apr_status_t oauth2_store_open(apr_pool_t *pool, const char *conninfo,
                               oauth2_store_t **store, const char **error);

/* Runs a prepared statement that returns rows (all rows are fetched, so
 * the connection is free again afterwards). */
apr_status_t oauth2_store_select(oauth2_store_t *store, const char *label,
                                 apr_dbd_results_t **res, const char **error,
                                 int nargs, const char **args);

/* Runs a prepared statement that returns no rows; *rows = rows affected. */
apr_status_t oauth2_store_exec(oauth2_store_t *store, const char *label,
                               int *rows, const char **error, int nargs,
                               const char **args);

/* Receives each row of oauth2_store_rows. */
typedef void (*oauth2_store_row_fn)(oauth2_store_t *store, apr_dbd_row_t *row,
                                    void *baton);

/* Runs a prepared statement that returns rows and hands every row to
 * take, reading the result to its end. */
apr_status_t oauth2_store_rows(oauth2_store_t *store, const char *label,
                               int nargs, const char **args,
                               oauth2_store_row_fn take, void *baton,
                               const char **error);

/* A row_fn that pushes column 0 onto the array baton (const char *). */
void oauth2_store_take_text(oauth2_store_t *store, apr_dbd_row_t *row,
                            void *baton);

/* Column n as a boolean ('t') or a 64-bit integer (0 for NULL). */
int oauth2_store_flag(oauth2_store_t *store, apr_dbd_row_t *row, int n);
apr_int64_t oauth2_store_int64(oauth2_store_t *store, apr_dbd_row_t *row,
                               int n);

/* Steps *row through a result: start with *row = NULL; returns 1 while
 * *row is a row, 0 after the last (callers always drain to the end). */
int oauth2_store_next_row(oauth2_store_t *store, apr_dbd_results_t *res,
                          apr_dbd_row_t **row);

/* Column n of a row as a string copied to store->pool (it outlives the
 * result); NULL for SQL NULL. */
const char *oauth2_store_column(oauth2_store_t *store, apr_dbd_row_t *row,
                                int n);

/* Runs fn inside one transaction: committed when fn returns APR_SUCCESS,
 * rolled back otherwise. */
apr_status_t oauth2_store_transaction(oauth2_store_t *store,
                                      apr_status_t (*fn)(oauth2_store_t *,
                                                         void *baton,
                                                         const char **error),
                                      void *baton, const char **error);

#endif
