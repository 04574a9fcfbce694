/* at-face-landmarker.c — face-api's 68-point landmark net.
 *
 * The detection box, clipped to the image and floored, padded to a square
 * (centred) and resized to 112; the mean colour taken off and /255; four
 * dense blocks (32, 64, 128, 256 channels, each halving the size: a
 * strided convolution, then three separable ones fed the sums of all
 * before); a 7 × 7 average; a fully connected layer to 68 (x, y) in 0..1
 * of the padded square, mapped back to the image. */
#define G_LOG_DOMAIN "atelier-faces"

#include "config.h"

#include <math.h>

#include "at-face-nets.h"

#define INPUT 112

typedef struct
{
  const float *depthwise, *pointwise, *bias;
} Separable;

typedef struct
{
  const float *conv0_filter, *conv0_bias;   /* dense0 only: a full convolution */
  Separable    sep[4];                      /* sep[0] unused in dense0 */
  int          cin, cout;
} Dense;

struct _AtFaceLandmarker
{
  AtFaceWeights *weights;
  Dense          dense[4];
  const float   *fc_w, *fc_b;
};

static const float mean_rgb[3] = { 122.782f, 117.001f, 104.298f };

AtFaceLandmarker *
at_face_landmarker_new (const char *dir, GError **error)
{
  g_autoptr(AtFaceLandmarker) self = g_new0 (AtFaceLandmarker, 1);
  AtFaceWeights *w;
  static const int channels[4] = { 32, 64, 128, 256 };

  if ((self->weights = w = at_face_weights_load (dir, "face_landmark_68_model", error)) == NULL)
    return NULL;
  for (int b = 0; b < 4; b++)
    {
      Dense *d = &self->dense[b];

      d->cin = b == 0 ? 3 : channels[b - 1];
      d->cout = channels[b];
      for (int k = 0; k < 4; k++)
        {
          int cin = k == 0 ? d->cin : d->cout;
          g_autofree char *filters = g_strdup_printf ("dense%d/conv%d/filters", b, k);
          g_autofree char *dw = g_strdup_printf ("dense%d/conv%d/depthwise_filter", b, k);
          g_autofree char *pw = g_strdup_printf ("dense%d/conv%d/pointwise_filter", b, k);
          g_autofree char *bias = g_strdup_printf ("dense%d/conv%d/bias", b, k);

          if (b == 0 && k == 0)
            {
              d->conv0_filter = at_face_weights_get (w, filters, (gsize) 9 * 3 * d->cout);
              d->conv0_bias = at_face_weights_get (w, bias, d->cout);
              continue;
            }
          d->sep[k].depthwise = at_face_weights_get (w, dw, (gsize) 9 * cin);
          d->sep[k].pointwise = at_face_weights_get (w, pw, (gsize) cin * d->cout);
          d->sep[k].bias = at_face_weights_get (w, bias, d->cout);
        }
    }
  self->fc_w = at_face_weights_get (w, "fc/weights", 256 * 136);
  self->fc_b = at_face_weights_get (w, "fc/bias", 136);
  if (!at_face_weights_check (w, error))
    return NULL;
  return g_steal_pointer (&self);
}

void
at_face_landmarker_free (AtFaceLandmarker *self)
{
  if (self == NULL)
    return;
  at_face_weights_free (self->weights);
  g_free (self);
}

/* depthwise 3 × 3 SAME, pointwise, bias; no activation */
static AtFaceTensor *
separable (const AtFaceTensor *x, const Separable *s, int cout, int stride)
{
  g_autoptr(AtFaceTensor) d = at_face_depthwise (x, s->depthwise, 3, stride);

  return at_face_conv2d (d, s->pointwise, 1, 1, cout, 1, AT_FACE_SAME, s->bias);
}

static AtFaceTensor *
dense_block (const AtFaceTensor *x, const Dense *d, gboolean first)
{
  AtFaceTensor *o1 = first ? at_face_conv2d (x, d->conv0_filter, 3, 3, d->cout, 2, AT_FACE_SAME, d->conv0_bias)
                           : separable (x, &d->sep[0], d->cout, 2);
  g_autoptr(AtFaceTensor) o2 = NULL;
  g_autoptr(AtFaceTensor) o3 = NULL;
  g_autoptr(AtFaceTensor) o4 = NULL;
  g_autoptr(AtFaceTensor) in = NULL;
  gsize n;

  at_face_relu (o1);
  n = (gsize) o1->h * o1->w * o1->c;
  o2 = separable (o1, &d->sep[1], d->cout, 1);
  in = at_face_tensor_new (o1->h, o1->w, o1->c);
  for (gsize i = 0; i < n; i++)
    in->d[i] = MAX (o1->d[i] + o2->d[i], 0.0f);
  o3 = separable (in, &d->sep[2], d->cout, 1);
  /* (summed as face-api does: out1 + (out2 + out3)) */
  for (gsize i = 0; i < n; i++)
    in->d[i] = MAX (o1->d[i] + (o2->d[i] + o3->d[i]), 0.0f);
  o4 = separable (in, &d->sep[3], d->cout, 1);
  for (gsize i = 0; i < n; i++)
    o1->d[i] = MAX (o1->d[i] + (o2->d[i] + (o3->d[i] + o4->d[i])), 0.0f);
  return o1;
}

gboolean
at_face_landmarker_run (AtFaceLandmarker *self,
                        const guint8     *rgb,
                        int               width,
                        int               height,
                        int               stride,
                        const AtFaceBox  *box,
                        double           *points,
                        int              *crop_w,
                        int              *crop_h)
{
  /* face-api: the relative box back to pixels, clipped at the borders, floored */
  double rx = box->x * (1.0 / width), ry = box->y * (1.0 / height);
  double rw = box->w * (1.0 / width), rh = box->h * (1.0 / height);
  double bx = rx * width, by = ry * height, right = bx + rw * width, bottom = by + rh * height;
  double cx = MAX (bx, 0.0), cy = MAX (by, 0.0);
  int x = (int) floor (cx), y = (int) floor (cy);
  int w = (int) floor (MIN (right - cx, width - cx)), h = (int) floor (MIN (bottom - cy, height - cy));
  g_autoptr(AtFaceTensor) crop = NULL;
  g_autoptr(AtFaceTensor) t = NULL;
  g_autoptr(AtFaceTensor) pooled = NULL;
  float out[136];
  double scale, sw, sh;
  float pad_x, pad_y;

  if (w <= 0 || h <= 0)
    return FALSE;
  crop = at_face_tensor_from_rgb (rgb, width, height, stride, x, y, w, h);
  t = at_face_square_resize (crop, INPUT, TRUE);
  for (gsize i = 0; i < (gsize) INPUT * INPUT; i++)
    for (int c = 0; c < 3; c++)
      t->d[i * 3 + c] = (t->d[i * 3 + c] - mean_rgb[c]) / 255.0f;
  for (int b = 0; b < 4; b++)
    {
      AtFaceTensor *next = dense_block (t, &self->dense[b], b == 0);
      at_face_tensor_free (t);
      t = next;
    }
  pooled = at_face_avg_pool (t, 7, 2);
  for (int j = 0; j < 136; j++)
    {
      float sum = 0;
      for (int i = 0; i < 256; i++)
        sum += pooled->d[i] * self->fc_w[i * 136 + j];
      out[j] = sum + self->fc_b[j];
    }
  /* face-api's postProcess, in float32 as tfjs computes it */
  scale = (double) INPUT / MAX (h, w);
  sw = w * scale;
  sh = h * scale;
  pad_x = (float) (sw < sh ? fabs (sw - sh) / 2 : 0);
  pad_y = (float) (sh < sw ? fabs (sw - sh) / 2 : 0);
  for (int i = 0; i < 68; i++)
    {
      float px = (out[i * 2] * (float) INPUT - pad_x) / (float) sw;
      float py = (out[i * 2 + 1] * (float) INPUT - pad_y) / (float) sh;
      points[i * 2] = (double) px * w + box->x;
      points[i * 2 + 1] = (double) py * h + box->y;
    }
  *crop_w = w;
  *crop_h = h;
  return TRUE;
}
