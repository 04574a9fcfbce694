/* at-application.c — AtApplication: opens the catalog and the main window.
 *
 * The catalog comes from --catalog, else the catalog-path setting, else the
 * default under the user data folder (created on first run). When it cannot
 * be opened the window still appears, with a dialog that names the problem,
 * and the file is left as it was.
 */
#define G_LOG_DOMAIN "atelier"

#include "config.h"

#include <glib/gi18n.h>

#include "at-application.h"
#include "at-window.h"
#include "at-preferences-window.h"

struct _AtApplication
{
  AdwApplication  parent_instance;
  GSettings      *settings;
  AtCatalog      *catalog;
  GError         *catalog_error;
  char           *catalog_option;
  char           *library_option;
};

G_DEFINE_FINAL_TYPE (AtApplication, at_application, ADW_TYPE_APPLICATION)

enum { CREDENTIALS_STORED, N_SIGNALS };
static guint signals[N_SIGNALS];

static const GOptionEntry option_entries[] = {
  { "catalog", 'c', 0, G_OPTION_ARG_FILENAME, NULL, N_("Open this catalog file instead of the workstation’s"), N_("PATH") },
  { "library", 'l', 0, G_OPTION_ARG_FILENAME, NULL, N_("Use this library folder for this session"), N_("DIR") },
  { NULL }
};

static int
at_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  AtApplication *self = AT_APPLICATION (app);
  const char *path = NULL;

  /* Filenames arrive as bytestrings. */
  if (g_variant_dict_lookup (options, "catalog", "^&ay", &path))
    self->catalog_option = g_canonicalize_filename (path, NULL);
  if (g_variant_dict_lookup (options, "library", "^&ay", &path))
    self->library_option = g_canonicalize_filename (path, NULL);
  return -1;
}

static char *
dup_catalog_path (AtApplication *self)
{
  g_autofree char *setting = NULL;

  if (self->catalog_option != NULL)
    return g_strdup (self->catalog_option);
  setting = g_settings_get_string (self->settings, "catalog-path");
  if (setting != NULL && *setting != '\0')
    return g_steal_pointer (&setting);
  return at_paths_default_catalog ();
}

char *
at_application_dup_library_folder (AtApplication *self)
{
  g_autofree char *setting = NULL;

  g_return_val_if_fail (AT_IS_APPLICATION (self), NULL);

  if (self->library_option != NULL)
    return g_strdup (self->library_option);
  setting = g_settings_get_string (self->settings, "library-folder");
  if (setting != NULL && *setting != '\0')
    return g_steal_pointer (&setting);
  return at_paths_default_library ();
}

static void
open_catalog (AtApplication *self)
{
  g_autofree char *path = dup_catalog_path (self);
  /* Only the default location is created silently; a path the user named
   * must already be a catalog, so a typo never makes an empty one. */
  gboolean is_default = self->catalog_option == NULL &&
                        g_settings_get_user_value (self->settings, "catalog-path") == NULL;

  g_clear_error (&self->catalog_error);
  self->catalog = at_catalog_open (path,
                                   is_default ? AT_CATALOG_OPEN_CREATE : AT_CATALOG_OPEN_DEFAULT,
                                   &self->catalog_error);
}

static void
at_application_activate (GApplication *app)
{
  AtApplication *self = AT_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    {
      if (self->catalog == NULL && self->catalog_error == NULL)
        open_catalog (self);
      window = GTK_WINDOW (at_window_new (self, self->catalog));
    }
  gtk_window_present (window);

  if (self->catalog_error != NULL)
    {
      at_window_show_error (AT_WINDOW (window), _("Cannot Open the Catalog"), self->catalog_error->message);
      g_clear_error (&self->catalog_error);
    }
  else if (self->catalog != NULL)
    at_window_check_library (AT_WINDOW (window));
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  AtApplication *self = user_data;
  AtPreferencesWindow *prefs = at_preferences_window_new (self->settings);

  gtk_window_set_transient_for (GTK_WINDOW (prefs),
                                gtk_application_get_active_window (GTK_APPLICATION (self)));
  gtk_window_present (GTK_WINDOW (prefs));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  AtApplication *self = user_data;
  static const char *developers[] = { "The Atelier developers", NULL };

  adw_show_about_window (gtk_application_get_active_window (GTK_APPLICATION (self)),
                         "application-name", "Atelier",
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _("A workstation for photo studios: from the memory card to the client’s delivery."),
                         "developer-name", _("The Atelier developers"),
                         "developers", developers,
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "website", "https://atelier.studio/",
                         "copyright", "© 2026 The Atelier developers",
                         NULL);
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  /* each window closed as by its button (its sync cancelled, see
   * at_window_dispose): the application ends after the last, once no sync
   * is still using the catalog */
  g_autoptr(GList) windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (user_data)));

  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
}

static const GActionEntry app_actions[] = {
  { "preferences", preferences_activated },
  { "about", about_activated },
  { "quit", quit_activated },
};

static void
at_application_startup (GApplication *app)
{
  AtApplication *self = AT_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *prefs_accels[] = { "<Control>comma", NULL };

  G_APPLICATION_CLASS (at_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", prefs_accels);
  gtk_window_set_default_icon_name (APP_ID);
}

static void
at_application_shutdown (GApplication *app)
{
  AtApplication *self = AT_APPLICATION (app);

  /* Let the writer finish its queue before the process ends. */
  if (self->catalog != NULL)
    at_catalog_close (self->catalog);
  G_APPLICATION_CLASS (at_application_parent_class)->shutdown (app);
}

static void
at_application_finalize (GObject *object)
{
  AtApplication *self = AT_APPLICATION (object);

  g_clear_object (&self->catalog);
  g_clear_object (&self->settings);
  g_clear_error (&self->catalog_error);
  g_free (self->catalog_option);
  g_free (self->library_option);
  G_OBJECT_CLASS (at_application_parent_class)->finalize (object);
}

static void
at_application_class_init (AtApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = at_application_finalize;
  app_class->handle_local_options = at_application_handle_local_options;
  app_class->startup = at_application_startup;
  app_class->activate = at_application_activate;
  app_class->shutdown = at_application_shutdown;

  /* (kind: an AtCredential; key: what the secret was saved for) */
  signals[CREDENTIALS_STORED] = g_signal_new ("credentials-stored", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                              NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_STRING);
}

static void
at_application_init (AtApplication *self)
{
  self->settings = g_settings_new (APP_ID);
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("A workstation for photo studios and event photographers."));
}

AtApplication *
at_application_new (void)
{
  /* NON_UNIQUE: each `atelier --catalog X` is its own process with its own
   * catalog, rather than a new window in whichever instance runs first. */
  return g_object_new (AT_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_NON_UNIQUE,
                       "resource-base-path", RESOURCE_BASE,
                       NULL);
}

GSettings *
at_application_get_settings (AtApplication *self)
{
  g_return_val_if_fail (AT_IS_APPLICATION (self), NULL);
  return self->settings;
}

void
at_application_credentials_stored (AtApplication *self,
                                   AtCredential   kind,
                                   const char    *key)
{
  g_return_if_fail (AT_IS_APPLICATION (self));
  g_signal_emit (self, signals[CREDENTIALS_STORED], 0, (int) kind, key);
}

AtCatalog *
at_application_get_catalog (AtApplication *self)
{
  g_return_val_if_fail (AT_IS_APPLICATION (self), NULL);
  return self->catalog;
}
