/* at-sync-conflicts.c — pulled values kept aside because they clash with a
 * row here on a unique key (two workstations gave two projects one
 * number), with the rest of their row on a rule across its columns (an
 * end set earlier there, a start later here), or leave empty a column this
 * catalog needs (a row written on the server by a script). They are tried
 * again after every sync, so that settling the clash on either side lets
 * them in: a number changed here, or there (a whole row goes again with
 * the newer fields that wait for it laid over it). Until then they are
 * told, for a person to settle. */
#define G_LOG_DOMAIN "atelier-sync"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "at-sync-apply.h"
#include "at-sync-client-private.h"

/* The columns of SQLite's "UNIQUE constraint failed: projects.project_number". */
static GStrv
key_columns (const char *problem)
{
  const char *columns = strrchr (problem, ':');
  g_auto(GStrv) parts = g_strsplit (columns ? columns + 1 : "", ",", -1);
  GPtrArray *names = g_ptr_array_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *dot = strchr (parts[i], '.');
      g_ptr_array_add (names, g_strstrip (g_strdup (dot ? dot + 1 : parts[i])));
    }
  g_ptr_array_add (names, NULL);
  return (GStrv) g_ptr_array_free (names, FALSE);
}

/* A whole row kept aside takes, in the columns of the key it clashed on,
 * the newer values waiting for it in the inbox: the other side may have
 * settled the clash so (its other waiting fields follow it in as always). */
static gboolean
lay_over_key (AtSqlConn *conn, AtSyncCell *c, const char *problem, GError **error)
{
  g_auto(GStrv) columns = key_columns (problem);

  for (guint i = 0; columns[i] != NULL; i++)
    {
      g_autoptr(AtSqlStmt) stmt = at_sql_conn_prepare (conn, "SELECT json_set(?1, printf('$.\"%w\"', ?2), json(b.val)) "
                                                             "FROM sync_inbox b WHERE b.tbl = ?3 AND b.pk = ?4 AND b.col = ?2 "
                                                             "AND (b.hlc, b.node) > (?5, ?6) "
                                                             "ORDER BY b.hlc DESC, b.node DESC LIMIT 1",
                                                       error);
      int rc;

      if (stmt == NULL)
        return FALSE;
      at_sql_bind_text (stmt, 1, c->val);
      at_sql_bind_text (stmt, 2, columns[i]);
      at_sql_bind_text (stmt, 3, c->tbl);
      at_sql_bind_text (stmt, 4, c->pk);
      sqlite3_bind_int64 (stmt, 5, c->hlc);
      sqlite3_bind_int64 (stmt, 6, c->node);
      if ((rc = sqlite3_step (stmt)) == SQLITE_ROW && sqlite3_column_text (stmt, 0) != NULL)
        {
          g_free (c->val);
          c->val = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
        }
      else if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return at_sql_set_error (at_sql_conn_get_db (conn), rc, _("Could not read the values kept aside"), error);
    }
  return TRUE;
}

/* (a catalog write; @data: a guint, how many came in) */
gboolean
_at_sync_retry_conflicts (AtSqlConn *conn, gpointer data, GError **error)
{
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func ((GDestroyNotify) at_sync_cell_free);
  guint applied = 0, clashes = 0, came = 0;
  sqlite3_stmt *stmt;
  int rc;

  stmt = at_sql_conn_prepare (conn, "SELECT tbl, pk, col, val, hlc, node, bucket, problem FROM sync_conflicts "
                                    "ORDER BY seen_at, tbl, pk, col",
                              error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AtSyncCell *c = at_sync_cell_from_row (stmt);
      g_ptr_array_add (cells, c);
      if (g_str_equal (c->col, "*") && !lay_over_key (conn, c, (const char *) sqlite3_column_text (stmt, 7), error))
        break;
    }
  at_sql_stmt_release (stmt);
  if (error != NULL && *error != NULL)
    return FALSE;
  if (rc != SQLITE_DONE)
    return at_sql_set_error (at_sql_conn_get_db (conn), rc, _("Could not read the values kept aside"), error);
  if (cells->len == 0)
    return TRUE;
  /* what clashes still is kept aside again by the apply */
  if (!at_sql_conn_exec (conn, "DELETE FROM sync_conflicts", error) ||
      !at_sync_apply_page (conn, cells, &applied, &clashes, error))
    return FALSE;
  /* came in: written here with its own clock (not kept aside again, nor
   * older than what was here, nor waiting for a parent) */
  for (guint i = 0; i < cells->len; i++)
    {
      AtSyncCell *c = cells->pdata[i];
      g_autoptr(AtSqlStmt) check = at_sql_conn_prepare (conn, "SELECT 1 FROM sync_clock WHERE tbl = ?1 AND pk = ?2 "
                                                              "AND col = ?3 AND hlc = ?4 AND node = ?5",
                                                        error);
      if (check == NULL)
        return FALSE;
      at_sql_bind_text (check, 1, c->tbl);
      at_sql_bind_text (check, 2, c->pk);
      at_sql_bind_text (check, 3, c->col);
      sqlite3_bind_int64 (check, 4, c->hlc);
      sqlite3_bind_int64 (check, 5, c->node);
      came += sqlite3_step (check) == SQLITE_ROW;
    }
  *(guint *) data = came;
  return TRUE;
}

/* "projects.project_number" (SQLite's words for the key) as "project number" */
static char *
key_of (const char *problem)
{
  g_auto(GStrv) columns = key_columns (problem);
  GString *key = g_string_new (NULL);

  for (guint i = 0; columns[i] != NULL; i++)
    {
      g_strdelimit (columns[i], "_", ' ');
      if (i > 0)
        g_string_append (key, columns[i + 1] ? ", " : _(" and "));
      g_string_append (key, columns[i]);
    }
  return g_string_free (key, FALSE);
}

/**
 * at_sync_list_conflicts:
 * @catalog: the catalog
 * @error: the error, if it cannot be read
 *
 * Returns: (transfer full) (element-type utf8): a sentence for each pulled
 * value kept aside, saying what clashes and what to do; %NULL on error.
 */
GPtrArray *
at_sync_list_conflicts (AtCatalog *catalog, GError **error)
{
  AtSqlConn *conn = at_catalog_get_reader (catalog, error);
  g_autoptr(GPtrArray) said = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  int rc;

  if (conn == NULL ||
      (stmt = at_sql_conn_prepare (conn, "SELECT tbl, col, problem, coalesce(CASE WHEN col = '*' THEN "
                                         "coalesce(json_extract(val, '$.name'), json_extract(val, '$.file_name'), "
                                         "json_extract(val, '$.title')) ELSE json_extract(val, '$') END, pk) "
                                         "FROM sync_conflicts ORDER BY seen_at, tbl, pk, col",
                                   error)) == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autofree char *kind = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      g_autofree char *column = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      const char *problem = (const char *) sqlite3_column_text (stmt, 2);
      g_autofree char *key = key_of (problem);
      const char *name = (const char *) sqlite3_column_text (stmt, 3);
      /* (SQLite's "CHECK constraint failed: end_at > start_at": a rule, not a key) */
      const char *rule = strstr (problem, "CHECK constraint failed: ");
      gboolean needed = strstr (problem, "NOT NULL constraint failed: ") != NULL;

      /* "projects" -> "project" (a table's name as a noun, near enough) */
      if (g_str_has_suffix (kind, "s"))
        kind[strlen (kind) - 1] = '\0';
      g_strdelimit (kind, "_", ' ');
      g_strdelimit (column, "_", ' ');
      if (rule != NULL)
        {
          g_autofree char *words = g_strdelimit (g_strdup (rule + strlen ("CHECK constraint failed: ")), "_", ' ');

          if (g_str_equal (column, "*"))
            /* Translators: "A shooting schedule from another workstation, “…”, breaks a rule of this catalog (end at > start at)..." */
            g_ptr_array_add (said, g_strdup_printf (_("A %s from another workstation, “%s”, breaks a rule of this catalog "
                                                      "(%s): change it on one side, and it comes in at the next sync."),
                                                    kind, name, words));
          else
            /* Translators: "A change from another workstation, a shooting schedule’s end at set to “…”, does not fit..." */
            g_ptr_array_add (said, g_strdup_printf (_("A change from another workstation, a %s’s %s set to “%s”, does not "
                                                      "fit the rest of it here (%s): change one or the other, and it comes "
                                                      "in at the next sync."),
                                                    kind, column, name, words));
        }
      else if (needed && g_str_equal (column, "*"))
        /* Translators: "A project from another workstation, “…”, has no name, which this catalog needs..." */
        g_ptr_array_add (said, g_strdup_printf (_("A %s from another workstation, “%s”, has no %s, which this catalog "
                                                  "needs: give it one on the other side, and it comes in at the next sync."),
                                                kind, name, key));
      else if (needed)
        /* Translators: "A change from another workstation empties a project’s name, which this catalog needs: it keeps..." */
        g_ptr_array_add (said, g_strdup_printf (_("A change from another workstation empties a %s’s %s, which this "
                                                  "catalog needs: it keeps the one it has here until a new one is given "
                                                  "on either side."),
                                                kind, key));
      else if (g_str_equal (column, "*"))
        /* Translators: "A project from another workstation, “Berg wedding”, has the same project number as one here..." */
        g_ptr_array_add (said, g_strdup_printf (_("A %s from another workstation, “%s”, has the same %s as one here: change "
                                                  "it on one side, and it comes in at the next sync."),
                                                kind, name, key));
      else
        g_ptr_array_add (said, g_strdup_printf (_("A change from another workstation, a %s’s %s set to “%s”, would give it "
                                                  "the same %s as another %s here: change one of them, and it comes in at "
                                                  "the next sync."),
                                                kind, column, name, key, kind));
    }
  at_sql_stmt_release (stmt);
  if (rc != SQLITE_DONE)
    {
      at_sql_set_error (at_sql_conn_get_db (conn), rc, _("Could not read the values kept aside"), error);
      return NULL;
    }
  return g_steal_pointer (&said);
}
