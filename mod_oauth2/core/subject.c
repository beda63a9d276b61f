#include "subject.h"

#include <apr_strings.h>

#define PREFIX_LEN (sizeof(OAUTH2_CLIENT_SUBJECT_PREFIX) - 1)

const char *oauth2_subject(apr_pool_t *pool, const char *user,
                           const char *client_id)
{
    return user ? user
                : apr_pstrcat(pool, OAUTH2_CLIENT_SUBJECT_PREFIX, client_id,
                              NULL);
}

const char *oauth2_subject_client(const char *subject)
{
    return strncmp(subject, OAUTH2_CLIENT_SUBJECT_PREFIX, PREFIX_LEN)
               ? NULL
               : subject + PREFIX_LEN;
}
