/* at-log.h — process-wide logging policy for Atelier's programs. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void at_log_install_writer (void);

G_END_DECLS
