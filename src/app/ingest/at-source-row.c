/* at-source-row.c — AtSourceRow: a check box, the card's name, and what is new on it. */
#define G_LOG_DOMAIN "atelier"

#include "config.h"

#include <glib/gi18n.h>

#include "at-source-row.h"

struct _AtSourceRow
{
  AdwActionRow    parent_instance;
  AtIngestSource *source;
  GtkCheckButton *check;
  GtkSpinner     *spinner;
};

G_DEFINE_FINAL_TYPE (AtSourceRow, at_source_row, ADW_TYPE_ACTION_ROW)

enum { TOGGLED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
update (AtSourceRow *self)
{
  const AtIngestCounts *c = at_ingest_source_get_counts (self->source);
  g_autofree char *subtitle = NULL;
  g_autofree char *size = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->spinner), !at_ingest_source_get_counted (self->source));
  gtk_spinner_set_spinning (self->spinner, !at_ingest_source_get_counted (self->source));
  if (!at_ingest_source_get_counted (self->source))
    subtitle = g_strdup (_("Looking for photos…"));
  else if (at_ingest_source_get_error (self->source) != NULL)
    subtitle = g_strdup (at_ingest_source_get_error (self->source));
  else
    {
      size = g_format_size (c->bytes_new);
      /* Translators: "24 new photos (1.2 GB) · 120 already imported" */
      subtitle = g_strdup_printf (_("%u new (%s) · %u already imported"),
                                  c->captures_new, size, c->captures_imported);
    }
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), subtitle);
  /* nothing new: leave it unticked, but let the user tick it to check again */
  if (at_ingest_source_get_counted (self->source) && c->captures_new == 0)
    gtk_check_button_set_active (self->check, FALSE);
}

static void
toggled_cb (AtSourceRow *self)
{
  g_signal_emit (self, signals[TOGGLED], 0);
}

static void
at_source_row_dispose (GObject *object)
{
  AtSourceRow *self = AT_SOURCE_ROW (object);

  if (self->source != NULL)
    g_signal_handlers_disconnect_by_data (self->source, self);
  g_clear_object (&self->source);
  G_OBJECT_CLASS (at_source_row_parent_class)->dispose (object);
}

static void
at_source_row_class_init (AtSourceRowClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = at_source_row_dispose;
  signals[TOGGLED] = g_signal_new ("toggled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
at_source_row_init (AtSourceRow *self)
{
  self->check = GTK_CHECK_BUTTON (gtk_check_button_new ());
  gtk_check_button_set_active (self->check, TRUE);
  gtk_widget_set_valign (GTK_WIDGET (self->check), GTK_ALIGN_CENTER);
  g_signal_connect_swapped (self->check, "toggled", G_CALLBACK (toggled_cb), self);
  adw_action_row_add_prefix (ADW_ACTION_ROW (self), GTK_WIDGET (self->check));
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (self), GTK_WIDGET (self->check));
  self->spinner = GTK_SPINNER (gtk_spinner_new ());
  adw_action_row_add_suffix (ADW_ACTION_ROW (self), GTK_WIDGET (self->spinner));
}

GtkWidget *
at_source_row_new (AtIngestSource *source)
{
  AtSourceRow *self = g_object_new (AT_TYPE_SOURCE_ROW, NULL);
  GtkWidget *icon;

  self->source = g_object_ref (source);
  icon = gtk_image_new_from_icon_name (at_ingest_source_get_mount (source) ? "media-removable-symbolic"
                                                                          : "folder-symbolic");
  adw_action_row_add_prefix (ADW_ACTION_ROW (self), icon);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), at_ingest_source_get_label (source));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), at_ingest_source_get_path (source));
  g_signal_connect_swapped (source, "notify::counted", G_CALLBACK (update), self);
  update (self);
  return GTK_WIDGET (self);
}

AtIngestSource *
at_source_row_get_source (AtSourceRow *self)
{
  return self->source;
}

gboolean
at_source_row_get_active (AtSourceRow *self)
{
  return gtk_check_button_get_active (self->check);
}

void
at_source_row_set_active (AtSourceRow *self,
                          gboolean     active)
{
  gtk_check_button_set_active (self->check, active);
}
