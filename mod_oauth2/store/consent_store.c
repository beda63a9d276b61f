#include "store_tables.h"

/* Remembered consent arrives with the authorization endpoint. */
const oauth2_store_statement_t oauth2_consent_statements[] = {
    {NULL, NULL}};
