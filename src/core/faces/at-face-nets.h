/* at-face-nets.h — the three networks of face-api, in C: the SSD
 * MobileNetV1 detector (at-face-detector.c), the 68-point landmark net
 * (at-face-landmarker.c) and dlib's ResNet descriptor (at-face-recognizer.c).
 * Each is its weights plus a forward pass; none keeps state between calls,
 * so one loaded set serves every worker thread. */
#pragma once

#include "at-face-tensor.h"
#include "at-face-weights.h"

G_BEGIN_DECLS

/* A detection: a box in image pixels and the detector's confidence. */
typedef struct
{
  double x, y, w, h;
  double score;
} AtFaceBox;

typedef struct _AtFaceDetector   AtFaceDetector;
typedef struct _AtFaceLandmarker AtFaceLandmarker;
typedef struct _AtFaceRecognizer AtFaceRecognizer;

AtFaceDetector   *at_face_detector_new        (const char        *dir,
                                               GError           **error);
void              at_face_detector_free       (AtFaceDetector    *self);
/* Faces in an 8-bit RGB image above @min_score, most confident first. */
GArray           *at_face_detector_run        (AtFaceDetector    *self,
                                               const guint8      *rgb,
                                               int                width,
                                               int                height,
                                               int                stride,
                                               double             min_score);

AtFaceLandmarker *at_face_landmarker_new      (const char        *dir,
                                               GError           **error);
void              at_face_landmarker_free     (AtFaceLandmarker  *self);
/* The 68 points (x, y interleaved, image pixels) of the face in @box;
 * FALSE if the box holds no pixels of the image. */
gboolean          at_face_landmarker_run      (AtFaceLandmarker  *self,
                                               const guint8      *rgb,
                                               int                width,
                                               int                height,
                                               int                stride,
                                               const AtFaceBox   *box,
                                               double            *points,
                                               int               *crop_w,
                                               int               *crop_h);

AtFaceRecognizer *at_face_recognizer_new      (const char        *dir,
                                               GError           **error);
void              at_face_recognizer_free     (AtFaceRecognizer  *self);
/* The 128 values describing a face, from its chip (any square RGB float
 * tensor: it is resized to 150 × 150). */
void              at_face_recognizer_run      (AtFaceRecognizer  *self,
                                               const AtFaceTensor *chip,
                                               float             *descriptor);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtFaceDetector, at_face_detector_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtFaceLandmarker, at_face_landmarker_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtFaceRecognizer, at_face_recognizer_free)

G_END_DECLS
