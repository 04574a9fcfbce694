/* at-albums.c — albums and keyword membership, written on the catalog's writer.
 *
 * Album names are looked up by id or name, projects by id, name or number,
 * inside the write, so a name cannot change between the check and the use.
 */
#define G_LOG_DOMAIN "atelier-library"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "at-albums.h"
#include "at-project.h"
#include "at-catalog-error.h"
#include "at-uuid.h"

gboolean
at_album_type_is_valid (const char *type)
{
  static const char *const types[] = { "raw", "proof", "edited", "final", "backup" };

  for (guint i = 0; type != NULL && i < G_N_ELEMENTS (types); i++)
    if (g_str_equal (type, types[i]))
      return TRUE;
  return FALSE;
}

/* The one live row that @sql (one text parameter) finds, or a message. */
static char *
find_one (AtSqlConn   *conn,
          const char  *sql,
          const char  *key,
          const char  *what,
          GError     **error)
{
  sqlite3_stmt *stmt = at_sql_conn_prepare (conn, sql, error);
  char *id = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  at_sql_bind_text (stmt, 1, key);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  at_sql_stmt_release (stmt);
  if (id == NULL && (rc == SQLITE_ROW || rc == SQLITE_DONE))
    g_set_error (error, AT_CATALOG_ERROR, AT_CATALOG_ERROR_NOT_FOUND, _("There is no %s “%s” in the catalog."), what, key);
  else if (id == NULL)
    at_sql_set_error (at_sql_conn_get_db (conn), rc, what, error);
  return id;
}

static char *
find_album (AtSqlConn *conn, const char *album, GError **error)
{
  return find_one (conn, "SELECT id FROM albums WHERE deleted_at IS NULL AND (id = ?1 OR name = ?1) "
                         "ORDER BY id = ?1 DESC LIMIT 1", album, _("album"), error);
}

typedef struct
{
  const char        *a, *b, *c;
  const char *const *ids;
  gboolean           present;
  char              *result;
} Args;

static gboolean
write_create (AtSqlConn *conn, gpointer data, GError **error)
{
  Args *args = data;
  g_autofree char *project = at_project_find_id (conn, args->a, error);
  char id[AT_UUID_STRING_LEN + 1];

  if (project == NULL)
    return FALSE;
  at_uuid_v7_generate (id);
  if (!at_sql_exec_bound (conn, error, "INSERT INTO albums (id, project_id, album_type, name) VALUES (?1, ?2, ?3, ?4)",
                          "tttt", id, project, args->c, args->b))
    return FALSE;
  args->result = g_strdup (id);
  return TRUE;
}

char *
at_album_create (AtCatalog   *catalog,
                 const char  *project,
                 const char  *name,
                 const char  *type,
                 GError     **error)
{
  Args args = { project, name, type ? type : "proof", NULL, FALSE, NULL };

  if (!at_album_type_is_valid (args.c))
    {
      g_set_error (error, AT_CATALOG_ERROR, AT_CATALOG_ERROR_CONSTRAINT,
                   _("“%s” is not an album type: raw, proof, edited, final or backup."), args.c);
      return NULL;
    }
  if (!at_catalog_write_sync (catalog, "albums", write_create, &args, error))
    return NULL;
  return args.result;
}

static gboolean
write_rename (AtSqlConn *conn, gpointer data, GError **error)
{
  Args *args = data;
  g_autofree char *album = find_album (conn, args->a, error);

  return album != NULL && at_sql_exec_bound (conn, error, "UPDATE albums SET name = ?2 WHERE id = ?1", "tt",
                                             album, args->b);
}

gboolean
at_album_rename (AtCatalog   *catalog,
                 const char  *album,
                 const char  *name,
                 GError     **error)
{
  Args args = { album, name, NULL, NULL, FALSE, NULL };

  return at_catalog_write_sync (catalog, "albums", write_rename, &args, error);
}

/* Every id names a live photo; checked inside the write, before any change. */
static gboolean
check_photos (AtSqlConn *conn, const char *const *ids, GError **error)
{
  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autofree char *id = find_one (conn, "SELECT id FROM photos WHERE id = ?1 AND deleted_at IS NULL",
                                      ids[i], _("photo"), error);
      if (id == NULL)
        return FALSE;
    }
  return TRUE;
}

static gboolean
write_members (AtSqlConn *conn, gpointer data, GError **error)
{
  Args *args = data;
  g_autofree char *album = find_album (conn, args->a, error);

  if (album == NULL || !check_photos (conn, args->ids, error))
    return FALSE;
  for (guint i = 0; args->ids[i] != NULL; i++)
    {
      char id[AT_UUID_STRING_LEN + 1];
      at_uuid_member (id, album, args->ids[i]);
      if (!at_sql_exec_bound (conn, error,
                              "INSERT INTO album_items (id, album_id, photo_id, present) VALUES (?1, ?2, ?3, ?4) "
                              "ON CONFLICT (album_id, photo_id) DO UPDATE SET present = excluded.present",
                              "ttti", id, album, args->ids[i], args->present ? 1 : 0))
        return FALSE;
    }
  return TRUE;
}

gboolean
at_album_set_photos (AtCatalog         *catalog,
                     const char        *album,
                     const char *const *photo_ids,
                     gboolean           present,
                     GError           **error)
{
  Args args = { album, NULL, NULL, photo_ids, present, NULL };

  return at_catalog_write_sync (catalog, "album_items", write_members, &args, error);
}

static gboolean
write_keyword (AtSqlConn *conn, gpointer data, GError **error)
{
  Args *args = data;

  if (!check_photos (conn, args->ids, error))
    return FALSE;
  for (guint i = 0; args->ids[i] != NULL; i++)
    {
      char id[AT_UUID_STRING_LEN + 1];
      at_uuid_member (id, args->ids[i], args->a);
      if (!at_sql_exec_bound (conn, error,
                              "INSERT INTO photo_keywords (id, photo_id, keyword, present) VALUES (?1, ?2, ?3, ?4) "
                              "ON CONFLICT (photo_id, keyword) DO UPDATE SET present = excluded.present",
                              "ttti", id, args->ids[i], args->a, args->present ? 1 : 0))
        return FALSE;
    }
  return TRUE;
}

gboolean
at_keywords_set_sync (AtCatalog         *catalog,
                      const char *const *photo_ids,
                      const char        *keyword,
                      gboolean           present,
                      GError           **error)
{
  Args args = { keyword, NULL, NULL, photo_ids, present, NULL };

  if (keyword == NULL || *keyword == '\0')
    {
      g_set_error_literal (error, AT_CATALOG_ERROR, AT_CATALOG_ERROR_CONSTRAINT, _("A keyword cannot be empty."));
      return FALSE;
    }
  return at_catalog_write_sync (catalog, "photo_keywords", write_keyword, &args, error);
}
