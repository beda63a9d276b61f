/* oauth2_consent: what an owner approved for a client
 * (OAuth2ConsentRemember). */
#ifndef OAUTH2_STORE_CONSENT_H
#define OAUTH2_STORE_CONSENT_H

#include "store.h"

#include <apr_tables.h>

/* The scopes (space-separated) user approved for client_id.
 * APR_NOTFOUND when the owner never approved this client. */
apr_status_t oauth2_store_consent_get(oauth2_store_t *store,
                                      const char *user_id,
                                      const char *client_id,
                                      const char **scopes, const char **error);

/* Adds scopes (space-separated) to what user approved for client_id. */
apr_status_t oauth2_store_consent_grant(oauth2_store_t *store,
                                        const char *user_id,
                                        const char *client_id,
                                        const char *scopes, const char **error);

#endif
