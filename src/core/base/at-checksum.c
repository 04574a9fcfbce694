/* at-checksum.c — content hashes (XXH3-128): fast enough to hash every byte
 * inline while copying, strong enough to tell files apart by content. */
#define G_LOG_DOMAIN "atelier-checksum"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <xxhash.h>

#include "at-checksum.h"

static char *
format_hash (XXH128_hash_t h)
{
  return g_strdup_printf ("%016" G_GINT64_MODIFIER "x%016" G_GINT64_MODIFIER "x",
                          (guint64) h.high64, (guint64) h.low64);
}

char *
at_checksum_bytes (const void *data,
                   gsize       len)
{
  return format_hash (XXH3_128bits (data, len));
}

char *
at_checksum_file (const char    *path,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autofree guint8 *buf = NULL;
  XXH3_state_t *state;
  char *result = NULL;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);

  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot read “%s”: %s"), path, g_strerror (saved));
      return NULL;
    }
  buf = g_malloc (1 << 20);
  state = XXH3_createState ();
  XXH3_128bits_reset (state);
  for (;;)
    {
      ssize_t n = read (fd, buf, 1 << 20);
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
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("Reading “%s” failed: %s"), path, g_strerror (saved));
          break;
        }
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        break;
      XXH3_128bits_update (state, buf, (size_t) n);
    }
  XXH3_freeState (state);
  close (fd);
  return result;
}
