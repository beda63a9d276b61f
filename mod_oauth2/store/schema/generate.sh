#!/bin/sh
# Writes a C file holding every schema/NNN-*.sql migration as a string, so
# that oauth2-admin needs no data files at run time.
set -eu
echo '/* Generated from mod_oauth2/store/schema by generate.sh: do not edit. */'
echo '#include "mod_oauth2/store/schema_store.h"'
echo 'const oauth2_store_migration_t oauth2_store_migrations[] = {'
for f in "$@"; do
    v=$(basename "$f" | sed 's/^0*\([0-9][0-9]*\)-.*/\1/')
    printf '    {%s,\n' "$v"
    sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/     "/' -e 's/$/\\n"/' "$f"
    printf '    },\n'
done
echo '    {0, NULL}};'
