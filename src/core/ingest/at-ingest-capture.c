/* at-ingest-capture.c — metadata and capture times of one capture. */
#define G_LOG_DOMAIN "atelier-ingest"

#include "config.h"

#include "at-ingest-capture.h"

/* The primary's metadata, else a sibling's: a RAW exiv2 cannot parse
 * usually travels with a JPEG from the same shutter press. */
gboolean
at_capture_read_metadata (AtCaptureGroup  *group,
                          AtMetadata      *meta,
                          GError         **error)
{
  for (guint i = 0; i < group->files->len; i++)
    {
      AtSourceFile *f = g_ptr_array_index (group->files, i);
      g_autoptr(GError) local_error = NULL;

      if (i > 0 && !g_str_equal (f->role, "jpeg") && !g_str_equal (f->role, "heif") && !g_str_equal (f->role, "raw"))
        continue;
      at_metadata_clear (meta);
      if (at_metadata_read (f->path, meta, &local_error))
        return TRUE;
      if (i == 0)
        g_propagate_error (error, g_steal_pointer (&local_error));
    }
  return FALSE;
}

/**
 * at_capture_times:
 * @clock_shift: seconds to add for this body's clock
 * @local_unix: (out): the camera's wall time, for names
 * @capture_utc: (out): ISO 8601 UTC with milliseconds, as stored, or %NULL
 * @capture_offset: (out): "+02:00", or %NULL
 *
 * Without an offset from the camera, the camera is taken to have been on
 * this workstation's time zone. Without a capture time at all (video,
 * broken EXIF), names use the file's time and nothing is stored.
 */
void
at_capture_times (AtMetadata  *meta,
                  gboolean     has_meta,
                  gint64       mtime,
                  gint64       clock_shift,
                  gint64      *local_unix,
                  char       **capture_utc,
                  char       **capture_offset)
{
  *capture_utc = NULL;
  *capture_offset = NULL;
  if (has_meta && meta->has_capture_time)
    {
      g_autoptr(GDateTime) utc = NULL;
      g_autofree char *stamp = NULL;

      *local_unix = meta->local_unix + clock_shift;
      if (!meta->has_offset)
        {
          g_autoptr(GTimeZone) tz = g_time_zone_new_local ();
          int interval = g_time_zone_find_interval (tz, G_TIME_TYPE_STANDARD, *local_unix);
          meta->offset_minutes = interval >= 0 ? g_time_zone_get_offset (tz, interval) / 60 : 0;
          meta->has_offset = TRUE;
        }
      utc = g_date_time_new_from_unix_utc (*local_unix - (gint64) meta->offset_minutes * 60);
      stamp = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S");
      *capture_utc = g_strdup_printf ("%s.%03dZ", stamp, meta->subsec_ms);
      *capture_offset = at_metadata_dup_offset_string (meta);
    }
  else
    {
      g_autoptr(GDateTime) m = g_date_time_new_from_unix_local (mtime);
      *local_unix = mtime + g_date_time_get_utc_offset (m) / G_TIME_SPAN_SECOND + clock_shift;
    }
}
