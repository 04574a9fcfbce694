/* at-checksum.h — XXH3-128 content hashes, as 32 lowercase hex digits. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define AT_CHECKSUM_HEX_LEN 32

char *at_checksum_bytes (const void    *data,
                         gsize          len);
char *at_checksum_file  (const char    *path,
                         GCancellable  *cancellable,
                         GError       **error);

G_END_DECLS
