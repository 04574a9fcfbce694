/* at-paths.h — where Atelier keeps things by default, and path checks. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

char     *at_paths_default_catalog      (void);
char     *at_paths_default_library      (void);
gboolean  at_paths_check_directory      (const char  *path,
                                         const char  *what,
                                         GError     **error);

G_END_DECLS
