/* Configuration records: creation, merging, directives and defaults. */
#ifndef OAUTH2_CONFIG_H
#define OAUTH2_CONFIG_H

#include "../mod_oauth2.h"

extern const command_rec oauth2_commands[];

void *oauth2_server_conf_create(apr_pool_t *pool, server_rec *s);
void *oauth2_server_conf_merge(apr_pool_t *pool, void *base, void *add);
void *oauth2_dir_conf_create(apr_pool_t *pool, char *dir);
void *oauth2_dir_conf_merge(apr_pool_t *pool, void *base, void *add);

/* Applies the defaults to every server's record and checks the settings
 * that depend on each other; returns NULL or the error that stops the
 * server from starting. */
const char *oauth2_server_conf_finish(apr_pool_t *pool, server_rec *s);

#endif
