/* at-xmp-sidecar.h — culling decisions and keywords in XMP sidecars that
 * Lightroom, darktable and digiKam read. */
#pragma once

#include <gio/gio.h>

#include "at-photo.h"
#include "at-xmp-regions.h"

G_BEGIN_DECLS

typedef enum {
  AT_SIDECAR_ADOBE,      /* IMG_0001.xmp, beside IMG_0001.CR3 (Lightroom, Bridge) */
  AT_SIDECAR_DARKTABLE,  /* IMG_0001.CR3.xmp (darktable, digiKam's option) */
} AtSidecarStyle;

/* Atelier's own namespace: Lightroom keeps flags out of XMP, so picks live here. */
#define AT_XMP_NAMESPACE "http://atelier.studio/xmp/1.0/"
#define AT_XMP_PREFIX    "atelier"

typedef struct
{
  AtCullState  state;
  GPtrArray   *keywords;   /* char*, levels joined by '|' as lr:hierarchicalSubject has them */
  GPtrArray   *faces;      /* AtXmpRegion: the confirmed names; NULL leaves a sidecar's faces as they are */
  int          width;      /* the photo, upright; 0 if unknown */
  int          height;
} AtXmpData;

gboolean at_sidecar_style_parse (const char      *name,
                                 AtSidecarStyle  *style);
char    *at_xmp_sidecar_path    (const char      *image_path,
                                 AtSidecarStyle   style);
void     at_xmp_data_init       (AtXmpData       *data);
void     at_xmp_data_clear      (AtXmpData       *data);
gboolean at_xmp_sidecar_read    (const char      *sidecar,
                                 AtXmpData       *data,
                                 GError         **error);
gboolean at_xmp_sidecar_write   (const char      *sidecar,
                                 const AtXmpData *data,
                                 GError         **error);

G_END_DECLS
