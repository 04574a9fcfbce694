/* at-ingest-error.h — the AT_INGEST_ERROR domain. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define AT_INGEST_ERROR (at_ingest_error_quark ())

typedef enum {
  AT_INGEST_ERROR_FAILED,
  AT_INGEST_ERROR_SOURCE_GONE,     /* card pulled: EIO, ENODEV, ENOTCONN, ENXIO */
  AT_INGEST_ERROR_DEST_FULL,
  AT_INGEST_ERROR_DEST_READ_ONLY,
  AT_INGEST_ERROR_VERIFY_FAILED,
  AT_INGEST_ERROR_BAD_TEMPLATE,
  AT_INGEST_ERROR_NO_MEDIA,
} AtIngestError;

GQuark   at_ingest_error_quark   (void);
gboolean at_ingest_error_is_source_gone (int errsv);

G_END_DECLS
