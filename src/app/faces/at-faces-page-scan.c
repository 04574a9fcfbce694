/* at-faces-page-scan.c — the Faces page's scanning: the engine loaded on a
 * worker (missing or altered models show why instead of the queue), the
 * per-project switch, Find Faces with progress, a scan by itself a moment
 * after photos arrive in a switched-on project, then matching and
 * grouping on a worker. */
#define G_LOG_DOMAIN "atelier"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "at-faces-page-private.h"
#include "at-choice-list.h"
#include "at-toast.h"

/* ---- scanning ---- */

static void
set_status (AtFacesPage *self, const char *text)
{
  gtk_label_set_label (self->status_label, text ? text : "");
}

static void
grouped_done (GObject *source, GAsyncResult *result, gpointer data)
{
  AtFacesPage *self = AT_FACES_PAGE (source);
  g_autoptr(GError) error = NULL;
  guint *counts = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *text = NULL;

  self->busy = FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self->progress), FALSE);
  gtk_widget_set_sensitive (self->scan_button, self->engine != NULL);
  if (counts == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        at_toast_show (GTK_WIDGET (self), error->message);
      set_status (self, NULL);
      return;
    }
  text = g_strdup_printf (_("%u faces found · %u suggestions · %u faces alike"), counts[0], counts[1], counts[2]);
  set_status (self, text);
  g_free (counts);
  _at_faces_page_reload (self);
}

typedef struct
{
  guint            counts[3];
  AtFaceThresholds thresholds;
} Grouping;

static void
group_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  AtFacesPage *self = source;
  Grouping *g = data;
  guint *counts = g_memdup2 (g->counts, sizeof g->counts);
  GError *error = NULL;

  if (!at_face_match (self->catalog, &g->thresholds, &counts[1], NULL, &error) ||
      !at_face_cluster (self->catalog, &g->thresholds, &counts[2], &error))
    {
      g_free (counts);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, counts, g_free);
}

static void
scan_progress_cb (AtFaceScan *scan, guint done, guint total, AtFacesPage *self)
{
  g_autofree char *text = g_strdup_printf (_("Finding faces: %u of %u photos"), done, total);

  gtk_progress_bar_set_fraction (self->progress, total ? (double) done / total : 0);
  set_status (self, text);
}

static void
scanned_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  AtFacesPage *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  guint counts[3] = { 0 }, failed = 0;

  if (!at_face_scan_run_finish (AT_FACE_SCAN (source), result, NULL, &counts[0], &failed, &error))
    {
      self->busy = FALSE;
      gtk_widget_set_visible (GTK_WIDGET (self->progress), FALSE);
      gtk_widget_set_sensitive (self->scan_button, TRUE);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        at_toast_show (GTK_WIDGET (self), error->message);
      g_object_unref (self);
      return;
    }
  if (failed > 0)
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u photo could not be read: %s",
                                                            "%u photos could not be read; the last: %s", failed),
                                               failed, at_face_scan_get_last_error (AT_FACE_SCAN (source)));
      at_toast_show (GTK_WIDGET (self), text);
    }
  set_status (self, _("Suggesting names, grouping faces alike…"));
  {
    Grouping *g = g_new0 (Grouping, 1);
    const AtFaceThresholds defaults = AT_FACE_THRESHOLDS_INIT;
    GSettings *settings = self->settings;

    memcpy (g->counts, counts, sizeof counts);
    g->thresholds = defaults;
    /* (the distances a studio chose in its settings) */
    g->thresholds.strong = g_settings_get_double (settings, "face-strong-distance");
    g->thresholds.margin = g_settings_get_double (settings, "face-margin");
    g->thresholds.weak = MAX (g->thresholds.strong, g_settings_get_double (settings, "face-weak-distance"));
    g->thresholds.eps = g_settings_get_double (settings, "face-group-distance");
    task = g_task_new (self, self->cancellable, grouped_done, NULL);
    g_task_set_task_data (task, g, g_free);
    g_task_run_in_thread (task, group_thread);
  }
  g_object_unref (self);
}

void
at_faces_page_scan (AtFacesPage *self)
{
  g_autoptr(AtFaceScan) scan = NULL;

  g_return_if_fail (AT_IS_FACES_PAGE (self));
  if (self->engine == NULL)
    {
      /* (engine_done scans when it is there) */
      _at_faces_page_ensure_engine (self);
      return;
    }
  if (self->catalog == NULL || self->busy)
    return;
  self->busy = TRUE;
  gtk_widget_set_sensitive (self->scan_button, FALSE);
  gtk_progress_bar_set_fraction (self->progress, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->progress), TRUE);
  set_status (self, _("Finding faces…"));
  scan = at_face_scan_new (self->catalog, self->engine, self->library, self->cache_dir);
  g_signal_connect_object (scan, "progress", G_CALLBACK (scan_progress_cb), self, 0);
  at_face_scan_run (scan, self->cancellable, scanned_cb, g_object_ref (self));
}

/* New photos in a switched-on project: a scan a moment later. */
static gboolean
look_cb (gpointer data)
{
  AtFacesPage *self = data;

  self->look_id = 0;
  if (!self->busy && at_face_queue_unscanned (self->catalog) > 0)
    at_faces_page_scan (self);
  return G_SOURCE_REMOVE;
}

void
_at_faces_page_catalog_changed (AtCatalog *catalog, const char *table, AtFacesPage *self)
{
  if ((g_strcmp0 (table, "photos") == 0 || g_strcmp0 (table, "projects") == 0) && self->look_id == 0)
    self->look_id = g_timeout_add_seconds (3, look_cb, self);
}

/* ---- projects and their switch ---- */

void
_at_faces_page_load_projects (AtFacesPage *self)
{
  at_choice_list_fill_projects (self->project_dropdown, self->project_ids, self->catalog);
}

void
_at_faces_page_project_selected (AtFacesPage *self)
{
  guint i = gtk_drop_down_get_selected (self->project_dropdown);

  self->updating = TRUE;
  gtk_switch_set_active (self->processing_switch, self->catalog != NULL && i < self->project_ids->len &&
                                                  at_face_scan_get_processing (self->catalog, self->project_ids->pdata[i]));
  self->updating = FALSE;
}

static void
switched (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(AtFacesPage) self = data;
  g_autoptr(GError) error = NULL;

  if (!at_face_scan_set_processing_finish (AT_CATALOG (source), result, &error))
    {
      at_toast_show (GTK_WIDGET (self), error->message);
      /* (the switch shows what the catalog holds) */
      _at_faces_page_project_selected (self);
      return;
    }
  if (self->catalog == AT_CATALOG (source) && gtk_switch_get_active (self->processing_switch))
    at_faces_page_scan (self);
}

/* (written on the catalog's writer thread: the window does not wait for it
 * behind an ingest's or a sync's writes) */
void
_at_faces_page_processing (AtFacesPage *self)
{
  guint i = gtk_drop_down_get_selected (self->project_dropdown);

  if (self->updating || self->catalog == NULL || i >= self->project_ids->len)
    return;
  at_face_scan_set_processing_async (self->catalog, self->project_ids->pdata[i], gtk_switch_get_active (self->processing_switch),
                                     NULL, switched, g_object_ref (self));
}

/* ---- the engine ---- */

static void
engine_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  AtFaceEngine *engine = at_face_engine_new (data, &error);

  if (engine == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, engine, g_object_unref);
}

static void
engine_done (GObject *source, GAsyncResult *result, gpointer data)
{
  AtFacesPage *self = AT_FACES_PAGE (source);
  g_autoptr(GError) error = NULL;

  self->engine = g_task_propagate_pointer (G_TASK (result), &error);
  if (self->engine == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      adw_status_page_set_description (self->missing_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "missing");
      gtk_widget_set_sensitive (self->scan_button, FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->processing_switch), FALSE);
      return;
    }
  gtk_widget_set_sensitive (self->scan_button, TRUE);
  _at_faces_page_reload (self);
  /* what was left unscanned (a closed laptop, new photos) goes on */
  if (at_face_queue_unscanned (self->catalog) > 0)
    at_faces_page_scan (self);
}

void
_at_faces_page_ensure_engine (AtFacesPage *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->engine_asked || self->catalog == NULL)
    return;
  self->engine_asked = TRUE;
  task = g_task_new (self, self->cancellable, engine_done, NULL);
  g_task_set_task_data (task, g_strdup (self->models), g_free);
  g_task_run_in_thread (task, engine_thread);
}
