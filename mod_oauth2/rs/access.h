/* What a valid access token grants, as the resource server sees it. */
#ifndef OAUTH2_RS_ACCESS_H
#define OAUTH2_RS_ACCESS_H

#include "httpd.h"

typedef struct {
    const char *client_id;
    const char *user;    /* NULL: the client's own token */
    const char *scope;   /* space-separated */
    apr_int64_t expires; /* epoch seconds */
} oauth2_access_t;

typedef enum {
    OAUTH2_ACCESS_VALID,
    OAUTH2_ACCESS_INVALID,    /* unknown, expired, revoked, refresh */
    OAUTH2_ACCESS_UNAVAILABLE /* the database cannot be asked */
} oauth2_access_status_t;

/* Validates a bearer token: the cache first, then the store. */
oauth2_access_status_t oauth2_access_check(request_rec *r, const char *token,
                                           oauth2_access_t *access);

/* What a request's accepted token gave it (the module's request_config). */
typedef struct {
    oauth2_access_t access;
    const char *token;         /* as the client sent it */
    const char *authorization; /* the Basic header taken from the request */
} oauth2_accepted_t;

/* Makes access the request's identity: r->user, the OAUTH2_* environment,
 * and the note the authz providers read. */
oauth2_accepted_t *oauth2_access_apply(request_rec *r,
                                       const oauth2_access_t *access,
                                       const char *token);

/* The access of this request, when a token was accepted; else NULL. */
const oauth2_access_t *oauth2_access_of(request_rec *r);

/* What the request that made r (a subrequest or an internal redirect,
 * however nested) accepted; NULL for an initial request or when none
 * was accepted. */
const oauth2_accepted_t *oauth2_accepted_upstream(request_rec *r);

#endif
