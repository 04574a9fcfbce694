/* at-demo-images.h — believable sample JPEGs with camera EXIF, by libvips. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  const char *make;
  const char *model;
  const char *serial;
  const char *lens;
  const char *artist;
  const char *datetime;  /* "YYYY:MM:DD HH:MM:SS", local camera time */
  const char *subsec;    /* milliseconds, "120" */
  const char *offset;    /* "+02:00" */
} AtDemoExif;

typedef struct _AtDemoPainter AtDemoPainter;

/* Scenes follow a wedding day: 0 getting ready … AT_DEMO_N_SCENES-1 dancing. */
#define AT_DEMO_N_SCENES 6

AtDemoPainter *at_demo_painter_new    (int                width,
                                       int                height,
                                       GError           **error);
GBytes        *at_demo_painter_render (AtDemoPainter     *painter,
                                       guint              scene,
                                       guint64            seed,
                                       const AtDemoExif  *exif,
                                       GError           **error);
void           at_demo_painter_free   (AtDemoPainter     *painter);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtDemoPainter, at_demo_painter_free)

G_END_DECLS
