/* at-filter-popover.c — AtFilterPopover: camera, project, album, person and a date
 * range, for the filter bar's More button.
 *
 * The lists are read from the catalog on a worker each time the popover
 * opens (a new album shows up without a restart); what was chosen stays
 * chosen if it is still there. A date that is not a date turns its entry
 * red and is not applied; "changed" is emitted for what is.
 */
#define G_LOG_DOMAIN "atelier"

#include "config.h"

#include <glib/gi18n.h>

#include "at-choice-list.h"
#include "at-filter-popover.h"

struct _AtFilterPopover
{
  GtkPopover       parent_instance;
  GtkDropDown     *body_choice;
  GtkDropDown     *project_choice;
  GtkDropDown     *album_choice;
  GtkDropDown     *person_choice;
  GtkStringList   *body_list;
  GtkStringList   *project_list;
  GtkStringList   *album_list;
  GtkStringList   *person_list;
  GtkEntry        *from_entry;
  GtkEntry        *to_entry;
  AtFilterChoices *choices;
  GCancellable    *cancellable;
  gboolean         filling;      /* the lists are being replaced: not a choice */
};

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (AtFilterPopover, at_filter_popover, GTK_TYPE_POPOVER)

/* Every list here starts with an "Any …" row. */
static const char *
chosen (GtkDropDown *choice,
        GPtrArray   *values)
{
  return at_choice_list_chosen (choice, TRUE, values);
}

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  AtFilterChoices *choices = at_filter_choices_load_finish (result, &error);
  AtFilterPopover *self;
  g_autofree char *body = NULL, *project = NULL, *album = NULL, *person = NULL;
  gboolean changed;

  if (choices == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("%s", error->message);
      return;
    }
  self = AT_FILTER_POPOVER (user_data);
  if (self->choices != NULL)
    {
      body = g_strdup (chosen (self->body_choice, self->choices->bodies));
      project = g_strdup (chosen (self->project_choice, self->choices->projects));
      album = g_strdup (chosen (self->album_choice, self->choices->albums));
      person = g_strdup (chosen (self->person_choice, self->choices->people));
    }
  g_clear_pointer (&self->choices, at_filter_choices_free);
  self->choices = choices;
  self->filling = TRUE;
  at_choice_list_fill (self->body_choice, self->body_list, _("Any Camera"), choices->bodies, body);
  at_choice_list_fill (self->project_choice, self->project_list, _("Any Project"), choices->projects, project);
  at_choice_list_fill (self->album_choice, self->album_list, _("Any Album"), choices->albums, album);
  at_choice_list_fill (self->person_choice, self->person_list, _("Anyone"), choices->people, person);
  self->filling = FALSE;
  /* something chosen that is gone (an album deleted elsewhere) is no filter now */
  changed = g_strcmp0 (body, chosen (self->body_choice, choices->bodies)) != 0 ||
            g_strcmp0 (project, chosen (self->project_choice, choices->projects)) != 0 ||
            g_strcmp0 (album, chosen (self->album_choice, choices->albums)) != 0 ||
            g_strcmp0 (person, chosen (self->person_choice, choices->people)) != 0;
  if (changed)
    g_signal_emit (self, signals[CHANGED], 0);
}

/**
 * at_filter_popover_reload:
 *
 * Reads the cameras, projects and albums again, off the main thread.
 */
void
at_filter_popover_reload (AtFilterPopover *self,
                          AtCatalog       *catalog)
{
  g_return_if_fail (AT_IS_FILTER_POPOVER (self));
  g_return_if_fail (AT_IS_CATALOG (catalog));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  /* dispose cancels, and the callback then does not touch the popover */
  at_filter_choices_load_async (catalog, self->cancellable, loaded_cb, self);
}

static void
choice_changed_cb (AtFilterPopover *self)
{
  if (!self->filling)
    g_signal_emit (self, signals[CHANGED], 0);
}

/* The entry's date, NULL when it is empty or not a date. */
static char *
entry_date (GtkEntry *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));

  return *text != '\0' ? at_photo_filter_parse_date (text, NULL) : NULL;
}

static void
date_changed_cb (AtFilterPopover *self,
                 GtkEntry        *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  g_autofree char *date = entry_date (entry);
  gboolean valid = *text == '\0' || date != NULL;

  if (valid)
    gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
  /* a half-typed date changes nothing until it is whole */
  if (valid || strlen (text) == 10)
    g_signal_emit (self, signals[CHANGED], 0);
}

/* Adds what is chosen here to @filter (which owns the strings). */
void
at_filter_popover_fill (AtFilterPopover *self,
                        AtPhotoFilter   *filter)
{
  g_return_if_fail (AT_IS_FILTER_POPOVER (self));

  if (self->choices != NULL)
    {
      g_free (filter->body_serial);
      filter->body_serial = g_strdup (chosen (self->body_choice, self->choices->bodies));
      g_free (filter->project);
      filter->project = g_strdup (chosen (self->project_choice, self->choices->projects));
      g_free (filter->album);
      filter->album = g_strdup (chosen (self->album_choice, self->choices->albums));
      g_free (filter->person);
      filter->person = g_strdup (chosen (self->person_choice, self->choices->people));
    }
  g_free (filter->date_from);
  filter->date_from = entry_date (self->from_entry);
  g_free (filter->date_to);
  filter->date_to = entry_date (self->to_entry);
}

guint
at_filter_popover_get_n_active (AtFilterPopover *self)
{
  AtPhotoFilter filter;
  guint n;

  g_return_val_if_fail (AT_IS_FILTER_POPOVER (self), 0);
  at_photo_filter_init (&filter);
  at_filter_popover_fill (self, &filter);
  n = (filter.body_serial != NULL) + (filter.project != NULL) + (filter.album != NULL) + (filter.person != NULL) +
      (filter.date_from != NULL) + (filter.date_to != NULL);
  at_photo_filter_clear (&filter);
  return n;
}

/**
 * at_filter_popover_select:
 * @what: "camera", "project", "album" or "person"
 * @value: a serial number or id, as AtFilterChoice has it
 *
 * Chooses a value from code (a test, or the sidebar later); FALSE if the
 * list does not have it (yet).
 */
gboolean
at_filter_popover_select (AtFilterPopover *self,
                          const char      *what,
                          const char      *value)
{
  g_return_val_if_fail (AT_IS_FILTER_POPOVER (self), FALSE);
  if (self->choices == NULL)
    return FALSE;
  if (g_str_equal (what, "camera"))
    return at_choice_list_select (self->body_choice, TRUE, self->choices->bodies, value);
  if (g_str_equal (what, "project"))
    return at_choice_list_select (self->project_choice, TRUE, self->choices->projects, value);
  if (g_str_equal (what, "person"))
    return at_choice_list_select (self->person_choice, TRUE, self->choices->people, value);
  return at_choice_list_select (self->album_choice, TRUE, self->choices->albums, value);
}

/* Back to every camera, project, album and day; one "changed". */
void
at_filter_popover_clear (AtFilterPopover *self)
{
  g_return_if_fail (AT_IS_FILTER_POPOVER (self));

  self->filling = TRUE;
  gtk_drop_down_set_selected (self->body_choice, 0);
  gtk_drop_down_set_selected (self->project_choice, 0);
  gtk_drop_down_set_selected (self->album_choice, 0);
  gtk_drop_down_set_selected (self->person_choice, 0);
  g_signal_handlers_block_by_func (self->from_entry, date_changed_cb, self);
  g_signal_handlers_block_by_func (self->to_entry, date_changed_cb, self);
  gtk_editable_set_text (GTK_EDITABLE (self->from_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->to_entry), "");
  gtk_widget_remove_css_class (GTK_WIDGET (self->from_entry), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->to_entry), "error");
  g_signal_handlers_unblock_by_func (self->from_entry, date_changed_cb, self);
  g_signal_handlers_unblock_by_func (self->to_entry, date_changed_cb, self);
  self->filling = FALSE;
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
at_filter_popover_dispose (GObject *object)
{
  AtFilterPopover *self = AT_FILTER_POPOVER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->choices, at_filter_choices_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), AT_TYPE_FILTER_POPOVER);
  G_OBJECT_CLASS (at_filter_popover_parent_class)->dispose (object);
}

static void
at_filter_popover_class_init (AtFilterPopoverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = at_filter_popover_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/library/at-filter-popover.ui");
  gtk_widget_class_bind_template_child (widget_class, AtFilterPopover, body_choice);
  gtk_widget_class_bind_template_child (widget_class, AtFilterPopover, project_choice);
  gtk_widget_class_bind_template_child (widget_class, AtFilterPopover, album_choice);
  gtk_widget_class_bind_template_child (widget_class, AtFilterPopover, person_choice);
  gtk_widget_class_bind_template_child (widget_class, AtFilterPopover, body_list);
  gtk_widget_class_bind_template_child (widget_class, AtFilterPopover, project_list);
  gtk_widget_class_bind_template_child (widget_class, AtFilterPopover, album_list);
  gtk_widget_class_bind_template_child (widget_class, AtFilterPopover, person_list);
  gtk_widget_class_bind_template_child (widget_class, AtFilterPopover, from_entry);
  gtk_widget_class_bind_template_child (widget_class, AtFilterPopover, to_entry);
  gtk_widget_class_bind_template_callback (widget_class, choice_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, date_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, at_filter_popover_clear);

  /**
   * AtFilterPopover::changed:
   *
   * What the popover filters on changed.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);
}

static void
at_filter_popover_init (AtFilterPopover *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
at_filter_popover_new (void)
{
  return g_object_new (AT_TYPE_FILTER_POPOVER, NULL);
}
