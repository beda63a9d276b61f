/* mod_oauth2's share of each child's mod_dbd connection pools, with a
 * bounded wait. mod_dbd waits for a free connection without a limit
 * (apr_reslist without a timeout): when slow queries hold every
 * connection of a child, its other requests would hang. Through the
 * gate, mod_oauth2 takes at most DBDMax connections of a pool at once
 * and a request waits at most OAUTH2_DBD_WAIT_SECONDS for one; then it
 * gets none and answers 503. Other modules that share the pool
 * (mod_authn_dbd, mod_session_dbd) do not pass the gate. */
#ifndef OAUTH2_HTTP_DBD_GATE_H
#define OAUTH2_HTTP_DBD_GATE_H

#include "httpd.h"

#define OAUTH2_DBD_WAIT_SECONDS 3

/* One gate per pool of this child: servers whose mod_dbd settings
 * (DBDriver, DBDParams, DBDMin, DBDKeep, DBDMax, DBDExptime) are equal
 * share one, as mod_dbd has them share a pool. None for DBDPersist Off,
 * where each open is a connection of its own. */
void oauth2_dbd_gate_child_init(apr_pool_t *pchild, server_rec *s);

/* 1 when one of s's pool's connections is ours to take (leave the gate
 * when it is given back); 0 when none came free in time. */
int oauth2_dbd_gate_enter(server_rec *s);

/* A connection taken after oauth2_dbd_gate_enter is back in the pool. */
void oauth2_dbd_gate_leave(server_rec *s);

#endif
