/* at-ingest-page-setup.c — the Ingest page before an import: which cards,
 * where to, under what names, and camera clock corrections. */
#define G_LOG_DOMAIN "atelier"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "at-ingest-page-private.h"
#include "at-source-row.h"

GPtrArray *
_at_ingest_page_active_sources (AtIngestPage *self)
{
  GPtrArray *sources = g_ptr_array_new_with_free_func (g_object_unref);

  for (int i = 0; ; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->sources_list, i);
      if (row == NULL)
        break;
      if (AT_IS_SOURCE_ROW (row) && at_source_row_get_active (AT_SOURCE_ROW (row)))
        g_ptr_array_add (sources, g_object_ref (at_source_row_get_source (AT_SOURCE_ROW (row))));
    }
  return sources;
}

static gboolean
template_valid (AtIngestPage *self)
{
  return at_ingest_template_validate (gtk_editable_get_text (GTK_EDITABLE (self->template_row)),
                                      gtk_editable_get_text (GTK_EDITABLE (self->folder_template_row)), NULL);
}

void
_at_ingest_page_update_start (AtIngestPage *self)
{
  g_autoptr(GPtrArray) sources = _at_ingest_page_active_sources (self);
  guint photos = 0;

  for (guint i = 0; i < sources->len; i++)
    photos += at_ingest_source_get_counts (g_ptr_array_index (sources, i))->captures_new;
  if (photos > 0)
    {
      g_autofree char *label = self->stopped_early
        ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "_Resume Import: %u Photo Left",
                                        "_Resume Import: %u Photos Left", photos), photos)
        : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "_Import %u Photo", "_Import %u Photos", photos), photos);
      gtk_button_set_label (self->start_button, label);
    }
  else
    gtk_button_set_label (self->start_button, _("_Import"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->start_button),
                            !self->running && sources->len > 0 && template_valid (self) && self->catalog != NULL);
}

static void
clock_changed_cb (GtkSpinButton *spin,
                  AtIngestPage  *self)
{
  const char *serial = g_object_get_data (G_OBJECT (spin), "serial");
  gint64 seconds = (gint64) gtk_spin_button_get_value (spin);

  g_hash_table_insert (self->clock_offsets, g_strdup (serial), g_memdup2 (&seconds, sizeof seconds));
}

/* One row per camera body found on the sources, with its correction. */
static void
rebuild_clocks (AtIngestPage *self)
{
  g_autoptr(GHashTable) bodies = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) sources = _at_ingest_page_active_sources (self);
  g_autoptr(GList) serials = NULL;
  GtkWidget *row;

  while ((row = GTK_WIDGET (gtk_list_box_get_row_at_index (self->clocks_list, 0))) != NULL)
    gtk_list_box_remove (self->clocks_list, row);
  for (guint i = 0; i < sources->len; i++)
    {
      GHashTable *found = at_ingest_source_get_bodies (g_ptr_array_index (sources, i));
      GHashTableIter iter;
      gpointer serial, model;

      if (found == NULL)
        continue;
      g_hash_table_iter_init (&iter, found);
      while (g_hash_table_iter_next (&iter, &serial, &model))
        g_hash_table_insert (bodies, serial, model);
    }
  serials = g_list_sort (g_hash_table_get_keys (bodies), (GCompareFunc) g_strcmp0);
  for (GList *l = serials; l != NULL; l = l->next)
    {
      const char *serial = l->data;
      gint64 *offset = g_hash_table_lookup (self->clock_offsets, serial);
      g_autofree char *subtitle = g_strdup_printf (_("Serial %s"), serial);
      GtkWidget *spin = gtk_spin_button_new_with_range (-86400, 86400, 1);

      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), g_hash_table_lookup (bodies, serial));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), offset ? (double) *offset : 0);
      gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (spin, _("Seconds to add to this camera’s times"));
      g_object_set_data_full (G_OBJECT (spin), "serial", g_strdup (serial), g_free);
      g_signal_connect (spin, "value-changed", G_CALLBACK (clock_changed_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
      gtk_list_box_append (self->clocks_list, row);
    }
  gtk_widget_set_visible (self->clocks_group, serials != NULL);
}

void
_at_ingest_page_template_changed (AtIngestPage *self)
{
  g_autoptr(GError) error = NULL;
  const char *tmpl = gtk_editable_get_text (GTK_EDITABLE (self->template_row));
  const char *folder_tmpl = gtk_editable_get_text (GTK_EDITABLE (self->folder_template_row));
  const char *job = gtk_editable_get_text (GTK_EDITABLE (self->project_row));

  if (at_ingest_template_validate (tmpl, folder_tmpl, &error))
    {
      /* a made-up capture, to show what the names will look like */
      AtTemplateContext ctx = {
        .local_unix = 1781357525, .subsec_ms = 120, .day_start_hour = 3, .original = "IMG_0042",
        .model = "Canon EOS R5", .serial = "032021001234", .job = job, .seq = 42, .dayseq = 42,
      };
      g_autofree char *folder = at_ingest_template_expand (folder_tmpl, &ctx);
      g_autofree char *name = at_ingest_template_expand (tmpl, &ctx);
      g_autofree char *example = g_strdup_printf ("%s/%s.cr3", folder, name);

      gtk_widget_remove_css_class (GTK_WIDGET (self->template_row), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->folder_template_row), "error");
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->example_row), _("Example"));
      adw_action_row_set_subtitle (self->example_row, example);
    }
  else
    {
      /* the message says which template is wrong */
      gtk_widget_add_css_class (GTK_WIDGET (strstr (error->message, folder_tmpl) && *folder_tmpl &&
                                            !strstr (error->message, tmpl) ? self->folder_template_row
                                                                           : self->template_row), "error");
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->example_row), _("This template cannot be used"));
      adw_action_row_set_subtitle (self->example_row, error->message);
    }
  _at_ingest_page_update_start (self);
}

static GtkWidget *
create_source_row (gpointer item,
                   gpointer user_data)
{
  AtIngestPage *self = user_data;
  GtkWidget *row = at_source_row_new (item);

  g_signal_connect_swapped (row, "toggled", G_CALLBACK (_at_ingest_page_update_start), self);
  g_signal_connect_swapped (row, "toggled", G_CALLBACK (rebuild_clocks), self);
  g_signal_connect_object (item, "notify::counted", G_CALLBACK (_at_ingest_page_update_start), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (item, "notify::counted", G_CALLBACK (rebuild_clocks), self, G_CONNECT_SWAPPED);
  return row;
}

void
_at_ingest_page_update_destinations (AtIngestPage *self)
{
  g_autofree char *backup = self->settings ? g_settings_get_string (self->settings, "backup-folder") : NULL;

  adw_action_row_set_subtitle (self->library_row, self->library);
  adw_action_row_set_subtitle (self->backup_row,
                               backup && *backup ? backup
                                                 : _("No backup copy: choose a backup drive in Preferences"));
}

static void
folder_chosen_cb (GtkNativeDialog *chooser,
                  int              response,
                  AtIngestPage    *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;
      if (path != NULL)
        at_ingest_page_add_folder (self, path);
    }
  g_object_unref (chooser);
  g_object_unref (self);
}

void
_at_ingest_page_add_folder_clicked (AtIngestPage *self)
{
  GtkFileChooserNative *chooser =
    gtk_file_chooser_native_new (_("Import from a Folder"), GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                 GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Add"), _("_Cancel"));

  g_signal_connect (chooser, "response", G_CALLBACK (folder_chosen_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}


void
_at_ingest_page_bind_sources (AtIngestPage *self)
{
  gtk_list_box_bind_model (self->sources_list, G_LIST_MODEL (self->monitor), create_source_row, self, NULL);
}
