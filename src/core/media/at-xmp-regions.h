/* at-xmp-regions.h — named face regions in XMP as the Metadata Working
 * Group's mwg-rs:Regions (what digiKam, Lightroom and others read): each a
 * name, a type and an area (centre, width and height, normalised to the
 * image as it is shown, upright). */
#pragma once

#include <gexiv2/gexiv2.h>

G_BEGIN_DECLS

typedef struct
{
  char   *name;
  char   *type;   /* "Face", or another application's "Pet", "Focus"... */
  double  x, y;   /* centre */
  double  w, h;
} AtXmpRegion;

AtXmpRegion *at_xmp_region_new   (const char     *name,
                                  const char     *type,
                                  double          x,
                                  double          y,
                                  double          w,
                                  double          h);
void         at_xmp_region_free  (AtXmpRegion    *region);
/* Every region in @m (AtXmpRegion *). */
GPtrArray   *at_xmp_regions_read (GExiv2Metadata *m);
/* Replaces the face regions in @m with @faces (the other types stay);
 * @width x @height the image's, 0 if unknown. */
gboolean     at_xmp_regions_write (GExiv2Metadata *m,
                                   GPtrArray      *faces,
                                   int             width,
                                   int             height,
                                   GError        **error);

G_END_DECLS
