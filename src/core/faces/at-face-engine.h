/* at-face-engine.h — finds faces in an image and describes each: box,
 * 68 landmarks and a 128-value descriptor (faces of one person lie within
 * about 0.5 of each other, by Euclidean distance). All of it runs here, on
 * the CPU; the weights are face-api's, checked against their SHA-256. One
 * engine serves many threads at once. */
#pragma once

#include <glib-object.h>

#include "at-face-align.h"
#include "at-face-nets.h"

G_BEGIN_DECLS

typedef struct
{
  AtFaceBox box;
  double    landmarks[136];   /* x, y of the 68 points, image pixels */
  int       chip[4];          /* x, y, w, h: the region the chip was taken from */
  float     descriptor[128];
} AtFace;

#define AT_FACE_MIN_SCORE 0.5

#define AT_TYPE_FACE_ENGINE (at_face_engine_get_type ())
G_DECLARE_FINAL_TYPE (AtFaceEngine, at_face_engine, AT, FACE_ENGINE, GObject)

/* @dir NULL: at_face_models_dir(). A missing or altered model is an
 * AT_FACE_ERROR. */
AtFaceEngine *at_face_engine_new       (const char    *dir,
                                        GError       **error);
/* How chips are cut (default AT_FACE_ALIGN_DLIB); set before the engine is
 * shared. */
void          at_face_engine_set_align (AtFaceEngine  *self,
                                        AtFaceAlign    align);
/* Every face of an 8-bit RGB image, most confident first (AtFace *). */
GPtrArray    *at_face_engine_scan_rgb  (AtFaceEngine  *self,
                                        const guint8  *rgb,
                                        int            width,
                                        int            height,
                                        int            stride);
/* An image file as 8-bit RGB (rows of @width * 3 bytes), turned upright by
 * its EXIF orientation; g_free() it. */
guint8       *at_face_image_load       (const char    *path,
                                        int           *width,
                                        int           *height,
                                        GError       **error);
/* The faces of an image file, turned upright by its EXIF orientation. */
GPtrArray    *at_face_engine_scan_file (AtFaceEngine  *self,
                                        const char    *path,
                                        int           *width,
                                        int           *height,
                                        GError       **error);

/* The descriptor of an image that is a face chip already (dlib's 150 × 150
 * aligned crops, say). */
void          at_face_engine_describe  (AtFaceEngine  *self,
                                        const guint8  *rgb,
                                        int            width,
                                        int            height,
                                        int            stride,
                                        float         *descriptor);

/* Euclidean distance between two descriptors. */
double        at_face_distance         (const float   *a,
                                        const float   *b);

G_END_DECLS
