/* at-photo.c — AtPhoto: a snapshot of one `photos` row.
 *
 * Immutable but for the culling state (rating, colour label, pick): a
 * keypress shows at once on the object the grid holds, while the write
 * goes to the catalog writer (library/at-culling.c). Everything else
 * changes only through the catalog, and the list model hands out fresh
 * objects after its "changed" signal.
 */
#define G_LOG_DOMAIN "atelier-catalog"

#include "config.h"

#include "at-photo.h"

struct _AtPhoto
{
  GObject  parent_instance;
  char    *id;
  char    *file_name;
  char    *original_name;
  char    *library_path;
  char    *capture_time;
  char    *capture_offset;
  char    *camera_make;
  char    *camera_model;
  char    *body_serial;
  char    *color_label;
  char    *project_id;
  char    *content_hash;
  int      width;
  int      height;
  int      rating;
  gboolean picked;
  gboolean raw_jpeg;
};

G_DEFINE_FINAL_TYPE (AtPhoto, at_photo, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_FILE_NAME,
  PROP_CAPTURE_TIME,
  PROP_CAMERA_MODEL,
  PROP_RATING,
  PROP_COLOR_LABEL,
  PROP_PICKED,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

static void
at_photo_finalize (GObject *object)
{
  AtPhoto *self = AT_PHOTO (object);

  g_free (self->id);
  g_free (self->file_name);
  g_free (self->original_name);
  g_free (self->library_path);
  g_free (self->capture_time);
  g_free (self->capture_offset);
  g_free (self->camera_make);
  g_free (self->camera_model);
  g_free (self->body_serial);
  g_free (self->color_label);
  g_free (self->project_id);
  g_free (self->content_hash);
  G_OBJECT_CLASS (at_photo_parent_class)->finalize (object);
}

static void
at_photo_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  AtPhoto *self = AT_PHOTO (object);

  switch (prop_id)
    {
    case PROP_ID:           g_value_set_string (value, self->id); break;
    case PROP_FILE_NAME:    g_value_set_string (value, self->file_name); break;
    case PROP_CAPTURE_TIME: g_value_set_string (value, self->capture_time); break;
    case PROP_CAMERA_MODEL: g_value_set_string (value, self->camera_model); break;
    case PROP_RATING:       g_value_set_int (value, self->rating); break;
    case PROP_COLOR_LABEL:  g_value_set_string (value, self->color_label); break;
    case PROP_PICKED:       g_value_set_boolean (value, self->picked); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
at_photo_class_init (AtPhotoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = at_photo_finalize;
  object_class->get_property = at_photo_get_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, ro);
  properties[PROP_FILE_NAME] = g_param_spec_string ("file-name", NULL, NULL, NULL, ro);
  properties[PROP_CAPTURE_TIME] = g_param_spec_string ("capture-time", NULL, NULL, NULL, ro);
  properties[PROP_CAMERA_MODEL] = g_param_spec_string ("camera-model", NULL, NULL, NULL, ro);
  properties[PROP_RATING] = g_param_spec_int ("rating", NULL, NULL, -1, 5, 0, ro);
  properties[PROP_COLOR_LABEL] = g_param_spec_string ("color-label", NULL, NULL, "none", ro);
  properties[PROP_PICKED] = g_param_spec_boolean ("picked", NULL, NULL, FALSE, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
at_photo_init (AtPhoto *self)
{
}

static char *
dup_column (sqlite3_stmt *stmt,
            int           col)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, col));
}

/**
 * at_photo_new_from_stmt:
 * @stmt: a statement positioned on a row that selects %AT_PHOTO_COLUMNS
 */
AtPhoto *
at_photo_new_from_stmt (sqlite3_stmt *stmt)
{
  AtPhoto *self = g_object_new (AT_TYPE_PHOTO, NULL);

  self->id = dup_column (stmt, 0);
  self->file_name = dup_column (stmt, 1);
  self->original_name = dup_column (stmt, 2);
  self->library_path = dup_column (stmt, 3);
  self->capture_time = dup_column (stmt, 4);
  self->capture_offset = dup_column (stmt, 5);
  self->camera_make = dup_column (stmt, 6);
  self->camera_model = dup_column (stmt, 7);
  self->body_serial = dup_column (stmt, 8);
  self->width = sqlite3_column_int (stmt, 9);
  self->height = sqlite3_column_int (stmt, 10);
  self->rating = sqlite3_column_int (stmt, 11);
  self->color_label = dup_column (stmt, 12);
  self->picked = sqlite3_column_int (stmt, 13) != 0;
  self->project_id = dup_column (stmt, 14);
  self->content_hash = dup_column (stmt, 15);
  self->raw_jpeg = sqlite3_column_int (stmt, 16) != 0;
  return self;
}

const char *at_photo_get_id (AtPhoto *self)             { g_return_val_if_fail (AT_IS_PHOTO (self), NULL); return self->id; }
const char *at_photo_get_file_name (AtPhoto *self)      { g_return_val_if_fail (AT_IS_PHOTO (self), NULL); return self->file_name; }
const char *at_photo_get_original_name (AtPhoto *self)  { g_return_val_if_fail (AT_IS_PHOTO (self), NULL); return self->original_name; }
const char *at_photo_get_library_path (AtPhoto *self)   { g_return_val_if_fail (AT_IS_PHOTO (self), NULL); return self->library_path; }
const char *at_photo_get_capture_time (AtPhoto *self)   { g_return_val_if_fail (AT_IS_PHOTO (self), NULL); return self->capture_time; }
const char *at_photo_get_capture_offset (AtPhoto *self) { g_return_val_if_fail (AT_IS_PHOTO (self), NULL); return self->capture_offset; }
const char *at_photo_get_camera_model (AtPhoto *self)   { g_return_val_if_fail (AT_IS_PHOTO (self), NULL); return self->camera_model; }
const char *at_photo_get_body_serial (AtPhoto *self)    { g_return_val_if_fail (AT_IS_PHOTO (self), NULL); return self->body_serial; }
const char *at_photo_get_project_id (AtPhoto *self)     { g_return_val_if_fail (AT_IS_PHOTO (self), NULL); return self->project_id; }
const char *at_photo_get_content_hash (AtPhoto *self)   { g_return_val_if_fail (AT_IS_PHOTO (self), NULL); return self->content_hash; }
gboolean at_photo_is_raw_jpeg_pair (AtPhoto *self)      { g_return_val_if_fail (AT_IS_PHOTO (self), FALSE); return self->raw_jpeg; }
int at_photo_get_width (AtPhoto *self)                  { g_return_val_if_fail (AT_IS_PHOTO (self), 0); return self->width; }
int at_photo_get_height (AtPhoto *self)                 { g_return_val_if_fail (AT_IS_PHOTO (self), 0); return self->height; }
int at_photo_get_rating (AtPhoto *self)                 { g_return_val_if_fail (AT_IS_PHOTO (self), 0); return self->rating; }
const char *at_photo_get_color_label (AtPhoto *self)    { g_return_val_if_fail (AT_IS_PHOTO (self), NULL); return self->color_label; }
gboolean at_photo_get_picked (AtPhoto *self)            { g_return_val_if_fail (AT_IS_PHOTO (self), FALSE); return self->picked; }

/* The same photo in the same place: only its culling state may differ. */
gboolean
at_photo_same_row (AtPhoto *a,
                   AtPhoto *b)
{
  return g_strcmp0 (a->id, b->id) == 0 && g_strcmp0 (a->file_name, b->file_name) == 0 &&
         g_strcmp0 (a->library_path, b->library_path) == 0 && g_strcmp0 (a->capture_time, b->capture_time) == 0;
}

AtCullState
at_photo_get_cull_state (AtPhoto *self)
{
  AtCullState state = { 0, AT_LABEL_NONE, FALSE };

  g_return_val_if_fail (AT_IS_PHOTO (self), state);
  state.rating = self->rating;
  state.label = at_label_from_string (self->color_label);
  state.picked = self->picked;
  return state;
}

/* Shows a culling decision before the catalog has it; notifies what changed. */
void
at_photo_set_cull_state (AtPhoto           *self,
                         const AtCullState *state)
{
  g_return_if_fail (AT_IS_PHOTO (self));

  g_object_freeze_notify (G_OBJECT (self));
  if (self->rating != state->rating)
    {
      self->rating = state->rating;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RATING]);
    }
  if (at_label_from_string (self->color_label) != state->label)
    {
      g_free (self->color_label);
      self->color_label = g_strdup (at_label_to_string (state->label));
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLOR_LABEL]);
    }
  if (self->picked != state->picked)
    {
      self->picked = state->picked;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PICKED]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * at_photo_dup_local_capture_label:
 *
 * Returns: (transfer full) (nullable): the capture time as the photographer
 * saw it on the camera (UTC shifted by the recorded offset), e.g.
 * "13 Jun 2026 14:32:05.18".
 */
char *
at_photo_dup_local_capture_label (AtPhoto *self)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GTimeZone) tz = NULL;
  g_autofree char *day = NULL;

  g_return_val_if_fail (AT_IS_PHOTO (self), NULL);

  if (self->capture_time == NULL)
    return NULL;
  utc = g_date_time_new_from_iso8601 (self->capture_time, NULL);
  if (utc == NULL)
    return NULL;
  tz = self->capture_offset ? g_time_zone_new_identifier (self->capture_offset) : NULL;
  local = tz ? g_date_time_to_timezone (utc, tz) : g_date_time_ref (utc);
  day = g_date_time_format (local, "%e %b %Y %H:%M:%S");
  /* hundredths tell the frames of a burst apart */
  return g_strdup_printf ("%s.%02d", g_strstrip (day), g_date_time_get_microsecond (local) / 10000);
}

static const char *const label_names[] = { "none", "red", "yellow", "green", "blue", "purple" };

const char *
at_label_to_string (AtLabel label)
{
  return (guint) label < G_N_ELEMENTS (label_names) ? label_names[label] : "none";
}

gboolean
at_label_parse (const char *name,
                AtLabel    *label)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (label_names); i++)
    if (g_ascii_strcasecmp (name, label_names[i]) == 0)
      {
        *label = (AtLabel) i;
        return TRUE;
      }
  return FALSE;
}

AtLabel
at_label_from_string (const char *name)
{
  AtLabel label = AT_LABEL_NONE;

  at_label_parse (name, &label);
  return label;
}
