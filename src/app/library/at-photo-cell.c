/* at-photo-cell.c — AtPhotoCell: file name, capture time, rating, label.
 *
 * A placeholder stands where the thumbnail will go once previews exist;
 * cells are recycled by the grid, so set_photo() must reset everything.
 */
#define G_LOG_DOMAIN "atelier"

#include "config.h"

#include <glib/gi18n.h>

#include "at-photo-cell.h"

struct _AtPhotoCell
{
  GtkWidget  parent_instance;
  GtkWidget *box;
  GtkLabel  *name_label;
  GtkLabel  *time_label;
  GtkLabel  *rating_label;
  GtkWidget *label_dot;
  char      *dot_class;
};

G_DEFINE_FINAL_TYPE (AtPhotoCell, at_photo_cell, GTK_TYPE_WIDGET)

static void
at_photo_cell_dispose (GObject *object)
{
  AtPhotoCell *self = AT_PHOTO_CELL (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), AT_TYPE_PHOTO_CELL);
  g_clear_pointer (&self->dot_class, g_free);
  G_OBJECT_CLASS (at_photo_cell_parent_class)->dispose (object);
}

static void
at_photo_cell_class_init (AtPhotoCellClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = at_photo_cell_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "photocell");
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/library/at-photo-cell.ui");
  gtk_widget_class_bind_template_child (widget_class, AtPhotoCell, box);
  gtk_widget_class_bind_template_child (widget_class, AtPhotoCell, name_label);
  gtk_widget_class_bind_template_child (widget_class, AtPhotoCell, time_label);
  gtk_widget_class_bind_template_child (widget_class, AtPhotoCell, rating_label);
  gtk_widget_class_bind_template_child (widget_class, AtPhotoCell, label_dot);
}

static void
at_photo_cell_init (AtPhotoCell *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
at_photo_cell_new (void)
{
  return g_object_new (AT_TYPE_PHOTO_CELL, NULL);
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

void
at_photo_cell_set_photo (AtPhotoCell *self,
                         AtPhoto     *photo)
{
  g_autofree char *when = NULL;
  const char *label;

  g_return_if_fail (AT_IS_PHOTO_CELL (self));

  if (self->dot_class != NULL)
    {
      gtk_widget_remove_css_class (self->label_dot, self->dot_class);
      g_clear_pointer (&self->dot_class, g_free);
    }
  if (photo == NULL)
    {
      gtk_label_set_label (self->name_label, "");
      gtk_label_set_label (self->time_label, "");
      gtk_label_set_label (self->rating_label, "");
      gtk_widget_set_visible (self->label_dot, FALSE);
      return;
    }

  when = at_photo_dup_local_capture_label (photo);
  gtk_label_set_label (self->name_label, at_photo_get_file_name (photo));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->name_label), at_photo_get_library_path (photo));
  gtk_label_set_label (self->time_label, when ? when : _("No capture time"));
  gtk_label_set_label (self->rating_label, rating_text (at_photo_get_rating (photo)));

  label = at_photo_get_color_label (photo);
  gtk_widget_set_visible (self->label_dot, label != NULL && !g_str_equal (label, "none"));
  if (label != NULL && !g_str_equal (label, "none"))
    {
      self->dot_class = g_strdup (label);
      gtk_widget_add_css_class (self->label_dot, self->dot_class);
    }
}

const char *
at_photo_cell_get_name (AtPhotoCell *self)
{
  g_return_val_if_fail (AT_IS_PHOTO_CELL (self), NULL);
  return gtk_label_get_label (self->name_label);
}
