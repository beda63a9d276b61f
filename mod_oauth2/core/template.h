/* The consent page template: {{name}} placeholders replaced by values the
 * caller has already escaped for HTML. */
#ifndef OAUTH2_CORE_TEMPLATE_H
#define OAUTH2_CORE_TEMPLATE_H

#include <apr_hash.h>
#include <apr_pools.h>

/* Replaces each {{name}} with values[name]; an unknown name becomes the
 * empty string (so a template never leaks its placeholders). */
const char *oauth2_template_render(apr_pool_t *pool, const char *tmpl,
                                   apr_hash_t *values);

#endif
