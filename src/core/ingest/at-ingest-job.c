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
static void
tally (Run        *run,
       guint       files,
       guint64     bytes,
       guint64     bytes_read,
       const char *current,
       gboolean    force)
{
  gint64 now = g_get_monotonic_time ();
  AtIngestProgress snapshot;
  gboolean tell;

  g_mutex_lock (&run->lock);
  run->p.files_done += files;
  run->p.bytes_done += bytes;
  run->summary->bytes += bytes_read;
  if (current != NULL)
    run->p.current = current;
  tell = run->progress != NULL && (force || now - run->last_report >= 200000);
  if (tell)
    run->last_report = now;
  snapshot = run->p;
  g_mutex_unlock (&run->lock);
  if (tell)
    run->progress (&snapshot, run->progress_data);
}

static void
count (Run   *run,
       guint *counter,
       guint  n)
{
  g_mutex_lock (&run->lock);
  *counter += n;
  g_mutex_unlock (&run->lock);
}

static void
copy_progress_cb (guint64  bytes,
                  gpointer data)
{
  tally (data, 0, bytes, bytes, NULL, FALSE);
}

/* ---- copying ---- */

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

/* Adopts a copy an interrupted run already published: NAME or NAME_n with
 * the card's bytes. Removes our stale NAME.partial either way. */
static char *
find_published_copy (const char  *root,
                     const char  *rel,
                     const char  *hash,
                     guint8      *buffer)
{
  g_autofree char *dir = g_path_get_dirname (rel);
  g_autofree char *name = g_path_get_basename (rel);
  g_autofree char *partial = g_strdup_printf ("%s/%s/%s.partial", root, dir, name);

  g_unlink (partial);
  for (guint k = 0; k < 10000; k++)
    {
      g_autofree char *candidate = at_ingest_suffixed_name (name, k);
      g_autofree char *crel = g_build_filename (dir, candidate, NULL);
      g_autofree char *path = g_build_filename (root, crel, NULL);
      g_autofree char *found = NULL;

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        return NULL;
      found = at_ingest_hash_file (path, buffer, BUFFER_SIZE, NULL, NULL);
      if (g_strcmp0 (found, hash) == 0)
        return g_steal_pointer (&crel);
    }
  return NULL;
}

/* One file of a batch on its way to its destinations. */
typedef struct
{
  AtJournalFile *f;
  AtCopyDest     dests[AT_INGEST_MAX_DESTS];  /* partials written, not published yet */
  char          *dirs[AT_INGEST_MAX_DESTS];
  guint          which[AT_INGEST_MAX_DESTS];  /* 0 library, 1 backup */
  guint          n;
  gboolean       failed;
} Pending;

static void
pending_clear (Pending *p)
{
  for (guint i = 0; i < p->n; i++)
    {
      g_free (p->dirs[i]);
      g_free (p->dests[i].name);
      g_free (p->dests[i].path);
    }
  p->n = 0;
}

/* Our unpublished partials, when a batch stops early. */
static void
pending_drop_partials (Pending *p)
{
  for (guint i = 0; i < p->n; i++)
    {
      g_autofree char *partial = g_strdup_printf ("%s/%s.partial", p->dests[i].dir, p->dests[i].name);
      g_unlink (partial);
    }
}

static char **
file_rel (AtJournalFile *f,
          guint          d)
{
  return d == 0 ? &f->lib_rel : &f->bak_rel;
}

static void
mark (Run           *run,
      AtJournalFile *f,
      const char    *state)
{
  g_free (f->state);
  f->state = g_strdup (state);
  at_journal_write_state (run->catalog, f);
}

/* Writes one file's partials (or adopts copies an interrupted run had
 * already published). */
static gboolean
stage_file (Run           *run,
            guint8        *buffer,
            Pending       *p,
            GError       **error)
{
  AtJournalFile *f = p->f;
  const char *roots[AT_INGEST_MAX_DESTS] = { run->opt->library, run->opt->backup };
  guint n_roots = run->opt->backup ? 2 : 1;
  gboolean any = FALSE;
  g_autofree char *hash = NULL;
  guint64 size = 0;

  tally (run, 0, 0, 0, f->src->path, FALSE);
  mark (run, f, "copying");

  /* resume: an interrupted run may have published our copy already */
  for (guint d = 0; d < n_roots; d++)
    {
      g_autofree char *abs = g_build_filename (roots[d], *file_rel (f, d), NULL);
      g_autofree char *partial = g_strconcat (abs, ".partial", NULL);
      any = any || g_file_test (abs, G_FILE_TEST_EXISTS);
      g_unlink (partial);
    }
  if (any)
    {
      if (f->hash == NULL &&
          (f->hash = at_ingest_hash_file (f->src->path, buffer, BUFFER_SIZE, run->cancellable, error)) == NULL)
        return FALSE;
      for (guint d = 0; d < n_roots; d++)
        {
          char *adopted = find_published_copy (roots[d], *file_rel (f, d), f->hash, buffer);
          if (adopted != NULL)
            {
              g_free (*file_rel (f, d));
              *file_rel (f, d) = adopted;
              roots[d] = NULL;   /* this destination is done */
            }
        }
    }

  for (guint d = 0; d < n_roots; d++)
    {
      char *slash;

      if (roots[d] == NULL)
        continue;
      p->dirs[p->n] = g_build_filename (roots[d], *file_rel (f, d), NULL);
      slash = strrchr (p->dirs[p->n], '/');
      *slash = '\0';
      p->dests[p->n].dir = p->dirs[p->n];
      p->dests[p->n].name = g_strdup (slash + 1);
      p->which[p->n++] = d;
    }
  if (p->n == 0)
    {
      tally (run, 0, f->src->size, 0, NULL, FALSE);
      return TRUE;
    }
  if (!at_ingest_write_partials (f->src->path, p->dests, p->n, buffer, BUFFER_SIZE, &hash, &size,
                                 copy_progress_cb, run, run->cancellable, error))
    {
      pending_clear (p);
      return FALSE;
    }
  if (f->hash != NULL && !g_str_equal (f->hash, hash))
    {
      pending_drop_partials (p);
      pending_clear (p);
      g_set_error (error, AT_INGEST_ERROR, AT_INGEST_ERROR_FAILED,
                   _("“%s” changed on the card while it was being imported."), f->src->path);
      return FALSE;
    }
  if (f->hash == NULL)
    f->hash = g_steal_pointer (&hash);
  return TRUE;
}

/* Publishes the staged partials of one file under their final names. */
static gboolean
publish_file (Run      *run,
              Pending  *p,
              GError  **error)
{
  for (guint i = 0; i < p->n; i++)
    {
      char **rel = file_rel (p->f, p->which[i]);
      g_autofree char *dir = g_path_get_dirname (*rel);

      if (!at_ingest_publish (&p->dests[i], error))
        return FALSE;
      g_free (*rel);
      *rel = g_build_filename (dir, p->dests[i].name, NULL);
      if (p->dests[i].collided)
        {
          g_autofree char *msg = g_strdup_printf (_("the name was taken, saved as %s"), *rel);
          at_ingest_run_problem (run, p->f->src->path, msg);
        }
    }
  pending_clear (p);
  mark (run, p->f, "copied");
  return TRUE;
}

static gboolean
verify_file (Run           *run,
             guint8        *buffer,
             AtJournalFile *f,
             GError       **error)
{
  guint n_roots = run->opt->backup ? 2 : 1;

  if (run->opt->verify)
    for (guint d = 0; d < n_roots; d++)
      {
        const char *root = d == 0 ? run->opt->library : run->opt->backup;
        g_autofree char *abs = g_build_filename (root, *file_rel (f, d), NULL);
        if (!at_ingest_verify_file (abs, f->hash, buffer, BUFFER_SIZE, run->cancellable, error))
          {
            /* our own copy, and wrong: it must not stand as the photo */
            if (g_error_matches (*error, AT_INGEST_ERROR, AT_INGEST_ERROR_VERIFY_FAILED))
              g_unlink (abs);
            return FALSE;
          }
      }
  mark (run, f, "verified");
  return TRUE;
}

static gboolean
is_fatal (const GError *error)
{
  return g_error_matches (error, AT_INGEST_ERROR, AT_INGEST_ERROR_SOURCE_GONE) ||
         g_error_matches (error, AT_INGEST_ERROR, AT_INGEST_ERROR_DEST_FULL) ||
         g_error_matches (error, AT_INGEST_ERROR, AT_INGEST_ERROR_DEST_READ_ONLY) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
fail_file (Run           *run,
           Pending       *p,
           const GError  *error)
{
  at_ingest_run_problem (run, p->f->src->path, error->message);
  count (run, &run->summary->failed, 1);
  g_free (p->f->error);
  p->f->error = g_strdup (error->message);
  mark (run, p->f, "failed");
  p->failed = TRUE;
}

static gboolean
sync_destinations (Run     *run,
                   GError **error)
{
  return at_durable_sync_fs (run->opt->library, error) &&
         (run->opt->backup == NULL || at_durable_sync_fs (run->opt->backup, error));
}

/* Copies a batch of captures with one flush for all their data and one
 * for all their names, instead of an fsync of each file and each folder:
 * on a drive that is what costs, more than the bytes. Nothing is published
 * before its data is on disk, and nothing is cataloged before it is
 * published, on disk again, and read back. */
static gboolean
copy_batch (Run              *run,
            guint8           *buffer,
            AtJournalSession *session,
            AtJournalGroup  **groups,
            guint             n_groups,
            GError          **error)
{
  g_autoptr(GArray) pending = g_array_new (FALSE, TRUE, sizeof (Pending));
  g_autoptr(GError) local_error = NULL;
  gboolean staged = FALSE;

  for (guint gi = 0; gi < n_groups; gi++)
    for (guint i = 0; i < groups[gi]->files->len; i++)
      {
        AtJournalFile *f = g_ptr_array_index (groups[gi]->files, i);
        Pending p = { .f = f };

        if (g_str_equal (f->state, "skipped"))
          {
            count (run, &run->summary->skipped_duplicate, 1);
            tally (run, 1, f->src->size, 0, NULL, FALSE);
            continue;
          }
        if (g_str_equal (f->state, "cataloged") || g_str_equal (f->state, "verified"))
          {
            tally (run, 1, f->src->size, 0, NULL, FALSE);
            continue;
          }
        g_array_append_val (pending, p);
      }

  /* 1: read each file once, write its partials */
  for (guint i = 0; i < pending->len; i++)
    {
      Pending *p = &g_array_index (pending, Pending, i);
      if (!stage_file (run, buffer, p, &local_error))
        {
          if (is_fatal (local_error))
            goto fatal;
          fail_file (run, p, local_error);
          g_clear_error (&local_error);
        }
      staged |= p->n > 0;
    }

  /* 2: their data on disk, then their names, then the names on disk */
  if (staged && !sync_destinations (run, &local_error))
    goto fatal;
  for (guint i = 0; i < pending->len; i++)
    {
      Pending *p = &g_array_index (pending, Pending, i);
      if (p->failed)
        continue;
      if (p->n == 0)
        mark (run, p->f, "copied");   /* every copy adopted from an earlier run */
      else if (!publish_file (run, p, &local_error))
        goto fatal;
    }
  if (staged && !sync_destinations (run, &local_error))
    goto fatal;

  /* 3: read every copy back */
  for (guint i = 0; i < pending->len; i++)
    {
      Pending *p = &g_array_index (pending, Pending, i);
      if (!p->failed && !verify_file (run, buffer, p->f, &local_error))
        {
          if (is_fatal (local_error))
            goto fatal;
          fail_file (run, p, local_error);
          g_clear_error (&local_error);
        }
      /* every finished file is reported; only byte progress is throttled */
      tally (run, 1, 0, 0, p->f->src->path, TRUE);
    }

  /* 4: a capture whose files are all verified is cataloged; files that
   * joined a capture cataloged earlier are added to its photo */
  for (guint gi = 0; gi < n_groups; gi++)
    {
      AtJournalGroup *g = groups[gi];
      gboolean all_verified = TRUE;
      g_autoptr(GPtrArray) joined = g_ptr_array_new ();

      for (guint i = 0; i < g->files->len; i++)
        {
          AtJournalFile *f = g_ptr_array_index (g->files, i);
          all_verified &= g_str_equal (f->state, "verified");
          if (g_str_equal (f->state, "verified"))
            g_ptr_array_add (joined, f);
        }
      /* a photo id before cataloging: the capture was imported before */
      if (g->photo_id[0] != '\0' && joined->len > 0 &&
          !g_str_equal (((AtJournalFile *) g_ptr_array_index (g->files, 0))->state, "verified"))
        {
          at_journal_write_attach (run->catalog, session->id, g, joined);
          count (run, &run->summary->copied, joined->len);
        }
      else if (all_verified)
        {
          at_journal_write_catalog (run->catalog, session->id, run->project_id, g);
          at_ingest_previews_queue (run, g);
          count (run, &run->summary->photos, 1);
          count (run, &run->summary->copied, g->files->len);
        }
    }
  return TRUE;

fatal:
  for (guint i = 0; i < pending->len; i++)
    {
      Pending *p = &g_array_index (pending, Pending, i);
      pending_drop_partials (p);
      pending_clear (p);
    }
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
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

  /* Batches grow 1, 2, 4 … up to 32 captures or 256 MB: the first capture
   * lands (and shows its thumbnail) at once, later ones share flushes. */
  for (guint first = 0, limit = 1; first < src->groups->len; limit = MIN (limit * 2, 32))
    {
      guint64 bytes = 0;
      guint n = 0;

      while (first + n < src->groups->len && n < limit && bytes < (256 << 20))
        {
          AtJournalGroup *g = g_ptr_array_index (src->groups, first + n);
          for (guint k = 0; k < g->files->len; k++)
            bytes += ((AtJournalFile *) g_ptr_array_index (g->files, k))->src->size;
          n++;
        }
      if (!copy_batch (run, buffer, &src->session, (AtJournalGroup **) src->groups->pdata + first, n, &local_error))
        goto failed;
      first += n;
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
  tally (run, 0, 0, 0, ((Source *) g_ptr_array_index (sources, 0))->root, TRUE);

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
      !at_paths_check_directory (options->library, _("library"), error) ||
      (options->backup != NULL && !at_paths_check_directory (options->backup, _("backup"), error)))
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
      /* one thread: on two cores the other one is copying */
      run.previews = g_thread_pool_new (at_ingest_previews_make, &run, 1, FALSE, NULL);
    }

  ok = ingest_sources (&run, sources, error);

  if (run.previews != NULL)
    {
      /* previews of what was cataloged are worth finishing even after a failure */
      g_thread_pool_free (run.previews, FALSE, TRUE);
      if (!at_catalog_flush (catalog, ok ? error : NULL))
        ok = FALSE;
    }
  tally (&run, 0, 0, 0, NULL, TRUE);
  g_mutex_clear (&run.lock);

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
