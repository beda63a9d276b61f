/* mod_oauth2's share of each child's mod_dbd connection pools, with a
 * bounded wait, and a guard for a database that fails. mod_dbd waits for a free connection without a limit
 * (apr_reslist without a timeout): when slow queries hold every
 * connection of a child, its other requests would hang. Through the
 * gate, mod_oauth2 takes at most DBDMax connections of a pool at once
 * and a request waits at most OAUTH2_DBD_WAIT_SECONDS for one; then it
 * gets none and answers 503. Other modules that share the pool
 * (mod_authn_dbd, mod_session_dbd) do not pass the gate.
 *
 * APR's pool also opens a new connection with its lock held, so while
 * PostgreSQL does not answer, every request that needs a connection
 * would queue behind one attempt and then make its own, each waiting up
 * to libpq's connect_timeout (for ever without one). Once an attempt
 * has failed, one request at a time tries again and the others are told
 * at once; the first success lets everyone through. */
#ifndef OAUTH2_HTTP_DBD_GATE_H
#define OAUTH2_HTTP_DBD_GATE_H

#include "httpd.h"

#define OAUTH2_DBD_WAIT_SECONDS 3

/* One gate per pool of this child: servers whose mod_dbd settings
 * (DBDriver, DBDParams, DBDMin, DBDKeep, DBDMax, DBDExptime) are equal
 * share one, as mod_dbd has them share a pool. With DBDPersist Off, where
 * each open is a connection of its own, the gate counts nothing and only
 * guards a failing database. */
void oauth2_dbd_gate_child_init(apr_pool_t *pchild, server_rec *s);

typedef enum {
    OAUTH2_GATE_IN,      /* try to connect, then oauth2_dbd_gate_tried */
    OAUTH2_GATE_FULL,    /* no connection came free in time */
    OAUTH2_GATE_FAILING, /* the last attempt failed; another is trying */
} oauth2_gate_status_t;

/* OAUTH2_GATE_IN when one of s's pool's connections is ours to take:
 * report the attempt with oauth2_dbd_gate_tried, and leave the gate when
 * the connection is given back (or the attempt failed). */
oauth2_gate_status_t oauth2_dbd_gate_enter(server_rec *s);

/* After the attempt to get a connection: connected says whether it did. */
void oauth2_dbd_gate_tried(server_rec *s, int connected);

/* A connection taken after oauth2_dbd_gate_enter is back in the pool. */
void oauth2_dbd_gate_leave(server_rec *s);

#endif
