/* oauth2_client: registered clients. */
#ifndef OAUTH2_STORE_CLIENT_H
#define OAUTH2_STORE_CLIENT_H

#include "store.h"

#include <apr_tables.h>

typedef struct {
    const char *client_id;
    const char *name;
    const char *secret_hash;   /* SHA-256 hex; NULL for a public client */
    const char *redirect_uris; /* space-separated, matched exactly */
    const char *grant_types;   /* space-separated protocol names */
    const char *scopes;        /* space-separated */
    const char *created_at;    /* ISO 8601 */
    int disabled;
    int introspect; /* may introspect other clients' tokens (RFC 7662 §4) */
} oauth2_client_t;

/* A flag of oauth2_store_client_update left as it is. */
#define OAUTH2_CLIENT_KEEP -1

/* APR_EEXIST when the client_id is taken. */
apr_status_t oauth2_store_client_insert(oauth2_store_t *store,
                                        const oauth2_client_t *client,
                                        const char **error);

/* APR_NOTFOUND when there is no such client. */
apr_status_t oauth2_store_client_get(oauth2_store_t *store,
                                     const char *client_id,
                                     oauth2_client_t **client,
                                     const char **error);

/* Every client, ordered by client_id, as oauth2_client_t *. */
apr_status_t oauth2_store_client_list(oauth2_store_t *store,
                                      apr_array_header_t **clients,
                                      const char **error);

/* Deletes the client and, by cascade, its codes, tokens and consents.
 * APR_NOTFOUND when there is no such client. */
apr_status_t oauth2_store_client_delete(oauth2_store_t *store,
                                        const char *client_id,
                                        const char **error);

/* Replaces the secret hash. APR_NOTFOUND when there is no such client. */
apr_status_t oauth2_store_client_set_secret(oauth2_store_t *store,
                                            const char *client_id,
                                            const char *secret_hash,
                                            const char **error);

/* Replaces the redirect URIs, grant types and scopes that are not NULL
 * in changes (space-separated lists), and the disabled and introspect
 * flags that are 0 or 1 (OAUTH2_CLIENT_KEEP keeps one). Disabling
 * revokes the client's live tokens and expires its unused codes, in the
 * same statement; enabling brings none back. APR_NOTFOUND when there is
 * no such client. */
apr_status_t oauth2_store_client_update(oauth2_store_t *store,
                                        const char *client_id,
                                        const oauth2_client_t *changes,
                                        int disabled, int introspect,
                                        const char **error);

#endif
