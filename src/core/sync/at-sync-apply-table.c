/* at-sync-apply-table.c — what applying a page needs to know of a synced
 * table here: its synced columns, which of them name a parent, and the text
 * of its statements (the connection's cache finds prepared statements by
 * their text). Built once per page. */
#define G_LOG_DOMAIN "atelier-sync"

#include "config.h"

#include <string.h>

#include "at-sync-apply-private.h"
#include "at-sync-consent.h"

void
_at_sync_table_free (gpointer data)
{
  Table *t = data;

  if (t == NULL)
    return;
  g_ptr_array_unref (t->columns);
  g_free (t->insert_bound);
  g_hash_table_unref (t->index);
  g_hash_table_unref (t->keys);
  g_clear_pointer (&t->watched, g_hash_table_unref);
  g_free (t->exists);
  g_free (t->remove);
  g_free (t->keep_unknown);
  g_free (t->mark_lacked);
  g_free (t);
}

/* The columns whose update fires one of @tbl's triggers other than its
 * capture and touch triggers (photos_search_update: AFTER UPDATE OF
 * file_name, original_name), read from their SQL; *@all if one fires on
 * any update, or a trigger or the list could not be read. */
static GHashTable *
watched_columns (AtSqlConn *conn, const char *tbl, gboolean *all)
{
  /* CREATE TRIGGER name [BEFORE|AFTER|INSTEAD OF] event [OF columns] ON */
  static const char head[] =
    "^\\s*create\\s+(?:temp(?:orary)?\\s+)?trigger\\s+(?:if\\s+not\\s+exists\\s+)?"
    "(?:\"(?:[^\"]|\"\")*\"|\\[[^\\]]*\\]|`[^`]*`|\\S+)\\s+(?:before\\s+|after\\s+|instead\\s+of\\s+)?"
    "(insert|delete|update)(?:\\s+of\\s+(.+?))?\\s+on\\s";
  g_autoptr(GRegex) regex = g_regex_new (head, G_REGEX_CASELESS | G_REGEX_DOTALL, 0, NULL);
  GHashTable *watched = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *capture = g_strdup_printf ("sync_%s_", tbl);
  g_autofree char *touch = g_strdup_printf ("%s_touch", tbl);
  sqlite3_stmt *stmt = at_sql_conn_prepare (conn, "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                                                  "AND tbl_name = ?1", NULL);
  int rc = SQLITE_ERROR;

  *all = FALSE;
  if (stmt != NULL)
    {
      at_sql_bind_text (stmt, 1, tbl);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          const char *name = (const char *) sqlite3_column_text (stmt, 0);
          const char *sql = (const char *) sqlite3_column_text (stmt, 1);
          g_autoptr(GMatchInfo) match = NULL;
          g_autofree char *event = NULL, *columns = NULL;

          if (g_str_has_prefix (name, capture) || g_str_equal (name, touch))
            continue;
          if (sql == NULL || !g_regex_match (regex, sql, 0, &match))
            {
              *all = TRUE;
              continue;
            }
          event = g_match_info_fetch (match, 1);
          columns = g_match_info_fetch (match, 2);
          if (g_ascii_strcasecmp (event, "update") != 0)
            continue;
          if (columns == NULL || *columns == '\0')
            *all = TRUE;
          else
            {
              g_auto(GStrv) names = g_strsplit (columns, ",", -1);

              for (guint i = 0; names[i] != NULL; i++)
                g_hash_table_add (watched, g_ascii_strdown (g_strstrip (g_strdelimit (names[i], "\"`[]", ' ')), -1));
            }
        }
      at_sql_stmt_release (stmt);
    }
  *all |= regex == NULL || rc != SQLITE_DONE;
  return watched;
}

gboolean
_at_sync_update_is_quiet (Table *t, const char *col)
{
  /* (the names in trigger SQL are read lower-cased) */
  g_autofree char *lower = g_ascii_strdown (col, -1);

  return !t->watched_all && !g_hash_table_contains (t->watched, lower);
}

static char *
mprintf_dup (char *s)
{
  char *copy = g_strdup (s);
  sqlite3_free (s);
  return copy;
}

int
_at_sync_row_exists (AtSqlConn *conn, Table *t, const char *pk, GError **error)
{
  sqlite3_stmt *stmt = at_sql_conn_prepare (conn, t->exists, error);
  int n = -1;

  if (stmt == NULL)
    return -1;
  at_sql_bind_text (stmt, 1, pk);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int (stmt, 0) > 0;
  else
    at_sql_set_error (at_sql_conn_get_db (conn), sqlite3_errcode (at_sql_conn_get_db (conn)), "row", error);
  at_sql_stmt_release (stmt);
  return n;
}

/* The table's synced local columns and statements; NULL if the table is not
 * here (a newer workstation's) or does not sync. */
Table *
_at_sync_table_of (AtSqlConn *conn, GHashTable *cache, const char *tbl)
{
  Table *t;
  GPtrArray *columns = NULL;
  gboolean has_updated_at = FALSE;
  int keys_read = SQLITE_ERROR;
  g_autoptr(GString) all = g_string_new (NULL);   /* every column here, synced or not */
  sqlite3_stmt *stmt;

  if (g_hash_table_lookup_extended (cache, tbl, NULL, (gpointer *) &t))
    return t;
  t = NULL;
  if (at_sync_table_is_synced (tbl) &&
      (stmt = at_sql_conn_prepare (conn, "SELECT name, type FROM pragma_table_info(?1) ORDER BY cid", NULL)) != NULL)
    {
      int rc;

      at_sql_bind_text (stmt, 1, tbl);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          if (columns == NULL)
            columns = g_ptr_array_new_with_free_func (g_free);
          char *name = sqlite3_mprintf ("%s'%q'", all->len ? ", " : "", (const char *) sqlite3_column_text (stmt, 0));

          g_string_append (all, name);
          sqlite3_free (name);
          has_updated_at |= g_str_equal ((const char *) sqlite3_column_text (stmt, 0), "updated_at");
          if (at_sync_column_is_synced (tbl, (const char *) sqlite3_column_text (stmt, 0),
                                        (const char *) sqlite3_column_text (stmt, 1)))
            g_ptr_array_add (columns, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
        }
      at_sql_stmt_release (stmt);
      /* (a table half read is taken for one not here, for this page: what
       * comes for it is noted and read again at the next pull) */
      if (rc != SQLITE_DONE && columns != NULL)
        {
          g_warning ("Could not read the columns of %s: %s", tbl, sqlite3_errmsg (at_sql_conn_get_db (conn)));
          g_clear_pointer (&columns, g_ptr_array_unref);
        }
    }
  if (columns != NULL)
    {
      GString *names = g_string_new (NULL), *params = g_string_new (NULL);
      g_autoptr(GString) listed = g_string_new (NULL);   /* VALUES ('a'), ... of the columns a row value holds */

      for (guint i = 0; i < columns->len; i++)
        {
          const char *col = columns->pdata[i];
          char *name = sqlite3_mprintf ("%s\"%w\"", i ? ", " : "", col);
          char *value = sqlite3_mprintf ("%s(%Q)", listed->len ? ", " : "VALUES ", col);
          g_autofree char *param = g_strdup_printf ("?%u", i + 1);
          g_autofree char *bound = at_sync_decode_expr (tbl, col, param);

          g_string_append (names, name);
          g_string_append_printf (params, "%s%s", i ? ", " : "", bound);
          if (!at_sync_column_is_gated (tbl, col))
            g_string_append (listed, value);
          sqlite3_free (name);
          sqlite3_free (value);
        }
      t = g_new0 (Table, 1);
      t->columns = columns;
      t->has_updated_at = has_updated_at;
      t->index = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = 0; i < columns->len; i++)
        g_hash_table_insert (t->index, columns->pdata[i], GINT_TO_POINTER (i + 1));
      t->insert_bound = mprintf_dup (sqlite3_mprintf ("INSERT INTO \"%w\" (%s) VALUES (%s)", tbl, names->str, params->str));
      g_string_free (params, TRUE);
      t->keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      if ((stmt = at_sql_conn_prepare (conn, "SELECT \"from\" FROM pragma_foreign_key_list(?1)", NULL)) != NULL)
        {
          at_sql_bind_text (stmt, 1, tbl);
          while ((keys_read = sqlite3_step (stmt)) == SQLITE_ROW)
            g_hash_table_add (t->keys, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
          at_sql_stmt_release (stmt);
        }
      t->watched = watched_columns (conn, tbl, &t->watched_all);
      t->exists = mprintf_dup (sqlite3_mprintf ("SELECT count(*) FROM \"%w\" WHERE id = ?1", tbl));
      t->remove = mprintf_dup (sqlite3_mprintf ("DELETE FROM \"%w\" WHERE id = ?1", tbl));
      /* (each value as its JSON came: a float to its last digit) */
      t->keep_unknown = mprintf_dup (sqlite3_mprintf (
        "INSERT INTO sync_unknown_values (tbl, col, pk, val, hlc, node) "
        "SELECT ?1, j.key, ?2, ?3 -> j.fullkey, ?4, ?5 FROM json_each(?3) j WHERE j.key NOT IN (%s) "
        "ON CONFLICT (tbl, col, pk) DO UPDATE SET val = excluded.val, hlc = excluded.hlc, node = excluded.node "
        "WHERE (excluded.hlc, excluded.node) > (hlc, node)", all->str));
      g_string_free (names, TRUE);
      t->mark_lacked = mprintf_dup (sqlite3_mprintf (
        "INSERT INTO sync_clock (tbl, pk, col, hlc, node) SELECT ?1, ?2, '~' || j.column1, ?4, ?5 FROM (%s) j "
        "WHERE json_type(?3, printf('$.\"%%w\"', j.column1)) IS NULL "
        "ON CONFLICT (tbl, pk, col) DO UPDATE SET hlc = excluded.hlc, node = excluded.node", listed->str));
      /* (a parent column not known as one would not wait for its parent) */
      if (keys_read != SQLITE_DONE)
        {
          g_warning ("Could not read the foreign keys of %s: %s", tbl, sqlite3_errmsg (at_sql_conn_get_db (conn)));
          g_clear_pointer (&t, _at_sync_table_free);
        }
    }
  g_hash_table_insert (cache, g_strdup (tbl), t);
  return t;
}

gboolean
_at_sync_has_column (GPtrArray *columns, const char *col)
{
  for (guint i = 0; columns != NULL && i < columns->len; i++)
    if (g_str_equal (columns->pdata[i], col))
      return TRUE;
  return FALSE;
}
