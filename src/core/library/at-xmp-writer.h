/* at-xmp-writer.h — keeps photos' XMP sidecars in step with the catalog, behind. */
#pragma once

#include "at-catalog.h"
#include "at-xmp-sidecar.h"

G_BEGIN_DECLS

#define AT_TYPE_XMP_WRITER (at_xmp_writer_get_type ())
G_DECLARE_FINAL_TYPE (AtXmpWriter, at_xmp_writer, AT, XMP_WRITER, GObject)

AtXmpWriter *at_xmp_writer_new       (AtCatalog         *catalog,
                                      const char        *library,
                                      AtSidecarStyle     style);
void         at_xmp_writer_queue     (AtXmpWriter       *self,
                                      const char *const *photo_ids);
/* Blocks until every queued sidecar is written; for tests and shutdown. */
void         at_xmp_writer_flush     (AtXmpWriter       *self);
guint        at_xmp_writer_get_failures (AtXmpWriter    *self);

/* What a photo's sidecar says, from the catalog: its culling state,
 * keywords and confirmed faces (@data initialised; @rel: its library path,
 * may be NULL). */
gboolean     at_xmp_data_load        (AtSqlConn         *conn,
                                      const char        *photo_id,
                                      AtXmpData         *data,
                                      char             **rel,
                                      GError           **error);

G_END_DECLS
