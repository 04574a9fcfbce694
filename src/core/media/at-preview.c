/* at-preview.c — a thumbnail and a preview for a photo, as fast as the file allows.
 *
 * RAW files carry the camera's own JPEG rendering; when exiv2 finds one big
 * enough, it is decoded (libvips shrinks JPEGs while loading) instead of
 * the RAW data. Other files go through vips_thumbnail(), which also shrinks
 * on load. The thumbnail is made from the preview in memory, so the file is
 * read once. Results are keyed by content hash: equal bytes, one preview.
 */
#define G_LOG_DOMAIN "atelier-media"

#include "config.h"

#include <string.h>
#include <gexiv2/gexiv2.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "at-preview.h"
#include "at-vips.h"

/* the embedded JPEG must be at least this big to stand in for the file */
#define MIN_EMBEDDED 1024

char *
at_preview_default_cache_dir (void)
{
  return g_build_filename (g_get_user_cache_dir (), "atelier", NULL);
}

char *
at_preview_path (const char    *cache_dir,
                 const char    *content_hash,
                 AtPreviewKind  kind)
{
  g_autofree char *shard = g_strndup (content_hash, 2);
  g_autofree char *name = g_strconcat (content_hash, ".jpg", NULL);

  return g_build_filename (cache_dir, kind == AT_PREVIEW_THUMB ? "thumbs" : "previews", shard, name, NULL);
}

/* The largest embedded JPEG, when it is big enough; NULL otherwise. */
static GBytes *
embedded_jpeg (const char *file,
               int        *orientation)
{
  g_autoptr(GExiv2Metadata) m = gexiv2_metadata_new ();
  GExiv2PreviewProperties **props;
  GExiv2PreviewProperties *best = NULL;
  g_autoptr(GExiv2PreviewImage) image = NULL;
  const guint8 *data;
  guint32 size = 0;

  if (!gexiv2_metadata_open_path (m, file, NULL))
    return NULL;
  *orientation = CLAMP ((int) gexiv2_metadata_try_get_orientation (m, NULL), 1, 8);
  props = gexiv2_metadata_get_preview_properties (m);
  for (guint i = 0; props != NULL && props[i] != NULL; i++)
    {
      guint32 w = gexiv2_preview_properties_get_width (props[i]);
      guint32 h = gexiv2_preview_properties_get_height (props[i]);
      if (g_strcmp0 (gexiv2_preview_properties_get_mime_type (props[i]), "image/jpeg") == 0 &&
          MAX (w, h) >= MIN_EMBEDDED &&
          (best == NULL || w * h > gexiv2_preview_properties_get_width (best) * gexiv2_preview_properties_get_height (best)))
        best = props[i];
    }
  if (best == NULL)
    return NULL;
  image = gexiv2_metadata_try_get_preview_image (m, best, NULL);
  if (image == NULL || (data = gexiv2_preview_image_get_data (image, &size)) == NULL || size == 0)
    return NULL;
  return g_bytes_new (data, size);
}

static gboolean
save_jpeg (VipsImage   *image,
           const char  *path,
           GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *partial = g_strconcat (path, ".partial", NULL);

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      g_set_error (error, AT_MEDIA_ERROR, AT_MEDIA_ERROR_FAILED,
                   _("Cannot create the preview folder “%s”"), dir);
      return FALSE;
    }
  /* no optimize_coding: its second pass costs 6 % of an ingest's previews
   * for files a few percent smaller, in a cache */
  if (vips_jpegsave (image, partial, "Q", 82, "strip", TRUE, NULL) != 0)
    {
      g_unlink (partial);
      return at_vips_set_error (error, _("Could not write a preview"));
    }
  /* a cache: a lost preview is made again, so no fsync */
  if (g_rename (partial, path) != 0)
    {
      g_unlink (partial);
      g_set_error (error, AT_MEDIA_ERROR, AT_MEDIA_ERROR_FAILED, _("Could not store the preview “%s”"), path);
      return FALSE;
    }
  return TRUE;
}

/* Pixels a camera JPEG (or HEIF) can give quickly and faithfully; a RAW's
 * own data is the last resort: libvips decodes it slowly, if at all. */
static gboolean
is_rendered_image (const char *file)
{
  const char *dot = strrchr (file, '.');
  static const char *const exts[] = { ".jpg", ".jpeg", ".heic", ".heif", ".hif", ".png", ".tif", ".tiff" };

  for (guint i = 0; dot != NULL && i < G_N_ELEMENTS (exts); i++)
    if (g_ascii_strcasecmp (dot, exts[i]) == 0)
      return TRUE;
  return FALSE;
}

/* The camera's embedded JPEG of @file, shrunk to preview size; NULL if none. */
static VipsImage *
from_embedded (const char *file)
{
  g_autoptr(GBytes) embedded = NULL;
  g_autoptr(VipsImage) shrunk = NULL;
  VipsImage *large = NULL;
  int orientation = 1;
  gsize len;
  const void *data;

  embedded = embedded_jpeg (file, &orientation);
  if (embedded == NULL)
    return NULL;
  data = g_bytes_get_data (embedded, &len);
  /* embedded JPEGs rarely carry the orientation: apply the RAW's */
  if (vips_thumbnail_buffer ((void *) data, len, &shrunk, AT_PREVIEW_SIZE, "height", AT_PREVIEW_SIZE,
                             "size", VIPS_SIZE_DOWN, "no_rotate", TRUE,
                             "fail_on", VIPS_FAIL_ON_TRUNCATED, NULL) == 0)
    {
      g_autoptr(VipsImage) rotated = NULL;

      vips_image_set_int (shrunk, VIPS_META_ORIENTATION, orientation);
      /* libvips evaluates lazily: the pixels must be out of @embedded
       * before it is freed */
      if (vips_autorot (shrunk, &rotated, NULL) == 0)
        large = vips_image_copy_memory (rotated);
    }
  vips_error_clear ();
  return large;
}

gboolean
at_preview_make (const char       *file,
                 const char       *content_hash,
                 const char       *cache_dir,
                 AtPreviewResult  *result,
                 GError          **error)
{
  const char *files[] = { file, NULL };

  return at_preview_make_from (files, content_hash, cache_dir, result, error);
}

/**
 * at_preview_make_from:
 * @files: the files of one capture (RAW, JPEG, ...), best first
 *
 * First the largest embedded JPEG of any of them (RAWs carry the camera's
 * rendering; camera JPEGs often carry a large MPF preview that decodes
 * faster than the full frame), then a shrink-on-load decode, rendered
 * images before RAW data.
 */
gboolean
at_preview_make_from (const char *const *files,
                      const char        *content_hash,
                      const char        *cache_dir,
                      AtPreviewResult   *result,
                      GError           **error)
{
  g_autoptr(VipsImage) large = NULL;
  g_autoptr(VipsImage) thumb = NULL;
  g_autoptr(GError) decode_error = NULL;
  g_autofree char *large_path = at_preview_path (cache_dir, content_hash, AT_PREVIEW_LARGE);
  g_autofree char *thumb_path = at_preview_path (cache_dir, content_hash, AT_PREVIEW_THUMB);

  if (!at_vips_init (error))
    return FALSE;
  memset (result, 0, sizeof *result);

  for (guint i = 0; large == NULL && files[i] != NULL; i++)
    large = from_embedded (files[i]);
  result->embedded = large != NULL;
  for (guint pass = 0; pass < 2 && large == NULL; pass++)
    for (guint i = 0; large == NULL && files[i] != NULL; i++)
      {
        if (is_rendered_image (files[i]) != (pass == 0))
          continue;
        /* a damaged file is an error for this photo, not a grey half-picture */
        if (vips_thumbnail (files[i], &large, AT_PREVIEW_SIZE, "height", AT_PREVIEW_SIZE, "size", VIPS_SIZE_DOWN,
                            "fail_on", VIPS_FAIL_ON_TRUNCATED, NULL) != 0)
          {
            g_clear_error (&decode_error);
            at_vips_set_error (&decode_error, _("No preview could be made"));
            large = NULL;
          }
      }
  if (large == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&decode_error));
      return FALSE;
    }
  /* keep the pixels: both sizes come from one decode */
  {
    VipsImage *mem = vips_image_copy_memory (large);
    if (mem == NULL)
      return at_vips_set_error (error, _("No preview could be made"));
    g_object_unref (large);
    large = mem;
  }
  if (vips_thumbnail_image (large, &thumb, AT_THUMB_SIZE, "height", AT_THUMB_SIZE, "size", VIPS_SIZE_DOWN, NULL) != 0)
    return at_vips_set_error (error, _("No thumbnail could be made"));
  if (!save_jpeg (large, large_path, error) || !save_jpeg (thumb, thumb_path, error))
    return FALSE;

  result->preview_width = vips_image_get_width (large);
  result->preview_height = vips_image_get_height (large);
  result->thumb_width = vips_image_get_width (thumb);
  result->thumb_height = vips_image_get_height (thumb);
  return TRUE;
}

/**
 * at_preview_render_region:
 * @cx, @cy: the centre of the region, as fractions of the photo's width and height
 * @width, @height: the region's size in the original's pixels (clamped to the photo)
 * @width_out, @height_out: (out) (optional): the size the region got
 *
 * Pixels at 100 % from the original, upright, 8-bit sRGB RGB rows, for a
 * zoomed view; libvips decodes only as much of the file as the region needs.
 *
 * Returns: (transfer full): the pixels, or %NULL with an error
 */
GBytes *
at_preview_render_region (const char  *file,
                          double       cx,
                          double       cy,
                          int          width,
                          int          height,
                          int         *width_out,
                          int         *height_out,
                          GError     **error)
{
  g_autoptr(VipsImage) image = NULL;
  g_autoptr(VipsImage) upright = NULL;
  g_autoptr(VipsImage) area = NULL;
  g_autoptr(VipsImage) srgb = NULL;
  g_autoptr(VipsImage) flat = NULL;
  g_autoptr(VipsImage) uchar = NULL;
  int full_w, full_h, left, top;
  size_t size = 0;
  void *pixels;

  if (!at_vips_init (error))
    return NULL;
  if ((image = vips_image_new_from_file (file, "access", VIPS_ACCESS_RANDOM, "fail_on", VIPS_FAIL_ON_TRUNCATED,
                                         NULL)) == NULL ||
      vips_autorot (image, &upright, NULL) != 0)
    return at_vips_set_error (error, _("The original cannot be shown at 100 %")), NULL;
  full_w = vips_image_get_width (upright);
  full_h = vips_image_get_height (upright);
  width = CLAMP (width, 1, full_w);
  height = CLAMP (height, 1, full_h);
  left = CLAMP ((int) (cx * full_w) - width / 2, 0, full_w - width);
  top = CLAMP ((int) (cy * full_h) - height / 2, 0, full_h - height);
  if (vips_extract_area (upright, &area, left, top, width, height, NULL) != 0 ||
      vips_colourspace (area, &srgb, VIPS_INTERPRETATION_sRGB, NULL) != 0)
    return at_vips_set_error (error, _("The original cannot be shown at 100 %")), NULL;
  if (vips_image_hasalpha (srgb))
    {
      if (vips_flatten (srgb, &flat, NULL) != 0)
        return at_vips_set_error (error, _("The original cannot be shown at 100 %")), NULL;
    }
  else
    flat = g_object_ref (srgb);
  if (vips_cast_uchar (flat, &uchar, NULL) != 0 ||
      (pixels = vips_image_write_to_memory (uchar, &size)) == NULL)
    return at_vips_set_error (error, _("The original cannot be shown at 100 %")), NULL;
  if (width_out != NULL)
    *width_out = width;
  if (height_out != NULL)
    *height_out = height;
  return g_bytes_new_take (pixels, size);
}
