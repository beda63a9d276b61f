#include "owner.h"
#include "form.h"
#include "subject.h"

#include <apr_strings.h>

/* C0, DEL, and C1 (U+0080 to U+009F, encoded as 0xC2 0x80-0x9F). The
 * name is valid UTF-8 by now, so 0xC2 always starts a character. */
static int has_control(const char *name)
{
    const unsigned char *p;

    for (p = (const unsigned char *)name; *p; p++) {
        if (*p < 0x20 || *p == 0x7f ||
            (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)) {
            return 1;
        }
    }
    return 0;
}

const char *oauth2_owner_name_check(const char *name)
{
    if (!name || !*name) {
        return "is empty";
    }
    if (!oauth2_utf8_valid(name)) {
        return "is not valid UTF-8";
    }
    if (has_control(name)) {
        return "contains a control character";
    }
    if (!strncasecmp(name, OAUTH2_CLIENT_SUBJECT_PREFIX,
                     sizeof(OAUTH2_CLIENT_SUBJECT_PREFIX) - 1)) {
        return "starts with '" OAUTH2_CLIENT_SUBJECT_PREFIX
               "', which names a client's own tokens";
    }
    return NULL;
}
