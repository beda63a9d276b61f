#include "key.h"

#include <stdio.h>
#include <string.h>

#include <apr_strings.h>
#include <openssl/core_names.h>
#include <openssl/pem.h>

static apr_status_t free_key(void *key)
{
    EVP_PKEY_free(key);
    return APR_SUCCESS;
}

static const char *check_key(apr_pool_t *pool, EVP_PKEY *key)
{
    char group[64] = "";

    if (EVP_PKEY_is_a(key, "RSA")) {
        if (EVP_PKEY_get_bits(key) < 2048) {
            return apr_psprintf(pool,
                                "RSA key of %d bits is too short "
                                "(2048 at least)",
                                EVP_PKEY_get_bits(key));
        }
        return NULL;
    }
    if (EVP_PKEY_is_a(key, "EC")) {
        EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group,
                                       sizeof(group), NULL);
        if (!strcmp(group, "prime256v1") || !strcmp(group, "P-256")) {
            return NULL;
        }
        return apr_psprintf(pool,
                            "EC curve '%s' is not supported (P-256 "
                            "only, for ES256)",
                            group);
    }
    return "not an RSA or EC P-256 private key";
}

/* Never prompt on a terminal for a passphrase (httpd has none). */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
    (void)buf, (void)size, (void)rwflag, (void)u;
    return -1;
}

const char *oauth2_key_load_private(apr_pool_t *pool, const char *path,
                                    EVP_PKEY **key)
{
    const char *err;
    FILE *f = fopen(path, "r");

    if (!f) {
        return apr_psprintf(pool, "cannot read '%s'", path);
    }
    *key = PEM_read_PrivateKey(f, NULL, no_passphrase, NULL);
    fclose(f);
    if (!*key) {
        return apr_psprintf(pool,
                            "'%s' holds no PEM private key "
                            "(an encrypted key needs no passphrase here: "
                            "store it unencrypted, readable by root only)",
                            path);
    }
    apr_pool_cleanup_register(pool, *key, free_key, apr_pool_cleanup_null);
    if ((err = check_key(pool, *key)) != NULL) {
        return apr_psprintf(pool, "'%s': %s", path, err);
    }
    return NULL;
}

const char *oauth2_key_algorithm(EVP_PKEY *key)
{
    return EVP_PKEY_is_a(key, "RSA") ? "RS256" : "ES256";
}
