/* at-ingest-job.c — runs an ingest: plan each card, then copy it batch by batch.
 *
 * Planning (at-ingest-plan.c) names every capture and journals its files,
 * or picks up the journal of an earlier, unfinished run of the same card
 * and library. Copying reads each file once into partials, flushes a batch,
 * publishes it, flushes the names, reads every copy back, and catalogs the
 * captures whose files all verified. A file counts as imported only once
 * cataloged. Several sources copy in parallel, one thread each.
 *
 * Resuming after a crash or a pulled card: a file whose final name exists
 * is hashed against the card; an equal copy is adopted instead of copied
 * again, and a different one is someone else's file, so ours gets a
 * suffix. Stale NAME.partial files are removed.
 */
#define G_LOG_DOMAIN "atelier-ingest"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/statvfs.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "at-ingest-capture.h"
#include "at-durable.h"
#include "at-ingest-copy.h"
#include "at-ingest-error.h"
#include "at-vips.h"
#include "at-ingest-job.h"
#include "at-ingest-journal.h"
#include "at-ingest-run.h"
#include "at-ingest-scan.h"
#include "at-ingest-template.h"
#include "at-paths.h"
#include "at-preview.h"


void
at_ingest_options_init (AtIngestOptions *o)
{
  memset (o, 0, sizeof *o);
  o->day_start_hour = 3;
  o->verify = TRUE;
  o->previews = TRUE;
}

void
at_ingest_options_clear (AtIngestOptions *o)
{
  g_free (o->library);
  g_free (o->backup);
  g_free (o->project);
  g_free (o->file_template);
  g_free (o->folder_template);
  g_free (o->cache_dir);
  g_clear_pointer (&o->clock_offsets, g_hash_table_unref);
  memset (o, 0, sizeof *o);
}

void
at_ingest_summary_clear (AtIngestSummary *s)
{
  g_clear_pointer (&s->problems, g_ptr_array_unref);
  memset (s, 0, sizeof *s);
}

void
at_ingest_run_problem (Run        *run,
         const char *path,
         const char *message)
{
  g_mutex_lock (&run->lock);
  g_ptr_array_add (run->summary->problems, g_strdup_printf ("%s: %s", path, message));
  g_mutex_unlock (&run->lock);
}

/* Adds to the totals (from any source's thread) and tells the caller,
 * every finished file and at most five times a second for bytes. */
void
at_ingest_run_tally (Run        *run,
       guint       files,
       guint64     bytes,
       guint64     bytes_read,
       const char *current,
       gboolean    force)
{
  gint64 now = g_get_monotonic_time ();
  AtIngestProgress snapshot;
  g_autofree char *name = NULL;
  gboolean tell;

  g_mutex_lock (&run->lock);
  run->p.files_done += files;
  run->p.bytes_done += bytes;
  run->summary->bytes += bytes_read;
  if (current != NULL && current != run->current_name)
    {
      g_free (run->current_name);
      run->p.current = run->current_name = g_strdup (current);
    }
  tell = run->progress != NULL && (force || now - run->last_report >= 200000);
  if (tell)
    run->last_report = now;
  snapshot = run->p;
  /* the callback runs unlocked: its own copy of the name */
  snapshot.current = name = g_strdup (run->current_name);
  g_mutex_unlock (&run->lock);
  if (tell)
    run->progress (&snapshot, run->progress_data);
}

void
at_ingest_run_count (Run   *run,
       guint *counter,
       guint  n)
{
  g_mutex_lock (&run->lock);
  *counter += n;
  g_mutex_unlock (&run->lock);
}

void
at_ingest_run_copy_progress (guint64  bytes,
                  gpointer data)
{
  at_ingest_run_tally (data, 0, bytes, bytes, NULL, FALSE);
}

/* ---- copying ---- */

static gpointer
warm_up_vips (gpointer data)
{
  at_vips_init (NULL);
  return NULL;
}

/* A destination that exists and can be written; a read-only one is told
 * apart, so the page and the CLI can say "read-only" rather than "failed". */
static gboolean
check_destination (const char  *path,
                   const char  *what,
                   GError     **error)
{
  g_autoptr(GError) local = NULL;

  if (at_paths_check_directory (path, what, &local))
    return TRUE;
  if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_READ_ONLY) ||
      g_error_matches (local, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
    g_set_error_literal (error, AT_INGEST_ERROR, AT_INGEST_ERROR_DEST_READ_ONLY, local->message);
  else
    g_propagate_error (error, g_steal_pointer (&local));
  return FALSE;
}

static gboolean
check_space (Run         *run,
             GPtrArray   *groups,
             GError     **error)
{
  const char *dests[2] = { run->opt->library, run->opt->backup };
  guint64 needed = 0;

  for (guint i = 0; i < groups->len; i++)
    {
      AtJournalGroup *g = g_ptr_array_index (groups, i);
      for (guint k = 0; k < g->files->len; k++)
        {
          AtJournalFile *f = g_ptr_array_index (g->files, k);
          if (g_str_equal (f->state, "planned") || g_str_equal (f->state, "copying") ||
              g_str_equal (f->state, "failed"))
            needed += f->src->size;
        }
    }
  for (guint d = 0; d < G_N_ELEMENTS (dests); d++)
    {
      struct statvfs st;
      guint64 avail;

      if (dests[d] == NULL || statvfs (dests[d], &st) != 0)
        continue;
      if (st.f_flag & ST_RDONLY)
        {
          g_set_error (error, AT_INGEST_ERROR, AT_INGEST_ERROR_DEST_READ_ONLY,
                       _("The %s drive “%s” is read-only; nothing was copied."),
                       d == 0 ? _("library") : _("backup"), dests[d]);
          return FALSE;
        }
      avail = (guint64) st.f_bavail * st.f_frsize;
      if (avail < needed + (16 << 20))
        {
          g_autofree char *need_s = g_format_size (needed);
          g_autofree char *avail_s = g_format_size (avail);
          g_set_error (error, AT_INGEST_ERROR, AT_INGEST_ERROR_DEST_FULL,
                       _("The %s drive “%s” has %s free, and these cards need %s; nothing was copied."),
                       d == 0 ? _("library") : _("backup"), dests[d], avail_s, need_s);
          return FALSE;
        }
    }
  return TRUE;
}

typedef struct
{
  Run              *run;
  char             *root;
  char             *label;
  AtJournalSession  session;
  GPtrArray        *groups;    /* AtJournalGroup* */
  GPtrArray        *captures;  /* AtCaptureGroup*, which the groups point into */
  gboolean          ok;
  GError           *error;
} Source;

static void
source_free (Source *src)
{
  g_clear_pointer (&src->groups, g_ptr_array_unref);
  g_clear_pointer (&src->captures, g_ptr_array_unref);
  g_clear_error (&src->error);
  g_free (src->root);
  g_free (src->label);
  g_free (src);
}

/* Scan, find or start the session, plan. Sources are prepared one after
 * the other, so a capture on two mirrored cards is planned once. */
static Source *
prepare_source (Run         *run,
                const char  *path,
                GError     **error)
{
  Source *src = g_new0 (Source, 1);
  g_autoptr(GHashTable) journal = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         (GDestroyNotify) at_journal_file_free);
  AtSqlConn *reader;

  src->run = run;
  src->root = g_canonicalize_filename (path, NULL);
  src->label = g_path_get_basename (src->root);
  src->session = (AtJournalSession) {
    .project_id = run->project_id, .source_path = src->root, .source_label = src->label,
    .library = run->opt->library, .backup = run->opt->backup,
    .file_template = run->file_template, .folder_template = run->folder_template,
  };

  src->captures = at_ingest_scan (src->root, run->cancellable, error);
  if (src->captures == NULL ||
      (reader = at_catalog_get_reader (run->catalog, error)) == NULL ||
      !at_journal_find_session (reader, &src->session, error) ||
      (src->session.id[0] != '\0' && !at_journal_load_files (reader, src->session.id, journal, error)))
    {
      source_free (src);
      return NULL;
    }
  if (src->session.id[0] == '\0')
    {
      at_uuid_v7_generate (src->session.id);
      at_journal_write_session (run->catalog, &src->session, TRUE);
    }
  else
    at_journal_write_session (run->catalog, &src->session, FALSE);

  src->groups = at_ingest_plan_source (run, &src->session, src->captures, journal, error);
  if (src->groups == NULL)
    {
      source_free (src);
      return NULL;
    }
  for (guint i = 0; i < src->groups->len; i++)
    {
      AtJournalGroup *g = g_ptr_array_index (src->groups, i);
      run->p.files_total += g->files->len;
      for (guint k = 0; k < g->files->len; k++)
        run->p.bytes_total += ((AtJournalFile *) g_ptr_array_index (g->files, k))->src->size;
    }
  return src;
}

/* Copies one source, capture by capture; runs on its own thread when
 * several sources are ingested at once (one per card reader). */
static gpointer
run_source (gpointer data)
{
  Source *src = data;
  Run *run = src->run;
  g_autofree guint8 *buffer = g_malloc (BUFFER_SIZE);
  g_autoptr(GError) local_error = NULL;
  AtIngestBatch *finishing = NULL;   /* flushed and verified while the next is staged */

  /* Batches grow 1, 2, 4 … up to 32 captures or 256 MB: the first capture
   * lands (and shows its thumbnail) at once, later ones share flushes. */
  for (guint first = 0, limit = 1; first < src->groups->len; limit = MIN (limit * 2, 32))
    {
      guint64 bytes = 0;
      guint n = 0;
      AtIngestBatch *staged;

      while (first + n < src->groups->len && n < limit && bytes < (256 << 20))
        {
          AtJournalGroup *g = g_ptr_array_index (src->groups, first + n);
          for (guint k = 0; k < g->files->len; k++)
            bytes += ((AtJournalFile *) g_ptr_array_index (g->files, k))->src->size;
          n++;
        }
      staged = at_ingest_stage_batch (run, buffer, &src->session, (AtJournalGroup **) src->groups->pdata + first, n,
                                      &local_error);
      /* the batch before is finished either way: what it staged is whole */
      if (finishing != NULL)
        {
          gboolean ok = at_ingest_batch_finish_join (finishing, local_error == NULL ? &local_error : NULL);
          g_clear_pointer (&finishing, at_ingest_batch_free);
          if (!ok && staged != NULL)
            g_clear_pointer (&staged, at_ingest_batch_abandon);
        }
      if (staged == NULL || local_error != NULL)
        {
          g_clear_pointer (&staged, at_ingest_batch_free);
          goto failed;
        }
      at_ingest_batch_finish_start (staged);
      finishing = staged;
      first += n;
    }
  if (finishing != NULL)
    {
      gboolean ok = at_ingest_batch_finish_join (finishing, &local_error);
      g_clear_pointer (&finishing, at_ingest_batch_free);
      if (!ok)
        goto failed;
    }

  /* the journal must be on disk before the session may say "completed" */
  if (!at_catalog_flush (run->catalog, &local_error))
    goto failed;
  {
    gboolean any_failed = FALSE;
    for (guint i = 0; i < src->groups->len; i++)
      {
        AtJournalGroup *g = g_ptr_array_index (src->groups, i);
        for (guint k = 0; k < g->files->len; k++)
          any_failed |= g_str_equal (((AtJournalFile *) g_ptr_array_index (g->files, k))->state, "failed");
      }
    at_journal_write_finish (run->catalog, src->session.id, any_failed ? "failed" : "completed", NULL);
  }
  src->ok = at_catalog_flush (run->catalog, &src->error);
  return NULL;

failed:
  at_journal_write_finish (run->catalog, src->session.id,
                           g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ? "cancelled" : "failed",
                           local_error->message);
  at_catalog_flush (run->catalog, NULL);
  src->error = g_steal_pointer (&local_error);
  src->ok = FALSE;
  return NULL;
}

static void
prekey_seen_free (AtPrekeySeen *seen)
{
  g_free (seen->path);
  g_free (seen->hash);
  g_free (seen);
}

static gboolean
ingest_sources (Run               *run,
                const char *const *paths,
                GError           **error)
{
  g_autoptr(GPtrArray) sources = g_ptr_array_new_with_free_func ((GDestroyNotify) source_free);
  g_autoptr(GPtrArray) all_groups = g_ptr_array_new ();
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();
  gboolean ok = TRUE;

  for (guint i = 0; paths[i] != NULL; i++)
    {
      Source *src;

      run->source_index = i;
      src = prepare_source (run, paths[i], error);
      if (src == NULL)
        return FALSE;
      g_ptr_array_add (sources, src);
      g_ptr_array_extend (all_groups, src->groups, NULL, NULL);
    }
  run->summary->files_total = run->p.files_total;
  at_ingest_run_tally (run, 0, 0, 0, ((Source *) g_ptr_array_index (sources, 0))->root, TRUE);

  if (!check_space (run, all_groups, error))
    {
      for (guint i = 0; i < sources->len; i++)
        {
          Source *src = g_ptr_array_index (sources, i);
          at_journal_write_finish (run->catalog, src->session.id, "failed", (*error)->message);
        }
      at_catalog_flush (run->catalog, NULL);
      return FALSE;
    }

  if (sources->len == 1)
    run_source (g_ptr_array_index (sources, 0));
  else
    {
      for (guint i = 0; i < sources->len; i++)
        g_ptr_array_add (threads, g_thread_new ("atelier-ingest-source", run_source, g_ptr_array_index (sources, i)));
      for (guint i = 0; i < threads->len; i++)
        g_thread_join (g_ptr_array_index (threads, i));
    }

  for (guint i = 0; i < sources->len; i++)
    {
      Source *src = g_ptr_array_index (sources, i);
      if (!src->ok && ok)
        {
          g_propagate_error (error, g_steal_pointer (&src->error));
          ok = FALSE;
        }
    }
  return ok;
}

/**
 * at_ingest_run:
 * @sources: card mount points or folders
 *
 * Imports every source into the library (and backup). Blocks; run it on a
 * worker thread from the UI. Returns %TRUE only when every file of every
 * source is verified and cataloged, or was already in the library.
 */
gboolean
at_ingest_run (AtCatalog              *catalog,
               const char *const      *sources,
               const AtIngestOptions  *options,
               AtIngestProgressFunc    progress,
               gpointer                progress_data,
               AtIngestSummary        *summary,
               GCancellable           *cancellable,
               GError                **error)
{
  g_autoptr(GHashTable) planned = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) prekeys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         (GDestroyNotify) prekey_seen_free);
  g_autofree guint8 *plan_buffer = g_malloc (BUFFER_SIZE);
  gint64 started = g_get_monotonic_time ();
  g_autofree char *cache_dir = NULL;
  Run run = { 0 };
  gboolean ok = TRUE;

  g_return_val_if_fail (AT_IS_CATALOG (catalog), FALSE);
  g_return_val_if_fail (sources != NULL && options != NULL && summary != NULL, FALSE);

  memset (summary, 0, sizeof *summary);
  summary->problems = g_ptr_array_new_with_free_func (g_free);

  run.catalog = catalog;
  run.opt = options;
  run.file_template = options->file_template ? options->file_template : AT_INGEST_DEFAULT_FILE_TEMPLATE;
  run.folder_template = options->folder_template ? options->folder_template : AT_INGEST_DEFAULT_FOLDER_TEMPLATE;
  if (!at_ingest_template_validate (run.file_template, run.folder_template, error) ||
      !check_destination (options->library, _("library"), error) ||
      (options->backup != NULL && !check_destination (options->backup, _("backup"), error)))
    return FALSE;
  if (options->project != NULL &&
      !at_journal_resolve_project (catalog, options->project, &run.project_id, &run.job_code, error))
    return FALSE;

  run.buffer = plan_buffer;   /* for hashing while planning */
  run.prekeys = prekeys;
  run.progress = progress;
  run.progress_data = progress_data;
  run.summary = summary;
  run.cancellable = cancellable;
  run.planned_paths = planned;
  run.started = started;
  g_mutex_init (&run.lock);
  if (options->previews)
    {
      cache_dir = options->cache_dir ? g_strdup (options->cache_dir) : at_preview_default_cache_dir ();
      run.cache_dir = cache_dir;
      /* a thread per core, at a lower priority: copying (and the window)
       * come first, previews take what CPU the copy leaves idle while it
       * waits for the drives */
      run.previews = g_thread_pool_new (at_ingest_previews_make, &run, CLAMP (g_get_num_processors (), 1, 4),
                                        TRUE, NULL);
      /* libvips loads its modules once, in a fraction of a second: while
       * the cards are planned, not when the first thumbnail is due */
      g_thread_unref (g_thread_new ("vips-init", warm_up_vips, NULL));
    }

  ok = ingest_sources (&run, sources, error);

  if (run.previews != NULL)
    {
      /* previews of what was cataloged are worth finishing even after a failure */
      g_thread_pool_free (run.previews, FALSE, TRUE);
      if (!at_catalog_flush (catalog, ok ? error : NULL))
        ok = FALSE;
    }
  at_ingest_run_tally (&run, 0, 0, 0, NULL, TRUE);
  g_mutex_clear (&run.lock);
  g_free (run.current_name);

  summary->seconds = (g_get_monotonic_time () - started) / 1e6;
  g_free (run.project_id);
  g_free (run.job_code);
  if (ok && summary->failed > 0)
    {
      g_set_error (error, AT_INGEST_ERROR, AT_INGEST_ERROR_FAILED,
                   g_dngettext (GETTEXT_PACKAGE, "%u file could not be imported; see the problems listed.",
                                "%u files could not be imported; see the problems listed.", summary->failed),
                   summary->failed);
      return FALSE;
    }
  return ok;
}
