/* at-face-tensor.h — the few tensor operations the face networks need, on
 * one image at a time (NHWC with N = 1, float32), with TensorFlow's
 * padding and resizing rules so that the outputs match the reference
 * library's. Convolutions go through OpenBLAS's SGEMM. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  int    h, w, c;
  float *d;
} AtFaceTensor;

typedef enum { AT_FACE_SAME, AT_FACE_VALID } AtFacePadding;

AtFaceTensor *at_face_tensor_new          (int h, int w, int c);
void          at_face_tensor_free         (AtFaceTensor *t);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtFaceTensor, at_face_tensor_free)

/* @filter HWIO [kh, kw, x->c, cout]; @bias may be NULL. */
AtFaceTensor *at_face_conv2d              (const AtFaceTensor *x,
                                           const float        *filter,
                                           int                 kh,
                                           int                 kw,
                                           int                 cout,
                                           int                 stride,
                                           AtFacePadding       padding,
                                           const float        *bias);
/* @filter [kh, kw, x->c, 1], SAME. */
AtFaceTensor *at_face_depthwise           (const AtFaceTensor *x,
                                           const float        *filter,
                                           int                 k,
                                           int                 stride);
AtFaceTensor *at_face_max_pool            (const AtFaceTensor *x,
                                           int                 k,
                                           int                 stride,
                                           AtFacePadding       padding);
/* VALID */
AtFaceTensor *at_face_avg_pool            (const AtFaceTensor *x,
                                           int                 k,
                                           int                 stride);

/* In place. */
void          at_face_add_bias            (AtFaceTensor *x, const float *bias);
void          at_face_scale               (AtFaceTensor *x, const float *mul, const float *add);
void          at_face_relu                (AtFaceTensor *x);
void          at_face_relu6               (AtFaceTensor *x);
void          at_face_add                 (AtFaceTensor *x, const AtFaceTensor *y);

/* A region of an 8-bit RGB image (rows of @stride bytes), [x, x + w) ×
 * [y, y + h), as floats; outside the image is 0. */
AtFaceTensor *at_face_tensor_from_rgb     (const guint8 *rgb,
                                           int           width,
                                           int           height,
                                           int           stride,
                                           int           x,
                                           int           y,
                                           int           w,
                                           int           h);
/* Padded to a square with zeros (all after, or @centered: round(d/2) after
 * and the rest before, as face-api does), then resized to @size × @size
 * bilinearly (TensorFlow, corners not aligned). */
AtFaceTensor *at_face_square_resize       (const AtFaceTensor *x,
                                           int                 size,
                                           gboolean            centered);

G_END_DECLS
