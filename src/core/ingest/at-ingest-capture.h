/* at-ingest-capture.h — a capture's metadata and its times, shared by the
 * ingest planner and the card counter so both decide "already imported"
 * from the same numbers. */
#pragma once

#include "at-ingest-scan.h"
#include "at-metadata.h"

G_BEGIN_DECLS

gboolean at_capture_read_metadata (AtCaptureGroup  *group,
                                   AtMetadata      *meta,
                                   GError         **error);
void     at_capture_times         (AtMetadata      *meta,
                                   gboolean         has_meta,
                                   gint64           mtime,
                                   gint64           clock_shift,
                                   gint64          *local_unix,
                                   char           **capture_utc,
                                   char           **capture_offset);

G_END_DECLS
