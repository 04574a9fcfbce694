/* at-demo-images.c — sample photographs for the demo studio.
 *
 * Each scene is a sky-to-ground gradient in the light of its hour, painted
 * once; each photo copies it and adds a few figures at positions drawn from
 * its seed, so every file has its own pixels (ingest tells files apart by
 * content) while a photo costs one memcpy, a few fills and a JPEG encode.
 */
#define G_LOG_DOMAIN "atelier-demo"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <vips/vips.h>

#include "at-demo-images.h"
#include "at-vips.h"

struct _AtDemoPainter
{
  int        width;
  int        height;
  VipsImage *scenes[AT_DEMO_N_SCENES];
};

/* top colour, bottom colour (sRGB) for each part of the day */
static const double scene_colours[AT_DEMO_N_SCENES][6] = {
  { 250, 228, 205,  168, 120,  92 },  /* getting ready, warm window light */
  { 206, 226, 245,  236, 234, 226 },  /* ceremony, white church */
  { 135, 190, 235,   88, 140,  70 },  /* family photos on the lawn */
  { 255, 196, 120,  150,  98,  60 },  /* golden-hour portraits */
  {  70,  60, 110,  190, 150, 110 },  /* dinner under lights */
  {  25,  20,  60,   90,  40, 110 },  /* dancing */
};

static VipsImage *
paint_scene (int           width,
             int           height,
             const double *c,
             GError      **error)
{
  VipsImage *t[4] = { NULL, };
  VipsImage *out = NULL;
  double scale[3], offset[3];

  for (int b = 0; b < 3; b++)
    {
      scale[b] = (c[3 + b] - c[b]) / (double) (height - 1);
      offset[b] = c[b];
    }
  /* xyz gives each pixel its (x, y); band 1 is y, mapped to the gradient. */
  if (vips_xyz (&t[0], width, height, NULL) ||
      vips_extract_band (t[0], &t[1], 1, NULL) ||
      vips_linear (t[1], &t[2], scale, offset, 3, NULL) ||
      vips_cast_uchar (t[2], &t[3], NULL) ||
      vips_copy (t[3], &out, "interpretation", VIPS_INTERPRETATION_sRGB, NULL))
    at_vips_set_error (error, _("Could not paint a demo scene"));
  for (guint i = 0; i < G_N_ELEMENTS (t); i++)
    g_clear_object (&t[i]);
  if (out != NULL)
    {
      VipsImage *mem = vips_image_copy_memory (out);
      g_object_unref (out);
      if (mem == NULL)
        at_vips_set_error (error, _("Could not paint a demo scene"));
      return mem;
    }
  return NULL;
}

AtDemoPainter *
at_demo_painter_new (int      width,
                     int      height,
                     GError **error)
{
  g_autoptr(AtDemoPainter) self = NULL;

  g_return_val_if_fail (width > 16 && height > 16, NULL);

  if (!at_vips_init (error))
    return NULL;
  self = g_new0 (AtDemoPainter, 1);
  self->width = width;
  self->height = height;
  for (int s = 0; s < AT_DEMO_N_SCENES; s++)
    if ((self->scenes[s] = paint_scene (width, height, scene_colours[s], error)) == NULL)
      return NULL;
  return g_steal_pointer (&self);
}

void
at_demo_painter_free (AtDemoPainter *self)
{
  if (self == NULL)
    return;
  for (int s = 0; s < AT_DEMO_N_SCENES; s++)
    g_clear_object (&self->scenes[s]);
  g_free (self);
}

static guint64
next_random (guint64 *state)
{
  /* splitmix64: deterministic per photo, so the demo is reproducible */
  guint64 z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static void
set_exif (VipsImage        *image,
          const AtDemoExif *exif)
{
  /* libvips writes exif-ifdN-* fields into the JPEG's EXIF block on save. */
  vips_image_set_string (image, "exif-ifd0-Make", exif->make);
  vips_image_set_string (image, "exif-ifd0-Model", exif->model);
  vips_image_set_string (image, "exif-ifd0-DateTime", exif->datetime);
  vips_image_set_string (image, "exif-ifd0-Artist", exif->artist);
  vips_image_set_string (image, "exif-ifd0-Software", "Atelier demo");
  vips_image_set_string (image, "exif-ifd2-DateTimeOriginal", exif->datetime);
  vips_image_set_string (image, "exif-ifd2-SubSecTimeOriginal", exif->subsec);
  vips_image_set_string (image, "exif-ifd2-OffsetTimeOriginal", exif->offset);
  vips_image_set_string (image, "exif-ifd2-BodySerialNumber", exif->serial);
  vips_image_set_string (image, "exif-ifd2-LensModel", exif->lens);
  /* exposure as a wedding day varies it, fixed per frame */
  {
    static const char *const shutter[] = { "1/125", "1/250", "1/500", "1/1000" };
    static const char *const aperture[] = { "18/10", "28/10", "40/10", "56/10" };
    static const char *const iso[] = { "100", "400", "1600", "3200" };
    static const char *const focal[] = { "35/1", "50/1", "85/1" };
    guint h = g_str_hash (exif->datetime) ^ g_str_hash (exif->subsec);

    vips_image_set_string (image, "exif-ifd2-ExposureTime", shutter[h % 4]);
    vips_image_set_string (image, "exif-ifd2-FNumber", aperture[(h / 4) % 4]);
    vips_image_set_string (image, "exif-ifd2-ISOSpeedRatings", iso[(h / 16) % 4]);
    vips_image_set_string (image, "exif-ifd2-FocalLength", focal[(h / 64) % 3]);
  }
}

/**
 * at_demo_painter_render:
 *
 * Safe to call from several threads at once.
 *
 * Returns: (transfer full): a JPEG file's bytes
 */
GBytes *
at_demo_painter_render (AtDemoPainter     *self,
                        guint              scene,
                        guint64            seed,
                        const AtDemoExif  *exif,
                        GError           **error)
{
  g_autoptr(VipsImage) canvas = NULL;
  void *buf = NULL;
  size_t len = 0;
  guint64 rng = seed;
  guint figures;

  g_return_val_if_fail (scene < AT_DEMO_N_SCENES, NULL);

  /* A private copy of the pixels: vips_image_copy_memory() would hand back
   * the shared scene itself, and the drawing below works in place. */
  {
    VipsImage *src = self->scenes[scene];
    canvas = vips_image_new_from_memory_copy (VIPS_IMAGE_ADDR (src, 0, 0),
                                              VIPS_IMAGE_SIZEOF_IMAGE (src),
                                              src->Xsize, src->Ysize, src->Bands, src->BandFmt);
  }
  if (canvas == NULL)
    {
      at_vips_set_error (error, _("Could not copy a demo scene"));
      return NULL;
    }

  figures = 2 + next_random (&rng) % 5;
  for (guint i = 0; i < figures; i++)
    {
      int x = (int) (next_random (&rng) % (guint64) self->width);
      int base_y = self->height * 3 / 5 + (int) (next_random (&rng) % (guint64) (self->height / 4));
      int r = self->height / 22 + (int) (next_random (&rng) % (guint64) (self->height / 18));
      double body[3], head[3] = { 224, 186, 160 };

      for (int b = 0; b < 3; b++)
        body[b] = (double) (next_random (&rng) % 200) + 20;
      /* a guest: a dress or suit and a head above it */
      if (vips_draw_rect (canvas, body, 3, x - r, base_y - r, 2 * r, 3 * r, "fill", TRUE, NULL) ||
          vips_draw_circle (canvas, head, 3, x, base_y - r - r * 2 / 3, r * 2 / 3, "fill", TRUE, NULL))
        {
          at_vips_set_error (error, _("Could not draw a demo photo"));
          return NULL;
        }
    }

  set_exif (canvas, exif);
  if (vips_jpegsave_buffer (canvas, &buf, &len, "Q", 82, NULL))
    {
      at_vips_set_error (error, _("Could not encode a demo photo"));
      return NULL;
    }
  return g_bytes_new_take (buf, len);
}
