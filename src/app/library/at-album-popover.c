/* at-album-popover.c — AtAlbumPopover: which album, and what to do with it.
 *
 * The popover only asks; the Library page does the work (it has the
 * selection and the catalog) when "action" is emitted with "add",
 * "remove", "create" or "rename", the album's id and the typed name.
 */
#define G_LOG_DOMAIN "atelier"

#include "config.h"

#include <glib/gi18n.h>

#include "at-album-popover.h"
#include "at-choice-list.h"

struct _AtAlbumPopover
{
  GtkPopover       parent_instance;
  GtkStack        *album_stack;
  GtkDropDown     *album_choice;
  GtkStringList   *album_list;
  GtkWidget       *member_buttons;
  GtkWidget       *rename_button;
  GtkEntry        *name_entry;
  AtFilterChoices *choices;
  GCancellable    *cancellable;
  char            *choose;       /* to choose once the list is read */
};

enum { ACTION, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (AtAlbumPopover, at_album_popover, GTK_TYPE_POPOVER)

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  AtFilterChoices *choices = at_filter_choices_load_finish (result, &error);
  AtAlbumPopover *self;
  g_autofree char *keep = NULL;
  gboolean any;

  if (choices == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("%s", error->message);
      return;
    }
  self = AT_ALBUM_POPOVER (user_data);
  keep = self->choose ? g_steal_pointer (&self->choose) : g_strdup (at_album_popover_get_album (self));
  g_clear_pointer (&self->choices, at_filter_choices_free);
  self->choices = choices;
  at_choice_list_fill (self->album_choice, self->album_list, NULL, choices->albums, keep);
  any = choices->albums->len > 0;
  gtk_stack_set_visible_child_name (self->album_stack, any ? "albums" : "none");
  gtk_widget_set_sensitive (self->member_buttons, any);
  gtk_widget_set_sensitive (self->rename_button, any);
}

/* Reads the albums again off the main thread; @choose (an album id), or
 * else the one chosen now, is chosen then. */
void
at_album_popover_reload (AtAlbumPopover *self,
                         AtCatalog      *catalog,
                         const char     *choose)
{
  g_return_if_fail (AT_IS_ALBUM_POPOVER (self));
  g_return_if_fail (AT_IS_CATALOG (catalog));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_free (self->choose);
  self->choose = g_strdup (choose);
  at_filter_choices_load_async (catalog, self->cancellable, loaded_cb, self);
}

const char *
at_album_popover_get_album (AtAlbumPopover *self)
{
  g_return_val_if_fail (AT_IS_ALBUM_POPOVER (self), NULL);
  return self->choices ? at_choice_list_chosen (self->album_choice, FALSE, self->choices->albums) : NULL;
}

/* What the chosen album is called, with its project. */
const char *
at_album_popover_get_album_label (AtAlbumPopover *self)
{
  GtkStringObject *item;

  g_return_val_if_fail (AT_IS_ALBUM_POPOVER (self), NULL);
  item = at_album_popover_get_album (self) ? gtk_drop_down_get_selected_item (self->album_choice) : NULL;
  return item ? gtk_string_object_get_string (item) : NULL;
}

gboolean
at_album_popover_select (AtAlbumPopover *self,
                         const char     *album_id)
{
  g_return_val_if_fail (AT_IS_ALBUM_POPOVER (self), FALSE);
  return self->choices != NULL && at_choice_list_select (self->album_choice, FALSE, self->choices->albums, album_id);
}

void
at_album_popover_set_name (AtAlbumPopover *self,
                           const char     *name)
{
  g_return_if_fail (AT_IS_ALBUM_POPOVER (self));
  gtk_editable_set_text (GTK_EDITABLE (self->name_entry), name ? name : "");
}

static void
emit (AtAlbumPopover *self,
      const char     *action)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_entry))));

  g_signal_emit (self, signals[ACTION], 0, action, at_album_popover_get_album (self), *name ? name : NULL);
}

static void add_clicked_cb (AtAlbumPopover *self)    { emit (self, "add"); }
static void remove_clicked_cb (AtAlbumPopover *self) { emit (self, "remove"); }
static void create_clicked_cb (AtAlbumPopover *self) { emit (self, "create"); }
static void rename_clicked_cb (AtAlbumPopover *self) { emit (self, "rename"); }

static void
at_album_popover_dispose (GObject *object)
{
  AtAlbumPopover *self = AT_ALBUM_POPOVER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->choices, at_filter_choices_free);
  g_clear_pointer (&self->choose, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), AT_TYPE_ALBUM_POPOVER);
  G_OBJECT_CLASS (at_album_popover_parent_class)->dispose (object);
}

static void
at_album_popover_class_init (AtAlbumPopoverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = at_album_popover_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/library/at-album-popover.ui");
  gtk_widget_class_bind_template_child (widget_class, AtAlbumPopover, album_stack);
  gtk_widget_class_bind_template_child (widget_class, AtAlbumPopover, album_choice);
  gtk_widget_class_bind_template_child (widget_class, AtAlbumPopover, album_list);
  gtk_widget_class_bind_template_child (widget_class, AtAlbumPopover, member_buttons);
  gtk_widget_class_bind_template_child (widget_class, AtAlbumPopover, rename_button);
  gtk_widget_class_bind_template_child (widget_class, AtAlbumPopover, name_entry);
  gtk_widget_class_bind_template_callback (widget_class, add_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, remove_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, create_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, rename_clicked_cb);

  /**
   * AtAlbumPopover::action:
   * @action: "add", "remove", "create" or "rename"
   * @album: (nullable): the chosen album's id
   * @name: (nullable): the name typed, trimmed
   */
  signals[ACTION] = g_signal_new ("action", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                  G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
}

static void
at_album_popover_init (AtAlbumPopover *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
