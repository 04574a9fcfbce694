/* at-photo.h — one row of `photos`, as an immutable object for list models. */
#pragma once

#include <glib-object.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* The columns at_photo_new_from_stmt() reads, in order, from `photos p`;
 * the last says whether the capture is a RAW + JPEG pair. */
#define AT_PHOTO_COLUMNS \
  "p.id, p.file_name, p.original_name, p.library_path, p.capture_time, p.capture_offset, " \
  "p.camera_make, p.camera_model, p.body_serial, p.width, p.height, p.rating, p.color_label, p.picked, " \
  "p.project_id, p.content_hash, " \
  "(SELECT count(DISTINCT f.role) FROM photo_files f WHERE f.photo_id = p.id AND f.role IN ('raw', 'jpeg')) = 2"

/* Colour labels, as the catalog spells them ("none", "red", ...). */
typedef enum {
  AT_LABEL_NONE,
  AT_LABEL_RED,
  AT_LABEL_YELLOW,
  AT_LABEL_GREEN,
  AT_LABEL_BLUE,
  AT_LABEL_PURPLE,
} AtLabel;

const char *at_label_to_string   (AtLabel     label);
AtLabel     at_label_from_string (const char *name);   /* unknown: AT_LABEL_NONE */
gboolean    at_label_parse       (const char *name,
                                  AtLabel    *label);

/* A culling decision: stars (-1 is rejected, as xmp:Rating has it), label, pick. */
typedef struct
{
  int      rating;
  AtLabel  label;
  gboolean picked;
} AtCullState;

#define AT_TYPE_PHOTO (at_photo_get_type ())
G_DECLARE_FINAL_TYPE (AtPhoto, at_photo, AT, PHOTO, GObject)

AtPhoto    *at_photo_new_from_stmt       (sqlite3_stmt *stmt);
const char *at_photo_get_id              (AtPhoto *self);
const char *at_photo_get_file_name       (AtPhoto *self);
const char *at_photo_get_original_name   (AtPhoto *self);
const char *at_photo_get_library_path    (AtPhoto *self);
const char *at_photo_get_capture_time    (AtPhoto *self);
const char *at_photo_get_capture_offset  (AtPhoto *self);
const char *at_photo_get_camera_model    (AtPhoto *self);
const char *at_photo_get_body_serial     (AtPhoto *self);
const char *at_photo_get_project_id      (AtPhoto *self);
const char *at_photo_get_content_hash    (AtPhoto *self);
gboolean    at_photo_is_raw_jpeg_pair    (AtPhoto *self);
int         at_photo_get_width           (AtPhoto *self);
int         at_photo_get_height          (AtPhoto *self);
int         at_photo_get_rating          (AtPhoto *self);
const char *at_photo_get_color_label     (AtPhoto *self);
gboolean    at_photo_get_picked          (AtPhoto *self);
char       *at_photo_dup_local_capture_label (AtPhoto *self);
AtCullState at_photo_get_cull_state      (AtPhoto *self);
gboolean    at_photo_same_row            (AtPhoto *a,
                                          AtPhoto *b);
void        at_photo_set_cull_state      (AtPhoto           *self,
                                          const AtCullState *state);

G_END_DECLS
