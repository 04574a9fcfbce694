/* at-ingest-template.h — file and folder names from capture data. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define AT_INGEST_DEFAULT_FILE_TEMPLATE   "{date}-{time}{subsec}_{original}_{seq}"
#define AT_INGEST_DEFAULT_FOLDER_TEMPLATE "{year}/{eventdate}{job}"

typedef struct
{
  gint64      local_unix;     /* capture wall time, clock offsets applied */
  int         subsec_ms;
  int         day_start_hour; /* the event day starts here (default 3) */
  const char *original;       /* original file name without extension */
  const char *model;
  const char *serial;
  const char *job;
  guint       seq;            /* per session */
  guint       dayseq;         /* per event day */
} AtTemplateContext;

gboolean at_ingest_template_validate (const char               *file_template,
                                      const char               *folder_template,
                                      GError                  **error);
char    *at_ingest_template_expand   (const char               *tmpl,
                                      const AtTemplateContext  *ctx);
char    *at_ingest_sanitize_component (const char              *text);

G_END_DECLS
