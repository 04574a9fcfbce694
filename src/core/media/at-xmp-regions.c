/* at-xmp-regions.c — see at-xmp-regions.h.
 *
 * exiv2 keeps XMP structures flattened ("Xmp.mwg-rs.Regions/mwg-rs:
 * RegionList[2]/mwg-rs:Area/stArea:x"): the list is read entry by entry,
 * and rewritten whole — what other applications wrote that is no face is
 * read first and put back. */
#include "config.h"

#include <string.h>

#include "at-xmp-regions.h"

#define REGIONS "Xmp.mwg-rs.Regions"
#define LIST    REGIONS "/mwg-rs:RegionList"

AtXmpRegion *
at_xmp_region_new (const char *name,
                   const char *type,
                   double      x,
                   double      y,
                   double      w,
                   double      h)
{
  AtXmpRegion *r = g_new0 (AtXmpRegion, 1);

  r->name = g_strdup (name);
  r->type = g_strdup (type ? type : "Face");
  r->x = x;
  r->y = y;
  r->w = w;
  r->h = h;
  return r;
}

void
at_xmp_region_free (AtXmpRegion *region)
{
  if (region == NULL)
    return;
  g_free (region->name);
  g_free (region->type);
  g_free (region);
}

static char *
field (GExiv2Metadata *m, guint i, const char *path)
{
  g_autofree char *tag = g_strdup_printf (LIST "[%u]/%s", i, path);

  return gexiv2_metadata_try_has_tag (m, tag, NULL) ? gexiv2_metadata_try_get_tag_string (m, tag, NULL) : NULL;
}

static double
number (GExiv2Metadata *m, guint i, const char *path)
{
  g_autofree char *text = field (m, i, path);

  return text ? g_ascii_strtod (text, NULL) : 0;
}

GPtrArray *
at_xmp_regions_read (GExiv2Metadata *m)
{
  GPtrArray *regions = g_ptr_array_new_with_free_func ((GDestroyNotify) at_xmp_region_free);

  for (guint i = 1;; i++)
    {
      g_autofree char *name = field (m, i, "mwg-rs:Name");
      g_autofree char *type = field (m, i, "mwg-rs:Type");
      g_autofree char *x = field (m, i, "mwg-rs:Area/stArea:x");

      if (name == NULL && type == NULL && x == NULL)
        break;
      g_ptr_array_add (regions, at_xmp_region_new (name, type, number (m, i, "mwg-rs:Area/stArea:x"),
                                                   number (m, i, "mwg-rs:Area/stArea:y"),
                                                   number (m, i, "mwg-rs:Area/stArea:w"),
                                                   number (m, i, "mwg-rs:Area/stArea:h")));
    }
  return regions;
}

static gboolean
set (GExiv2Metadata *m, const char *tag, const char *value, GError **error)
{
  return gexiv2_metadata_try_set_tag_string (m, tag, value, error);
}

static gboolean
set_number (GExiv2Metadata *m, const char *tag, double value, GError **error)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];

  return set (m, tag, g_ascii_formatd (text, sizeof text, "%.6f", value), error);
}

gboolean
at_xmp_regions_write (GExiv2Metadata  *m,
                      GPtrArray       *faces,
                      int              width,
                      int              height,
                      GError         **error)
{
  g_autoptr(GPtrArray) before = at_xmp_regions_read (m);
  g_autoptr(GPtrArray) all = g_ptr_array_new ();   /* (borrowed) */
  g_auto(GStrv) tags = gexiv2_metadata_get_xmp_tags (m);

  /* the others' regions that are no faces stay; the faces are ours */
  for (guint i = 0; i < before->len; i++)
    if (g_strcmp0 (((AtXmpRegion *) before->pdata[i])->type, "Face") != 0)
      g_ptr_array_add (all, before->pdata[i]);
  for (guint i = 0; faces != NULL && i < faces->len; i++)
    g_ptr_array_add (all, faces->pdata[i]);
  for (guint i = 0; tags != NULL && tags[i] != NULL; i++)
    if (g_str_has_prefix (tags[i], REGIONS))
      gexiv2_metadata_try_clear_tag (m, tags[i], NULL);
  if (all->len == 0)
    return TRUE;
  if (width > 0 && height > 0)
    {
      g_autofree char *w = g_strdup_printf ("%d", width);
      g_autofree char *h = g_strdup_printf ("%d", height);

      if (!set (m, REGIONS "/mwg-rs:AppliedToDimensions/stDim:w", w, error) ||
          !set (m, REGIONS "/mwg-rs:AppliedToDimensions/stDim:h", h, error) ||
          !set (m, REGIONS "/mwg-rs:AppliedToDimensions/stDim:unit", "pixel", error))
        return FALSE;
    }
  if (!gexiv2_metadata_try_set_xmp_tag_struct (m, LIST, GEXIV2_STRUCTURE_XA_BAG, error))
    return FALSE;
  for (guint i = 0; i < all->len; i++)
    {
      AtXmpRegion *r = all->pdata[i];
      g_autofree char *base = g_strdup_printf (LIST "[%u]", i + 1);
      g_autofree char *name = g_strconcat (base, "/mwg-rs:Name", NULL);
      g_autofree char *type = g_strconcat (base, "/mwg-rs:Type", NULL);
      g_autofree char *x = g_strconcat (base, "/mwg-rs:Area/stArea:x", NULL);
      g_autofree char *y = g_strconcat (base, "/mwg-rs:Area/stArea:y", NULL);
      g_autofree char *w = g_strconcat (base, "/mwg-rs:Area/stArea:w", NULL);
      g_autofree char *h = g_strconcat (base, "/mwg-rs:Area/stArea:h", NULL);
      g_autofree char *unit = g_strconcat (base, "/mwg-rs:Area/stArea:unit", NULL);

      if ((r->name != NULL && !set (m, name, r->name, error)) || !set (m, type, r->type, error) ||
          !set_number (m, x, r->x, error) || !set_number (m, y, r->y, error) || !set_number (m, w, r->w, error) ||
          !set_number (m, h, r->h, error) || !set (m, unit, "normalized", error))
        return FALSE;
    }
  return TRUE;
}
