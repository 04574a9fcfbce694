/* at-keywords.c — photo_keywords: one row per photo and keyword, `present`
 * cleared rather than the row deleted, so removals can sync. */
#define G_LOG_DOMAIN "atelier-library"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "at-catalog-error.h"
#include "at-keywords.h"
#include "at-uuid.h"

/* The keywords @sql (one text parameter, @param) returns in its first column. */
static GPtrArray *
keywords_of (AtSqlConn   *conn,
             const char  *sql,
             const char  *param,
             GError     **error)
{
  g_autoptr(GPtrArray) keywords = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = at_sql_conn_prepare (conn, sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;
  at_sql_bind_text (stmt, 1, param);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (keywords, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  at_sql_stmt_release (stmt);
  if (rc != SQLITE_DONE)
    {
      at_sql_set_error (at_sql_conn_get_db (conn), rc, _("Could not read keywords"), error);
      return NULL;
    }
  return g_steal_pointer (&keywords);
}

GPtrArray *
at_keywords_load (AtSqlConn   *conn,
                  const char  *photo_id,
                  GError     **error)
{
  return keywords_of (conn, "SELECT keyword FROM photo_keywords WHERE photo_id = ?1 AND present = 1 "
                            "AND deleted_at IS NULL ORDER BY created_at, keyword", photo_id, error);
}

/**
 * at_keywords_of_photos:
 *
 * Returns: (transfer full): every keyword on any of @photo_ids, once each,
 * in order, for a list to take keywords off from
 */
GPtrArray *
at_keywords_of_photos (AtSqlConn          *conn,
                       const char *const  *photo_ids,
                       GError            **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *ids = NULL;

  json_builder_begin_array (b);
  for (guint i = 0; photo_ids[i] != NULL; i++)
    json_builder_add_string_value (b, photo_ids[i]);
  json_builder_end_array (b);
  root = json_builder_get_root (b);
  ids = json_to_string (root, FALSE);
  return keywords_of (conn, "SELECT DISTINCT keyword FROM photo_keywords WHERE present = 1 AND deleted_at IS NULL "
                            "AND photo_id IN (SELECT value FROM json_each (?1)) ORDER BY keyword", ids, error);
}

typedef struct
{
  char      *photo_id;
  GPtrArray *keywords;
} Replace;

static void
replace_free (Replace *r)
{
  g_free (r->photo_id);
  g_ptr_array_unref (r->keywords);
  g_free (r);
}

static gboolean
write_replace (AtSqlConn *conn,
               gpointer   data,
               GError   **error)
{
  Replace *r = data;

  if (!at_sql_exec_bound (conn, error, "UPDATE photo_keywords SET present = 0 WHERE photo_id = ?1 AND present = 1",
                          "t", r->photo_id))
    return FALSE;
  for (guint i = 0; i < r->keywords->len; i++)
    {
      char id[AT_UUID_STRING_LEN + 1];
      at_uuid_member (id, r->photo_id, g_ptr_array_index (r->keywords, i));
      if (!at_sql_exec_bound (conn, error,
                              "INSERT INTO photo_keywords (id, photo_id, keyword) VALUES (?1, ?2, ?3) "
                              "ON CONFLICT (photo_id, keyword) DO UPDATE SET present = 1, deleted_at = NULL",
                              "ttt", id, r->photo_id, (const char *) g_ptr_array_index (r->keywords, i)))
        return FALSE;
    }
  return TRUE;
}

gboolean
at_keywords_replace_sync (AtCatalog  *catalog,
                          const char *photo_id,
                          GPtrArray  *keywords,
                          GError    **error)
{
  Replace *r = g_new0 (Replace, 1);
  gboolean ok;

  r->photo_id = g_strdup (photo_id);
  r->keywords = g_ptr_array_ref (keywords);
  ok = at_catalog_write_sync (catalog, "photo_keywords", write_replace, r, error);
  replace_free (r);
  return ok;
}

gboolean
at_photo_load_state (AtSqlConn    *conn,
                     const char   *photo_id,
                     AtCullState  *state,
                     char        **library_path,
                     GError      **error)
{
  sqlite3_stmt *stmt = at_sql_conn_prepare (conn, "SELECT rating, color_label, picked, library_path FROM photos "
                                                  "WHERE id = ?1 AND deleted_at IS NULL", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  at_sql_bind_text (stmt, 1, photo_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      state->rating = sqlite3_column_int (stmt, 0);
      state->label = at_label_from_string ((const char *) sqlite3_column_text (stmt, 1));
      state->picked = sqlite3_column_int (stmt, 2) != 0;
      if (library_path != NULL)
        *library_path = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
    }
  at_sql_stmt_release (stmt);
  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc == SQLITE_DONE)
    g_set_error (error, AT_CATALOG_ERROR, AT_CATALOG_ERROR_NOT_FOUND, _("There is no photo %s in the catalog."), photo_id);
  else
    at_sql_set_error (at_sql_conn_get_db (conn), rc, _("Could not read a photo"), error);
  return FALSE;
}
