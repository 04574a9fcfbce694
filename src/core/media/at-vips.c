/* at-vips.c — one place that initialises libvips and reads its errors.
 *
 * libvips keeps errors in one process-wide buffer instead of returning
 * them; every failing vips call in Atelier turns it into a GError at once
 * with at_vips_set_error(), so messages never leak between threads' calls.
 */
#define G_LOG_DOMAIN "atelier-vips"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <vips/vips.h>

#include "at-vips.h"

G_DEFINE_QUARK (at-media-error-quark, at_media_error)

gboolean
at_vips_init (GError **error)
{
  static gsize done = 0;
  static gboolean ok = FALSE;

  if (g_once_init_enter (&done))
    {
      ok = vips_init ("atelier") == 0;
      if (ok)
        {
          /* Atelier runs its own pools; keep each vips pipeline narrow so
           * they do not oversubscribe the cores between them. */
          vips_concurrency_set (1);
          vips_cache_set_max (0);
        }
      g_once_init_leave (&done, 1);
    }
  if (!ok)
    return at_vips_set_error (error, _("Could not start the image library"));
  return TRUE;
}

gboolean
at_vips_set_error (GError     **error,
                   const char  *what)
{
  g_autofree char *detail = vips_error_buffer_copy ();

  g_strstrip (detail);
  g_set_error (error, AT_MEDIA_ERROR, AT_MEDIA_ERROR_FAILED, "%s: %s", what,
               *detail ? detail : _("unknown error"));
  return FALSE;
}
