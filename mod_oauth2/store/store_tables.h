/* The statement tables of each table's file, gathered by store.c. */
#ifndef OAUTH2_STORE_TABLES_H
#define OAUTH2_STORE_TABLES_H

#include "store.h"

extern const oauth2_store_statement_t oauth2_client_statements[];
extern const oauth2_store_statement_t oauth2_code_statements[];
extern const oauth2_store_statement_t oauth2_token_statements[];
extern const oauth2_store_statement_t oauth2_consent_statements[];

#endif
