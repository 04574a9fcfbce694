/* at-xmp-sidecar.c — reading and merging XMP sidecars with exiv2.
 *
 * A sidecar may hold another application's work (darktable's history,
 * Lightroom's develop settings): a write opens what is there, changes only
 * rating, label, pick and keywords, and replaces the file atomically, so
 * every foreign namespace survives and a crash leaves the old file whole.
 * A sidecar exiv2 cannot parse is reported and never written over.
 */
#define G_LOG_DOMAIN "atelier-media"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <gexiv2/gexiv2.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "at-vips.h"
#include "at-xmp-sidecar.h"

/* What Lightroom and digiKam write for the five colour labels. */
static const char *const label_words[] = { NULL, "Red", "Yellow", "Green", "Blue", "Purple" };

static const char empty_packet[] =
  "<?xpacket begin=\"\xef\xbb\xbf\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
  "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
  " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
  " </rdf:RDF>\n"
  "</x:xmpmeta>\n"
  "<?xpacket end=\"w\"?>\n";

/* exiv2's namespace registry is process-wide: register ours once. */
static gboolean
ensure_namespace (GError **error)
{
  static gsize done = 0;
  static gboolean ok = FALSE;

  if (g_once_init_enter (&done))
    {
      g_autoptr(GError) local = NULL;
      gexiv2_initialize ();
      ok = gexiv2_metadata_try_register_xmp_namespace (AT_XMP_NAMESPACE, AT_XMP_PREFIX, &local) || local == NULL;
      if (local != NULL)
        g_warning ("Cannot register the XMP namespace %s: %s", AT_XMP_NAMESPACE, local->message);
      /* already registered by someone else is fine too */
      ok = TRUE;
      g_once_init_leave (&done, 1);
    }
  return ok;
}

gboolean
at_sidecar_style_parse (const char     *name,
                        AtSidecarStyle *style)
{
  if (g_strcmp0 (name, "adobe") == 0)
    *style = AT_SIDECAR_ADOBE;
  else if (g_strcmp0 (name, "darktable") == 0)
    *style = AT_SIDECAR_DARKTABLE;
  else
    return FALSE;
  return TRUE;
}

char *
at_xmp_sidecar_path (const char     *image_path,
                     AtSidecarStyle  style)
{
  g_autofree char *base = g_path_get_basename (image_path);
  const char *dot = strrchr (base, '.');

  if (style == AT_SIDECAR_DARKTABLE || dot == NULL || dot == base)
    return g_strconcat (image_path, ".xmp", NULL);
  return g_strdup_printf ("%.*s.xmp", (int) (strlen (image_path) - strlen (dot)), image_path);
}

void
at_xmp_data_init (AtXmpData *data)
{
  memset (data, 0, sizeof *data);
  data->keywords = g_ptr_array_new_with_free_func (g_free);
}

void
at_xmp_data_clear (AtXmpData *data)
{
  g_clear_pointer (&data->keywords, g_ptr_array_unref);
  g_clear_pointer (&data->faces, g_ptr_array_unref);
}

static gboolean
invalid (GError    **error,
         const char *sidecar,
         const char *why)
{
  g_set_error (error, AT_MEDIA_ERROR, AT_MEDIA_ERROR_CORRUPT,
               _("“%s” is not a valid XMP sidecar (%s); it was left as it is."), sidecar, why);
  return FALSE;
}

/* Opens @bytes as XMP; FALSE with a message naming @sidecar when it is not. */
static GExiv2Metadata *
open_xmp (const char  *sidecar,
          const char  *bytes,
          gsize        len,
          GError     **error)
{
  g_autoptr(GExiv2Metadata) m = gexiv2_metadata_new ();
  g_autoptr(GError) local = NULL;

  if (!gexiv2_metadata_open_buf (m, (const guint8 *) bytes, (glong) len, &local))
    {
      invalid (error, sidecar, local->message);
      return NULL;
    }
  if (!gexiv2_metadata_has_xmp (m) && len > 0 && strstr (bytes, "xmpmeta") == NULL)
    {
      invalid (error, sidecar, _("no XMP packet"));
      return NULL;
    }
  return g_steal_pointer (&m);
}

gboolean
at_xmp_sidecar_read (const char  *sidecar,
                     AtXmpData   *data,
                     GError     **error)
{
  g_autofree char *bytes = NULL;
  g_autoptr(GExiv2Metadata) m = NULL;
  g_autofree char *rating = NULL;
  g_autofree char *label = NULL;
  g_autofree char *pick = NULL;
  g_auto(GStrv) hierarchical = NULL;
  g_auto(GStrv) subject = NULL;
  gsize len;

  if (!ensure_namespace (error) || !g_file_get_contents (sidecar, &bytes, &len, error))
    return FALSE;
  if ((m = open_xmp (sidecar, bytes, len, error)) == NULL)
    return FALSE;

  rating = gexiv2_metadata_try_get_tag_string (m, "Xmp.xmp.Rating", NULL);
  label = gexiv2_metadata_try_get_tag_string (m, "Xmp.xmp.Label", NULL);
  pick = gexiv2_metadata_try_get_tag_string (m, "Xmp." AT_XMP_PREFIX ".Pick", NULL);
  data->state.rating = rating ? CLAMP ((int) g_ascii_strtoll (rating, NULL, 10), -1, 5) : 0;
  data->state.label = AT_LABEL_NONE;
  if (label != NULL)
    at_label_parse (label, &data->state.label);
  data->state.picked = g_strcmp0 (pick, "True") == 0 && data->state.rating >= 0;

  /* the hierarchy when there is one; plain subjects otherwise */
  hierarchical = gexiv2_metadata_try_get_tag_multiple (m, "Xmp.lr.hierarchicalSubject", NULL);
  subject = gexiv2_metadata_try_get_tag_multiple (m, "Xmp.dc.subject", NULL);
  for (guint i = 0; hierarchical != NULL && hierarchical[i] != NULL; i++)
    g_ptr_array_add (data->keywords, g_strdup (hierarchical[i]));
  for (guint i = 0; subject != NULL && subject[i] != NULL; i++)
    {
      gboolean covered = FALSE;
      for (guint k = 0; k < data->keywords->len && !covered; k++)
        {
          const char *h = g_ptr_array_index (data->keywords, k);
          const char *leaf = strrchr (h, '|');
          covered = g_strcmp0 (leaf ? leaf + 1 : h, subject[i]) == 0 || g_strcmp0 (h, subject[i]) == 0;
        }
      if (!covered)
        g_ptr_array_add (data->keywords, g_strdup (subject[i]));
    }
  return TRUE;
}

static gboolean
set_or_clear (GExiv2Metadata  *m,
              const char      *tag,
              const char      *value,
              GError         **error)
{
  if (value != NULL)
    return gexiv2_metadata_try_set_tag_string (m, tag, value, error);
  return gexiv2_metadata_try_clear_tag (m, tag, error) || (g_clear_error (error), TRUE);
}

static gboolean
fsync_path (const char *path)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  gboolean ok = fd >= 0 && fsync (fd) == 0;

  if (fd >= 0)
    close (fd);
  return ok;
}

gboolean
at_xmp_sidecar_write (const char       *sidecar,
                      const AtXmpData  *data,
                      GError          **error)
{
  g_autofree char *bytes = NULL;
  g_autofree char *partial = g_strconcat (sidecar, ".partial", NULL);
  g_autofree char *rating = g_strdup_printf ("%d", data->state.rating);
  g_autoptr(GExiv2Metadata) m = NULL;
  g_autoptr(GPtrArray) leaves = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) paths = g_ptr_array_new ();
  gsize len = 0;

  if (!ensure_namespace (error))
    return FALSE;
  if (g_file_test (sidecar, G_FILE_TEST_EXISTS))
    {
      if (!g_file_get_contents (sidecar, &bytes, &len, error))
        return FALSE;
      g_autoptr(GExiv2Metadata) check = open_xmp (sidecar, bytes, len, error);
      if (check == NULL)
        return FALSE;
    }
  else
    {
      bytes = g_strdup (empty_packet);
      len = strlen (bytes);
    }

  /* exiv2 rewrites a file in place: work on a copy, then swap it in */
  if (!g_file_set_contents_full (partial, bytes, (gssize) len, G_FILE_SET_CONTENTS_NONE, 0644, error))
    return FALSE;
  m = gexiv2_metadata_new ();
  if (!gexiv2_metadata_open_path (m, partial, error))
    goto fail;

  for (guint i = 0; i < data->keywords->len; i++)
    {
      const char *k = g_ptr_array_index (data->keywords, i);
      const char *leaf = strrchr (k, '|');
      g_ptr_array_add (leaves, g_strdup (leaf ? leaf + 1 : k));
      g_ptr_array_add (paths, (gpointer) k);
    }
  g_ptr_array_add (leaves, NULL);
  g_ptr_array_add (paths, NULL);
  if (!gexiv2_metadata_try_set_tag_string (m, "Xmp.xmp.Rating", rating, error) ||
      !set_or_clear (m, "Xmp.xmp.Label", label_words[data->state.label], error) ||
      !set_or_clear (m, "Xmp." AT_XMP_PREFIX ".Pick", data->state.picked ? "True" : NULL, error) ||
      !(gexiv2_metadata_try_clear_tag (m, "Xmp.dc.subject", NULL), TRUE) ||
      !(gexiv2_metadata_try_clear_tag (m, "Xmp.lr.hierarchicalSubject", NULL), TRUE))
    goto fail;
  if (data->keywords->len > 0)
    {
      if (!gexiv2_metadata_try_set_tag_multiple (m, "Xmp.dc.subject", (const char **) leaves->pdata, error) ||
          !gexiv2_metadata_try_set_tag_multiple (m, "Xmp.lr.hierarchicalSubject", (const char **) paths->pdata, error))
        goto fail;
    }
  if (data->faces != NULL && !at_xmp_regions_write (m, data->faces, data->width, data->height, error))
    goto fail;
  /* exiv2 mirrors a sidecar's XMP into Exif and IPTC when it reads it, and
   * back into XMP when it writes: the mirrors would bring back the stars
   * and keywords just cleared. The XMP itself is all there is to keep. */
  gexiv2_metadata_clear_exif (m);
  gexiv2_metadata_clear_iptc (m);
  if (!gexiv2_metadata_save_file (m, partial, error))
    goto fail;
  if (!fsync_path (partial) || g_rename (partial, sidecar) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("Could not write “%s”: %s"),
                   sidecar, g_strerror (saved));
      goto fail;
    }
  {
    g_autofree char *dir = g_path_get_dirname (sidecar);
    fsync_path (dir);
  }
  return TRUE;

fail:
  g_unlink (partial);
  return FALSE;
}
