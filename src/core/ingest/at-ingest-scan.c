/* at-ingest-scan.c — walks a card's DCF trees and groups captures.
 *
 * A card is scanned under DCIM/ and the usual video trees (PRIVATE/,
 * MP_ROOT/, AVCHD/); a folder with none of them is scanned whole. Hidden
 * files, .Trash*, THMBNL and folders holding .nomedia are skipped, and so
 * are files that are not media or sidecars (camera index files). Files of
 * one folder with one name (IMG_0001.CR3, IMG_0001.JPG, IMG_0001.xmp) form
 * one capture; the RAW, else HEIF, else JPEG, else video stands for it.
 */
#define G_LOG_DOMAIN "atelier-ingest"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "at-ingest-error.h"
#include "at-ingest-scan.h"

G_DEFINE_QUARK (at-ingest-error-quark, at_ingest_error)

gboolean
at_ingest_error_is_source_gone (int errsv)
{
  return errsv == EIO || errsv == ENODEV || errsv == ENOTCONN || errsv == ECONNABORTED || errsv == ENXIO || errsv == ESTALE;
}

static const struct { const char *role; const char *exts; } roles[] = {
  { "raw",       " cr2 cr3 crw nef nrw arw srf sr2 raf orf rw2 pef dng srw 3fr iiq x3f erf mef mos rwl kdc dcr " },
  { "jpeg",      " jpg jpeg " },
  { "heif",      " heic heif hif " },
  { "video",     " mp4 mov mts m2ts avi mxf mpg " },
  { "xmp",       " xmp " },
  { "audio",     " wav " },
  { "thumbnail", " thm lrv " },
};

const char *
at_ingest_role_for_extension (const char *ext)
{
  g_autofree char *needle = g_strdup_printf (" %s ", ext);

  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    if (strstr (roles[i].exts, needle) != NULL)
      return roles[i].role;
  return NULL;
}

static int
role_rank (const char *role)
{
  static const char *const order[] = { "raw", "heif", "jpeg", "video", "audio", "thumbnail", "xmp" };

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    if (g_str_equal (role, order[i]))
      return (int) i;
  return G_N_ELEMENTS (order);
}

static void
source_file_free (AtSourceFile *f)
{
  g_free (f->path);
  g_free (f->relpath);
  g_free (f->stem);
  g_free (f->ext);
  g_free (f);
}

void
at_capture_group_free (AtCaptureGroup *group)
{
  if (group == NULL)
    return;
  g_free (group->key);
  g_ptr_array_unref (group->files);
  g_free (group);
}

static gboolean
skip_name (const char *name,
           gboolean    is_dir)
{
  if (name[0] == '.')
    return TRUE;   /* hidden files, .Trash-1000, .Spotlight-V100 … */
  if (is_dir && (g_ascii_strcasecmp (name, "THMBNL") == 0 || g_str_has_prefix (name, "$RECYCLE")))
    return TRUE;
  return FALSE;
}

typedef struct
{
  const char   *root;
  GHashTable   *groups;  /* key -> AtCaptureGroup */
  GCancellable *cancellable;
} Walk;

static gboolean
walk (Walk        *w,
      const char  *dir,
      GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GDir) d = g_dir_open (dir, 0, &local_error);
  g_autofree char *nomedia = g_build_filename (dir, ".nomedia", NULL);
  const char *name;

  if (d == NULL)
    {
      g_set_error (error, AT_INGEST_ERROR,
                   g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT) ? AT_INGEST_ERROR_SOURCE_GONE
                                                                                    : AT_INGEST_ERROR_FAILED,
                   _("Cannot read the folder “%s”: %s"), dir, local_error->message);
      return FALSE;
    }
  if (g_file_test (nomedia, G_FILE_TEST_EXISTS))
    return TRUE;

  errno = 0;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      GStatBuf st;

      if (g_cancellable_set_error_if_cancelled (w->cancellable, error))
        return FALSE;
      if (g_lstat (path, &st) != 0)
        {
          int saved = errno;
          g_set_error (error, AT_INGEST_ERROR,
                       at_ingest_error_is_source_gone (saved) ? AT_INGEST_ERROR_SOURCE_GONE : AT_INGEST_ERROR_FAILED,
                       _("Cannot read “%s”: %s"), path, g_strerror (saved));
          return FALSE;
        }
      if (skip_name (name, S_ISDIR (st.st_mode)))
        continue;
      if (S_ISDIR (st.st_mode))
        {
          if (!walk (w, path, error))
            return FALSE;
        }
      else if (S_ISREG (st.st_mode))
        {
          const char *dot = strrchr (name, '.');
          g_autofree char *ext = dot ? g_ascii_strdown (dot + 1, -1) : g_strdup ("");
          const char *role = at_ingest_role_for_extension (ext);
          g_autofree char *stem = dot ? g_strndup (name, (gsize) (dot - name)) : g_strdup (name);
          g_autofree char *folded = g_ascii_strdown (stem, -1);
          g_autofree char *key = g_build_filename (dir, folded, NULL);
          AtCaptureGroup *group;
          AtSourceFile *f;

          if (role == NULL)
            continue;
          f = g_new0 (AtSourceFile, 1);
          f->path = g_steal_pointer (&path);
          f->relpath = g_strdup (f->path + strlen (w->root) + (f->path[strlen (w->root)] == '/' ? 1 : 0));
          f->stem = g_steal_pointer (&stem);
          f->ext = g_steal_pointer (&ext);
          f->role = role;
          f->size = (guint64) st.st_size;
          f->mtime = st.st_mtime;

          group = g_hash_table_lookup (w->groups, key);
          if (group == NULL)
            {
              group = g_new0 (AtCaptureGroup, 1);
              group->key = g_strdup (key);
              group->files = g_ptr_array_new_with_free_func ((GDestroyNotify) source_file_free);
              g_hash_table_insert (w->groups, group->key, group);
            }
          g_ptr_array_add (group->files, f);
        }
    }
  return TRUE;
}

static int
compare_files (gconstpointer a,
               gconstpointer b)
{
  const AtSourceFile *fa = *(AtSourceFile **) a, *fb = *(AtSourceFile **) b;
  int r = role_rank (fa->role) - role_rank (fb->role);

  return r != 0 ? r : strcmp (fa->path, fb->path);
}

static int
compare_groups (gconstpointer a,
                gconstpointer b)
{
  const AtCaptureGroup *ga = *(AtCaptureGroup **) a, *gb = *(AtCaptureGroup **) b;

  return strcmp (ga->primary->path, gb->primary->path);
}

/**
 * at_ingest_scan:
 * @source: a mounted card or any folder
 *
 * Returns: (transfer full) (element-type AtCaptureGroup): the captures, in
 * path order, or %NULL with @error (AT_INGEST_ERROR_NO_MEDIA when there is
 * nothing to import).
 */
GPtrArray *
at_ingest_scan (const char    *source,
                GCancellable  *cancellable,
                GError       **error)
{
  static const char *const trees[] = { "DCIM", "PRIVATE", "MP_ROOT", "AVCHD" };
  g_autoptr(GHashTable) groups = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func ((GDestroyNotify) at_capture_group_free);
  g_autofree char *root = g_canonicalize_filename (source, NULL);
  Walk w = { root, groups, cancellable };
  gboolean dcf = FALSE, ok = TRUE;
  GHashTableIter iter;
  gpointer value;

  if (!g_file_test (root, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, AT_INGEST_ERROR, AT_INGEST_ERROR_SOURCE_GONE,
                   _("The source “%s” is not a folder or is no longer there."), root);
      return NULL;
    }

  for (guint i = 0; ok && i < G_N_ELEMENTS (trees); i++)
    {
      g_autofree char *tree = g_build_filename (root, trees[i], NULL);
      if (g_file_test (tree, G_FILE_TEST_IS_DIR))
        {
          dcf = TRUE;
          ok = walk (&w, tree, error);
        }
    }
  if (ok && !dcf)
    ok = walk (&w, root, error);

  g_hash_table_iter_init (&iter, groups);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      AtCaptureGroup *group = value;
      g_ptr_array_sort (group->files, compare_files);
      group->primary = g_ptr_array_index (group->files, 0);
      g_ptr_array_add (result, group);
    }
  if (!ok)
    return NULL;
  if (result->len == 0)
    {
      g_set_error (error, AT_INGEST_ERROR, AT_INGEST_ERROR_NO_MEDIA,
                   _("No photos or videos found in “%s”."), root);
      return NULL;
    }
  g_ptr_array_sort (result, compare_groups);
  return g_steal_pointer (&result);
}
