/* The statement tables of each table's file, gathered by store.c. */
#ifndef OAUTH2_STORE_TABLES_H
#define OAUTH2_STORE_TABLES_H

#include "store.h"

extern const oauth2_store_statement_t oauth2_client_statements[];
extern const oauth2_store_statement_t oauth2_code_statements[];
extern const oauth2_store_statement_t oauth2_token_statements[];
extern const oauth2_store_statement_t oauth2_consent_statements[];

/* One purge batch (purge.h) of a table with an indexed expires_at: at
 * most %s expired rows. ORDER BY walks the expires_at index from the
 * oldest row, past the index entries of rows the batches before deleted
 * (marked dead, skipped without a heap visit); a sequential scan would
 * read those dead rows again in every batch, and a purge of millions of
 * rows would grow quadratic. ctid: the rows just found, without a second
 * index lookup; the guard is repeated on the row the DELETE sees. */
#define OAUTH2_PURGE_BATCH_SQL(table)                                          \
    "DELETE FROM " table " WHERE ctid = ANY(ARRAY(SELECT ctid FROM " table     \
    " WHERE expires_at < now() ORDER BY expires_at LIMIT %s::integer))"        \
    " AND expires_at < now()"

#endif
