#include "consent_store.h"
#include "store_tables.h"

const oauth2_store_statement_t oauth2_consent_statements[] = {
    {"oauth2_consent_get",
     "SELECT array_to_string(scopes, ' ') FROM oauth2_consent"
     " WHERE user_id = %s AND client_id = %s"},
    {"oauth2_consent_grant",
     "INSERT INTO oauth2_consent (user_id, client_id, scopes)"
     " VALUES (%s, %s, string_to_array(%s, ' '))"
     " ON CONFLICT (user_id, client_id) DO UPDATE SET"
     " scopes = ARRAY(SELECT DISTINCT unnest(oauth2_consent.scopes"
     " || EXCLUDED.scopes) ORDER BY 1), updated_at = now()"},
    {NULL, NULL}};

apr_status_t oauth2_store_consent_get(oauth2_store_t *store,
                                      const char *user_id,
                                      const char *client_id,
                                      const char **scopes, const char **error)
{
    const char *args[] = {user_id, client_id};
    apr_array_header_t *found =
        apr_array_make(store->pool, 1, sizeof(const char *));
    apr_status_t rv = oauth2_store_rows(store, "oauth2_consent_get", 2, args,
                                        oauth2_store_take_text, found, error);

    *scopes = NULL;
    if (rv != APR_SUCCESS) {
        return rv;
    }
    if (found->nelts == 0) {
        *error = "no consent";
        return APR_NOTFOUND;
    }
    *scopes = APR_ARRAY_IDX(found, 0, const char *);
    return APR_SUCCESS;
}

apr_status_t oauth2_store_consent_grant(oauth2_store_t *store,
                                        const char *user_id,
                                        const char *client_id,
                                        const char *scopes, const char **error)
{
    const char *args[] = {user_id, client_id, scopes};

    return oauth2_store_exec(store, "oauth2_consent_grant", NULL, error, 3,
                             args);
}
