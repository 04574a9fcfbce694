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
  char         *original;    /* the library file, for 100 % */
  GdkTexture   *preview;     /* what "fit" shows */
  gboolean      zoomed;
  double        cx, cy;      /* the centre of the 100 % view, as fractions */
  GCancellable *zoom_cancellable;
};

enum { VIEW_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

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
    {
      g_set_object (&self->preview, texture);
      if (!self->zoomed)
        gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (texture));
    }
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
  g_cancellable_cancel (self->zoom_cancellable);
  g_clear_object (&self->zoom_cancellable);
  g_clear_object (&self->preview);
  g_clear_pointer (&self->original, g_free);
  self->zoomed = FALSE;
  self->cx = self->cy = 0.5;
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
    self->original = g_build_filename (library, at_photo_get_library_path (photo), NULL);
  if (self->original != NULL)
    {
      g_autoptr(GTask) task = g_task_new (self, self->cancellable, exposure_cb, NULL);
      g_task_set_task_data (task, g_strdup (self->original), g_free);
      g_task_run_in_thread (task, read_exposure);
    }
}

/* ---- 100 % ---- */

typedef struct
{
  char  *file;
  double cx, cy;
  int    width, height;
} ZoomJob;

static void
zoom_job_free (ZoomJob *job)
{
  g_free (job->file);
  g_free (job);
}

static void
render_zoom (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  ZoomJob *job = data;
  GError *error = NULL;
  int w = 0, h = 0;
  g_autoptr(GBytes) pixels = at_preview_render_region (job->file, job->cx, job->cy, job->width, job->height,
                                                       &w, &h, &error);

  if (pixels == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, gdk_memory_texture_new (w, h, GDK_MEMORY_R8G8B8, pixels, (gsize) w * 3),
                           g_object_unref);
}

static void
zoom_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = g_task_propagate_pointer (G_TASK (result), &error);
  AtLoupe *self = AT_LOUPE (object);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || !self->zoomed)
    return;
  if (texture == NULL)
    {
      /* a RAW libvips cannot decode, a missing file: say so, stay at fit */
      gtk_label_set_label (self->exposure_label, error->message);
      self->zoomed = FALSE;
      if (self->preview != NULL)
        gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (self->preview));
      return;
    }
  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (texture));
}

static void
request_zoom (AtLoupe *self)
{
  g_autoptr(GTask) task = NULL;
  ZoomJob *job;

  g_cancellable_cancel (self->zoom_cancellable);
  g_clear_object (&self->zoom_cancellable);
  if (self->original == NULL)
    return;
  self->zoom_cancellable = g_cancellable_new ();
  job = g_new0 (ZoomJob, 1);
  job->file = g_strdup (self->original);
  job->cx = self->cx;
  job->cy = self->cy;
  /* one original pixel per screen pixel */
  job->width = MAX (gtk_widget_get_width (GTK_WIDGET (self->picture)), 1) * gtk_widget_get_scale_factor (GTK_WIDGET (self));
  job->height = MAX (gtk_widget_get_height (GTK_WIDGET (self->picture)), 1) * gtk_widget_get_scale_factor (GTK_WIDGET (self));
  task = g_task_new (self, self->zoom_cancellable, zoom_done_cb, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) zoom_job_free);
  g_task_run_in_thread (task, render_zoom);
}

/* Shows the whole photo, or its pixels at 100 % around (@cx, @cy). */
static void
apply_view (AtLoupe *self,
            gboolean zoomed,
            double   cx,
            double   cy)
{
  gboolean moved = self->cx != cx || self->cy != cy;

  self->cx = CLAMP (cx, 0, 1);
  self->cy = CLAMP (cy, 0, 1);
  if (zoomed == self->zoomed && (!zoomed || !moved))
    return;
  self->zoomed = zoomed;
  if (self->zoomed)
    request_zoom (self);
  else
    {
      g_cancellable_cancel (self->zoom_cancellable);
      if (self->preview != NULL)
        gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (self->preview));
    }
}

/* What the user did, which a compare view passes on to the other panes. */
static void
change_view (AtLoupe *self,
             gboolean zoomed,
             double   cx,
             double   cy)
{
  if (self->photo == NULL)
    return;
  apply_view (self, zoomed, cx, cy);
  g_signal_emit (self, signals[VIEW_CHANGED], 0);
}

/* Between the whole photo and its pixels at 100 %, around the centre. */
void
at_loupe_toggle_zoom (AtLoupe *self)
{
  g_return_if_fail (AT_IS_LOUPE (self));
  change_view (self, !self->zoomed, self->cx, self->cy);
}

/**
 * at_loupe_set_view:
 * @cx, @cy: the centre of the 100 % view, as fractions of the photo
 *
 * Follows another pane's zoom and pan; does not emit #AtLoupe::view-changed.
 */
void
at_loupe_set_view (AtLoupe *self,
                   gboolean zoomed,
                   double   cx,
                   double   cy)
{
  g_return_if_fail (AT_IS_LOUPE (self));
  if (self->photo != NULL)
    apply_view (self, zoomed, cx, cy);
}

void
at_loupe_get_view (AtLoupe *self,
                   gboolean *zoomed,
                   double   *cx,
                   double   *cy)
{
  g_return_if_fail (AT_IS_LOUPE (self));
  *zoomed = self->zoomed;
  *cx = self->cx;
  *cy = self->cy;
}

/* Moves the 100 % view by a fraction of what the pane shows. */
void
at_loupe_pan (AtLoupe *self,
              double   dx,
              double   dy)
{
  int w, h;

  g_return_if_fail (AT_IS_LOUPE (self));
  if (!self->zoomed || self->photo == NULL)
    return;
  w = MAX (at_photo_get_width (self->photo), 1);
  h = MAX (at_photo_get_height (self->photo), 1);
  change_view (self, TRUE,
               self->cx + dx * gtk_widget_get_width (GTK_WIDGET (self->picture)) / w,
               self->cy + dy * gtk_widget_get_height (GTK_WIDGET (self->picture)) / h);
}

gboolean
at_loupe_get_zoomed (AtLoupe *self)
{
  g_return_val_if_fail (AT_IS_LOUPE (self), FALSE);
  return self->zoomed;
}

/* A drag at 100 % moves the view (a screen pixel is a photo pixel there);
 * the pixels are read again where it stops. */
static void
drag_end_cb (GtkGestureDrag *gesture,
             double          dx,
             double          dy,
             AtLoupe        *self)
{
  int w, h;

  if (!self->zoomed || self->photo == NULL)
    return;
  w = at_photo_get_width (self->photo);
  h = at_photo_get_height (self->photo);
  if (w <= 0 || h <= 0)
    return;
  change_view (self, TRUE, self->cx - dx / w, self->cy - dy / h);
}

/* A double click zooms to 100 % where it lands, or back to the whole photo. */
static void
pressed_cb (GtkGestureClick *gesture,
            int              n_press,
            double           x,
            double           y,
            AtLoupe         *self)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self->picture));
  double height = gtk_widget_get_height (GTK_WIDGET (self->picture));
  double aspect, shown_w, shown_h;

  if (n_press != 2 || self->photo == NULL)
    return;
  if (self->zoomed || self->preview == NULL || width <= 0 || height <= 0)
    {
      change_view (self, FALSE, self->cx, self->cy);
      return;
    }
  /* where the photo sits inside the picture ("contain") */
  aspect = gdk_paintable_get_intrinsic_aspect_ratio (GDK_PAINTABLE (self->preview));
  if (aspect <= 0)
    aspect = width / height;
  shown_w = MIN (width, height * aspect);
  shown_h = shown_w / aspect;
  change_view (self, TRUE, (x - (width - shown_w) / 2) / shown_w, (y - (height - shown_h) / 2) / shown_h);
}

/* In a compare pane: the file name gives way, so the exposure (what the
 * panes are compared on) stays whole. */
void
at_loupe_set_compact (AtLoupe  *self,
                      gboolean  compact)
{
  g_return_if_fail (AT_IS_LOUPE (self));
  gtk_label_set_max_width_chars (self->name_label, compact ? 12 : 28);
  gtk_widget_set_visible (GTK_WIDGET (self->camera_label), !compact);
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
  g_cancellable_cancel (self->zoom_cancellable);
  g_clear_object (&self->zoom_cancellable);
  g_clear_object (&self->preview);
  g_clear_pointer (&self->original, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), AT_TYPE_LOUPE);
  /* the overlay is not a bound child, so dispose_template leaves it */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (at_loupe_parent_class)->dispose (object);
}

/* Shift and an arrow move the 100 % view by a quarter of the pane. */
static gboolean
pan_key_cb (GtkWidget *widget,
            GVariant  *args,
            gpointer   user_data)
{
  double dx, dy;

  g_variant_get (args, "(dd)", &dx, &dy);
  if (!AT_LOUPE (widget)->zoomed)
    return FALSE;
  at_loupe_pan (AT_LOUPE (widget), dx, dy);
  return TRUE;
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

  /**
   * AtLoupe::view-changed:
   *
   * The user zoomed or panned (not emitted for at_loupe_set_view()).
   */
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Left, GDK_SHIFT_MASK, pan_key_cb, "(dd)", -0.25, 0.0);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Right, GDK_SHIFT_MASK, pan_key_cb, "(dd)", 0.25, 0.0);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Up, GDK_SHIFT_MASK, pan_key_cb, "(dd)", 0.0, -0.25);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Down, GDK_SHIFT_MASK, pan_key_cb, "(dd)", 0.0, 0.25);

  signals[VIEW_CHANGED] = g_signal_new ("view-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                        NULL, G_TYPE_NONE, 0);
}

static void
at_loupe_init (AtLoupe *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkGesture *click = gtk_gesture_click_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cx = self->cy = 0.5;
  g_signal_connect (drag, "drag-end", G_CALLBACK (drag_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->picture), GTK_EVENT_CONTROLLER (drag));
  g_signal_connect (click, "pressed", G_CALLBACK (pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->picture), GTK_EVENT_CONTROLLER (click));
}

GtkWidget *
at_loupe_new (void)
{
  return g_object_new (AT_TYPE_LOUPE, NULL);
}
