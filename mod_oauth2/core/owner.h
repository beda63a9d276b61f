/* Resource owner names: what Apache authenticated (r->user) or the
 * password grant's username, before a code or token is issued for it. */
#ifndef OAUTH2_CORE_OWNER_H
#define OAUTH2_CORE_OWNER_H

/* Whether name may own tokens. Refused: an empty name; bytes that are not
 * UTF-8 (JWT claims and JSON answers need UTF-8); control characters
 * (C0, DEL and C1: they would cut or forge lines of logs, cache entries
 * and headers); a name starting with "client:" in any case, which would
 * read as a client's own identity (subject.h). Returns NULL or
 * what is wrong, as a phrase ("contains a control character"). */
const char *oauth2_owner_name_check(const char *name);

#endif
