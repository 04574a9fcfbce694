/* at-ingest-batch.c — copying a batch of captures durably.
 *
 * Each file of the batch is read once into partials on every destination
 * (or an earlier run's published copy is adopted); then one flush per
 * drive for the data, the partials published without replacing anything,
 * one flush for the names, every copy read back, and the captures whose
 * files all verified cataloged. On a drive the flushes cost more than the
 * bytes, so a batch shares them; the first batch is one capture, so its
 * thumbnail shows at once. The second step runs on a thread of its own
 * while the next batch is staged: the card keeps being read while the
 * drives flush.
 */
#define G_LOG_DOMAIN "atelier-ingest"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "at-durable.h"
#include "at-ingest-copy.h"
#include "at-ingest-error.h"
#include "at-ingest-run.h"

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

  at_ingest_run_tally (run, 0, 0, 0, f->src->path, FALSE);
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
      at_ingest_run_tally (run, 0, f->src->size, 0, NULL, FALSE);
      return TRUE;
    }
  if (!at_ingest_write_partials (f->src->path, p->dests, p->n, buffer, BUFFER_SIZE, &hash, &size,
                                 at_ingest_run_copy_progress, run, run->cancellable, error))
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

/* A capture's XMP sidecar (a camera's, or another application's): its
 * stars, label, pick and keywords come in with the photo. One that is not
 * valid XMP is copied all the same and reported. */
static gboolean
read_sidecar (Run            *run,
              AtJournalGroup *g,
              AtXmpData      *data)
{
  for (guint i = 0; i < g->files->len; i++)
    {
      AtJournalFile *f = g_ptr_array_index (g->files, i);
      g_autoptr(GError) error = NULL;
      g_autofree char *path = NULL;

      if (!g_str_equal (f->src->role, "xmp") || !g_str_equal (f->state, "verified"))
        continue;
      path = g_build_filename (run->opt->library, f->lib_rel, NULL);
      at_xmp_data_init (data);
      if (at_xmp_sidecar_read (path, data, &error))
        return TRUE;
      at_xmp_data_clear (data);
      at_ingest_run_problem (run, f->src->path, error->message);
    }
  return FALSE;
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
  at_ingest_run_count (run, &run->summary->failed, 1);
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

/* A batch between its two steps: staged (partials written), not yet
 * published, verified or cataloged. */
struct _AtIngestBatch
{
  Run               *run;
  AtJournalSession  *session;
  AtJournalGroup   **groups;
  guint              n_groups;
  GArray            *pending;   /* Pending */
  gboolean           staged;    /* some partial was written */
  guint8            *buffer;    /* the finishing step's own */
  GError            *error;
  GThread           *thread;
};

static void
batch_drop_partials (AtIngestBatch *b)
{
  for (guint i = 0; i < b->pending->len; i++)
    {
      Pending *p = &g_array_index (b->pending, Pending, i);
      pending_drop_partials (p);
      pending_clear (p);
    }
}

void
at_ingest_batch_free (AtIngestBatch *b)
{
  if (b == NULL)
    return;
  g_assert (b->thread == NULL);
  g_array_unref (b->pending);
  g_clear_error (&b->error);
  g_free (b->buffer);
  g_free (b);
}

/* A staged batch that will not be finished: its partials go. */
void
at_ingest_batch_abandon (AtIngestBatch *b)
{
  batch_drop_partials (b);
  at_ingest_batch_free (b);
}

/* Step 1: read each file once, write its partials. On a fatal error
 * (card gone, drive full, cancelled) nothing of the batch is left behind. */
AtIngestBatch *
at_ingest_stage_batch (Run               *run,
                       guint8            *buffer,
                       AtJournalSession  *session,
                       AtJournalGroup   **groups,
                       guint              n_groups,
                       GError           **error)
{
  AtIngestBatch *b = g_new0 (AtIngestBatch, 1);

  b->run = run;
  b->session = session;
  b->groups = groups;
  b->n_groups = n_groups;
  b->pending = g_array_new (FALSE, TRUE, sizeof (Pending));
  for (guint gi = 0; gi < n_groups; gi++)
    for (guint i = 0; i < groups[gi]->files->len; i++)
      {
        AtJournalFile *f = g_ptr_array_index (groups[gi]->files, i);
        Pending p = { .f = f };

        if (g_str_equal (f->state, "skipped"))
          {
            at_ingest_run_count (run, &run->summary->skipped_duplicate, 1);
            at_ingest_run_tally (run, 1, f->src->size, 0, NULL, FALSE);
            continue;
          }
        if (g_str_equal (f->state, "cataloged") || g_str_equal (f->state, "verified"))
          {
            at_ingest_run_tally (run, 1, f->src->size, 0, NULL, FALSE);
            continue;
          }
        g_array_append_val (b->pending, p);
      }

  for (guint i = 0; i < b->pending->len; i++)
    {
      Pending *p = &g_array_index (b->pending, Pending, i);
      g_autoptr(GError) local_error = NULL;

      if (!stage_file (run, buffer, p, &local_error))
        {
          if (is_fatal (local_error))
            {
              batch_drop_partials (b);
              at_ingest_batch_free (b);
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
          fail_file (run, p, local_error);
        }
      b->staged |= p->n > 0;
    }
  return b;
}

/* Step 2: one flush for all the batch's data and one for all its names,
 * instead of an fsync of each file and each folder: on a drive that is
 * what costs, more than the bytes. Nothing is published before its data is
 * on disk, and nothing is cataloged before it is published, on disk again,
 * and read back. */
static gboolean
finish_batch (AtIngestBatch  *b,
              GError        **error)
{
  Run *run = b->run;
  g_autoptr(GError) local_error = NULL;

  if (b->staged && !sync_destinations (run, &local_error))
    goto fatal;
  for (guint i = 0; i < b->pending->len; i++)
    {
      Pending *p = &g_array_index (b->pending, Pending, i);
      if (p->failed)
        continue;
      if (p->n == 0)
        mark (run, p->f, "copied");   /* every copy adopted from an earlier run */
      else if (!publish_file (run, p, &local_error))
        goto fatal;
    }
  if (b->staged && !sync_destinations (run, &local_error))
    goto fatal;

  /* read every copy back */
  for (guint i = 0; i < b->pending->len; i++)
    {
      Pending *p = &g_array_index (b->pending, Pending, i);
      if (!p->failed && !verify_file (run, b->buffer, p->f, &local_error))
        {
          if (is_fatal (local_error))
            goto fatal;
          fail_file (run, p, local_error);
          g_clear_error (&local_error);
        }
      /* every finished file is reported; only byte progress is throttled */
      at_ingest_run_tally (run, 1, 0, 0, p->f->src->path, TRUE);
    }

  /* a capture whose files are all verified is cataloged; files that
   * joined a capture cataloged earlier are added to its photo */
  for (guint gi = 0; gi < b->n_groups; gi++)
    {
      AtJournalGroup *g = b->groups[gi];
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
          at_journal_write_attach (run->catalog, b->session->id, g, joined);
          at_ingest_run_count (run, &run->summary->copied, joined->len);
        }
      else if (all_verified)
        {
          AtXmpData sidecar;
          gboolean has_sidecar = read_sidecar (run, g, &sidecar);

          at_journal_write_catalog (run->catalog, b->session->id, run->project_id, g, has_sidecar ? &sidecar : NULL);
          if (has_sidecar)
            at_xmp_data_clear (&sidecar);
          at_ingest_previews_queue (run, g);
          at_ingest_run_count (run, &run->summary->photos, 1);
          at_ingest_run_count (run, &run->summary->copied, g->files->len);
        }
    }
  return TRUE;

fatal:
  batch_drop_partials (b);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

static gpointer
finish_thread (gpointer data)
{
  AtIngestBatch *b = data;

  finish_batch (b, &b->error);
  return NULL;
}

/* Starts step 2 on a thread of its own, so the next batch is read from
 * the card while this one is flushed and read back. */
void
at_ingest_batch_finish_start (AtIngestBatch *b)
{
  b->buffer = g_malloc (BUFFER_SIZE);
  b->thread = g_thread_new ("ingest-finish", finish_thread, b);
}

/* Waits for step 2; FALSE with its error when it failed. */
gboolean
at_ingest_batch_finish_join (AtIngestBatch  *b,
                             GError        **error)
{
  g_thread_join (g_steal_pointer (&b->thread));
  if (b->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&b->error));
      return FALSE;
    }
  return TRUE;
}
