/* at-ingest-previews.c — thumbnails and previews while copying goes on.
 *
 * Worker threads at a lower priority than the copy make them from the
 * library copy, not the card, whose bandwidth is for copying; each result
 * is indexed in the catalog's previews table and announced to the caller.
 */
#define G_LOG_DOMAIN "atelier-ingest"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "at-ingest-run.h"
#include "at-preview.h"
#include "at-thread.h"

typedef struct
{
  char *hash;
  char *name;         /* the capture's published file name */
  GPtrArray *files;   /* library paths to try, best first */
} PreviewJob;

typedef struct
{
  char            *hash;
  AtPreviewResult  r;
} PreviewRow;

static gboolean
write_preview (AtSqlConn *conn, gpointer data, GError **error)
{
  PreviewRow *row = data;
  char id[AT_UUID_STRING_LEN + 1];

  at_uuid_v7_generate (id);
  return at_sql_exec_bound (conn, error,
      "INSERT INTO previews (id, content_hash, source, thumb_width, thumb_height, preview_width, preview_height) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (content_hash) DO UPDATE SET source = excluded.source, "
      "thumb_width = excluded.thumb_width, thumb_height = excluded.thumb_height, "
      "preview_width = excluded.preview_width, preview_height = excluded.preview_height, deleted_at = NULL",
      "tttiiii", id, row->hash, row->r.embedded ? "embedded" : "decoded", row->r.thumb_width,
      row->r.thumb_height, row->r.preview_width, row->r.preview_height);
}

static void
preview_row_free (PreviewRow *row)
{
  g_free (row->hash);
  g_free (row);
}

static void
preview_job_free (PreviewJob *job)
{
  g_free (job->hash);
  g_free (job->name);
  g_ptr_array_unref (job->files);
  g_free (job);
}

void
at_ingest_previews_make (gpointer data,
                         gpointer user_data)
{
  PreviewJob *job = data;
  Run *run = user_data;
  g_autoptr(GError) error = NULL;
  PreviewRow *row = g_new0 (PreviewRow, 1);
  gboolean ok = FALSE;

  /* this pool's threads are its own (exclusive), so the niceness stays here */
  at_thread_be_nice (4);

  /* the library copy, not the card: the card's bandwidth is for copying */
  g_ptr_array_add (job->files, NULL);
  ok = at_preview_make_from ((const char *const *) job->files->pdata, job->hash, run->cache_dir, &row->r, &error);
  if (!ok)
    {
      at_ingest_run_problem (run, g_ptr_array_index (job->files, 0), error->message);
      g_free (row);
    }
  else
    {
      row->hash = g_strdup (job->hash);
      at_catalog_write_detached (run->catalog, "previews", write_preview, row, (GDestroyNotify) preview_row_free);
      g_mutex_lock (&run->lock);
      if (run->summary->previews++ == 0)
        run->summary->first_preview_seconds = (g_get_monotonic_time () - run->started) / 1e6;
      g_mutex_unlock (&run->lock);
      if (run->opt->preview_ready != NULL)
        run->opt->preview_ready (job->hash, job->name, run->opt->preview_data);
    }
  preview_job_free (job);
}

void
at_ingest_previews_queue (Run            *run,
                          AtJournalGroup *g)
{
  PreviewJob *job;

  if (run->previews == NULL)
    return;
  job = g_new0 (PreviewJob, 1);
  job->hash = g_strdup (((AtJournalFile *) g_ptr_array_index (g->files, 0))->hash);
  job->name = g_path_get_basename (((AtJournalFile *) g_ptr_array_index (g->files, 0))->lib_rel);
  job->files = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < g->files->len; i++)
    {
      AtJournalFile *f = g_ptr_array_index (g->files, i);
      if (g_str_equal (f->src->role, "raw") || g_str_equal (f->src->role, "jpeg") ||
          g_str_equal (f->src->role, "heif"))
        g_ptr_array_add (job->files, g_build_filename (run->opt->library, f->lib_rel, NULL));
    }
  if (job->files->len == 0)
    {
      preview_job_free (job);
      return;
    }
  g_thread_pool_push (run->previews, job, NULL);
}
