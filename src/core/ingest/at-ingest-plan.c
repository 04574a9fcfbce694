/* at-ingest-plan.c — planning a source: names, duplicates, the journal.
 *
 * Each capture of a scanned card gets its metadata, its capture time (with
 * the body's clock correction), a name from the templates that collides
 * with nothing on disk, in the catalog or in this run (one suffix for the
 * whole capture), or is found already imported (pre-key, then hash). Its
 * files are journaled as planned (or skipped). Captures an earlier run
 * journaled keep their names.
 */
#define G_LOG_DOMAIN "atelier-ingest"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "at-ingest-capture.h"
#include "at-ingest-copy.h"
#include "at-ingest-run.h"
#include "at-ingest-template.h"

static gint64
clock_offset (Run        *run,
              const char *serial)
{
  gint64 *seconds;

  if (serial == NULL || run->opt->clock_offsets == NULL)
    return 0;
  seconds = g_hash_table_lookup (run->opt->clock_offsets, serial);
  return seconds ? *seconds : 0;
}

static void
capture_times (Run            *run,
               AtJournalGroup *g,
               gint64         *local_unix)
{
  at_capture_times (&g->meta, g->has_meta, g->group->primary->mtime, clock_offset (run, g->meta.serial),
                    local_unix, &g->capture_utc, &g->capture_offset);
}

static gboolean
name_taken (Run         *run,
            AtSqlConn   *reader,
            const char  *rel)
{
  g_autofree char *lib = g_build_filename (run->opt->library, rel, NULL);
  g_autofree char *bak = run->opt->backup ? g_build_filename (run->opt->backup, rel, NULL) : NULL;

  return g_hash_table_contains (run->planned_paths, rel) ||
         g_file_test (lib, G_FILE_TEST_EXISTS) ||
         (bak != NULL && g_file_test (bak, G_FILE_TEST_EXISTS)) ||
         at_journal_path_taken (reader, rel, NULL);
}

static AtJournalFile *
new_file (AtSourceFile *src,
          const char   *state)
{
  AtJournalFile *f = g_new0 (AtJournalFile, 1);

  at_uuid_v7_generate (f->id);
  f->src = src;
  f->state = g_strdup (state);
  return f;
}

static gboolean
plan_new_group (Run             *run,
                AtSqlConn       *reader,
                AtJournalGroup  *g,
                guint            seq,
                GHashTable      *dayseqs,
                GError         **error)
{
  g_autoptr(GError) meta_error = NULL;
  g_autofree char *stem = NULL, *folder = NULL, *eventday = NULL, *dup = NULL;
  AtSourceFile *primary = g->group->primary;
  AtTemplateContext ctx = { 0 };
  gpointer count;
  guint suffix;

  g->has_meta = at_capture_read_metadata (g->group, &g->meta, &meta_error);
  if (!g->has_meta && (g_str_equal (primary->role, "jpeg") || g_str_equal (primary->role, "raw") ||
                       g_str_equal (primary->role, "heif")))
    at_ingest_run_problem (run, primary->path, meta_error->message);
  capture_times (run, g, &ctx.local_unix);

  /* already imported? the pre-key first, the hash of the card's bytes to be sure */
  if (at_journal_find_duplicate (reader, primary->size, g->capture_utc, g->meta.serial, NULL, NULL, NULL))
    {
      g_autofree char *hash = at_ingest_hash_file (primary->path, run->buffer, BUFFER_SIZE, run->cancellable, error);
      if (hash == NULL)
        return FALSE;
      g_autofree char *photo_id = NULL;

      if (at_journal_find_duplicate (reader, primary->size, g->capture_utc, g->meta.serial, hash, &dup, &photo_id))
        {
          /* Already imported. A file the photo does not have yet (a sidecar
           * written since) joins it, under the photo's name. */
          g_autofree char *dir = g_path_get_dirname (dup);
          g_autofree char *base = g_path_get_basename (dup);
          char *dot = strrchr (base, '.');

          if (dot != NULL)
            *dot = '\0';
          g_strlcpy (g->photo_id, photo_id, sizeof g->photo_id);
          for (guint i = 0; i < g->group->files->len; i++)
            {
              AtSourceFile *src = g_ptr_array_index (g->group->files, i);
              AtJournalFile *f;

              if (i == 0 || at_journal_photo_has_file (reader, photo_id, src->role, src->size))
                {
                  f = new_file (src, "skipped");
                  f->error = g_strdup_printf (_("already in the library as %s"), dup);
                }
              else
                {
                  g_autofree char *name = g_strdup_printf ("%s.%s", base, *src->ext ? src->ext : "bin");
                  f = new_file (src, "planned");
                  f->lib_rel = g_build_filename (dir, name, NULL);
                  f->bak_rel = run->opt->backup ? g_strdup (f->lib_rel) : NULL;
                }
              g_ptr_array_add (g->files, f);
            }
          return TRUE;
        }
    }

  /* the same capture on another card of this run (mirrored slots) */
  {
    g_autofree char *key = g_strdup_printf ("%" G_GUINT64_FORMAT "|%s|%s", primary->size,
                                            g->capture_utc ? g->capture_utc : "", g->meta.serial ? g->meta.serial : "");
    AtPrekeySeen *seen = g_hash_table_lookup (run->prekeys, key);

    if (seen == NULL)
      {
        seen = g_new0 (AtPrekeySeen, 1);
        seen->path = g_strdup (primary->path);
        seen->source = run->source_index;
        g_hash_table_insert (run->prekeys, g_steal_pointer (&key), seen);
      }
    else if (seen->source != run->source_index)
      {
        g_autofree char *ours = at_ingest_hash_file (primary->path, run->buffer, BUFFER_SIZE, run->cancellable, error);
        if (ours == NULL ||
            (seen->hash == NULL &&
             (seen->hash = at_ingest_hash_file (seen->path, run->buffer, BUFFER_SIZE, run->cancellable, error)) == NULL))
          return FALSE;
        if (g_str_equal (ours, seen->hash))
          {
            for (guint i = 0; i < g->group->files->len; i++)
              {
                AtJournalFile *f = new_file (g_ptr_array_index (g->group->files, i), "skipped");
                f->error = g_strdup_printf (_("the same as %s, imported in this run"), seen->path);
                g_ptr_array_add (g->files, f);
              }
            return TRUE;
          }
      }
  }

  {
    g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc (ctx.local_unix - run->opt->day_start_hour * 3600);
    eventday = g_date_time_format (t, "%Y-%m-%d");
  }
  count = g_hash_table_lookup (dayseqs, eventday);
  ctx.dayseq = GPOINTER_TO_UINT (count) + 1;
  g_hash_table_insert (dayseqs, g_strdup (eventday), GUINT_TO_POINTER (ctx.dayseq));
  ctx.subsec_ms = g->meta.subsec_ms;
  ctx.day_start_hour = run->opt->day_start_hour;
  ctx.original = primary->stem;
  ctx.model = g->meta.model;
  ctx.serial = g->meta.serial;
  ctx.job = run->job_code;
  ctx.seq = seq;
  stem = at_ingest_template_expand (run->file_template, &ctx);
  folder = at_ingest_template_expand (run->folder_template, &ctx);

  /* one suffix for the whole capture, so RAW and JPEG keep one name */
  for (suffix = 0; ; suffix++)
    {
      gboolean free_name = TRUE;
      for (guint i = 0; free_name && i < g->group->files->len; i++)
        {
          AtSourceFile *src = g_ptr_array_index (g->group->files, i);
          g_autofree char *name = g_strdup_printf ("%s.%s", stem, *src->ext ? src->ext : "bin");
          g_autofree char *named = at_ingest_suffixed_name (name, suffix);
          g_autofree char *rel = g_build_filename (folder, named, NULL);
          free_name = !name_taken (run, reader, rel);
        }
      if (free_name)
        break;
    }
  for (guint i = 0; i < g->group->files->len; i++)
    {
      AtSourceFile *src = g_ptr_array_index (g->group->files, i);
      AtJournalFile *f = new_file (src, "planned");
      g_autofree char *name = g_strdup_printf ("%s.%s", stem, *src->ext ? src->ext : "bin");
      g_autofree char *named = at_ingest_suffixed_name (name, suffix);

      f->lib_rel = g_build_filename (folder, named, NULL);
      f->bak_rel = run->opt->backup ? g_strdup (f->lib_rel) : NULL;
      if (suffix > 0)
        {
          g_autofree char *msg = NULL;
          f->collided_with = g_build_filename (folder, name, NULL);
          msg = g_strdup_printf (_("%s was taken, so this is saved as %s"), f->collided_with, f->lib_rel);
          at_ingest_run_problem (run, src->path, msg);
        }
      g_hash_table_add (run->planned_paths, g_strdup (f->lib_rel));
      g_ptr_array_add (g->files, f);
    }
  return TRUE;
}

GPtrArray *
at_ingest_plan_source (Run                *run,
             AtJournalSession   *session,
             GPtrArray          *captures,
             GHashTable         *journal,
             GError            **error)
{
  g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func ((GDestroyNotify) at_journal_group_free);
  g_autoptr(GHashTable) dayseqs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  AtSqlConn *reader = at_catalog_get_reader (run->catalog, error);
  guint seq = 0;

  if (reader == NULL)
    return NULL;
  for (guint i = 0; i < captures->len; i++)
    {
      AtCaptureGroup *cap = g_ptr_array_index (captures, i);
      AtJournalFile *known = g_hash_table_lookup (journal, cap->primary->path);
      AtJournalGroup *g = g_new0 (AtJournalGroup, 1);

      g->group = cap;
      g->files = g_ptr_array_new_with_free_func ((GDestroyNotify) at_journal_file_free);
      g_ptr_array_add (groups, g);
      seq++;

      if (g_cancellable_set_error_if_cancelled (run->cancellable, error))
        return NULL;
      if (known == NULL)
        {
          if (!plan_new_group (run, reader, g, seq, dayseqs, error))
            return NULL;
          at_journal_write_planned (run->catalog, session->id, g, NULL);
          continue;
        }

      /* picked up from an earlier run: the journal knows the names */
      for (guint k = 0; k < cap->files->len; k++)
        {
          AtSourceFile *src = g_ptr_array_index (cap->files, k);
          gpointer key = NULL, value = NULL;

          if (g_hash_table_steal_extended (journal, src->path, &key, &value))
            {
              AtJournalFile *f = value;
              g_free (key);
              f->src = src;
              g_ptr_array_add (g->files, f);
            }
          else if (known->lib_rel != NULL)
            {
              /* a file that was not on the card last time (a sidecar written
               * since): it joins its capture under the capture's name */
              AtJournalFile *f = new_file (src, "planned");
              g_autofree char *dir = g_path_get_dirname (known->lib_rel);
              g_autofree char *base = g_path_get_basename (known->lib_rel);
              char *dot = strrchr (base, '.');
              g_autofree char *name = NULL;

              if (dot != NULL)
                *dot = '\0';
              name = g_strdup_printf ("%s.%s", base, *src->ext ? src->ext : "bin");
              f->lib_rel = g_build_filename (dir, name, NULL);
              f->bak_rel = run->opt->backup ? g_strdup (f->lib_rel) : NULL;
              g_ptr_array_add (g->files, f);
              at_journal_write_planned (run->catalog, session->id, g, f);
            }
        }
      if (known->photo_id != NULL)
        g_strlcpy (g->photo_id, known->photo_id, sizeof g->photo_id);
      if (!g_str_equal (known->state, "cataloged") && !g_str_equal (known->state, "skipped"))
        {
          g_autoptr(GError) ignored = NULL;
          gint64 local_unix;
          g->has_meta = at_capture_read_metadata (g->group, &g->meta, &ignored);
          capture_times (run, g, &local_unix);
        }
    }
  return g_steal_pointer (&groups);
}
