/* at-photo-cell.c — AtPhotoCell: thumbnail, file name, capture time, stars,
 * colour label and pick flag.
 *
 * A placeholder stands until the thumbnail is read (off the main thread;
 * a recycled cell cancels the request for its old photo). The cell follows
 * its photo's notifications, so a rating shows the moment it is given.
 * Cells are recycled by the grid, so set_photo() must reset everything.
 */
#define G_LOG_DOMAIN "atelier"

#include "config.h"

#include <glib/gi18n.h>

#include "at-photo-cell.h"
#include "at-thumbnail-loader.h"

struct _AtPhotoCell
{
  GtkWidget  parent_instance;
  GtkWidget *box;
  GtkLabel  *name_label;
  GtkLabel  *time_label;
  GtkLabel  *rating_label;
  GtkWidget *label_dot;
  GtkStack  *thumb_stack;
  GtkPicture *picture;
  GtkImage  *flag_badge;
  GtkWidget *pair_badge;
  GtkWidget *missing_badge;
  char      *dot_class;
  AtPhoto   *photo;
  AtThumbnailLoader *loader;
  guint      position;   /* in the grid's model, set at bind */
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (AtPhotoCell, at_photo_cell, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_THUMBNAIL_SIZE, N_PROPS };
static GParamSpec *properties[N_PROPS];

/* The thumbnail's long side; the grid re-flows its columns around it. */
static void
set_thumbnail_size (AtPhotoCell *self,
                    int          size)
{
  gtk_widget_set_size_request (GTK_WIDGET (self->thumb_stack), size, size * 2 / 3);
  gtk_widget_set_size_request (GTK_WIDGET (self->name_label), size, -1);
}

static void
at_photo_cell_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_THUMBNAIL_SIZE: set_thumbnail_size (AT_PHOTO_CELL (object), g_value_get_int (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
at_photo_cell_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  AtPhotoCell *self = AT_PHOTO_CELL (object);
  int width = 0;

  switch (prop_id)
    {
    case PROP_THUMBNAIL_SIZE:
      gtk_widget_get_size_request (GTK_WIDGET (self->thumb_stack), &width, NULL);
      g_value_set_int (value, width);
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
at_photo_cell_dispose (GObject *object)
{
  AtPhotoCell *self = AT_PHOTO_CELL (object);

  at_photo_cell_set_photo (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), AT_TYPE_PHOTO_CELL);
  g_clear_pointer (&self->dot_class, g_free);
  g_clear_object (&self->loader);
  G_OBJECT_CLASS (at_photo_cell_parent_class)->dispose (object);
}

static void
at_photo_cell_class_init (AtPhotoCellClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = at_photo_cell_dispose;
  object_class->set_property = at_photo_cell_set_property;
  object_class->get_property = at_photo_cell_get_property;
  properties[PROP_THUMBNAIL_SIZE] = g_param_spec_int ("thumbnail-size", NULL, NULL, 96, 400, 176,
                                                      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "photocell");
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/library/at-photo-cell.ui");
  gtk_widget_class_bind_template_child (widget_class, AtPhotoCell, box);
  gtk_widget_class_bind_template_child (widget_class, AtPhotoCell, name_label);
  gtk_widget_class_bind_template_child (widget_class, AtPhotoCell, time_label);
  gtk_widget_class_bind_template_child (widget_class, AtPhotoCell, rating_label);
  gtk_widget_class_bind_template_child (widget_class, AtPhotoCell, label_dot);
  gtk_widget_class_bind_template_child (widget_class, AtPhotoCell, thumb_stack);
  gtk_widget_class_bind_template_child (widget_class, AtPhotoCell, picture);
  gtk_widget_class_bind_template_child (widget_class, AtPhotoCell, flag_badge);
  gtk_widget_class_bind_template_child (widget_class, AtPhotoCell, pair_badge);
  gtk_widget_class_bind_template_child (widget_class, AtPhotoCell, missing_badge);
}

static void
at_photo_cell_init (AtPhotoCell *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * at_photo_cell_new:
 * @loader: (nullable): where thumbnails come from; none: placeholders only
 */
GtkWidget *
at_photo_cell_new (AtThumbnailLoader *loader)
{
  AtPhotoCell *self = g_object_new (AT_TYPE_PHOTO_CELL, NULL);

  self->loader = loader ? g_object_ref (loader) : NULL;
  return GTK_WIDGET (self);
}

static const char *
rating_text (int rating)
{
  static const char *const stars[] = { "", "★", "★★", "★★★", "★★★★", "★★★★★" };

  if (rating < 0)
    /* Translators: shown on a photo marked as rejected */
    return _("Rejected");
  return stars[MIN (rating, 5)];
}

/* Stars, colour label and flag: what culling changes. */
static void
show_state (AtPhotoCell *self)
{
  AtCullState state = at_photo_get_cull_state (self->photo);
  AtFlag flag = at_cull_state_get_flag (&state);

  if (self->dot_class != NULL)
    {
      gtk_widget_remove_css_class (self->label_dot, self->dot_class);
      g_clear_pointer (&self->dot_class, g_free);
    }
  gtk_label_set_label (self->rating_label, rating_text (state.rating));
  gtk_widget_set_visible (self->label_dot, state.label != AT_LABEL_NONE);
  if (state.label != AT_LABEL_NONE)
    {
      self->dot_class = g_strdup (at_label_to_string (state.label));
      gtk_widget_add_css_class (self->label_dot, self->dot_class);
    }
  gtk_widget_remove_css_class (GTK_WIDGET (self->flag_badge), "picked");
  gtk_widget_remove_css_class (GTK_WIDGET (self->flag_badge), "rejected");
  gtk_widget_set_visible (GTK_WIDGET (self->flag_badge), flag != AT_FLAG_NONE);
  if (flag != AT_FLAG_NONE)
    {
      gtk_image_set_from_icon_name (self->flag_badge, flag == AT_FLAG_PICKED ? "object-select-symbolic"
                                                                               : "window-close-symbolic");
      gtk_widget_add_css_class (GTK_WIDGET (self->flag_badge), at_flag_to_string (flag));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->flag_badge), flag == AT_FLAG_PICKED ? _("Picked") : _("Rejected"));
    }
  if (flag == AT_FLAG_REJECTED)
    gtk_widget_add_css_class (GTK_WIDGET (self), "rejected");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "rejected");
}

static void
thumbnail_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  gboolean missing = FALSE;
  g_autoptr(GdkTexture) texture = at_thumbnail_loader_load_finish (AT_THUMBNAIL_LOADER (object), result, &missing, &error);
  AtPhotoCell *self;

  /* cancelled: the cell may be gone, and shows another photo if not */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = user_data;
  /* the catalog still has the photo: it can be rated, its file is what is gone */
  gtk_widget_set_visible (self->missing_badge, missing);
  if (texture == NULL)
    return;
  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (texture));
  gtk_stack_set_visible_child_name (self->thumb_stack, "thumb");
}

void
at_photo_cell_set_photo (AtPhotoCell *self,
                         AtPhoto     *photo)
{
  g_autofree char *when = NULL;

  g_return_if_fail (AT_IS_PHOTO_CELL (self));

  if (self->photo != NULL)
    g_signal_handlers_disconnect_by_data (self->photo, self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->photo);
  gtk_picture_set_paintable (self->picture, NULL);
  gtk_stack_set_visible_child_name (self->thumb_stack, "placeholder");
  gtk_widget_set_visible (self->missing_badge, FALSE);
  if (photo == NULL)
    {
      gtk_label_set_label (self->name_label, "");
      gtk_label_set_label (self->time_label, "");
      gtk_label_set_label (self->rating_label, "");
      gtk_widget_set_visible (self->label_dot, FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->flag_badge), FALSE);
      gtk_widget_set_visible (self->pair_badge, FALSE);
      return;
    }

  self->photo = g_object_ref (photo);
  when = at_photo_dup_local_capture_label (photo);
  gtk_label_set_label (self->name_label, at_photo_get_file_name (photo));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->name_label), at_photo_get_library_path (photo));
  gtk_label_set_label (self->time_label, when ? when : _("No capture time"));
  gtk_widget_set_visible (self->pair_badge, at_photo_is_raw_jpeg_pair (photo));
  show_state (self);
  g_signal_connect_swapped (photo, "notify::rating", G_CALLBACK (show_state), self);
  g_signal_connect_swapped (photo, "notify::color-label", G_CALLBACK (show_state), self);
  g_signal_connect_swapped (photo, "notify::picked", G_CALLBACK (show_state), self);

  if (self->loader != NULL)
    {
      self->cancellable = g_cancellable_new ();
      at_thumbnail_loader_load_async (self->loader, photo, AT_PREVIEW_THUMB, self->cancellable, thumbnail_cb, self);
    }
}

void
at_photo_cell_set_position (AtPhotoCell *self,
                            guint        position)
{
  g_return_if_fail (AT_IS_PHOTO_CELL (self));
  self->position = position;
}

guint
at_photo_cell_get_position (AtPhotoCell *self)
{
  g_return_val_if_fail (AT_IS_PHOTO_CELL (self), GTK_INVALID_LIST_POSITION);
  return self->photo != NULL ? self->position : GTK_INVALID_LIST_POSITION;
}

AtPhoto *
at_photo_cell_get_photo (AtPhotoCell *self)
{
  g_return_val_if_fail (AT_IS_PHOTO_CELL (self), NULL);
  return self->photo;
}

gboolean
at_photo_cell_shows_missing_original (AtPhotoCell *self)
{
  g_return_val_if_fail (AT_IS_PHOTO_CELL (self), FALSE);
  return gtk_widget_get_visible (self->missing_badge);
}

/* TRUE once the thumbnail is on screen, for tests. */
gboolean
at_photo_cell_has_thumbnail (AtPhotoCell *self)
{
  g_return_val_if_fail (AT_IS_PHOTO_CELL (self), FALSE);
  return gtk_picture_get_paintable (self->picture) != NULL;
}

const char *
at_photo_cell_get_name (AtPhotoCell *self)
{
  g_return_val_if_fail (AT_IS_PHOTO_CELL (self), NULL);
  return gtk_label_get_label (self->name_label);
}
