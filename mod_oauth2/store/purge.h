/* Removal of rows nobody can use any more. */
#ifndef OAUTH2_STORE_PURGE_H
#define OAUTH2_STORE_PURGE_H

#include "store.h"

/* Deletes expired authorization codes; *count = rows deleted. */
apr_status_t oauth2_store_code_purge(oauth2_store_t *store, int *count,
                                     const char **error);

/* Deletes expired access and refresh tokens (revoked or not: an expired
 * token is refused either way); *count = rows deleted. */
apr_status_t oauth2_store_token_purge(oauth2_store_t *store, int *count,
                                      const char **error);

#endif
