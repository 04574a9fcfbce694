/* at-log.c — libvips warns on stderr about every damaged file it reads
 * (then fails or not, as asked). Atelier reports such files itself, per
 * file, so those warnings become debug messages. Called once by main() of
 * each program; libraries must not set the writer. */
#include "config.h"

#include "at-log.h"

static GLogWriterOutput
writer (GLogLevelFlags   level,
        const GLogField *fields,
        gsize            n_fields,
        gpointer         user_data)
{
  if (level & (G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE))
    for (gsize i = 0; i < n_fields; i++)
      if (g_str_equal (fields[i].key, "GLIB_DOMAIN") && fields[i].length < 0 &&
          g_strcmp0 (fields[i].value, "VIPS") == 0)
        return g_log_writer_default (G_LOG_LEVEL_DEBUG, fields, n_fields, user_data);
  return g_log_writer_default (level, fields, n_fields, user_data);
}

void
at_log_install_writer (void)
{
  g_log_set_writer_func (writer, NULL, NULL);
}
