#include "kept_body.h"

#include "http_protocol.h"
#include "util_filter.h"

#include <apr_strings.h>

static ap_filter_rec_t *replay_filter;

typedef struct {
    const char *data; /* what is left to hand out */
    apr_size_t len;
} kept_t;

int oauth2_kept_body_read(request_rec *r, apr_size_t limit, char **body,
                          apr_size_t *len)
{
    const char *declared = apr_table_get(r->headers_in, "Content-Length");
    apr_off_t size = declared ? apr_atoi64(declared) : (apr_off_t)limit;
    apr_bucket_brigade *bb;
    char *buf;
    int eos = 0;

    if (size > (apr_off_t)limit || size < 0) {
        return HTTP_REQUEST_ENTITY_TOO_LARGE;
    }
    buf = apr_palloc(r->pool, (apr_size_t)size + 1);
    bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    *len = 0;
    while (!eos) {
        apr_bucket *b;
        apr_status_t rv =
            ap_get_brigade(r->input_filters, bb, AP_MODE_READBYTES,
                           APR_BLOCK_READ, HUGE_STRING_LEN);
        if (rv != APR_SUCCESS) {
            apr_brigade_destroy(bb);
            return ap_map_http_request_error(rv, HTTP_BAD_REQUEST);
        }
        for (b = APR_BRIGADE_FIRST(bb); b != APR_BRIGADE_SENTINEL(bb);
             b = APR_BUCKET_NEXT(b)) {
            const char *data;
            apr_size_t n;
            if (APR_BUCKET_IS_EOS(b)) {
                eos = 1;
                break;
            }
            if (APR_BUCKET_IS_METADATA(b)) {
                continue;
            }
            if (apr_bucket_read(b, &data, &n, APR_BLOCK_READ) != APR_SUCCESS) {
                apr_brigade_destroy(bb);
                return HTTP_BAD_REQUEST;
            }
            if (n > (apr_size_t)size - *len) {
                apr_brigade_destroy(bb);
                return HTTP_REQUEST_ENTITY_TOO_LARGE;
            }
            memcpy(buf + *len, data, n);
            *len += n;
        }
        apr_brigade_cleanup(bb);
    }
    apr_brigade_destroy(bb);
    buf[*len] = '\0';
    *body = buf;
    return OK;
}

/* Hands out the kept body, then end-of-stream for every later read (as
 * HTTP_IN does once a body is consumed). */
static apr_status_t replay(ap_filter_t *f, apr_bucket_brigade *bb,
                           ap_input_mode_t mode, apr_read_type_e block,
                           apr_off_t readbytes)
{
    kept_t *k = f->ctx;
    apr_bucket_alloc_t *alloc = f->c->bucket_alloc;
    apr_size_t n;

    (void)block;
    if (mode != AP_MODE_READBYTES && mode != AP_MODE_SPECULATIVE) {
        return APR_ENOTIMPL;
    }
    n = readbytes > 0 && (apr_size_t)readbytes < k->len ? (apr_size_t)readbytes
                                                        : k->len;
    if (n) {
        APR_BRIGADE_INSERT_TAIL(
            bb, apr_bucket_pool_create(k->data, n, f->r->pool, alloc));
    }
    if (mode == AP_MODE_READBYTES) {
        k->data += n;
        k->len -= n;
    }
    if (k->len == 0 || (mode == AP_MODE_SPECULATIVE && n == k->len)) {
        APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_eos_create(alloc));
    }
    return APR_SUCCESS;
}

void oauth2_kept_body_replay(request_rec *r, const char *body, apr_size_t len)
{
    kept_t *k = apr_palloc(r->pool, sizeof(*k));

    k->data = body;
    k->len = len;
    /* The handler sees a body of known length, however it came. */
    apr_table_unset(r->headers_in, "Transfer-Encoding");
    apr_table_setn(r->headers_in, "Content-Length",
                   apr_psprintf(r->pool, "%" APR_SIZE_T_FMT, len));
    ap_add_input_filter_handle(replay_filter, k, r, r->connection);
}

void oauth2_kept_body_register(void)
{
    replay_filter = ap_register_input_filter("OAUTH2_KEPT_BODY", replay, NULL,
                                             AP_FTYPE_RESOURCE);
}
