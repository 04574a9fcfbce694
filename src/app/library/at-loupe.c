/* at-loupe.c — AtLoupe: the 2048 px preview of one photo, and what the
 * camera recorded (exposure, lens, body), over it.
 *
 * The preview comes from the loader (cached, made if missing, the
 * neighbours prefetched by the page); the exposure is read from the library
 * file with exiv2 on a worker. Both are cancelled when the photo changes.
 * Stars, label and flag follow the photo's notifications, as in the grid.
 */
#define G_LOG_DOMAIN "atelier"

#include "config.h"

#include <glib/gi18n.h>

#include "at-loupe.h"

struct _AtLoupe
{
  GtkWidget     parent_instance;
  GtkPicture   *picture;
  GtkSpinner   *spinner;
  GtkLabel     *name_label;
  GtkLabel     *time_label;
  GtkLabel     *exposure_label;
  GtkLabel     *camera_label;
  GtkLabel     *state_label;
  AtPhoto      *photo;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (AtLoupe, at_loupe, GTK_TYPE_WIDGET)

static void
show_state (AtLoupe *self)
{
  static const char *const stars[] = { "", "★", "★★", "★★★", "★★★★", "★★★★★" };
  AtCullState state = at_photo_get_cull_state (self->photo);
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();

  if (state.rating < 0)
    g_ptr_array_add (parts, (gpointer) _("Rejected"));
  else if (state.rating > 0)
    g_ptr_array_add (parts, (gpointer) stars[MIN (state.rating, 5)]);
  if (state.label != AT_LABEL_NONE)
    g_ptr_array_add (parts, (gpointer) at_label_to_string (state.label));
  if (state.picked)
    g_ptr_array_add (parts, (gpointer) _("Picked"));
  g_ptr_array_add (parts, NULL);
  {
    g_autofree char *text = g_strjoinv ("  ·  ", (char **) parts->pdata);
    gtk_label_set_label (self->state_label, text);
  }
}

static void
preview_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = at_thumbnail_loader_load_finish (AT_THUMBNAIL_LOADER (object), result, NULL, &error);
  AtLoupe *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = user_data;
  gtk_spinner_stop (self->spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), FALSE);
  if (texture != NULL)
    gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (texture));
  else
    gtk_label_set_label (self->exposure_label, error->message);
}

static void
read_exposure (GTask        *task,
               gpointer      source,
               gpointer      data,
               GCancellable *cancellable)
{
  AtMetadata meta;
  GError *error = NULL;

  if (!at_metadata_read (data, &meta, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  {
    g_autofree char *exposure = at_metadata_dup_exposure (&meta);
    g_autofree char *camera = meta.lens ? g_strdup_printf ("%s · %s", meta.model ? meta.model : "", meta.lens)
                                        : g_strdup (meta.model);
    char **pair = g_new0 (char *, 3);
    pair[0] = g_steal_pointer (&exposure);
    pair[1] = g_steal_pointer (&camera);
    at_metadata_clear (&meta);
    g_task_return_pointer (task, pair, (GDestroyNotify) g_strfreev);
  }
}

static void
exposure_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) pair = g_task_propagate_pointer (G_TASK (result), &error);
  AtLoupe *self = AT_LOUPE (object);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (pair == NULL)
    {
      /* a missing or unreadable original: the preview still shows */
      gtk_label_set_label (self->exposure_label, _("Original not readable"));
      return;
    }
  gtk_label_set_label (self->exposure_label, pair[0] ? pair[0] : _("No exposure data"));
  if (pair[1] != NULL)
    gtk_label_set_label (self->camera_label, pair[1]);
}

/**
 * at_loupe_set_photo:
 * @library: the library folder, for the original's metadata
 */
void
at_loupe_set_photo (AtLoupe           *self,
                    AtPhoto           *photo,
                    AtThumbnailLoader *loader,
                    const char        *library)
{
  g_autofree char *when = NULL;

  g_return_if_fail (AT_IS_LOUPE (self));

  if (self->photo != NULL)
    g_signal_handlers_disconnect_by_data (self->photo, self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_set_object (&self->photo, photo);
  gtk_picture_set_paintable (self->picture, NULL);
  gtk_label_set_label (self->exposure_label, "");
  gtk_label_set_label (self->camera_label, "");
  if (photo == NULL)
    return;

  self->cancellable = g_cancellable_new ();
  when = at_photo_dup_local_capture_label (photo);
  gtk_label_set_label (self->name_label, at_photo_get_file_name (photo));
  gtk_label_set_label (self->time_label, when ? when : "");
  gtk_label_set_label (self->camera_label, at_photo_get_camera_model (photo) ? at_photo_get_camera_model (photo) : "");
  show_state (self);
  g_signal_connect_swapped (photo, "notify::rating", G_CALLBACK (show_state), self);
  g_signal_connect_swapped (photo, "notify::color-label", G_CALLBACK (show_state), self);
  g_signal_connect_swapped (photo, "notify::picked", G_CALLBACK (show_state), self);

  gtk_widget_set_visible (GTK_WIDGET (self->spinner), TRUE);
  gtk_spinner_start (self->spinner);
  at_thumbnail_loader_load_async (loader, photo, AT_PREVIEW_LARGE, self->cancellable, preview_cb, self);
  if (library != NULL && at_photo_get_library_path (photo) != NULL)
    {
      g_autoptr(GTask) task = g_task_new (self, self->cancellable, exposure_cb, NULL);
      g_task_set_task_data (task, g_build_filename (library, at_photo_get_library_path (photo), NULL), g_free);
      g_task_run_in_thread (task, read_exposure);
    }
}

AtPhoto *
at_loupe_get_photo (AtLoupe *self)
{
  g_return_val_if_fail (AT_IS_LOUPE (self), NULL);
  return self->photo;
}

gboolean
at_loupe_has_preview (AtLoupe *self)
{
  g_return_val_if_fail (AT_IS_LOUPE (self), FALSE);
  return gtk_picture_get_paintable (self->picture) != NULL;
}

const char *
at_loupe_get_exposure (AtLoupe *self)
{
  g_return_val_if_fail (AT_IS_LOUPE (self), NULL);
  return gtk_label_get_label (self->exposure_label);
}

static void
at_loupe_dispose (GObject *object)
{
  AtLoupe *self = AT_LOUPE (object);

  if (self->photo != NULL)
    g_signal_handlers_disconnect_by_data (self->photo, self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->photo);
  gtk_widget_dispose_template (GTK_WIDGET (self), AT_TYPE_LOUPE);
  G_OBJECT_CLASS (at_loupe_parent_class)->dispose (object);
}

static void
at_loupe_class_init (AtLoupeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = at_loupe_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "loupe");
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/library/at-loupe.ui");
  gtk_widget_class_bind_template_child (widget_class, AtLoupe, picture);
  gtk_widget_class_bind_template_child (widget_class, AtLoupe, spinner);
  gtk_widget_class_bind_template_child (widget_class, AtLoupe, name_label);
  gtk_widget_class_bind_template_child (widget_class, AtLoupe, time_label);
  gtk_widget_class_bind_template_child (widget_class, AtLoupe, exposure_label);
  gtk_widget_class_bind_template_child (widget_class, AtLoupe, camera_label);
  gtk_widget_class_bind_template_child (widget_class, AtLoupe, state_label);
}

static void
at_loupe_init (AtLoupe *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
at_loupe_new (void)
{
  return g_object_new (AT_TYPE_LOUPE, NULL);
}
