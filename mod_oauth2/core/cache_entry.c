#include "cache_entry.h"

#include <string.h>

#include <apr_strings.h>

/* entry  = MAGIC field(context) field(until) kind
 * kind   = "R"                                           a refusal
 *        / "U" field(expires) field(client_id) field(user) field(scope)
 *        / "C" field(expires) field(client_id) field(scope)   no user
 * field  = length ":" bytes   (length in decimal, no leading zero)
 *
 * Every field says how long it is, so no byte inside one is special, and
 * decoding needs no search. The magic ("~" is no hex digit) tells these
 * entries from those of the earlier newline-separated format, which began
 * with the context's hex digits, in a cache shared with hosts not yet
 * upgraded: each reads the other's as a miss. */
#define MAGIC "~1"
#define MAGIC_LEN (sizeof(MAGIC) - 1)

/* Longest decimal length accepted: more than any entry, far from an
 * overflow. */
#define LENGTH_DIGITS_MAX 9

/* Fields of an entry at most: context, until, expires, client_id, user,
 * scope. */
#define FIELDS_MAX 6

typedef struct {
    char *out;
} writer_t;

static void put_field(writer_t *w, const char *bytes, apr_size_t n)
{
    w->out += apr_snprintf(w->out, 24, "%" APR_SIZE_T_FMT ":", n);
    memcpy(w->out, bytes, n);
    w->out += n;
}

static void put_number(writer_t *w, apr_int64_t value)
{
    char digits[24];

    put_field(w, digits,
              apr_snprintf(digits, sizeof(digits), "%" APR_INT64_T_FMT, value));
}

const char *oauth2_cache_entry_encode(apr_pool_t *pool,
                                      const oauth2_cache_entry_t *e,
                                      apr_size_t *len)
{
    const char *text[FIELDS_MAX] = {e->context};
    apr_size_t size = MAGIC_LEN + 1 + FIELDS_MAX * 24 + 1, i;
    writer_t w;
    char *start;

    if (!e->refused) {
        text[1] = e->client_id;
        text[2] = e->user;
        text[3] = e->scope;
    }
    for (i = 0; i < FIELDS_MAX; i++) {
        size += text[i] ? strlen(text[i]) : 0;
    }
    w.out = start = apr_palloc(pool, size);
    memcpy(w.out, MAGIC, MAGIC_LEN);
    w.out += MAGIC_LEN;
    put_field(&w, e->context, strlen(e->context));
    put_number(&w, e->until);
    *w.out++ = e->refused ? 'R' : e->user ? 'U' : 'C';
    if (!e->refused) {
        put_number(&w, e->expires);
        put_field(&w, e->client_id, strlen(e->client_id));
        if (e->user) {
            put_field(&w, e->user, strlen(e->user));
        }
        put_field(&w, e->scope, strlen(e->scope));
    }
    *w.out = '\0';
    *len = w.out - start;
    return start;
}

typedef struct {
    const char *p, *end;
    char *copy; /* where the next string field is copied, NUL-terminated */
} reader_t;

/* The next field's bytes (*n of them), or NULL when there is none. */
static const char *take(reader_t *r, apr_size_t *n)
{
    const char *digits = r->p;
    apr_size_t len = 0;

    while (r->p < r->end && *r->p >= '0' && *r->p <= '9' &&
           r->p - digits < LENGTH_DIGITS_MAX) {
        len = len * 10 + (*r->p++ - '0');
    }
    if (r->p == digits || r->p == r->end || *r->p != ':' ||
        (*digits == '0' && r->p - digits > 1) ||
        len > (apr_size_t)(r->end - r->p - 1)) {
        return NULL;
    }
    r->p += 1 + len;
    *n = len;
    return r->p - len;
}

/* The next field as a string; NULL when there is none or it holds a NUL
 * (which a C string could not have come from). */
static const char *take_string(reader_t *r)
{
    apr_size_t n;
    const char *bytes = take(r, &n);
    char *s = r->copy;

    if (!bytes || memchr(bytes, '\0', n)) {
        return NULL;
    }
    memcpy(s, bytes, n);
    s[n] = '\0';
    r->copy += n + 1;
    return s;
}

/* The next field as a non-negative number, written as encode writes it. */
static int take_number(reader_t *r, apr_int64_t *value)
{
    apr_size_t n, i;
    const char *digits = take(r, &n);

    if (!digits || n == 0 || (digits[0] == '0' && n > 1)) {
        return 0;
    }
    for (*value = 0, i = 0; i < n; i++) {
        int d = digits[i] - '0';
        if (d < 0 || d > 9 || *value > (APR_INT64_MAX - d) / 10) {
            return 0;
        }
        *value = *value * 10 + d;
    }
    return 1;
}

int oauth2_cache_entry_decode(apr_pool_t *pool, const char *data,
                              apr_size_t len, oauth2_cache_entry_t *e)
{
    reader_t r = {data + MAGIC_LEN, data + len, NULL};
    char kind;

    if (len < MAGIC_LEN || memcmp(data, MAGIC, MAGIC_LEN)) {
        return 0;
    }
    /* Every string is shorter than the entry: one allocation for all. */
    r.copy = apr_palloc(pool, len + FIELDS_MAX);
    memset(e, 0, sizeof(*e));
    if (!(e->context = take_string(&r)) || !take_number(&r, &e->until) ||
        r.p == r.end) {
        return 0;
    }
    kind = *r.p++;
    if (kind == 'R') {
        e->refused = 1;
        return r.p == r.end;
    }
    if ((kind != 'U' && kind != 'C') || !take_number(&r, &e->expires) ||
        !(e->client_id = take_string(&r)) ||
        (kind == 'U' && !(e->user = take_string(&r))) ||
        !(e->scope = take_string(&r))) {
        return 0;
    }
    return r.p == r.end;
}
