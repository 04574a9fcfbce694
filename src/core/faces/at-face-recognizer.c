/* at-face-recognizer.c — dlib's face recognition ResNet (face-api's port):
 * a 150 × 150 chip, the mean colour off and /255; a 7 × 7 strided
 * convolution and a 3 × 3 max pool; residual blocks at 32, 64, 128 and 256
 * channels (each convolution followed by dlib's affine scale layer), the
 * down-sampling ones adding an average-pooled, zero-extended shortcut; the
 * spatial mean, and a 256 × 128 matrix. The 128 values are not normalised:
 * faces compare by Euclidean distance. */
#define G_LOG_DOMAIN "atelier-faces"

#include "config.h"

#include <string.h>

#include "at-face-nets.h"

#define INPUT 150

typedef struct
{
  const float *filter, *bias, *mul, *add;
  int          k, cin, cout;
} Conv;

typedef struct
{
  Conv     conv1, conv2;
  gboolean down;
} Block;

static const char *const block_names[] = {
  "conv32_1", "conv32_2", "conv32_3", "conv64_down", "conv64_1", "conv64_2", "conv64_3",
  "conv128_down", "conv128_1", "conv128_2", "conv256_down", "conv256_1", "conv256_2", "conv256_down_out",
};

struct _AtFaceRecognizer
{
  AtFaceWeights *weights;
  Conv           first;
  Block          blocks[G_N_ELEMENTS (block_names)];
  const float   *fc;
};

static const float mean_rgb[3] = { 122.782f, 117.001f, 104.298f };

static void
conv_init (AtFaceWeights *w, Conv *c, const char *prefix, int k, int cin, int cout)
{
  g_autofree char *filters = g_strdup_printf ("%s/conv/filters", prefix);
  g_autofree char *bias = g_strdup_printf ("%s/conv/bias", prefix);
  g_autofree char *mul = g_strdup_printf ("%s/scale/weights", prefix);
  g_autofree char *add = g_strdup_printf ("%s/scale/biases", prefix);

  c->filter = at_face_weights_get (w, filters, (gsize) k * k * cin * cout);
  c->bias = at_face_weights_get (w, bias, cout);
  c->mul = at_face_weights_get (w, mul, cout);
  c->add = at_face_weights_get (w, add, cout);
  c->k = k;
  c->cin = cin;
  c->cout = cout;
}

AtFaceRecognizer *
at_face_recognizer_new (const char *dir, GError **error)
{
  g_autoptr(AtFaceRecognizer) self = g_new0 (AtFaceRecognizer, 1);
  AtFaceWeights *w;
  int cin = 32;

  if ((self->weights = w = at_face_weights_load (dir, "face_recognition_model", error)) == NULL)
    return NULL;
  conv_init (w, &self->first, "conv32_down", 7, 3, 32);
  for (guint i = 0; i < G_N_ELEMENTS (block_names); i++)
    {
      Block *b = &self->blocks[i];
      int cout = g_str_has_prefix (block_names[i], "conv32") ? 32 : g_str_has_prefix (block_names[i], "conv64") ? 64
                 : g_str_has_prefix (block_names[i], "conv128") ? 128 : 256;
      g_autofree char *one = g_strdup_printf ("%s/conv1", block_names[i]);
      g_autofree char *two = g_strdup_printf ("%s/conv2", block_names[i]);

      b->down = strstr (block_names[i], "_down") != NULL;
      conv_init (w, &b->conv1, one, 3, cin, cout);
      conv_init (w, &b->conv2, two, 3, cout, cout);
      cin = cout;
    }
  self->fc = at_face_weights_get (w, "fc", 256 * 128);
  if (!at_face_weights_check (w, error))
    return NULL;
  return g_steal_pointer (&self);
}

void
at_face_recognizer_free (AtFaceRecognizer *self)
{
  if (self == NULL)
    return;
  at_face_weights_free (self->weights);
  g_free (self);
}

/* convolution + bias, then the scale layer, then relu if asked */
static AtFaceTensor *
conv (const AtFaceTensor *x, const Conv *c, int stride, AtFacePadding padding, gboolean relu)
{
  AtFaceTensor *y = at_face_conv2d (x, c->filter, c->k, c->k, c->cout, stride, padding, c->bias);

  at_face_scale (y, c->mul, c->add);
  if (relu)
    at_face_relu (y);
  return y;
}

static AtFaceTensor *
residual (AtFaceTensor *x, const Block *b)
{
  g_autoptr(AtFaceTensor) a = conv (x, &b->conv1, b->down ? 2 : 1, b->down ? AT_FACE_VALID : AT_FACE_SAME, TRUE);
  AtFaceTensor *out = conv (a, &b->conv2, 1, AT_FACE_SAME, FALSE);
  g_autoptr(AtFaceTensor) pooled = NULL;

  if (!b->down)
    {
      at_face_add (out, x);
      at_face_relu (out);
      return out;
    }
  pooled = at_face_avg_pool (x, 2, 2);
  {
    /* the convolution's output one row and column short of the pool's:
     * zeros below and to the right; the pool's channels zero-extended */
    AtFaceTensor *sum = at_face_tensor_new (pooled->h, pooled->w, out->c);
    for (int yy = 0; yy < sum->h; yy++)
      for (int xx = 0; xx < sum->w; xx++)
        {
          float *s = sum->d + ((gsize) yy * sum->w + xx) * sum->c;
          const float *p = pooled->d + ((gsize) yy * pooled->w + xx) * pooled->c;
          for (int c = 0; c < sum->c; c++)
            {
              float conv_v = (yy < out->h && xx < out->w) ? out->d[((gsize) yy * out->w + xx) * out->c + c] : 0.0f;
              float pool_v = c < pooled->c ? p[c] : 0.0f;
              s[c] = MAX (pool_v + conv_v, 0.0f);
            }
        }
    at_face_tensor_free (out);
    return sum;
  }
}

void
at_face_recognizer_run (AtFaceRecognizer   *self,
                        const AtFaceTensor *chip,
                        float              *descriptor)
{
  g_autoptr(AtFaceTensor) t = at_face_square_resize (chip, INPUT, TRUE);
  g_autoptr(AtFaceTensor) pooled = NULL;
  AtFaceTensor *x;
  float mean[256] = { 0 };
  gsize cells;

  for (gsize i = 0; i < (gsize) INPUT * INPUT; i++)
    for (int c = 0; c < 3; c++)
      t->d[i * 3 + c] = (t->d[i * 3 + c] - mean_rgb[c]) / 255.0f;
  x = conv (t, &self->first, 2, AT_FACE_VALID, TRUE);
  pooled = at_face_max_pool (x, 3, 2, AT_FACE_VALID);
  at_face_tensor_free (x);
  x = g_steal_pointer (&pooled);
  for (guint i = 0; i < G_N_ELEMENTS (block_names); i++)
    {
      AtFaceTensor *next = residual (x, &self->blocks[i]);
      at_face_tensor_free (x);
      x = next;
    }
  cells = (gsize) x->h * x->w;
  for (gsize i = 0; i < cells; i++)
    for (int c = 0; c < 256; c++)
      mean[c] += x->d[i * 256 + c];
  for (int c = 0; c < 256; c++)
    mean[c] /= (float) cells;
  at_face_tensor_free (x);
  for (int j = 0; j < 128; j++)
    {
      float sum = 0;
      for (int i = 0; i < 256; i++)
        sum += mean[i] * self->fc[i * 128 + j];
      descriptor[j] = sum;
    }
}
