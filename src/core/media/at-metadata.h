/* at-metadata.h — what the camera wrote into a file (EXIF/XMP), via gexiv2. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  char    *make;
  char    *model;
  char    *serial;
  char    *lens;
  /* capture time: camera-local wall time and the offset it was taken at */
  gboolean has_capture_time;
  gint64   local_unix;     /* the local wall time, read as if it were UTC */
  int      subsec_ms;
  gboolean has_offset;
  int      offset_minutes;
  int      width;
  int      height;
  int      orientation;    /* 1..8 */
  int      rating;         /* -1..5 */
  char    *label;
  /* exposure, 0 when the camera did not say */
  int      exposure_num, exposure_den;   /* seconds, as a fraction */
  double   fnumber;
  int      iso;
  double   focal_length;   /* mm */
} AtMetadata;

gboolean at_metadata_read  (const char  *path,
                            AtMetadata  *meta,
                            GError     **error);
void     at_metadata_clear (AtMetadata  *meta);
char    *at_metadata_dup_offset_string (const AtMetadata *meta);
char    *at_metadata_dup_exposure      (const AtMetadata *meta);

G_END_DECLS
