/* at-preferences-window.c — AtPreferencesWindow: folders and catalog.
 *
 * Rows show the effective location (the default when the setting is empty)
 * and follow the settings, so a change from elsewhere shows up here too.
 */
#define G_LOG_DOMAIN "atelier"

#include "config.h"

#include <glib/gi18n.h>

#include "at-application.h"
#include "at-core.h"
#include "at-preferences-window.h"
#include "at-toast.h"
#include "at-credentials.h"

struct _AtPreferencesWindow
{
  AdwPreferencesWindow parent_instance;
  GSettings   *settings;
  AdwActionRow *library_row;
  AdwActionRow *backup_row;
  AdwActionRow *catalog_row;
  GtkWidget    *clear_backup_button;
  AdwEntryRow  *server_row;
  AdwEntryRow  *password_row;
  AdwEntryRow  *endpoint_row;
  AdwEntryRow  *bucket_row;
  AdwEntryRow  *region_row;
  AdwEntryRow  *access_row;
  AdwEntryRow  *secret_row;
  GtkSpinButton *limit_spin;
  GtkSpinButton *files_spin;
};

G_DEFINE_FINAL_TYPE (AtPreferencesWindow, at_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void
update_rows (AtPreferencesWindow *self)
{
  g_autofree char *library = g_settings_get_string (self->settings, "library-folder");
  g_autofree char *backup = g_settings_get_string (self->settings, "backup-folder");
  g_autofree char *catalog = g_settings_get_string (self->settings, "catalog-path");
  g_autofree char *default_library = at_paths_default_library ();
  g_autofree char *default_catalog = at_paths_default_catalog ();

  adw_action_row_set_subtitle (self->library_row, *library ? library : default_library);
  adw_action_row_set_subtitle (self->backup_row,
                               *backup ? backup : _("None — files are copied to the library only"));
  gtk_widget_set_visible (self->clear_backup_button, *backup != '\0');
  adw_action_row_set_subtitle (self->catalog_row, *catalog ? catalog : default_catalog);
}

typedef struct
{
  AtPreferencesWindow *self;
  const char          *key;
} Choice;

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     gpointer         user_data)
{
  Choice *choice = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;

      if (path != NULL)
        g_settings_set_string (choice->self->settings, choice->key, path);
    }
  g_object_unref (choice->self);
  g_free (choice);
  g_object_unref (chooser);
}

static void
choose (AtPreferencesWindow  *self,
        const char           *title,
        GtkFileChooserAction  action,
        const char           *key)
{
  GtkFileChooserNative *chooser;
  Choice *choice = g_new0 (Choice, 1);

  chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), action, _("_Select"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  choice->self = g_object_ref (self);
  choice->key = key;
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), choice);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
choose_library_cb (AtPreferencesWindow *self)
{
  choose (self, _("Library Folder"), GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, "library-folder");
}

static void
choose_backup_cb (AtPreferencesWindow *self)
{
  choose (self, _("Backup Folder"), GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, "backup-folder");
}

static void
choose_catalog_cb (AtPreferencesWindow *self)
{
  choose (self, _("Catalog File"), GTK_FILE_CHOOSER_ACTION_OPEN, "catalog-path");
}

static void
clear_backup_cb (AtPreferencesWindow *self)
{
  g_settings_reset (self->settings, "backup-folder");
}

/* ---- the studio server ---- */

static void
server_apply_cb (AtPreferencesWindow *self)
{
  g_autofree char *server = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->server_row))));

  g_settings_set_string (self->settings, "sync-server", server);
}

/* A secret being saved: what for, and the toast once it is. */
typedef struct
{
  AtPreferencesWindow *self;
  AtCredential         kind;
  char                *key;
  const char          *saved;
} Storing;

static void
stored_cb (GObject *object, GAsyncResult *result, gpointer data)
{
  Storing *s = data;
  g_autoptr(GError) error = NULL;
  GApplication *app = g_application_get_default ();

  if (!at_credentials_store_finish (result, &error))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (s->self), at_toast_new (error->message));
  else
    {
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (s->self), at_toast_new (s->saved));
      /* whoever uses it looks it up again: the sync (without stopping: the
       * server setting stays as it is), the Uploads button */
      if (AT_IS_APPLICATION (app))
        at_application_credentials_stored (AT_APPLICATION (app), s->kind, s->key);
    }
  g_object_unref (s->self);
  g_free (s->key);
  g_free (s);
}

static void
store (AtPreferencesWindow *self, AtCredential kind, const char *key, AdwEntryRow *row, const char *saved)
{
  Storing *s = g_new0 (Storing, 1);

  s->self = g_object_ref (self);
  s->kind = kind;
  s->key = g_strdup (key);
  s->saved = saved;
  at_credentials_store_async (kind, key, gtk_editable_get_text (GTK_EDITABLE (row)), NULL, stored_cb, s);
  gtk_editable_set_text (GTK_EDITABLE (row), "");
}

static void
password_apply_cb (AtPreferencesWindow *self)
{
  g_autofree char *server = g_settings_get_string (self->settings, "sync-server");

  if (*server == '\0')
    {
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), at_toast_new (_("Set the server first")));
      return;
    }
  store (self, AT_CREDENTIAL_SERVER, server, self->password_row, _("Password saved in the keyring"));
}

/* ---- the studio's storage ---- */

static void
storage_apply_cb (AdwEntryRow *row, AtPreferencesWindow *self)
{
  g_autofree char *value = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

  g_settings_set_string (self->settings, g_object_get_data (G_OBJECT (row), "setting"), value);
}

static void
secret_apply_cb (AtPreferencesWindow *self)
{
  g_autofree char *endpoint = g_settings_get_string (self->settings, "storage-endpoint");
  g_autofree char *access = g_settings_get_string (self->settings, "storage-access-key");
  g_autofree char *key = NULL;

  if (*endpoint == '\0' || *access == '\0')
    {
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                        at_toast_new (_("Set the endpoint and the access key first")));
      return;
    }
  key = g_strdup_printf ("%s %s", endpoint, access);
  store (self, AT_CREDENTIAL_STORAGE, key, self->secret_row, _("Secret key saved in the keyring"));
}

static void
at_preferences_window_dispose (GObject *object)
{
  AtPreferencesWindow *self = AT_PREFERENCES_WINDOW (object);

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (at_preferences_window_parent_class)->dispose (object);
}

static void
at_preferences_window_class_init (AtPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = at_preferences_window_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/preferences/at-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AtPreferencesWindow, library_row);
  gtk_widget_class_bind_template_child (widget_class, AtPreferencesWindow, backup_row);
  gtk_widget_class_bind_template_child (widget_class, AtPreferencesWindow, catalog_row);
  gtk_widget_class_bind_template_child (widget_class, AtPreferencesWindow, clear_backup_button);
  gtk_widget_class_bind_template_child (widget_class, AtPreferencesWindow, server_row);
  gtk_widget_class_bind_template_child (widget_class, AtPreferencesWindow, password_row);
  gtk_widget_class_bind_template_child (widget_class, AtPreferencesWindow, endpoint_row);
  gtk_widget_class_bind_template_child (widget_class, AtPreferencesWindow, limit_spin);
  gtk_widget_class_bind_template_child (widget_class, AtPreferencesWindow, files_spin);
  gtk_widget_class_bind_template_child (widget_class, AtPreferencesWindow, bucket_row);
  gtk_widget_class_bind_template_child (widget_class, AtPreferencesWindow, region_row);
  gtk_widget_class_bind_template_child (widget_class, AtPreferencesWindow, access_row);
  gtk_widget_class_bind_template_child (widget_class, AtPreferencesWindow, secret_row);
  gtk_widget_class_bind_template_callback (widget_class, storage_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, secret_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, server_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, password_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, choose_library_cb);
  gtk_widget_class_bind_template_callback (widget_class, choose_backup_cb);
  gtk_widget_class_bind_template_callback (widget_class, choose_catalog_cb);
  gtk_widget_class_bind_template_callback (widget_class, clear_backup_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
at_preferences_window_init (AtPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

AtPreferencesWindow *
at_preferences_window_new (GSettings *settings)
{
  AtPreferencesWindow *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (AT_TYPE_PREFERENCES_WINDOW, NULL);
  self->settings = g_object_ref (settings);
  g_signal_connect_swapped (settings, "changed", G_CALLBACK (update_rows), self);
  update_rows (self);
  g_settings_bind (settings, "upload-limit", self->limit_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "upload-files", self->files_spin, "value", G_SETTINGS_BIND_DEFAULT);
  {
    g_autofree char *server = g_settings_get_string (settings, "sync-server");
    gtk_editable_set_text (GTK_EDITABLE (self->server_row), server);
  }
  {
    AdwEntryRow *rows[] = { self->endpoint_row, self->bucket_row, self->region_row, self->access_row };
    const char *keys[] = { "storage-endpoint", "storage-bucket", "storage-region", "storage-access-key" };

    for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
      {
        g_autofree char *value = g_settings_get_string (settings, keys[i]);
        g_object_set_data (G_OBJECT (rows[i]), "setting", (gpointer) keys[i]);
        gtk_editable_set_text (GTK_EDITABLE (rows[i]), value);
      }
  }
  return self;
}
