/* at-sync-buckets.c — following projects (partial sync).
 *
 * A followed project is a row of sync_buckets with its own feed cursor; the
 * pull reads those. Following one starts its cursor at the beginning of the
 * feed. Unfollowing one takes its rows out of this catalog with capture
 * off (so no deletion reaches the server) together with their field clocks
 * (so following it again brings everything back) and what of it waits to
 * be applied (sync_inbox, sync_conflicts), and only when nothing of it
 * waits to be sent.
 */
#define G_LOG_DOMAIN "atelier-sync"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "at-pg.h"
#include "at-project.h"
#include "at-sync-buckets.h"
#include "at-sync-apply-private.h"
#include "at-sync-capture.h"

void
at_sync_project_free (AtSyncProject *project)
{
  g_free (project->id);
  g_free (project->number);
  g_free (project->name);
  g_free (project);
}

gboolean
at_sync_follows_all (AtCatalog  *catalog,
                     GError    **error)
{
  AtSqlConn *conn = at_catalog_get_reader (catalog, error);

  return conn != NULL && at_sql_query_int (conn, "SELECT scope = 'all' FROM sync_state", error) == 1;
}

GPtrArray *
at_sync_list_projects (AtCatalog  *catalog,
                       GError    **error)
{
  AtSqlConn *conn = at_catalog_get_reader (catalog, error);
  g_autoptr(GPtrArray) projects = g_ptr_array_new_with_free_func ((GDestroyNotify) at_sync_project_free);
  sqlite3_stmt *stmt;
  int rc;

  if (conn == NULL ||
      (stmt = at_sql_conn_prepare (conn, "SELECT p.id, coalesce(p.project_number, ''), p.name, "
                                         "b.bucket IS NOT NULL OR (SELECT scope FROM sync_state) = 'all', "
                                         "coalesce(o.n, 0) FROM projects p "
                                         "LEFT JOIN sync_buckets b ON b.bucket = p.id "
                                         "LEFT JOIN (SELECT bucket, count(*) AS n FROM sync_outbox GROUP BY bucket) o "
                                         "ON o.bucket = p.id "
                                         "WHERE p.deleted_at IS NULL ORDER BY p.project_number, p.name", error)) == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AtSyncProject *p = g_new0 (AtSyncProject, 1);

      p->id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      p->number = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      p->name = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      p->followed = sqlite3_column_int (stmt, 3);
      p->pending = (guint) sqlite3_column_int64 (stmt, 4);
      g_ptr_array_add (projects, p);
    }
  at_sql_stmt_release (stmt);
  if (rc != SQLITE_DONE)
    {
      at_sql_set_error (at_sql_conn_get_db (conn), rc, _("Could not list the projects"), error);
      return NULL;
    }
  return g_steal_pointer (&projects);
}

typedef struct
{
  const char *project;
  guint       removed;
} Args;

/* Leaving 'all', the projects followed so far stay followed. */
#define KEEP_ALL "INSERT OR IGNORE INTO sync_buckets (bucket) SELECT id FROM projects " \
                 "WHERE (SELECT scope FROM sync_state) = 'all'"

static gboolean
write_follow_all (AtSqlConn *conn, gpointer data, GError **error)
{
  gboolean all = GPOINTER_TO_INT (data);

  return at_sql_exec_bound (conn, error, KEEP_ALL, "") &&
         at_sql_exec_bound (conn, error, "UPDATE sync_state SET scope = ?1", "t", all ? "all" : "projects");
}

gboolean
at_sync_set_follow_all (AtCatalog  *catalog,
                        gboolean    all,
                        GError    **error)
{
  return at_catalog_write_sync (catalog, "sync_buckets", write_follow_all, GINT_TO_POINTER (all), error);
}

static gboolean
write_follow (AtSqlConn *conn, gpointer data, GError **error)
{
  Args *args = data;
  g_autofree char *id = at_project_find_id (conn, args->project, error);

  return id != NULL && at_sql_exec_bound (conn, error, "INSERT OR IGNORE INTO sync_buckets (bucket) VALUES (?1)", "t", id);
}

gboolean
at_sync_follow (AtCatalog   *catalog,
                const char  *project,
                GError     **error)
{
  Args args = { project, 0 };

  return at_catalog_write_sync (catalog, "sync_buckets", write_follow, &args, error);
}

typedef struct
{
  char *table;
  char *bucket;   /* SQL for a row's bucket */
  int   depth;    /* foreign keys between it and its project */
} Bucketed;

static void
bucketed_free (gpointer data)
{
  Bucketed *b = data;

  g_free (b->table);
  g_free (b->bucket);
  g_free (b);
}

static int
deepest_first (gconstpointer a, gconstpointer b)
{
  return (*(Bucketed **) b)->depth - (*(Bucketed **) a)->depth;
}

/* The synced tables whose rows belong to a project, children before parents. */
static GPtrArray *
bucketed_tables (AtSqlConn *conn, GError **error)
{
  g_autoptr(GPtrArray) names = at_sync_synced_tables (conn, error);
  g_autoptr(GPtrArray) tables = g_ptr_array_new_with_free_func (bucketed_free);

  if (names == NULL)
    return NULL;
  for (guint i = 0; i < names->len; i++)
    {
      const char *t = names->pdata[i];
      char *ref = sqlite3_mprintf ("\"%w\"", t);
      g_autofree char *bucket = at_sync_bucket_expr (conn, t, ref);
      Bucketed *b;

      sqlite3_free (ref);
      if (g_str_equal (bucket, "''"))
        continue;
      b = g_new0 (Bucketed, 1);
      b->table = g_strdup (t);
      b->bucket = g_steal_pointer (&bucket);
      for (const char *p = b->bucket; (p = strstr (p, "SELECT")) != NULL; p++)
        b->depth++;
      g_ptr_array_add (tables, b);
    }
  g_ptr_array_sort (tables, deepest_first);
  return g_steal_pointer (&tables);
}

/* Rows of another project taken out with this one's by a cascade (an item
 * of a followed project's album, of a photo of this project) are not this
 * project's to drop: they still have their clocks, and no deletion. Their
 * clocks go and the feed is read again from its start (own cells too, as
 * for a project followed anew), so that they come back, and wait there for
 * their parent until it is followed again. */
static gboolean
read_again_if_taken (AtSqlConn *conn, GError **error)
{
  g_autoptr(GPtrArray) names = at_sync_synced_tables (conn, error);
  int taken = 0;

  if (names == NULL)
    return FALSE;
  for (guint i = 0; i < names->len; i++)
    {
      const char *t = names->pdata[i];
      char *sql;
      gboolean ok;

      sql = sqlite3_mprintf ("DELETE FROM sync_clock WHERE tbl = '%q' AND col <> '_deleted' AND pk IN "
                             "(SELECT r.pk FROM sync_clock r WHERE r.tbl = '%q' AND r.col = '*' "
                             "AND NOT EXISTS (SELECT 1 FROM \"%w\" x WHERE x.id = r.pk) "
                             "AND NOT EXISTS (SELECT 1 FROM sync_clock d WHERE d.tbl = r.tbl AND d.pk = r.pk "
                             "AND d.col = '_deleted'))", t, t, t);
      ok = at_sql_exec_bound (conn, error, sql, "");
      sqlite3_free (sql);
      if (!ok)
        return FALSE;
      taken += sqlite3_changes (at_sql_conn_get_db (conn));
    }
  return taken == 0 || at_sql_exec_bound (conn, error, "UPDATE sync_buckets SET cursor_xid = '0', cursor_seq = 0, "
                                                       "with_own = 1, own_until = NULL", "");
}

/* A row this workstation keeps may name, through a reference that may be
 * emptied (ON DELETE SET NULL), a row of the project it stops following: a
 * photo of another project, say, ingested in one of this project's
 * sessions. SQLite empties it uncaptured (the server keeps the value), and
 * following the project again would not put it back: the value waits in
 * sync_inbox for its row instead, as one that names a row not come yet. */
static gboolean
keep_references (AtSqlConn *conn, GPtrArray *tables, const char *id, GError **error)
{
  g_autoptr(GHashTable) bucket_of = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) synced = at_sync_synced_tables (conn, error);
  g_autoptr(GPtrArray) refs = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  int rc;

  if (synced == NULL ||
      (stmt = at_sql_conn_prepare (conn, "SELECT m.name, f.\"from\", f.\"table\" FROM sqlite_master m, "
                                         "pragma_foreign_key_list (m.name) f "
                                         "WHERE m.type = 'table' AND f.on_delete = 'SET NULL'", error)) == NULL)
    return FALSE;
  for (guint i = 0; i < tables->len; i++)
    g_hash_table_insert (bucket_of, ((Bucketed *) tables->pdata[i])->table, ((Bucketed *) tables->pdata[i])->bucket);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    for (int k = 0; k < 3; k++)
      g_ptr_array_add (refs, g_strdup ((const char *) sqlite3_column_text (stmt, k)));
  at_sql_stmt_release (stmt);
  if (rc != SQLITE_DONE)
    return at_sql_set_error (at_sql_conn_get_db (conn), rc, _("Could not read the catalog’s schema"), error);
  for (guint i = 0; i + 2 < refs->len; i += 3)
    {
      const char *child = refs->pdata[i], *col = refs->pdata[i + 1], *parent = refs->pdata[i + 2];
      const char *parent_bucket = g_hash_table_lookup (bucket_of, parent);
      const char *child_bucket = g_hash_table_lookup (bucket_of, child);
      g_autoptr(GPtrArray) pks = g_ptr_array_new_with_free_func (g_free);
      char *sql;

      if (parent_bucket == NULL || !g_ptr_array_find_with_equal_func (synced, child, g_str_equal, NULL))
        continue;
      /* (the child's own rows of this project go with it) */
      sql = sqlite3_mprintf ("SELECT id FROM \"%w\" WHERE \"%w\" IN (SELECT id FROM \"%w\" WHERE %s = ?1)%s%s%s",
                             child, col, parent, parent_bucket, child_bucket ? " AND NOT coalesce(" : "",
                             child_bucket ? child_bucket : "", child_bucket ? " = ?1, 0)" : "");
      stmt = at_sql_conn_prepare (conn, sql, error);
      sqlite3_free (sql);
      if (stmt == NULL)
        return FALSE;
      at_sql_bind_text (stmt, 1, id);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        g_ptr_array_add (pks, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
      at_sql_stmt_release (stmt);
      if (rc != SQLITE_DONE)
        return at_sql_set_error (at_sql_conn_get_db (conn), rc, _("Could not read the catalog"), error);
      for (guint k = 0; k < pks->len; k++)
        if (!_at_sync_let_go (conn, child, pks->pdata[k], col, error))
          return FALSE;
    }
  return TRUE;
}

static gboolean
write_unfollow (AtSqlConn *conn, gpointer data, GError **error)
{
  Args *args = data;
  g_autofree char *id = at_project_find_id (conn, args->project, error);
  g_autoptr(GPtrArray) tables = NULL;
  gint64 pending;

  if (id == NULL)
    return FALSE;
  {
    sqlite3_stmt *stmt = at_sql_conn_prepare (conn, "SELECT count(*) FROM sync_outbox WHERE bucket = ?1", error);

    if (stmt == NULL)
      return FALSE;
    at_sql_bind_text (stmt, 1, id);
    pending = sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : -1;
    at_sql_stmt_release (stmt);
  }
  if (pending != 0)
    {
      g_set_error (error, AT_SYNC_ERROR, AT_SYNC_ERROR_PENDING,
                   _("Changes to “%s” have not reached the server yet: sync first, then stop following it"), args->project);
      return FALSE;
    }
  if ((tables = bucketed_tables (conn, error)) == NULL ||
      !at_sql_conn_exec (conn, "PRAGMA defer_foreign_keys = ON", error) ||
      !at_sql_exec_bound (conn, error, KEEP_ALL, "") ||
      !at_sql_exec_bound (conn, error, "UPDATE sync_state SET applying = 1, scope = 'projects'", "") ||
      !keep_references (conn, tables, id, error))
    return FALSE;
  /* the clocks first, and what waits for these rows (kept before its
   * bucket was: NULL): they are found through the rows */
  for (guint i = 0; i < tables->len; i++)
    {
      Bucketed *b = tables->pdata[i];
      static const char *const clocks[] = { "sync_clock", "sync_inbox", "sync_conflicts" };

      for (guint k = 0; k < G_N_ELEMENTS (clocks); k++)
        {
          char *sql = sqlite3_mprintf ("DELETE FROM %s WHERE tbl = '%q' AND pk IN (SELECT id FROM \"%w\" WHERE %s = ?1)%s",
                                       clocks[k], b->table, b->table, b->bucket,
                                       k > 0 ? " AND coalesce(bucket, ?1) = ?1" : "");
          gboolean ok = at_sql_exec_bound (conn, error, sql, "t", id);

          sqlite3_free (sql);
          if (!ok)
            return FALSE;
        }
    }
  /* what waits of this project's, its row here or not (a photo waiting
   * for its parent): it would go in when that comes, unfollowed */
  if (!at_sql_exec_bound (conn, error, "DELETE FROM sync_inbox WHERE bucket = ?1", "t", id) ||
      !at_sql_exec_bound (conn, error, "DELETE FROM sync_conflicts WHERE bucket = ?1", "t", id))
    return FALSE;
  for (guint i = 0; i < tables->len; i++)
    {
      Bucketed *b = tables->pdata[i];
      char *sql = sqlite3_mprintf ("DELETE FROM \"%w\" WHERE %s = ?1", b->table, b->bucket);
      gboolean ok = at_sql_exec_bound (conn, error, sql, "t", id);

      sqlite3_free (sql);
      if (!ok)
        return FALSE;
      args->removed += sqlite3_changes (at_sql_conn_get_db (conn));
    }
  return at_sql_exec_bound (conn, error, "DELETE FROM sync_buckets WHERE bucket = ?1", "t", id) &&
         read_again_if_taken (conn, error) &&
         at_sql_exec_bound (conn, error, "UPDATE sync_state SET applying = 0", "");
}

gboolean
at_sync_unfollow (AtCatalog   *catalog,
                  const char  *project,
                  guint       *removed,
                  GError     **error)
{
  Args args = { project, 0 };
  gboolean ok = at_catalog_write_sync (catalog, "photos,photo_keywords,albums,album_items,sync_buckets", write_unfollow,
                                       &args, error);

  if (removed != NULL)
    *removed = args.removed;
  return ok;
}
