#include "purge.h"
#include "store_tables.h"

const oauth2_store_statement_t oauth2_code_statements[] = {
    {"oauth2_code_purge", "DELETE FROM oauth2_code WHERE expires_at < now()"},
    {NULL, NULL}};

apr_status_t oauth2_store_code_purge(oauth2_store_t *store, int *count,
                                     const char **error)
{
    return oauth2_store_exec(store, "oauth2_code_purge", count, error, 0,
                             NULL);
}
