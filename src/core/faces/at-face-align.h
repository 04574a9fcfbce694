/* at-face-align.h — the chip a face's descriptor is computed from. */
#pragma once

#include "at-face-tensor.h"

G_BEGIN_DECLS

typedef enum {
  /* dlib's: a similarity transform (rotation, scale, shift) of the 68
   * landmarks onto dlib's mean face, 150 × 150 with 25 % padding: what the
   * network was trained on, and it separates people better */
  AT_FACE_ALIGN_DLIB,
  /* face-api's: an upright square around eyes and mouth (for parity with
   * the reference library) */
  AT_FACE_ALIGN_FACE_API,
} AtFaceAlign;

#define AT_FACE_CHIP_SIZE 150

/* The chip of the face with @landmarks (68 x, y) in an 8-bit RGB image;
 * @region gets the chip's axis-aligned bounds in the image. NULL if the
 * face has no pixels in the image. @crop_w/@crop_h: the landmark crop's
 * size (face-api's chip depends on it). */
AtFaceTensor *at_face_align_chip (AtFaceAlign    align,
                                  const guint8  *rgb,
                                  int            width,
                                  int            height,
                                  int            stride,
                                  const double  *landmarks,
                                  int            crop_w,
                                  int            crop_h,
                                  int           *region);

G_END_DECLS
