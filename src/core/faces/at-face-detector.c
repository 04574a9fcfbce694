/* at-face-detector.c — SSD MobileNetV1 (face-api's ssdMobilenetv1).
 *
 * The image, padded to a square below or to the right and resized to
 * 512 × 512, scaled to -1..1; MobileNetV1 (a 3 × 3 convolution, then 13
 * depthwise + pointwise pairs with batch norm and relu6); eight extra
 * layers; six box predictors over 32², 16², 8², 4², 2² and 1² maps give
 * 5118 boxes against the anchors stored with the weights, decoded as the
 * TF Object Detection API does (scales 10, 10, 5, 5). Then face-api's
 * greedy non-maximum suppression (IoU 0.5) on the unclipped boxes. */
#define G_LOG_DOMAIN "atelier-faces"

#include "config.h"

#include <math.h>
#include <string.h>

#include "at-face-nets.h"

#define INPUT    512
#define ANCHORS  5118
#define BN_EPS   0.0010000000474974513f
#define NMS_IOU  0.5
#define MAX_FACES 100

typedef struct
{
  const float *weights;
  const float *offset;
  int          k, cout;
} Pointwise;

typedef struct
{
  const float *filter;
  float       *mul;     /* gamma / sqrt (variance + eps) */
  const float *mean;
  const float *beta;
} Depthwise;

typedef struct
{
  const float *box_w, *box_b, *class_w, *class_b;
  int          cin, anchors;
} Predictor;

struct _AtFaceDetector
{
  AtFaceWeights *weights;
  Pointwise      conv0;
  Depthwise      dw[14];
  Pointwise      pw[14];
  Pointwise      extra[8];
  Predictor      predictor[6];
  const float   *anchors;
};

static const int pw_out[14] = { 32, 64, 128, 128, 256, 256, 512, 512, 512, 512, 512, 512, 1024, 1024 };

static void
pointwise_init (AtFaceWeights *w, Pointwise *p, const char *prefix, int k, int cin, int cout)
{
  g_autofree char *weights = g_strdup_printf ("%s/weights", prefix);
  g_autofree char *offset = g_strdup_printf ("%s/convolution_bn_offset", prefix);

  p->weights = at_face_weights_get (w, weights, (gsize) k * k * cin * cout);
  p->offset = at_face_weights_get (w, offset, cout);
  p->k = k;
  p->cout = cout;
}

AtFaceDetector *
at_face_detector_new (const char *dir, GError **error)
{
  g_autoptr(AtFaceDetector) self = g_new0 (AtFaceDetector, 1);
  AtFaceWeights *w;
  static const int extra_k[8] = { 1, 3, 1, 3, 1, 3, 1, 3 };
  static const int extra_out[8] = { 256, 512, 128, 256, 128, 256, 64, 128 };
  static const int pred_in[6] = { 512, 1024, 512, 256, 256, 128 };

  if ((self->weights = w = at_face_weights_load (dir, "ssd_mobilenetv1_model", error)) == NULL)
    return NULL;
  pointwise_init (w, &self->conv0, "MobilenetV1/Conv2d_0_pointwise", 3, 3, 32);
  for (int i = 1; i <= 13; i++)
    {
      int c = pw_out[i - 1];
      g_autofree char *dw = g_strdup_printf ("MobilenetV1/Conv2d_%d_depthwise", i);
      g_autofree char *pw = g_strdup_printf ("MobilenetV1/Conv2d_%d_pointwise", i);
      g_autofree char *filter = g_strdup_printf ("%s/depthwise_weights", dw);
      g_autofree char *gamma = g_strdup_printf ("%s/BatchNorm/gamma", dw);
      g_autofree char *beta = g_strdup_printf ("%s/BatchNorm/beta", dw);
      g_autofree char *mean = g_strdup_printf ("%s/BatchNorm/moving_mean", dw);
      g_autofree char *var = g_strdup_printf ("%s/BatchNorm/moving_variance", dw);
      const float *g = at_face_weights_get (w, gamma, c), *v = at_face_weights_get (w, var, c);
      Depthwise *d = &self->dw[i];

      d->filter = at_face_weights_get (w, filter, (gsize) 9 * c);
      d->mean = at_face_weights_get (w, mean, c);
      d->beta = at_face_weights_get (w, beta, c);
      d->mul = g_new0 (float, c);
      for (int k = 0; g != NULL && v != NULL && k < c; k++)
        d->mul[k] = g[k] / sqrtf (v[k] + BN_EPS);
      pointwise_init (w, &self->pw[i], pw, 1, c, pw_out[i]);
    }
  for (int i = 0, cin = 1024; i < 8; cin = extra_out[i], i++)
    {
      g_autofree char *name = g_strdup_printf ("Prediction/Conv2d_%d_pointwise", i);
      pointwise_init (w, &self->extra[i], name, extra_k[i], cin, extra_out[i]);
    }
  for (int i = 0; i < 6; i++)
    {
      Predictor *p = &self->predictor[i];
      g_autofree char *bw = g_strdup_printf ("Prediction/BoxPredictor_%d/BoxEncodingPredictor/weights", i);
      g_autofree char *bb = g_strdup_printf ("Prediction/BoxPredictor_%d/BoxEncodingPredictor/biases", i);
      g_autofree char *cw = g_strdup_printf ("Prediction/BoxPredictor_%d/ClassPredictor/weights", i);
      g_autofree char *cb = g_strdup_printf ("Prediction/BoxPredictor_%d/ClassPredictor/biases", i);

      p->cin = pred_in[i];
      p->anchors = i == 0 ? 3 : 6;
      p->box_w = at_face_weights_get (w, bw, (gsize) p->cin * p->anchors * 4);
      p->box_b = at_face_weights_get (w, bb, p->anchors * 4);
      p->class_w = at_face_weights_get (w, cw, (gsize) p->cin * p->anchors * 3);
      p->class_b = at_face_weights_get (w, cb, p->anchors * 3);
    }
  self->anchors = at_face_weights_get (w, "Output/extra_dim", ANCHORS * 4);
  if (!at_face_weights_check (w, error))
    return NULL;
  return g_steal_pointer (&self);
}

void
at_face_detector_free (AtFaceDetector *self)
{
  if (self == NULL)
    return;
  for (int i = 1; i <= 13; i++)
    g_free (self->dw[i].mul);
  at_face_weights_free (self->weights);
  g_free (self);
}

/* conv SAME + offset, relu6 */
static AtFaceTensor *
pointwise (const AtFaceTensor *x, const Pointwise *p, int stride)
{
  AtFaceTensor *y = at_face_conv2d (x, p->weights, p->k, p->k, p->cout, stride, AT_FACE_SAME, p->offset);

  at_face_relu6 (y);
  return y;
}

static AtFaceTensor *
depthwise (const AtFaceTensor *x, const Depthwise *d, int stride)
{
  AtFaceTensor *y = at_face_depthwise (x, d->filter, 3, stride);
  gsize n = (gsize) y->h * y->w;

  for (gsize i = 0; i < n; i++)
    for (int c = 0; c < y->c; c++)
      {
        float *v = &y->d[i * y->c + c];
        *v = CLAMP ((*v - d->mean[c]) * d->mul[c] + d->beta[c], 0.0f, 6.0f);
      }
  return y;
}

/* The box encodings and class scores of one feature map, appended in
 * (y, x, anchor) order. */
static void
predict (const AtFaceTensor *x, const Predictor *p, float *boxes, float *classes, int *at)
{
  g_autoptr(AtFaceTensor) b = at_face_conv2d (x, p->box_w, 1, 1, p->anchors * 4, 1, AT_FACE_SAME, p->box_b);
  g_autoptr(AtFaceTensor) c = at_face_conv2d (x, p->class_w, 1, 1, p->anchors * 3, 1, AT_FACE_SAME, p->class_b);
  int cells = x->h * x->w;

  for (int i = 0; i < cells * p->anchors; i++)
    {
      memcpy (boxes + (gsize) (*at + i) * 4, b->d + (gsize) i * 4, 4 * sizeof (float));
      memcpy (classes + (gsize) (*at + i) * 3, c->d + (gsize) i * 3, 3 * sizeof (float));
    }
  *at += cells * p->anchors;
}

/* face-api's IoU, on [ymin, xmin, ymax, xmax] in any corner order */
static double
iou (const float *a, const float *b)
{
  double ay0 = MIN (a[0], a[2]), ax0 = MIN (a[1], a[3]), ay1 = MAX (a[0], a[2]), ax1 = MAX (a[1], a[3]);
  double by0 = MIN (b[0], b[2]), bx0 = MIN (b[1], b[3]), by1 = MAX (b[0], b[2]), bx1 = MAX (b[1], b[3]);
  double area_a = (ay1 - ay0) * (ax1 - ax0), area_b = (by1 - by0) * (bx1 - bx0), inter;

  if (area_a <= 0 || area_b <= 0)
    return 0.0;
  inter = MAX (MIN (ay1, by1) - MAX (ay0, by0), 0.0) * MAX (MIN (ax1, bx1) - MAX (ax0, bx0), 0.0);
  return inter / (area_a + area_b - inter);
}

typedef struct
{
  double score;
  int    index;
} Candidate;

static int
by_score (gconstpointer a, gconstpointer b)
{
  const Candidate *x = a, *y = b;

  /* descending; ties keep their order (JavaScript's sort is stable) */
  if (x->score != y->score)
    return x->score < y->score ? 1 : -1;
  return x->index - y->index;
}

GArray *
at_face_detector_run (AtFaceDetector *self,
                      const guint8   *rgb,
                      int             width,
                      int             height,
                      int             stride,
                      double          min_score)
{
  GArray *found = g_array_new (FALSE, FALSE, sizeof (AtFaceBox));
  g_autoptr(AtFaceTensor) image = at_face_tensor_from_rgb (rgb, width, height, stride, 0, 0, width, height);
  g_autoptr(AtFaceTensor) x = at_face_square_resize (image, INPUT, FALSE);
  g_autoptr(AtFaceTensor) out = NULL;
  g_autoptr(AtFaceTensor) conv11 = NULL;
  AtFaceTensor *extra[8];
  g_autofree float *boxes = g_new (float, ANCHORS * 4);
  g_autofree float *classes = g_new (float, ANCHORS * 3);
  g_autofree float *decoded = g_new (float, ANCHORS * 4);
  g_autoptr(GArray) candidates = g_array_new (FALSE, FALSE, sizeof (Candidate));
  g_autoptr(GArray) selected = g_array_new (FALSE, FALSE, sizeof (int));
  double scale = (double) INPUT / MAX (width, height);
  double pad_x = INPUT / round (width * scale), pad_y = INPUT / round (height * scale);
  int at = 0;

  g_clear_pointer (&image, at_face_tensor_free);
  for (gsize i = 0; i < (gsize) INPUT * INPUT * 3; i++)
    x->d[i] = x->d[i] / 127.5f - 1.0f;
  out = pointwise (x, &self->conv0, 2);
  for (int i = 1; i <= 13; i++)
    {
      AtFaceTensor *d = depthwise (out, &self->dw[i], (i == 2 || i == 4 || i == 6 || i == 12) ? 2 : 1);
      if (out != conv11)
        at_face_tensor_free (out);
      out = pointwise (d, &self->pw[i], 1);
      at_face_tensor_free (d);
      /* (the first box predictor reads layer 11) */
      if (i == 11)
        conv11 = out;
    }
  for (int i = 0; i < 8; i++)
    extra[i] = pointwise (i == 0 ? out : extra[i - 1], &self->extra[i], i % 2 ? 2 : 1);
  predict (conv11, &self->predictor[0], boxes, classes, &at);
  predict (out, &self->predictor[1], boxes, classes, &at);
  predict (extra[1], &self->predictor[2], boxes, classes, &at);
  predict (extra[3], &self->predictor[3], boxes, classes, &at);
  predict (extra[5], &self->predictor[4], boxes, classes, &at);
  predict (extra[7], &self->predictor[5], boxes, classes, &at);
  for (int i = 0; i < 8; i++)
    at_face_tensor_free (extra[i]);
  g_return_val_if_fail (at == ANCHORS, found);

  for (int i = 0; i < ANCHORS; i++)
    {
      const float *a = self->anchors + i * 4, *t = boxes + i * 4;
      float ah = a[2] - a[0], aw = a[3] - a[1], acy = a[0] + ah / 2, acx = a[1] + aw / 2;
      float half_h = expf (t[2] / 5) * ah / 2, cy = t[0] / 10 * ah + acy;
      float half_w = expf (t[3] / 5) * aw / 2, cx = t[1] / 10 * aw + acx;
      float *d = decoded + i * 4;
      double score = 1.0 / (1.0 + exp (-(double) classes[i * 3 + 1]));

      d[0] = cy - half_h;
      d[1] = cx - half_w;
      d[2] = cy + half_h;
      d[3] = cx + half_w;
      score = (float) score;
      if (score > min_score)
        g_array_append_val (candidates, ((Candidate) { score, i }));
    }
  g_array_sort (candidates, by_score);
  for (guint i = 0; i < candidates->len && selected->len < MAX_FACES; i++)
    {
      Candidate *c = &g_array_index (candidates, Candidate, i);
      double original = c->score;

      for (int j = (int) selected->len - 1; j >= 0; j--)
        {
          double overlap = iou (decoded + c->index * 4, decoded + g_array_index (selected, int, j) * 4);
          if (overlap == 0.0)
            continue;
          c->score *= overlap <= NMS_IOU ? 1 : 0;
          if (c->score <= min_score)
            break;
        }
      if (original == c->score)
        g_array_append_val (selected, c->index);
    }
  for (guint i = 0; i < selected->len; i++)
    {
      int idx = g_array_index (selected, int, i);
      const float *d = decoded + idx * 4;
      double top = MAX (0.0, (double) d[0]) * pad_y, bottom = MIN (1.0, (double) d[2]) * pad_y;
      double left = MAX (0.0, (double) d[1]) * pad_x, right = MIN (1.0, (double) d[3]) * pad_x;
      double score = 1.0 / (1.0 + exp (-(double) classes[idx * 3 + 1]));
      AtFaceBox box = { left * width, top * height, (right - left) * width, (bottom - top) * height, (float) score };

      g_array_append_val (found, box);
    }
  return found;
}
