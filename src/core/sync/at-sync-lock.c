/* at-sync-lock.c — one sync of a catalog at a time, whichever process
 * runs it (the application, atelier-cli): two at once could each close a
 * batch, and one acknowledge an edit the other had moved into it unsent.
 *
 * The lock is taken on a file beside the catalog ("CATALOG-sync-lock"),
 * never on the catalog itself: closing any descriptor of a file drops all
 * of the process's POSIX locks on it, SQLite's included, and without its
 * lock another process closing the catalog takes itself for the last one
 * and deletes the write-ahead log this process still writes to. The file
 * stays (removed, a process waiting on it would lock a file no one else
 * sees). */
#define G_LOG_DOMAIN "atelier-sync"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "at-sync-client-private.h"

/* (waited for a while) */
#define LOCK_WAIT_S 120

int
_at_sync_lock_catalog (AtCatalog     *catalog,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autofree char *path = g_strconcat (at_catalog_get_path (catalog), "-sync-lock", NULL);
  gint64 until = g_get_monotonic_time () + LOCK_WAIT_S * G_USEC_PER_SEC;
  int fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);

  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("Cannot open “%s”: %s"), path, g_strerror (saved));
      return -1;
    }
  while (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      /* (a file system without such locks: on, unlocked, as before) */
      if (errno != EWOULDBLOCK && errno != EINTR)
        break;
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          close (fd);
          return -1;
        }
      if (g_get_monotonic_time () > until)
        {
          close (fd);
          g_set_error (error, AT_SYNC_ERROR, AT_SYNC_ERROR_BUSY,
                       _("Another sync of this catalog has been under way for minutes (the application, or "
                         "atelier-cli): try again when it is done"));
          return -1;
        }
      g_usleep (G_USEC_PER_SEC / 10);
    }
  return fd;
}
