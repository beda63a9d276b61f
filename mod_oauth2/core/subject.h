/* Who a token speaks for, in one name space for owners and clients
 * (RFC 9068 §5: a client's own token must not be taken for a user's):
 * an owner's token has the owner's name as subject; a client's own token
 * (client_credentials: no owner) has "client:" + its client id. This is
 * the JWT "sub", introspection's "sub" and the resource server's
 * REMOTE_USER. (The authorization endpoint and the password grant
 * refuse owner names that start with the prefix.) */
#ifndef OAUTH2_CORE_SUBJECT_H
#define OAUTH2_CORE_SUBJECT_H

#include <apr_pools.h>

#define OAUTH2_CLIENT_SUBJECT_PREFIX "client:"

/* The subject of a token of client_id for user (NULL: the client's own
 * token). */
const char *oauth2_subject(apr_pool_t *pool, const char *user,
                           const char *client_id);

/* The client id that subject names ("client:ID" gives ID), or NULL when
 * it names an owner. */
const char *oauth2_subject_client(const char *subject);

#endif
