/* Removal of rows nobody can use any more.
 *
 * A purge runs in batches: each call deletes at most limit rows with one
 * statement, which (outside oauth2_store_transaction) is its own short
 * transaction. Millions of expired rows then go without one long
 * transaction that locks every row it deletes (a family revocation
 * touching one of them would wait for it), holds back VACUUM on every
 * table while it runs, and is lost whole when interrupted. The caller
 * repeats the call while it returns *count == limit; fewer means none was
 * left. (Consents do not expire: nothing to purge there.) */
#ifndef OAUTH2_STORE_PURGE_H
#define OAUTH2_STORE_PURGE_H

#include "store.h"

/* Deletes up to limit (> 0) expired authorization codes, the oldest
 * first; *count = rows deleted. */
apr_status_t oauth2_store_code_purge(oauth2_store_t *store, int limit,
                                     int *count, const char **error);

/* Deletes up to limit (> 0) expired access and refresh tokens (revoked or
 * not: an expired token is refused either way), the oldest first;
 * *count = rows deleted. */
apr_status_t oauth2_store_token_purge(oauth2_store_t *store, int limit,
                                      int *count, const char **error);

#endif
