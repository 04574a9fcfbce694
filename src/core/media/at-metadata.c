/* at-metadata.c — reads capture metadata with gexiv2.
 *
 * Prefers OffsetTimeOriginal over OffsetTime (the latter is when the file
 * was last written); sub-seconds from SubSecTimeOriginal. Broken metadata
 * is an error for this file only: ingest copies the bytes regardless.
 */
#define G_LOG_DOMAIN "atelier-media"

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <gexiv2/gexiv2.h>
#include <glib/gi18n-lib.h>

#include "at-metadata.h"
#include "at-vips.h"

void
at_metadata_clear (AtMetadata *meta)
{
  g_clear_pointer (&meta->make, g_free);
  g_clear_pointer (&meta->model, g_free);
  g_clear_pointer (&meta->serial, g_free);
  g_clear_pointer (&meta->lens, g_free);
  g_clear_pointer (&meta->label, g_free);
  memset (meta, 0, sizeof *meta);
}

static char *
get_tag (GExiv2Metadata *m,
         const char     *tag)
{
  g_autoptr(GError) error = NULL;
  char *value;

  if (!gexiv2_metadata_try_has_tag (m, tag, &error) || error != NULL)
    return NULL;
  value = gexiv2_metadata_try_get_tag_string (m, tag, &error);
  if (value == NULL || error != NULL)
    {
      g_free (value);
      return NULL;
    }
  g_strstrip (value);
  if (*value == '\0' || !g_utf8_validate (value, -1, NULL))
    {
      g_free (value);
      return NULL;
    }
  return value;
}

static char *
first_tag (GExiv2Metadata *m,
           const char     *a,
           const char     *b)
{
  char *v = get_tag (m, a);
  return v != NULL || b == NULL ? v : get_tag (m, b);
}

static gboolean
parse_exif_time (const char *s,
                 gint64     *unix_out)
{
  int Y, M, D, h, mi, sec;
  g_autoptr(GDateTime) dt = NULL;

  if (s == NULL || sscanf (s, "%d:%d:%d %d:%d:%d", &Y, &M, &D, &h, &mi, &sec) != 6)
    return FALSE;
  dt = g_date_time_new_utc (Y, M, D, h, mi, sec);
  if (dt == NULL)
    return FALSE;
  *unix_out = g_date_time_to_unix (dt);
  return TRUE;
}

static gboolean
parse_offset (const char *s,
              int        *minutes)
{
  int h, m;

  if (s == NULL || (s[0] != '+' && s[0] != '-') || sscanf (s + 1, "%d:%d", &h, &m) != 2 ||
      h > 14 || m > 59)
    return FALSE;
  *minutes = (s[0] == '-' ? -1 : 1) * (h * 60 + m);
  return TRUE;
}

gboolean
at_metadata_read (const char  *path,
                  AtMetadata  *meta,
                  GError     **error)
{
  g_autoptr(GExiv2Metadata) m = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *when = NULL, *subsec = NULL, *offset = NULL, *rating = NULL;

  static gsize initialised = 0;

  /* exiv2's XMP parser must be set up once before threads use it */
  if (g_once_init_enter (&initialised))
    g_once_init_leave (&initialised, gexiv2_initialize () ? 1 : 2);

  memset (meta, 0, sizeof *meta);
  meta->orientation = 1;
  m = gexiv2_metadata_new ();
  if (!gexiv2_metadata_open_path (m, path, &local_error))
    {
      g_set_error (error, AT_MEDIA_ERROR, AT_MEDIA_ERROR_CORRUPT,
                   _("Cannot read the metadata of “%s”: %s"), path, local_error->message);
      return FALSE;
    }

  meta->make = get_tag (m, "Exif.Image.Make");
  meta->model = get_tag (m, "Exif.Image.Model");
  meta->serial = first_tag (m, "Exif.Photo.BodySerialNumber", "Exif.Canon.SerialNumber");
  meta->lens = first_tag (m, "Exif.Photo.LensModel", "Xmp.aux.Lens");

  when = first_tag (m, "Exif.Photo.DateTimeOriginal", "Exif.Image.DateTime");
  meta->has_capture_time = parse_exif_time (when, &meta->local_unix);
  subsec = get_tag (m, "Exif.Photo.SubSecTimeOriginal");
  if (subsec != NULL)
    {
      /* "12" means 0.12 s: scale the digits to milliseconds */
      char digits[4] = "000";
      for (int i = 0; i < 3 && g_ascii_isdigit (subsec[i]); i++)
        digits[i] = subsec[i];
      meta->subsec_ms = atoi (digits);
    }
  offset = first_tag (m, "Exif.Photo.OffsetTimeOriginal", "Exif.Photo.OffsetTime");
  meta->has_offset = parse_offset (offset, &meta->offset_minutes);

  meta->width = gexiv2_metadata_try_get_metadata_pixel_width (m, NULL);
  meta->height = gexiv2_metadata_try_get_metadata_pixel_height (m, NULL);
  meta->orientation = CLAMP ((int) gexiv2_metadata_try_get_orientation (m, NULL), 1, 8);
  rating = get_tag (m, "Xmp.xmp.Rating");
  meta->rating = rating ? CLAMP (atoi (rating), -1, 5) : 0;
  meta->label = get_tag (m, "Xmp.xmp.Label");
  if (!gexiv2_metadata_try_get_exposure_time (m, &meta->exposure_num, &meta->exposure_den, NULL))
    meta->exposure_num = meta->exposure_den = 0;
  meta->fnumber = MAX (gexiv2_metadata_try_get_fnumber (m, NULL), 0);
  meta->iso = MAX (gexiv2_metadata_try_get_iso_speed (m, NULL), 0);
  meta->focal_length = MAX (gexiv2_metadata_try_get_focal_length (m, NULL), 0);
  return TRUE;
}

/* "1/250 s · f/2.8 · ISO 400 · 85 mm", with what the camera recorded; NULL if nothing. */
char *
at_metadata_dup_exposure (const AtMetadata *meta)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  if (meta->exposure_num > 0 && meta->exposure_den > 0)
    {
      double seconds = (double) meta->exposure_num / meta->exposure_den;
      if (seconds < 1)
        g_ptr_array_add (parts, g_strdup_printf ("1/%.0f s", 1 / seconds));
      else
        g_ptr_array_add (parts, g_strdup_printf ("%.1f s", seconds));
    }
  if (meta->fnumber > 0)
    g_ptr_array_add (parts, g_strdup_printf ("f/%g", meta->fnumber));
  if (meta->iso > 0)
    g_ptr_array_add (parts, g_strdup_printf ("ISO %d", meta->iso));
  if (meta->focal_length > 0)
    g_ptr_array_add (parts, g_strdup_printf ("%.0f mm", meta->focal_length));
  if (parts->len == 0)
    return NULL;
  g_ptr_array_add (parts, NULL);
  return g_strjoinv (" · ", (char **) parts->pdata);
}

/* "+02:00", or NULL when the camera did not record an offset. */
char *
at_metadata_dup_offset_string (const AtMetadata *meta)
{
  int m;

  if (!meta->has_offset)
    return NULL;
  m = ABS (meta->offset_minutes);
  return g_strdup_printf ("%c%02d:%02d", meta->offset_minutes < 0 ? '-' : '+', m / 60, m % 60);
}
