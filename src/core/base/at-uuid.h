/* at-uuid.h — UUIDv7 keys generated on the workstation, and name-based keys
 * for members of sets (RFC 9562). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define AT_UUID_STRING_LEN 36

void   at_uuid_v7_generate (char out[AT_UUID_STRING_LEN + 1]);
char  *at_uuid_v7_new      (void);
void   at_uuid_member      (char        out[AT_UUID_STRING_LEN + 1],
                            const char *set,
                            const char *member);
gboolean at_uuid_is_valid  (const char *str);

G_END_DECLS
