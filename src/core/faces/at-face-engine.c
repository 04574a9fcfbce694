/* at-face-engine.c — AtFaceEngine: detector, landmarks, chip (dlib's
 * alignment, or face-api's for parity: at-face-align.c), descriptor. */
#define G_LOG_DOMAIN "atelier-faces"

#include "config.h"

#include <math.h>

#include <cblas.h>

#include <glib/gi18n-lib.h>
#include "at-face-engine.h"
#include "at-vips.h"

struct _AtFaceEngine
{
  GObject           parent_instance;
  AtFaceDetector   *detector;
  AtFaceLandmarker *landmarker;
  AtFaceRecognizer *recognizer;
  AtFaceAlign       align;
};

G_DEFINE_FINAL_TYPE (AtFaceEngine, at_face_engine, G_TYPE_OBJECT)

AtFaceEngine *
at_face_engine_new (const char  *dir,
                    GError     **error)
{
  g_autofree char *where = dir ? g_strdup (dir) : at_face_models_dir ();
  g_autoptr(AtFaceEngine) self = g_object_new (AT_TYPE_FACE_ENGINE, NULL);

  /* the matrices are small: parallel across photos, one BLAS thread each
   * (two threads on one photo were slower than one) */
  openblas_set_num_threads (1);
  if ((self->detector = at_face_detector_new (where, error)) == NULL ||
      (self->landmarker = at_face_landmarker_new (where, error)) == NULL ||
      (self->recognizer = at_face_recognizer_new (where, error)) == NULL)
    return NULL;
  return g_steal_pointer (&self);
}

GPtrArray *
at_face_engine_scan_rgb (AtFaceEngine *self,
                         const guint8 *rgb,
                         int           width,
                         int           height,
                         int           stride)
{
  GPtrArray *faces = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) boxes = at_face_detector_run (self->detector, rgb, width, height, stride, AT_FACE_MIN_SCORE);

  for (guint i = 0; i < boxes->len; i++)
    {
      g_autofree AtFace *face = g_new0 (AtFace, 1);
      g_autoptr(AtFaceTensor) chip = NULL;
      int crop_w, crop_h;

      face->box = g_array_index (boxes, AtFaceBox, i);
      if (!at_face_landmarker_run (self->landmarker, rgb, width, height, stride, &face->box, face->landmarks, &crop_w,
                                   &crop_h) ||
          (chip = at_face_align_chip (self->align, rgb, width, height, stride, face->landmarks, crop_w, crop_h,
                                      face->chip)) == NULL)
        continue;
      at_face_recognizer_run (self->recognizer, chip, face->descriptor);
      g_ptr_array_add (faces, g_steal_pointer (&face));
    }
  return faces;
}

guint8 *
at_face_image_load (const char  *path,
                    int         *width,
                    int         *height,
                    GError     **error)
{
  g_autoptr(VipsImage) in = NULL;
  g_autoptr(VipsImage) upright = NULL;
  g_autoptr(VipsImage) srgb = NULL;
  g_autoptr(VipsImage) rgb = NULL;
  g_autoptr(VipsImage) bytes = NULL;
  guint8 *pixels = NULL;
  size_t size = 0;

  if (!at_vips_init (error))
    return NULL;
  in = vips_image_new_from_file (path, "access", VIPS_ACCESS_SEQUENTIAL, NULL);
  if (in == NULL || vips_autorot (in, &upright, NULL) != 0 ||
      vips_colourspace (upright, &srgb, VIPS_INTERPRETATION_sRGB, NULL) != 0 ||
      vips_extract_band (srgb, &rgb, 0, "n", 3, NULL) != 0 ||
      vips_cast_uchar (rgb, &bytes, NULL) != 0 ||
      (pixels = vips_image_write_to_memory (bytes, &size)) == NULL)
    {
      g_autofree char *what = g_strdup_printf (_("Cannot read “%s”"), path);
      at_vips_set_error (error, what);
      return NULL;
    }
  *width = vips_image_get_width (bytes);
  *height = vips_image_get_height (bytes);
  return pixels;
}

GPtrArray *
at_face_engine_scan_file (AtFaceEngine  *self,
                          const char    *path,
                          int           *width,
                          int           *height,
                          GError       **error)
{
  g_autofree guint8 *pixels = at_face_image_load (path, width, height, error);

  if (pixels == NULL)
    return NULL;
  return at_face_engine_scan_rgb (self, pixels, *width, *height, *width * 3);
}

void
at_face_engine_set_align (AtFaceEngine *self,
                          AtFaceAlign   align)
{
  g_return_if_fail (AT_IS_FACE_ENGINE (self));
  self->align = align;
}

void
at_face_engine_describe (AtFaceEngine *self,
                         const guint8 *rgb,
                         int           width,
                         int           height,
                         int           stride,
                         float        *descriptor)
{
  g_autoptr(AtFaceTensor) chip = at_face_tensor_from_rgb (rgb, width, height, stride, 0, 0, width, height);

  at_face_recognizer_run (self->recognizer, chip, descriptor);
}

double
at_face_distance (const float *a,
                  const float *b)
{
  double sum = 0;

  for (int i = 0; i < 128; i++)
    sum += ((double) a[i] - b[i]) * ((double) a[i] - b[i]);
  return sqrt (sum);
}

static void
at_face_engine_finalize (GObject *object)
{
  AtFaceEngine *self = AT_FACE_ENGINE (object);

  at_face_detector_free (self->detector);
  at_face_landmarker_free (self->landmarker);
  at_face_recognizer_free (self->recognizer);
  G_OBJECT_CLASS (at_face_engine_parent_class)->finalize (object);
}

static void
at_face_engine_class_init (AtFaceEngineClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = at_face_engine_finalize;
}

static void
at_face_engine_init (AtFaceEngine *self)
{
}
