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

/* text escaped for HTML element content and for attribute values in
 * double or single quotes: & < > " ' become entities. Other bytes, UTF-8
 * included, stay as they are (the pages are UTF-8). */
const char *oauth2_template_escape(apr_pool_t *pool, const char *text);

#endif
