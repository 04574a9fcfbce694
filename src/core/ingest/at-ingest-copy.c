/* at-ingest-copy.c — the copy at the heart of ingest.
 *
 * Each source byte is read once: the buffer is hashed (XXH3-128) and
 * written to every destination's NAME.partial. The caller flushes a batch
 * of partials, publishes them without replacing anything (at-durable.c)
 * and flushes again. Verification reads each destination back after
 * dropping it from the page cache, so it checks what the drive holds, not
 * what the kernel remembers.
 */
#define G_LOG_DOMAIN "atelier-ingest"
#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <xxhash.h>

#include "at-durable.h"
#include "at-ingest-copy.h"
#include "at-ingest-error.h"

static char *
format_hash (XXH128_hash_t h)
{
  return g_strdup_printf ("%016" G_GINT64_MODIFIER "x%016" G_GINT64_MODIFIER "x",
                          (guint64) h.high64, (guint64) h.low64);
}

static void
set_dest_error (GError    **error,
                int         errsv,
                const char *path)
{
  if (errsv == ENOSPC || errsv == EDQUOT)
    g_set_error (error, AT_INGEST_ERROR, AT_INGEST_ERROR_DEST_FULL,
                 _("The drive holding “%s” is full: %s"), path, g_strerror (errsv));
  else if (errsv == EROFS || errsv == EACCES || errsv == EPERM)
    g_set_error (error, AT_INGEST_ERROR, AT_INGEST_ERROR_DEST_READ_ONLY,
                 _("Cannot write “%s”; the drive or folder is read-only: %s"), path, g_strerror (errsv));
  else
    g_set_error (error, AT_INGEST_ERROR, AT_INGEST_ERROR_FAILED,
                 _("Writing “%s” failed: %s"), path, g_strerror (errsv));
}

static void
set_source_error (GError    **error,
                  int         errsv,
                  const char *path)
{
  if (at_ingest_error_is_source_gone (errsv) || errsv == ENOENT)
    g_set_error (error, AT_INGEST_ERROR, AT_INGEST_ERROR_SOURCE_GONE,
                 _("The card went away while reading “%s” (%s)."), path, g_strerror (errsv));
  else
    g_set_error (error, AT_INGEST_ERROR, AT_INGEST_ERROR_FAILED,
                 _("Reading “%s” failed: %s"), path, g_strerror (errsv));
}

char *
at_ingest_suffixed_name (const char *name,
                         guint       n)
{
  const char *dot = strrchr (name, '.');

  if (n == 0)
    return g_strdup (name);
  if (dot == NULL || dot == name)
    return g_strdup_printf ("%s_%u", name, n);
  return g_strdup_printf ("%.*s_%u%s", (int) (dot - name), name, n, dot);
}

/* Reads @path, optionally past the page cache, and returns its hash. */
static char *
hash_fd_path (const char    *path,
              gboolean       drop_cache,
              gboolean       is_source,
              guint8        *buffer,
              gsize          buffer_size,
              GCancellable  *cancellable,
              GError       **error)
{
  XXH3_state_t *state;
  char *result = NULL;
  int fd = open (path, O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    {
      int saved = errno;
      if (is_source)
        set_source_error (error, saved, path);
      else
        g_set_error (error, AT_INGEST_ERROR, AT_INGEST_ERROR_VERIFY_FAILED,
                     _("Cannot read back “%s”: %s"), path, g_strerror (saved));
      return NULL;
    }
  if (drop_cache)
    posix_fadvise (fd, 0, 0, POSIX_FADV_DONTNEED);
  posix_fadvise (fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  state = XXH3_createState ();
  XXH3_128bits_reset (state);
  for (;;)
    {
      ssize_t n = read (fd, buffer, buffer_size);
      if (n == 0)
        {
          result = format_hash (XXH3_128bits_digest (state));
          break;
        }
      if (n < 0)
        {
          int saved = errno;
          if (saved == EINTR)
            continue;
          if (is_source)
            set_source_error (error, saved, path);
          else
            g_set_error (error, AT_INGEST_ERROR, AT_INGEST_ERROR_VERIFY_FAILED,
                         _("Reading back “%s” failed: %s"), path, g_strerror (saved));
          break;
        }
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        break;
      XXH3_128bits_update (state, buffer, (size_t) n);
    }
  if (drop_cache)
    posix_fadvise (fd, 0, 0, POSIX_FADV_DONTNEED);
  XXH3_freeState (state);
  close (fd);
  return result;
}

char *
at_ingest_hash_file (const char    *path,
                     guint8        *buffer,
                     gsize          buffer_size,
                     GCancellable  *cancellable,
                     GError       **error)
{
  return hash_fd_path (path, FALSE, TRUE, buffer, buffer_size, cancellable, error);
}

gboolean
at_ingest_verify_file (const char    *path,
                       const char    *expected_hash,
                       guint8        *buffer,
                       gsize          buffer_size,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autofree char *hash = hash_fd_path (path, TRUE, FALSE, buffer, buffer_size, cancellable, error);

  if (hash == NULL)
    return FALSE;
  if (!g_str_equal (hash, expected_hash))
    {
      g_set_error (error, AT_INGEST_ERROR, AT_INGEST_ERROR_VERIFY_FAILED,
                   _("“%s” does not match the card: the drive returned different bytes."), path);
      return FALSE;
    }
  return TRUE;
}

static void
drop_partials (char  **partials,
               int    *fds,
               guint   n)
{
  for (guint i = 0; i < n; i++)
    {
      if (fds[i] >= 0)
        close (fds[i]);
      fds[i] = -1;
      if (partials[i] != NULL)
        g_unlink (partials[i]);
    }
}

/**
 * at_ingest_write_partials:
 *
 * Reads @source once and writes it to "NAME.partial" in every destination
 * folder, starting writeback as it goes but not waiting for it: the caller
 * makes a batch durable at once (at_durable_sync_fs) and then publishes
 * each copy with at_ingest_publish(). On error no partial file is left.
 */
gboolean
at_ingest_write_partials (const char      *source,
                          AtCopyDest      *dests,
                          guint            n_dests,
                          guint8          *buffer,
                          gsize            buffer_size,
                          char           **hash_out,
                          guint64         *size_out,
                          AtCopyProgress   progress,
                          gpointer         progress_data,
                          GCancellable    *cancellable,
                          GError         **error)
{
  char *partials[AT_INGEST_MAX_DESTS] = { NULL, };
  int fds[AT_INGEST_MAX_DESTS] = { -1, -1 };
  XXH3_state_t *state = NULL;
  guint64 total = 0;
  gboolean ok = FALSE;
  int src;

  g_return_val_if_fail (n_dests >= 1 && n_dests <= AT_INGEST_MAX_DESTS, FALSE);

  src = open (source, O_RDONLY | O_CLOEXEC);
  if (src < 0)
    {
      set_source_error (error, errno, source);
      return FALSE;
    }
  posix_fadvise (src, 0, 0, POSIX_FADV_SEQUENTIAL);

  for (guint i = 0; i < n_dests; i++)
    {
      if (g_mkdir_with_parents (dests[i].dir, 0755) != 0)
        {
          set_dest_error (error, errno, dests[i].dir);
          goto out;
        }
      partials[i] = g_strdup_printf ("%s/%s.partial", dests[i].dir, dests[i].name);
      /* a .partial is only ever ours (a run that died mid-copy): start it over */
      fds[i] = open (partials[i], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (fds[i] < 0)
        {
          set_dest_error (error, errno, partials[i]);
          g_clear_pointer (&partials[i], g_free);
          goto out;
        }
    }

  state = XXH3_createState ();
  XXH3_128bits_reset (state);
  for (;;)
    {
      ssize_t n = read (src, buffer, buffer_size);
      int errsv = 0;

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          set_source_error (error, errno, source);
          goto out;
        }
      if (n == 0)
        break;
      XXH3_128bits_update (state, buffer, (size_t) n);
      for (guint i = 0; i < n_dests; i++)
        {
          if (!at_durable_write_all (fds[i], buffer, (gsize) n, &errsv))
            {
              set_dest_error (error, errsv, dests[i].dir);
              goto out;
            }
          /* start writing this chunk out now, without waiting: the flush
           * of the batch then finds little left, and the drive works while
           * the card is read */
          sync_file_range (fds[i], (off64_t) total, n, SYNC_FILE_RANGE_WRITE);
        }
      total += (guint64) n;
      if (progress != NULL)
        progress ((guint64) n, progress_data);
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto out;
    }

  for (guint i = 0; i < n_dests; i++)
    {
      int fd = fds[i];
      fds[i] = -1;
      if (close (fd) != 0)
        {
          set_dest_error (error, errno, dests[i].dir);
          goto out;
        }
    }
  *hash_out = format_hash (XXH3_128bits_digest (state));
  *size_out = total;
  ok = TRUE;

out:
  if (!ok)
    drop_partials (partials, fds, n_dests);
  for (guint i = 0; i < n_dests; i++)
    g_free (partials[i]);
  if (state != NULL)
    XXH3_freeState (state);
  close (src);
  return ok;
}

/**
 * at_ingest_publish:
 *
 * Renames "NAME.partial" to NAME, or to the first free "NAME_n.ext" if the
 * name is taken (@dest->collided), never replacing a file. The partial must
 * already be on disk; the new name is made durable by the caller's flush.
 */
gboolean
at_ingest_publish (AtCopyDest  *dest,
                   GError     **error)
{
  g_autofree char *partial = g_strdup_printf ("%s/%s.partial", dest->dir, dest->name);
  g_autofree char *wanted = g_strdup (dest->name);

  for (guint k = 0; ; k++)
    {
      g_autoptr(GError) publish_error = NULL;
      g_autofree char *name = at_ingest_suffixed_name (wanted, k);
      g_autofree char *path = g_build_filename (dest->dir, name, NULL);

      if (at_durable_publish (partial, path, FALSE, &publish_error))
        {
          g_free (dest->name);
          dest->name = g_steal_pointer (&name);
          g_free (dest->path);
          dest->path = g_steal_pointer (&path);
          dest->collided = k > 0;
          return TRUE;
        }
      if (!g_error_matches (publish_error, G_IO_ERROR, G_IO_ERROR_EXISTS) || k >= 9999)
        {
          g_unlink (partial);
          g_propagate_error (error, g_steal_pointer (&publish_error));
          return FALSE;
        }
    }
}
