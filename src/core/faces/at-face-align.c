/* at-face-align.c — see at-face-align.h.
 *
 * dlib's chip (get_face_chip_details): the landmarks from the nose down to
 * the upper lip and the eyes (17 brow and jaw points and the lower lip left
 * out) are fitted, by least squares, to dlib's mean face shape placed in a
 * 150-pixel square with 25 % padding; each chip pixel is then the image
 * sampled bilinearly where the transform puts it. */
#define G_LOG_DOMAIN "atelier-faces"

#include "config.h"

#include <math.h>

#include "at-face-align.h"

#define PADDING 0.25

/* dlib's mean face, landmarks 17..67 (interpolation.h) */
static const double mean_x[51] = {
  0.000213256, 0.0752622, 0.18113, 0.29077, 0.393397, 0.586856, 0.689483, 0.799124, 0.904991, 0.98004, 0.490127,
  0.490127, 0.490127, 0.490127, 0.36688, 0.426036, 0.490127, 0.554217, 0.613373, 0.121737, 0.187122, 0.265825,
  0.334606, 0.260918, 0.182743, 0.645647, 0.714428, 0.793132, 0.858516, 0.79751, 0.719335, 0.254149, 0.340985,
  0.428858, 0.490127, 0.551395, 0.639268, 0.726104, 0.642159, 0.556721, 0.490127, 0.423532, 0.338094, 0.290379,
  0.428096, 0.490127, 0.552157, 0.689874, 0.553364, 0.490127, 0.42689,
};
static const double mean_y[51] = {
  0.106454, 0.038915, 0.0187482, 0.0344891, 0.0773906, 0.0773906, 0.0344891, 0.0187482, 0.038915, 0.106454, 0.203352,
  0.307009, 0.409805, 0.515625, 0.587326, 0.609345, 0.628106, 0.609345, 0.587326, 0.216423, 0.178758, 0.179852,
  0.231733, 0.245099, 0.244077, 0.231733, 0.179852, 0.178758, 0.216423, 0.244077, 0.245099, 0.780233, 0.745405,
  0.727388, 0.742578, 0.727388, 0.745405, 0.780233, 0.864805, 0.902192, 0.909281, 0.902192, 0.864805, 0.784792,
  0.778746, 0.785343, 0.778746, 0.784792, 0.824182, 0.831803, 0.824182,
};

static void
mean_center (const double *p, int from, int to, double *x, double *y)
{
  double sx = 0, sy = 0;

  for (int i = from; i <= to; i++)
    {
      sx += p[i * 2];
      sy += p[i * 2 + 1];
    }
  *x = sx / (to - from + 1);
  *y = sy / (to - from + 1);
}

/* face-api's FaceLandmarks.alignDlib (min(size, crop + x) included), then
 * clipped at the borders and floored as extractFaceTensors does. */
static gboolean
face_api_region (const double *p, int crop_w, int crop_h, int width, int height, int *rect)
{
  double ex[3], ey[3], dist, size, x, y, w, h, right, bottom, cx, cy;

  mean_center (p, 36, 41, &ex[0], &ey[0]);
  mean_center (p, 42, 47, &ex[1], &ey[1]);
  mean_center (p, 48, 67, &ex[2], &ey[2]);
  dist = (hypot (ex[2] - ex[0], ey[2] - ey[0]) + hypot (ex[2] - ex[1], ey[2] - ey[1])) / 2;
  size = floor (dist / 0.45);
  x = floor (MAX (0.0, (ex[0] + ex[1] + ex[2]) / 3 - 0.5 * size));
  y = floor (MAX (0.0, (ey[0] + ey[1] + ey[2]) / 3 - 0.43 * size));
  w = MIN (size, crop_w + x);
  h = MIN (size, crop_h + y);
  right = x + w;
  bottom = y + h;
  cx = MAX (x, 0.0);
  cy = MAX (y, 0.0);
  rect[0] = (int) floor (cx);
  rect[1] = (int) floor (cy);
  rect[2] = (int) floor (MIN (right - cx, width - cx));
  rect[3] = (int) floor (MIN (bottom - cy, height - cy));
  return rect[2] > 0 && rect[3] > 0;
}

/* The similarity transform (a, b, tx, ty: x' = a x - b y + tx, y' = b x +
 * a y + ty) taking @from onto @to with the least squared error. */
static void
fit_similarity (const double *from, const double *to, int n, double *t)
{
  double fx = 0, fy = 0, tx = 0, ty = 0, num_a = 0, num_b = 0, den = 0;

  for (int i = 0; i < n; i++)
    {
      fx += from[i * 2];
      fy += from[i * 2 + 1];
      tx += to[i * 2];
      ty += to[i * 2 + 1];
    }
  fx /= n;
  fy /= n;
  tx /= n;
  ty /= n;
  for (int i = 0; i < n; i++)
    {
      double ux = from[i * 2] - fx, uy = from[i * 2 + 1] - fy, vx = to[i * 2] - tx, vy = to[i * 2 + 1] - ty;
      num_a += ux * vx + uy * vy;
      num_b += ux * vy - uy * vx;
      den += ux * ux + uy * uy;
    }
  t[0] = num_a / den;
  t[1] = num_b / den;
  t[2] = tx - (t[0] * fx - t[1] * fy);
  t[3] = ty - (t[1] * fx + t[0] * fy);
}

static AtFaceTensor *
dlib_chip (const guint8 *rgb, int width, int height, int stride, const double *p, int *region)
{
  double from[51 * 2], to[51 * 2], t[4], min_x = G_MAXDOUBLE, min_y = G_MAXDOUBLE, max_x = -G_MAXDOUBLE, max_y = -G_MAXDOUBLE;
  int n = 0;
  AtFaceTensor *chip = at_face_tensor_new (AT_FACE_CHIP_SIZE, AT_FACE_CHIP_SIZE, 3);

  for (int i = 17; i < 68; i++)
    {
      /* not the lower lip, nor the brows */
      if ((i >= 55 && i <= 59) || (i >= 65 && i <= 67) || (i >= 17 && i <= 26))
        continue;
      from[n * 2] = (PADDING + mean_x[i - 17]) / (2 * PADDING + 1) * AT_FACE_CHIP_SIZE;
      from[n * 2 + 1] = (PADDING + mean_y[i - 17]) / (2 * PADDING + 1) * AT_FACE_CHIP_SIZE;
      to[n * 2] = p[i * 2];
      to[n * 2 + 1] = p[i * 2 + 1];
      n++;
    }
  fit_similarity (from, to, n, t);
  for (int r = 0; r < AT_FACE_CHIP_SIZE; r++)
    for (int c = 0; c < AT_FACE_CHIP_SIZE; c++)
      {
        double x = t[0] * c - t[1] * r + t[2], y = t[1] * c + t[0] * r + t[3];
        int x0 = (int) floor (x), y0 = (int) floor (y);
        double dx = x - x0, dy = y - y0;
        float *o = chip->d + ((gsize) r * AT_FACE_CHIP_SIZE + c) * 3;

        min_x = MIN (min_x, x);
        min_y = MIN (min_y, y);
        max_x = MAX (max_x, x);
        max_y = MAX (max_y, y);
        /* outside the image: black, as dlib leaves it */
        if (x0 < 0 || y0 < 0 || x0 + 1 >= width || y0 + 1 >= height)
          continue;
        for (int ch = 0; ch < 3; ch++)
          {
            const guint8 *a = rgb + (gsize) y0 * stride + (gsize) x0 * 3 + ch;
            double top = a[0] + (a[3] - a[0]) * dx, bottom = a[stride] + (a[stride + 3] - a[stride]) * dx;
            o[ch] = (float) (top + (bottom - top) * dy);
          }
      }
  region[0] = (int) floor (MAX (min_x, 0));
  region[1] = (int) floor (MAX (min_y, 0));
  region[2] = (int) ceil (MIN (max_x, width - 1)) - region[0] + 1;
  region[3] = (int) ceil (MIN (max_y, height - 1)) - region[1] + 1;
  return chip;
}

AtFaceTensor *
at_face_align_chip (AtFaceAlign    align,
                    const guint8  *rgb,
                    int            width,
                    int            height,
                    int            stride,
                    const double  *landmarks,
                    int            crop_w,
                    int            crop_h,
                    int           *region)
{
  if (align == AT_FACE_ALIGN_DLIB)
    return dlib_chip (rgb, width, height, stride, landmarks, region);
  if (!face_api_region (landmarks, crop_w, crop_h, width, height, region))
    return NULL;
  return at_face_tensor_from_rgb (rgb, width, height, stride, region[0], region[1], region[2], region[3]);
}
