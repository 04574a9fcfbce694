/* at-paths.c — default locations (XDG) and checks on folders the user chose. */
#define G_LOG_DOMAIN "atelier-paths"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "at-paths.h"

char *
at_paths_default_catalog (void)
{
  return g_build_filename (g_get_user_data_dir (), "atelier", "catalog.atelier", NULL);
}

char *
at_paths_default_library (void)
{
  const char *pictures = g_get_user_special_dir (G_USER_DIRECTORY_PICTURES);

  return g_build_filename (pictures ? pictures : g_get_home_dir (), "Atelier", NULL);
}

/* A library or backup folder must already exist: creating it silently would
 * put a wedding on the system disk when the external drive is not mounted. */
gboolean
at_paths_check_directory (const char  *path,
                          const char  *what,
                          GError     **error)
{
  GStatBuf st;

  g_return_val_if_fail (path != NULL, FALSE);

  if (g_stat (path, &st) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("The %s folder “%s” does not exist (%s). Connect the drive or choose another folder."),
                   what, path, g_strerror (saved));
      return FALSE;
    }
  if (!S_ISDIR (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY,
                   _("The %s folder “%s” is not a folder."), what, path);
      return FALSE;
    }
  if (access (path, W_OK) != 0)
    {
      if (errno == EROFS)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_READ_ONLY,
                       _("The %s drive “%s” is mounted read-only."), what, path);
          return FALSE;
        }
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   _("The %s folder “%s” is not writable."), what, path);
      return FALSE;
    }
  return TRUE;
}
