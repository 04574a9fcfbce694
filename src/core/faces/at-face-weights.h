/* at-face-weights.h — a network's weights from the @vladmandic/face-api
 * package: its manifest (JSON) and .bin, both checked against the SHA-256
 * Atelier was built for, dequantised to float32. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define AT_FACE_ERROR (at_face_error_quark ())
GQuark at_face_error_quark (void);

typedef enum {
  AT_FACE_ERROR_MISSING,   /* the models are not installed */
  AT_FACE_ERROR_CORRUPT,   /* a model file is not the one Atelier knows */
  AT_FACE_ERROR_IMAGE,     /* the image cannot be read */
  AT_FACE_ERROR_CONSENT,   /* the person has no active biometric consent */
  AT_FACE_ERROR_NO_FACE,   /* a selfie shows no face, or more than one */
  AT_FACE_ERROR_FAILED,
} AtFaceError;

typedef struct _AtFaceWeights AtFaceWeights;

/* @model: "ssd_mobilenetv1_model", "face_landmark_68_model" or
 * "face_recognition_model", in @dir. */
AtFaceWeights *at_face_weights_load  (const char     *dir,
                                      const char     *model,
                                      GError        **error);
void           at_face_weights_free  (AtFaceWeights  *weights);
/* The tensor @name with @count values, or NULL (and the first such problem
 * kept for at_face_weights_check()). */
const float   *at_face_weights_get   (AtFaceWeights  *weights,
                                      const char     *name,
                                      gsize           count);
/* FALSE if a tensor asked for was missing or of another size. */
gboolean       at_face_weights_check (AtFaceWeights  *weights,
                                      GError        **error);
/* Where the models are: $ATELIER_FACE_MODELS, the installed data folder, or
 * the source tree's npm install. */
char          *at_face_models_dir    (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtFaceWeights, at_face_weights_free)

G_END_DECLS
