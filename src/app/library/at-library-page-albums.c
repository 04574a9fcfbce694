/* at-library-page-albums.c — what the Albums popover asks of the Library
 * page: the selection into or out of an album, a new album of it, a new
 * name. The writes go through the catalog's writer on a worker, so the
 * grid never waits; a toast says what happened. */
#define G_LOG_DOMAIN "atelier"

#include "config.h"

#include <glib/gi18n.h>

#include "at-library-page-private.h"

typedef struct
{
  AtCatalog *catalog;   /* the worker's own: the page may go first */
  char  *action;
  char  *album;
  char  *album_label;   /* for the toast */
  char  *name;
  char  *project;
  char **ids;
} AlbumJob;

static void
album_job_free (AlbumJob *job)
{
  g_clear_object (&job->catalog);
  g_free (job->action);
  g_free (job->album);
  g_free (job->album_label);
  g_free (job->name);
  g_free (job->project);
  g_strfreev (job->ids);
  g_free (job);
}

static void
album_thread (GTask        *task,
              gpointer      source,
              gpointer      data,
              GCancellable *cancellable)
{
  AlbumJob *job = data;
  AtCatalog *catalog = job->catalog;
  GError *error = NULL;
  gboolean ok;

  if (g_str_equal (job->action, "create"))
    {
      g_free (job->album);
      job->album = at_album_create (catalog, job->project, job->name, NULL, &error);
      ok = job->album != NULL && at_album_set_photos (catalog, job->album, (const char *const *) job->ids, TRUE, &error);
    }
  else if (g_str_equal (job->action, "rename"))
    ok = at_album_rename (catalog, job->album, job->name, &error);
  else
    ok = at_album_set_photos (catalog, job->album, (const char *const *) job->ids, g_str_equal (job->action, "add"),
                              &error);
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
album_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  AtLibraryPage *self = AT_LIBRARY_PAGE (object);
  AlbumJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  guint n = job->ids ? g_strv_length (job->ids) : 0;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      _at_library_page_toast (self, error->message);
      return;
    }
  if (g_str_equal (job->action, "create"))
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Album “%s” made with %u photo", "Album “%s” made with %u photos", n),
                            job->name, n);
  else if (g_str_equal (job->action, "rename"))
    text = g_strdup_printf (_("Album renamed “%s”"), job->name);
  else if (g_str_equal (job->action, "add"))
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u photo added to “%s”", "%u photos added to “%s”", n), n,
                            job->album_label);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u photo taken out of “%s”", "%u photos taken out of “%s”", n),
                            n, job->album_label);
  _at_library_page_toast (self, text);
  if (g_str_equal (job->action, "create") || g_str_equal (job->action, "rename"))
    {
      at_album_popover_set_name (self->album_popover, NULL);
      /* the new (or renamed) album is the chosen one */
      at_album_popover_reload (self->album_popover, job->catalog, job->album);
      at_filter_popover_reload (self->filter_popover, job->catalog);
    }
}

/* The photos' one project, or NULL with a toast when they have none or several. */
static char *
selection_project (AtLibraryPage *self,
                   GPtrArray     *photos)
{
  const char *project = at_photo_get_project_id (g_ptr_array_index (photos, 0));

  for (guint i = 1; i < photos->len && project != NULL; i++)
    if (g_strcmp0 (project, at_photo_get_project_id (g_ptr_array_index (photos, i))) != 0)
      {
        _at_library_page_toast (self, _("An album belongs to one project: select photos of one project"));
        return NULL;
      }
  if (project == NULL)
    _at_library_page_toast (self, _("These photos belong to no project, and an album needs one"));
  return g_strdup (project);
}

static void
album_action_cb (AtAlbumPopover *popover,
                 const char     *action,
                 const char     *album,
                 const char     *name,
                 AtLibraryPage  *self)
{
  g_autoptr(GPtrArray) photos = _at_library_page_selected_photos (self);
  g_autoptr(GTask) task = NULL;
  gboolean needs_photos = !g_str_equal (action, "rename");
  gboolean needs_name = g_str_equal (action, "create") || g_str_equal (action, "rename");
  AlbumJob *job;

  if (self->photos == NULL)
    return;
  if (needs_photos && photos->len == 0)
    {
      _at_library_page_toast (self, _("Select photos first"));
      return;
    }
  if (needs_name && name == NULL)
    {
      _at_library_page_toast (self, _("Type the album’s name first"));
      return;
    }
  if (!g_str_equal (action, "create") && album == NULL)
    {
      _at_library_page_toast (self, _("Choose an album first"));
      return;
    }

  job = g_new0 (AlbumJob, 1);
  job->catalog = g_object_ref (at_photo_list_get_catalog (self->photos));
  job->action = g_strdup (action);
  job->album = g_strdup (album);
  job->name = g_strdup (name);
  if (needs_photos)
    {
      job->ids = g_new0 (char *, photos->len + 1);
      for (guint i = 0; i < photos->len; i++)
        job->ids[i] = g_strdup (at_photo_get_id (g_ptr_array_index (photos, i)));
    }
  if (g_str_equal (action, "create") && (job->project = selection_project (self, photos)) == NULL)
    {
      album_job_free (job);
      return;
    }
  job->album_label = g_strdup (at_album_popover_get_album_label (popover));
  gtk_popover_popdown (GTK_POPOVER (popover));
  task = g_task_new (self, NULL, album_done_cb, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) album_job_free);
  g_task_run_in_thread (task, album_thread);
}

void
_at_library_page_setup_albums (AtLibraryPage *self)
{
  g_signal_connect (self->album_popover, "action", G_CALLBACK (album_action_cb), self);
}
