/* at-durable.c — atomic, non-replacing publication of a finished file.
 *
 * The caller writes NAME.partial beside the target and fsyncs it; publish
 * renames it to NAME with RENAME_NOREPLACE, so an existing NAME is never
 * replaced (G_IO_ERROR_EXISTS tells the caller to pick another name). File
 * systems without RENAME_NOREPLACE (exFAT, NTFS, FUSE) first reserve NAME
 * with O_CREAT|O_EXCL and then rename over that placeholder, which is ours.
 * Then the directory is fsynced so the new name survives a power cut.
 */
#define G_LOG_DOMAIN "atelier-durable"
#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "at-durable.h"

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif

static int
rename_noreplace (const char *from,
                  const char *to)
{
#ifdef SYS_renameat2
  return (int) syscall (SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE);
#else
  errno = ENOSYS;
  return -1;
#endif
}

gboolean
at_durable_write_all (int         fd,
                      const void *data,
                      gsize       len,
                      int        *errsv)
{
  const guint8 *p = data;

  while (len > 0)
    {
      ssize_t n = write (fd, p, len);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          *errsv = errno;
          return FALSE;
        }
      p += n;
      len -= (gsize) n;
    }
  return TRUE;
}

gboolean
at_durable_fsync_dir (const char  *dir,
                      GError     **error)
{
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd < 0 || (fsync (fd) != 0 && errno != EINVAL && errno != EROFS))
    {
      int saved = errno;
      if (fd >= 0)
        close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not flush the folder “%s” to disk: %s"), dir, g_strerror (saved));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

/* Flushes the whole file system holding @path: one journal commit for a
 * batch of files instead of one per file. */
gboolean
at_durable_sync_fs (const char  *path,
                    GError     **error)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);

  if (fd < 0 || syncfs (fd) != 0)
    {
      int saved = errno;
      if (fd >= 0)
        close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not flush “%s” to disk: %s"), path, g_strerror (saved));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

/**
 * at_durable_publish:
 * @sync_dir: fsync the folder now; callers publishing many files sync the
 *   file system once afterwards instead
 */
gboolean
at_durable_publish (const char  *partial,
                    const char  *final,
                    gboolean     sync_dir,
                    GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (final);
  int saved;

  if (rename_noreplace (partial, final) == 0)
    return !sync_dir || at_durable_fsync_dir (dir, error);

  saved = errno;
  if (saved == EINVAL || saved == ENOSYS || saved == EOPNOTSUPP)
    {
      /* no RENAME_NOREPLACE here: reserve the name, then replace our own placeholder */
      int fd = open (final, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
      if (fd >= 0)
        {
          close (fd);
          if (rename (partial, final) == 0)
            return !sync_dir || at_durable_fsync_dir (dir, error);
          saved = errno;
          g_unlink (final);  /* the empty placeholder we just made */
        }
      else
        saved = errno;
    }
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
               saved == EEXIST ? _("“%s” already exists") : _("Could not publish “%s”: %s"),
               final, g_strerror (saved));
  return FALSE;
}
