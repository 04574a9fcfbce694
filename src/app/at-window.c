/* at-window.c — AtWindow: sidebar, section stack, header counts.
 *
 * The sections are listed once (sections[] below); the sidebar rows and
 * the Alt+number shortcuts are built from that list, and each section's
 * page is a stack child of the same name in ui/at-window.ui.
 */
#define G_LOG_DOMAIN "atelier"

#include "config.h"

#include <glib/gi18n.h>

#include "at-window.h"
#include "at-toast.h"
#include "at-ingest-page.h"
#include "at-library-page.h"
#include "at-credentials.h"
#include "at-sync-indicator.h"
#include "at-transfers-button.h"
#include "at-faces-page.h"
#include "at-sync-page.h"

typedef struct
{
  const char *id;
  const char *title;
  const char *icon;
} Section;

static const Section sections[] = {
  { "ingest",    N_("Ingest"),    "media-removable-symbolic" },
  { "library",   N_("Library"),   "image-x-generic-symbolic" },
  { "faces",     N_("Faces"),     "avatar-default-symbolic" },
  { "proofs",    N_("Proofs"),    "starred-symbolic" },
  { "editing",   N_("Editing"),   "document-edit-symbolic" },
  { "delivery",  N_("Delivery"),  "send-to-symbolic" },
  { "schedule",  N_("Schedule"),  "x-office-calendar-symbolic" },
  { "contracts", N_("Contracts"), "x-office-document-symbolic" },
  { "sync",      N_("Sync"),      "emblem-synchronizing-symbolic" },
};

struct _AtWindow
{
  AdwApplicationWindow parent_instance;

  AtApplication   *app;
  AtCatalog       *catalog;
  GSettings       *settings;
  char            *subtitle;

  AdwToastOverlay *toast_overlay;
  AdwLeaflet      *leaflet;
  GtkListBox      *sidebar;
  GtkLabel        *catalog_label;
  GtkWidget       *content_box;
  AdwWindowTitle  *content_title;
  GtkStack        *stack;
  AtIngestPage    *ingest_page;
  AtLibraryPage   *library_page;
  AtFacesPage     *faces_page;
  AdwStatusPage   *schedule_page;
  AdwStatusPage   *contracts_page;
  AtSyncPage      *sync_page;
  AtSyncIndicator *sync_indicator;
  AtTransfersButton *transfers_button;
  AtSyncService   *sync;
  GCancellable    *sync_lookup;
};

G_DEFINE_FINAL_TYPE (AtWindow, at_window, ADW_TYPE_APPLICATION_WINDOW)

const char *const *
at_window_list_sections (guint *n_sections)
{
  static const char *ids[G_N_ELEMENTS (sections) + 1];

  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    ids[i] = sections[i].id;
  *n_sections = G_N_ELEMENTS (sections);
  return ids;
}

static const Section *
find_section (const char *id)
{
  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    if (g_strcmp0 (sections[i].id, id) == 0)
      return &sections[i];
  return NULL;
}

static char *
format_money (gint64      cents,
              const char *currency)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT ".%02d %s", cents / 100, (int) (ABS (cents) % 100), currency);
}

void
at_window_refresh_counts (AtWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *photos = NULL, *projects = NULL, *customers = NULL;
  g_autofree char *schedule = NULL, *contracts = NULL, *due = NULL;
  AtStudioSummary s;

  g_return_if_fail (AT_IS_WINDOW (self));

  if (self->catalog == NULL)
    return;
  if (!at_studio_summary_load (self->catalog, &s, &error))
    {
      adw_toast_overlay_add_toast (self->toast_overlay, at_toast_new (error->message));
      return;
    }

  photos = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%" G_GINT64_FORMAT " photo",
                                         "%" G_GINT64_FORMAT " photos", s.photos), s.photos);
  projects = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%" G_GINT64_FORMAT " project",
                                           "%" G_GINT64_FORMAT " projects", s.projects), s.projects);
  customers = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%" G_GINT64_FORMAT " customer",
                                            "%" G_GINT64_FORMAT " customers", s.customers), s.customers);
  g_free (self->subtitle);
  /* Translators: the header's summary, e.g. "360 photos · 6 projects · 6 customers" */
  self->subtitle = g_strdup_printf (_("%s · %s · %s"), photos, projects, customers);
  adw_window_title_set_subtitle (self->content_title, self->subtitle);

  schedule = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
      "%" G_GINT64_FORMAT " shooting slot is booked in this catalog. The calendar will show every "
      "photographer’s day here, with double bookings, travel time and availability.",
      "%" G_GINT64_FORMAT " shooting slots are booked in this catalog. The calendar will show every "
      "photographer’s day here, with double bookings, travel time and availability.", s.schedules),
      s.schedules);
  adw_status_page_set_description (self->schedule_page, schedule);

  due = format_money (s.pending_cents, s.currency);
  contracts = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
      "%" G_GINT64_FORMAT " contract, %" G_GINT64_FORMAT " payments outstanding (%s). Deposits, "
      "balances and the studio’s pipeline will be tracked here.",
      "%" G_GINT64_FORMAT " contracts, %" G_GINT64_FORMAT " payments outstanding (%s). Deposits, "
      "balances and the studio’s pipeline will be tracked here.", s.contracts),
      s.contracts, s.payments_pending, due);
  adw_status_page_set_description (self->contracts_page, contracts);
}

void
at_window_set_section (AtWindow   *self,
                       const char *id)
{
  const Section *section;

  g_return_if_fail (AT_IS_WINDOW (self));

  if ((section = find_section (id)) == NULL)
    return;
  if (self->catalog == NULL)
    {
      /* nothing to show without a catalog; the page says what to do */
      adw_window_title_set_title (self->content_title, _("No Catalog"));
      return;
    }
  gtk_stack_set_visible_child_name (self->stack, id);
  adw_window_title_set_title (self->content_title, _(section->title));
  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    if (&sections[i] == section)
      {
        GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->sidebar, (int) i);
        if (gtk_list_box_get_selected_row (self->sidebar) != row)
          gtk_list_box_select_row (self->sidebar, row);
      }
  /* (the keyboard goes to the first face waiting) */
  if (g_str_equal (id, "faces"))
    at_faces_page_focus_queue (self->faces_page);
  g_settings_set_string (self->settings, "last-section", id);
}

const char *
at_window_get_section (AtWindow *self)
{
  g_return_val_if_fail (AT_IS_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

GtkWidget *
at_window_get_section_page (AtWindow   *self,
                            const char *id)
{
  g_return_val_if_fail (AT_IS_WINDOW (self), NULL);
  return gtk_stack_get_child_by_name (self->stack, id);
}

const char *
at_window_get_subtitle (AtWindow *self)
{
  g_return_val_if_fail (AT_IS_WINDOW (self), NULL);
  return self->subtitle;
}

static void
sidebar_row_activated_cb (AtWindow      *self,
                          GtkListBoxRow *row)
{
  int index = gtk_list_box_row_get_index (row);

  if (index >= 0 && index < (int) G_N_ELEMENTS (sections))
    at_window_set_section (self, sections[index].id);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
back_clicked_cb (AtWindow *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
leaflet_folded_cb (AtWindow *self)
{
  /* Folded, the sidebar acts as a list to navigate from: nothing preselected. */
  if (adw_leaflet_get_folded (self->leaflet))
    gtk_list_box_set_selection_mode (self->sidebar, GTK_SELECTION_NONE);
  else
    {
      gtk_list_box_set_selection_mode (self->sidebar, GTK_SELECTION_BROWSE);
      at_window_set_section (self, at_window_get_section (self));
    }
}

static void
section_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  AtWindow *self = AT_WINDOW (widget);

  at_window_set_section (self, g_variant_get_string (parameter, NULL));
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static GtkWidget *
new_sidebar_row (const Section *section)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label = gtk_label_new (_(section->title));

  gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name (section->icon));
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_box_append (GTK_BOX (box), label);
  return box;
}

void
at_window_show_error (AtWindow   *self,
                      const char *heading,
                      const char *body)
{
  GtkWidget *dialog;

  g_return_if_fail (AT_IS_WINDOW (self));

  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
library_dialog_response_cb (AdwMessageDialog *dialog,
                            const char       *response,
                            AtWindow         *self)
{
  if (g_str_equal (response, "preferences"))
    gtk_widget_activate_action (GTK_WIDGET (self), "app.preferences", NULL);
}

/* A library folder the user chose that is gone (an unplugged drive) is
 * worth saying at start-up, before an ingest would need it. */
void
at_window_check_library (AtWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *library = at_application_dup_library_folder (self->app);
  g_autofree char *setting = g_settings_get_string (self->settings, "library-folder");
  g_autofree char *default_library = at_paths_default_library ();
  GtkWidget *dialog;

  if (g_strcmp0 (library, default_library) == 0 || at_paths_check_directory (library, _("library"), &error))
    return;
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Library Folder Not Found"), error->message);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "close", _("_Later"),
                                    "preferences", _("Open _Preferences"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "preferences",
                                              ADW_RESPONSE_SUGGESTED);
  g_signal_connect_object (dialog, "response", G_CALLBACK (library_dialog_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
catalog_changed_cb (AtCatalog  *catalog,
                    const char *table,
                    AtWindow   *self)
{
  if (g_str_equal (table, "photos") || g_str_equal (table, "projects") || g_str_equal (table, "customers") ||
      g_str_equal (table, "shooting_schedules") || g_str_equal (table, "contracts") ||
      g_str_equal (table, "payments"))
    at_window_refresh_counts (self);
}

/* ---- sync ---- */

static void
password_cb (GObject *object, GAsyncResult *result, gpointer data)
{
  gboolean cancelled;
  g_autofree char *password = at_credentials_lookup_finish (result, &cancelled);
  g_autoptr(AtWindow) self = data;
  g_autofree char *server = NULL;

  /* (a lookup cancelled when the setting changed again: a newer one answers) */
  if (self->sync == NULL || cancelled)
    return;
  server = g_settings_get_string (self->settings, "sync-server");
  at_sync_service_set_server (self->sync, server, password);
}

/* The server from the preferences, its password from the keyring. */
static void
sync_server_changed_cb (AtWindow *self)
{
  g_autofree char *server = g_settings_get_string (self->settings, "sync-server");

  g_cancellable_cancel (self->sync_lookup);
  g_clear_object (&self->sync_lookup);
  if (*server == '\0')
    {
      at_sync_service_set_server (self->sync, NULL, NULL);
      return;
    }
  self->sync_lookup = g_cancellable_new ();
  at_credentials_lookup_async (AT_CREDENTIAL_SERVER, server, self->sync_lookup, password_cb, g_object_ref (self));
}

/* A password saved for the server set: looked up again, sync kept on. */
static void
credentials_stored_cb (AtWindow *self, int kind, const char *key)
{
  g_autofree char *server = g_settings_get_string (self->settings, "sync-server");

  if (kind == AT_CREDENTIAL_SERVER && *server != '\0' && g_str_equal (key, server))
    sync_server_changed_cb (self);
}

static void
sync_now_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  AtWindow *self = AT_WINDOW (widget);

  if (self->sync != NULL)
    at_sync_service_sync_now (self->sync);
}

AtSyncService *
at_window_get_sync_service (AtWindow *self)
{
  g_return_val_if_fail (AT_IS_WINDOW (self), NULL);
  return self->sync;
}

static void
setup (AtWindow *self)
{
  g_autofree char *last = NULL;

  g_settings_bind (self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);

  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    gtk_list_box_append (self->sidebar, new_sidebar_row (&sections[i]));

  if (self->catalog != NULL)
    {
      g_autofree char *base = g_path_get_basename (at_catalog_get_path (self->catalog));
      gtk_label_set_label (self->catalog_label, base);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->catalog_label), at_catalog_get_path (self->catalog));
      g_autofree char *library = at_application_dup_library_folder (self->app);
      at_library_page_set_catalog (self->library_page, self->catalog, library);
      if (g_settings_get_boolean (self->settings, "write-xmp-sidecars"))
        {
          g_autofree char *style_name = g_settings_get_string (self->settings, "xmp-sidecar-style");
          AtSidecarStyle style = AT_SIDECAR_ADOBE;
          g_autoptr(AtXmpWriter) writer = NULL;

          at_sidecar_style_parse (style_name, &style);
          writer = at_xmp_writer_new (self->catalog, library, style);
          at_library_page_set_xmp_writer (self->library_page, writer);
          at_faces_page_set_xmp_writer (self->faces_page, writer);
        }
      at_ingest_page_setup (self->ingest_page, self->catalog, self->settings, library, NULL);
      at_faces_page_setup (self->faces_page, self->catalog, self->settings, library, NULL);
      self->sync = at_sync_service_new (self->catalog);
      at_sync_page_set_service (self->sync_page, self->sync);
      at_sync_indicator_set_service (self->sync_indicator, self->sync);
      g_signal_connect_object (self->settings, "changed::sync-server", G_CALLBACK (sync_server_changed_cb), self,
                               G_CONNECT_SWAPPED);
      sync_server_changed_cb (self);
      g_signal_connect_object (self->app, "credentials-stored", G_CALLBACK (credentials_stored_cb), self,
                               G_CONNECT_SWAPPED);
      at_transfers_button_setup (self->transfers_button, self->catalog, self->settings, library);
      g_signal_connect_object (self->catalog, "changed", G_CALLBACK (catalog_changed_cb), self, 0);
      at_window_refresh_counts (self);
    }
  else
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self->sidebar), FALSE);
      gtk_stack_set_visible_child_name (self->stack, "no-catalog");
    }

  last = g_settings_get_string (self->settings, "last-section");
  at_window_set_section (self, find_section (last) ? last : "library");
}

static void
at_window_finalize (GObject *object)
{
  AtWindow *self = AT_WINDOW (object);

  g_clear_object (&self->catalog);
  g_clear_object (&self->settings);
  g_clear_object (&self->sync_lookup);
  g_free (self->subtitle);
  G_OBJECT_CLASS (at_window_parent_class)->finalize (object);
}

static void
at_window_dispose (GObject *object)
{
  AtWindow *self = AT_WINDOW (object);

  g_cancellable_cancel (self->sync_lookup);
  if (self->sync != NULL)
    {
      /* its sync cancelled, and the application (whose end closes the
       * catalog) kept until the sync's worker is done with the catalog */
      GApplication *app = g_application_get_default ();

      if (app != NULL)
        g_application_hold (app);
      at_sync_service_stop (self->sync, app != NULL ? (GDestroyNotify) g_application_release : NULL, app);
    }
  g_clear_object (&self->sync);
  G_OBJECT_CLASS (at_window_parent_class)->dispose (object);
}

static void
at_window_class_init (AtWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = at_window_finalize;
  object_class->dispose = at_window_dispose;

  g_type_ensure (AT_TYPE_INGEST_PAGE);
  g_type_ensure (AT_TYPE_LIBRARY_PAGE);
  g_type_ensure (AT_TYPE_SYNC_PAGE);
  g_type_ensure (AT_TYPE_FACES_PAGE);
  g_type_ensure (AT_TYPE_SYNC_INDICATOR);
  g_type_ensure (AT_TYPE_TRANSFERS_BUTTON);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/at-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AtWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, catalog_label);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, content_box);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, content_title);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, ingest_page);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, library_page);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, schedule_page);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, contracts_page);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, sync_page);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, faces_page);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, sync_indicator);
  gtk_widget_class_bind_template_child (widget_class, AtWindow, transfers_button);
  gtk_widget_class_bind_template_callback (widget_class, sidebar_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, leaflet_folded_cb);

  gtk_widget_class_install_action (widget_class, "win.section", "s", section_action);
  gtk_widget_class_install_action (widget_class, "win.sync-now", NULL, sync_now_action);
  /* (Ctrl+R: what GNOME apps use to refresh) */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.sync-now", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1 + i, GDK_ALT_MASK,
                                         "win.section", "s", sections[i].id);
}

static void
at_window_init (AtWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

AtWindow *
at_window_new (AtApplication *app,
               AtCatalog     *catalog)
{
  AtWindow *self;

  g_return_val_if_fail (AT_IS_APPLICATION (app), NULL);
  g_return_val_if_fail (catalog == NULL || AT_IS_CATALOG (catalog), NULL);

  self = g_object_new (AT_TYPE_WINDOW, "application", app, NULL);
  self->app = app;
  self->settings = g_object_ref (at_application_get_settings (app));
  self->catalog = catalog ? g_object_ref (catalog) : NULL;
  setup (self);
  return self;
}
