#include "grant.h"

#include <apr_strings.h>

static const struct {
    unsigned int bit;
    const char *name;
} grant_names[] = {
    {OAUTH2_GRANT_AUTHORIZATION_CODE, "authorization_code"},
    {OAUTH2_GRANT_IMPLICIT, "implicit"},
    {OAUTH2_GRANT_PASSWORD, "password"},
    {OAUTH2_GRANT_CLIENT_CREDENTIALS, "client_credentials"},
    {OAUTH2_GRANT_REFRESH_TOKEN, "refresh_token"},
};

#define GRANT_COUNT (sizeof(grant_names) / sizeof(grant_names[0]))

unsigned int oauth2_grant_from_name(const char *name)
{
    apr_size_t i;

    for (i = 0; i < GRANT_COUNT; i++) {
        if (!strcmp(name, grant_names[i].name)) {
            return grant_names[i].bit;
        }
    }
    return 0;
}

const char *oauth2_grant_name(unsigned int grant)
{
    apr_size_t i;

    for (i = 0; i < GRANT_COUNT; i++) {
        if (grant_names[i].bit == grant) {
            return grant_names[i].name;
        }
    }
    return NULL;
}

const char *oauth2_grants_parse(apr_pool_t *pool, const char *list,
                                unsigned int *grants)
{
    char *copy = apr_pstrdup(pool, list), *last, *word;

    *grants = 0;
    for (word = apr_strtok(copy, " \t", &last); word;
         word = apr_strtok(NULL, " \t", &last)) {
        unsigned int bit = oauth2_grant_from_name(word);
        if (!bit) {
            return apr_psprintf(pool, "unknown grant type '%s' (known: %s)",
                                word, oauth2_grants_known());
        }
        *grants |= bit;
    }
    return NULL;
}

const char *oauth2_grants_format(apr_pool_t *pool, unsigned int grants)
{
    const char *out = "";
    apr_size_t i;

    for (i = 0; i < GRANT_COUNT; i++) {
        if (grants & grant_names[i].bit) {
            out = *out ? apr_pstrcat(pool, out, " ", grant_names[i].name, NULL)
                       : grant_names[i].name;
        }
    }
    return out;
}

const char *oauth2_grants_known(void)
{
    return "authorization_code implicit password client_credentials "
           "refresh_token";
}
