/* at-face-tensor.c — see at-face-tensor.h.
 *
 * TensorFlow's SAME padding puts the odd pixel after: out = ceil(in / s),
 * total = max((out - 1) * s + k - in, 0), before = total / 2. A convolution
 * is an im2col matrix times the HWIO filter, which already is SGEMM's B. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <cblas.h>

#include "at-face-tensor.h"

AtFaceTensor *
at_face_tensor_new (int h, int w, int c)
{
  AtFaceTensor *t = g_new (AtFaceTensor, 1);

  t->h = h;
  t->w = w;
  t->c = c;
  t->d = g_new0 (float, (gsize) h * w * c);
  return t;
}

void
at_face_tensor_free (AtFaceTensor *t)
{
  if (t == NULL)
    return;
  g_free (t->d);
  g_free (t);
}

static void
out_size (int in, int k, int s, AtFacePadding padding, int *out, int *before)
{
  if (padding == AT_FACE_VALID)
    {
      *out = (in - k) / s + 1;
      *before = 0;
      return;
    }
  *out = (in + s - 1) / s;
  *before = MAX ((*out - 1) * s + k - in, 0) / 2;
}

AtFaceTensor *
at_face_conv2d (const AtFaceTensor *x,
                const float        *filter,
                int                 kh,
                int                 kw,
                int                 cout,
                int                 stride,
                AtFacePadding       padding,
                const float        *bias)
{
  int oh, ow, top, left, cin = x->c;
  AtFaceTensor *y;
  g_autofree float *cols = NULL;
  int kdim = kh * kw * cin;

  out_size (x->h, kh, stride, padding, &oh, &top);
  out_size (x->w, kw, stride, padding, &ow, &left);
  y = at_face_tensor_new (oh, ow, cout);
  if (kh == 1 && kw == 1 && stride == 1)
    cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, oh * ow, cout, cin, 1.0f, x->d, cin, filter, cout, 0.0f,
                 y->d, cout);
  else
    {
      cols = g_new0 (float, (gsize) oh * ow * kdim);
      for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++)
          {
            float *row = cols + ((gsize) oy * ow + ox) * kdim;
            for (int ky = 0; ky < kh; ky++)
              {
                int iy = oy * stride + ky - top;
                if (iy < 0 || iy >= x->h)
                  continue;
                for (int kx = 0; kx < kw; kx++)
                  {
                    int ix = ox * stride + kx - left;
                    if (ix < 0 || ix >= x->w)
                      continue;
                    memcpy (row + (ky * kw + kx) * cin, x->d + ((gsize) iy * x->w + ix) * cin, sizeof (float) * cin);
                  }
              }
          }
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, oh * ow, cout, kdim, 1.0f, cols, kdim, filter, cout, 0.0f,
                   y->d, cout);
    }
  if (bias != NULL)
    at_face_add_bias (y, bias);
  return y;
}

AtFaceTensor *
at_face_depthwise (const AtFaceTensor *x,
                   const float        *filter,
                   int                 k,
                   int                 stride)
{
  int oh, ow, top, left, c = x->c;
  AtFaceTensor *y;

  out_size (x->h, k, stride, AT_FACE_SAME, &oh, &top);
  out_size (x->w, k, stride, AT_FACE_SAME, &ow, &left);
  y = at_face_tensor_new (oh, ow, c);
  for (int oy = 0; oy < oh; oy++)
    for (int ox = 0; ox < ow; ox++)
      {
        float *out = y->d + ((gsize) oy * ow + ox) * c;
        for (int ky = 0; ky < k; ky++)
          {
            int iy = oy * stride + ky - top;
            if (iy < 0 || iy >= x->h)
              continue;
            for (int kx = 0; kx < k; kx++)
              {
                int ix = ox * stride + kx - left;
                const float *in, *f;
                if (ix < 0 || ix >= x->w)
                  continue;
                in = x->d + ((gsize) iy * x->w + ix) * c;
                f = filter + (ky * k + kx) * c;
                for (int ch = 0; ch < c; ch++)
                  out[ch] += in[ch] * f[ch];
              }
          }
      }
  return y;
}

AtFaceTensor *
at_face_max_pool (const AtFaceTensor *x,
                  int                 k,
                  int                 stride,
                  AtFacePadding       padding)
{
  int oh, ow, top, left, c = x->c;
  AtFaceTensor *y;

  out_size (x->h, k, stride, padding, &oh, &top);
  out_size (x->w, k, stride, padding, &ow, &left);
  y = at_face_tensor_new (oh, ow, c);
  for (int oy = 0; oy < oh; oy++)
    for (int ox = 0; ox < ow; ox++)
      {
        float *out = y->d + ((gsize) oy * ow + ox) * c;
        gboolean first = TRUE;
        /* (padding takes no part in the max) */
        for (int ky = 0; ky < k; ky++)
          for (int kx = 0; kx < k; kx++)
            {
              int iy = oy * stride + ky - top, ix = ox * stride + kx - left;
              const float *in;
              if (iy < 0 || iy >= x->h || ix < 0 || ix >= x->w)
                continue;
              in = x->d + ((gsize) iy * x->w + ix) * c;
              for (int ch = 0; ch < c; ch++)
                out[ch] = first ? in[ch] : MAX (out[ch], in[ch]);
              first = FALSE;
            }
      }
  return y;
}

AtFaceTensor *
at_face_avg_pool (const AtFaceTensor *x,
                  int                 k,
                  int                 stride)
{
  int oh, ow, top, left, c = x->c;
  AtFaceTensor *y;

  out_size (x->h, k, stride, AT_FACE_VALID, &oh, &top);
  out_size (x->w, k, stride, AT_FACE_VALID, &ow, &left);
  y = at_face_tensor_new (oh, ow, c);
  for (int oy = 0; oy < oh; oy++)
    for (int ox = 0; ox < ow; ox++)
      {
        float *out = y->d + ((gsize) oy * ow + ox) * c;
        for (int ky = 0; ky < k; ky++)
          for (int kx = 0; kx < k; kx++)
            {
              const float *in = x->d + ((gsize) (oy * stride + ky) * x->w + ox * stride + kx) * c;
              for (int ch = 0; ch < c; ch++)
                out[ch] += in[ch];
            }
        for (int ch = 0; ch < c; ch++)
          out[ch] /= (float) (k * k);
      }
  return y;
}

void
at_face_add_bias (AtFaceTensor *x, const float *bias)
{
  gsize n = (gsize) x->h * x->w;

  for (gsize i = 0; i < n; i++)
    for (int ch = 0; ch < x->c; ch++)
      x->d[i * x->c + ch] += bias[ch];
}

void
at_face_scale (AtFaceTensor *x, const float *mul, const float *add)
{
  gsize n = (gsize) x->h * x->w;

  for (gsize i = 0; i < n; i++)
    for (int ch = 0; ch < x->c; ch++)
      x->d[i * x->c + ch] = x->d[i * x->c + ch] * mul[ch] + add[ch];
}

void
at_face_relu (AtFaceTensor *x)
{
  gsize n = (gsize) x->h * x->w * x->c;

  for (gsize i = 0; i < n; i++)
    x->d[i] = MAX (x->d[i], 0.0f);
}

void
at_face_relu6 (AtFaceTensor *x)
{
  gsize n = (gsize) x->h * x->w * x->c;

  for (gsize i = 0; i < n; i++)
    x->d[i] = CLAMP (x->d[i], 0.0f, 6.0f);
}

void
at_face_add (AtFaceTensor *x, const AtFaceTensor *y)
{
  gsize n = (gsize) x->h * x->w * x->c;

  g_return_if_fail (x->h == y->h && x->w == y->w && x->c == y->c);
  for (gsize i = 0; i < n; i++)
    x->d[i] += y->d[i];
}

AtFaceTensor *
at_face_tensor_from_rgb (const guint8 *rgb,
                         int           width,
                         int           height,
                         int           stride,
                         int           x,
                         int           y,
                         int           w,
                         int           h)
{
  AtFaceTensor *t = at_face_tensor_new (h, w, 3);

  for (int row = 0; row < h; row++)
    {
      int sy = y + row;
      if (sy < 0 || sy >= height)
        continue;
      for (int col = 0; col < w; col++)
        {
          int sx = x + col;
          const guint8 *p;
          float *o;
          if (sx < 0 || sx >= width)
            continue;
          p = rgb + (gsize) sy * stride + (gsize) sx * 3;
          o = t->d + ((gsize) row * w + col) * 3;
          o[0] = p[0];
          o[1] = p[1];
          o[2] = p[2];
        }
    }
  return t;
}

/* A pixel of @x seen through the square padding (0 outside). */
static inline const float *
padded_at (const AtFaceTensor *x, int top, int left, int row, int col, const float *zero)
{
  row -= top;
  col -= left;
  if (row < 0 || row >= x->h || col < 0 || col >= x->w)
    return zero;
  return x->d + ((gsize) row * x->w + col) * x->c;
}

AtFaceTensor *
at_face_square_resize (const AtFaceTensor *x,
                       int                 size,
                       gboolean            centered)
{
  int side = MAX (x->h, x->w), diff = ABS (x->h - x->w), after, before, top = 0, left = 0;
  float scale = (float) side / (float) size;
  g_autofree float *zero = g_new0 (float, x->c);
  AtFaceTensor *y = at_face_tensor_new (size, size, x->c);

  /* face-api: round(diff / 2) after when centred (all of it otherwise), the rest before */
  after = centered ? (int) floor (diff * 0.5 + 0.5) : diff;
  before = diff - after;
  if (x->h > x->w)
    left = before;
  else
    top = before;
  for (int r = 0; r < size; r++)
    {
      float fy = scale * r;
      int y0 = MIN ((int) floorf (fy), side - 1), y1 = MIN ((int) ceilf (fy), side - 1);
      float dy = fy - y0;
      for (int c = 0; c < size; c++)
        {
          float fx = scale * c;
          int x0 = MIN ((int) floorf (fx), side - 1), x1 = MIN ((int) ceilf (fx), side - 1);
          float dx = fx - x0;
          const float *tl = padded_at (x, top, left, y0, x0, zero), *tr = padded_at (x, top, left, y0, x1, zero);
          const float *bl = padded_at (x, top, left, y1, x0, zero), *br = padded_at (x, top, left, y1, x1, zero);
          float *o = y->d + ((gsize) r * size + c) * x->c;
          for (int ch = 0; ch < x->c; ch++)
            {
              float t = tl[ch] + (tr[ch] - tl[ch]) * dx;
              float b = bl[ch] + (br[ch] - bl[ch]) * dx;
              o[ch] = t + (b - t) * dy;
            }
        }
    }
  return y;
}
