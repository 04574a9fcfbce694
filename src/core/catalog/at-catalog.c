/* at-catalog.c — opening, validating and migrating the catalog; connections.
 *
 * Opening never changes a file it will refuse: everything that can make us
 * refuse (not SQLite, not ours, read-only, newer schema) is checked before
 * the first write (WAL switch, migration).
 */
#define G_LOG_DOMAIN "atelier-catalog"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "at-catalog-private.h"
#include "at-sync-consent.h"

/* Shared by the catalog and the sources that announce commits, so that one
 * running after the catalog died finds nothing instead of freed memory. */
typedef struct
{
  gatomicrefcount  ref;
  GMainContext    *context;
  GWeakRef         catalog;
  GMutex           lock;
  GHashTable      *pending;    /* (mutex lock) tables changed since the last emission */
  gboolean         scheduled;  /* (mutex lock) an emission is on its way */
  char           **tables;     /* every table, for news from outside */
} Notifier;

/* At most this often: an ingest commits many times a second, and every
 * "changed" makes views re-read; they need the news, not every commit. */
#define CHANGED_INTERVAL_MS 50

struct _AtCatalog
{
  GObject          parent_instance;
  char            *path;
  int              schema_version;
  AtCatalogWriter *writer;
  Notifier        *notifier;
  GMutex           readers_lock;
  GHashTable      *readers; /* GThread* -> AtSqlConn* */
};

G_DEFINE_FINAL_TYPE (AtCatalog, at_catalog, G_TYPE_OBJECT)

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static Notifier *
notifier_ref (Notifier *n)
{
  g_atomic_ref_count_inc (&n->ref);
  return n;
}

static void
notifier_unref (Notifier *n)
{
  if (g_atomic_ref_count_dec (&n->ref))
    {
      g_hash_table_unref (n->pending);
      g_strfreev (n->tables);
      g_mutex_clear (&n->lock);
      g_weak_ref_clear (&n->catalog);
      g_main_context_unref (n->context);
      g_free (n);
    }
}

static gboolean
emit_changed (gpointer data)
{
  Notifier *n = data;
  g_autoptr(AtCatalog) self = g_weak_ref_get (&n->catalog);
  g_autoptr(GHashTable) tables = NULL;
  GHashTableIter iter;
  gpointer table;

  g_mutex_lock (&n->lock);
  tables = g_steal_pointer (&n->pending);
  n->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  n->scheduled = FALSE;
  g_mutex_unlock (&n->lock);

  if (self != NULL)
    {
      g_hash_table_iter_init (&iter, tables);
      while (g_hash_table_iter_next (&iter, &table, NULL))
        g_signal_emit (self, signals[CHANGED], g_quark_from_string (table), table);
    }
  return G_SOURCE_REMOVE;
}

/* Collects the tables and schedules one emission for all changes until it runs. */
static void
schedule_changed (Notifier          *n,
                  const char *const *tables)
{
  g_mutex_lock (&n->lock);
  for (guint i = 0; tables[i] != NULL; i++)
    g_hash_table_add (n->pending, g_strdup (tables[i]));
  if (!n->scheduled)
    {
      GSource *source = g_timeout_source_new (CHANGED_INTERVAL_MS);

      n->scheduled = TRUE;
      g_source_set_callback (source, emit_changed, notifier_ref (n), (GDestroyNotify) notifier_unref);
      g_source_set_static_name (source, "[atelier] catalog changed");
      g_source_attach (source, n->context);
      g_source_unref (source);
    }
  g_mutex_unlock (&n->lock);
}

/* Called on the writer thread after a commit of ours, or when it sees
 * that another process committed (then every table is news). */
static void
committed_cb (const char *const *tables,
              gpointer           user_data)
{
  Notifier *n = user_data;

  if (tables != NULL)
    schedule_changed (n, tables);
  else if (n->tables != NULL)
    schedule_changed (n, (const char *const *) n->tables);
}

static char **
list_tables (AtSqlConn *conn)
{
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  sqlite3_stmt *stmt = at_sql_conn_prepare (conn, "SELECT name FROM sqlite_master WHERE type = 'table' "
                                                  "AND name NOT LIKE 'sqlite_%'", NULL);

  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    g_strv_builder_add (b, (const char *) sqlite3_column_text (stmt, 0));
  if (stmt != NULL)
    sqlite3_reset (stmt);
  return g_strv_builder_end (b);
}

void
at_catalog_close (AtCatalog *self)
{
  g_return_if_fail (AT_IS_CATALOG (self));


  g_clear_pointer (&self->writer, at_catalog_writer_free);
  g_mutex_lock (&self->readers_lock);
  g_hash_table_remove_all (self->readers);
  g_mutex_unlock (&self->readers_lock);
}

static void
at_catalog_finalize (GObject *object)
{
  AtCatalog *self = AT_CATALOG (object);

  at_catalog_close (self);
  g_clear_pointer (&self->readers, g_hash_table_unref);
  g_mutex_clear (&self->readers_lock);
  g_clear_pointer (&self->notifier, notifier_unref);
  g_free (self->path);

  G_OBJECT_CLASS (at_catalog_parent_class)->finalize (object);
}

static void
at_catalog_class_init (AtCatalogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = at_catalog_finalize;

  /**
   * AtCatalog::changed:
   * @table: the table a committed write touched
   *
   * Detailed by table name: connect to "changed::photos".
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
at_catalog_init (AtCatalog *self)
{
  g_mutex_init (&self->readers_lock);
  self->readers = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) at_sql_conn_free);
}

static void
set_not_sqlite (GError **error, const char *path)
{
  g_set_error (error, AT_CATALOG_ERROR, AT_CATALOG_ERROR_NOT_A_CATALOG,
               _("“%s” is not an Atelier catalog: it is not an SQLite database."), path);
}

/* Whether SQLite takes @path for a database. SQLite reads it, not a
 * descriptor of ours: closing one would drop every lock this process holds
 * on the file, SQLite's on a catalog open here already among them (SQLite
 * keeps its own until its last user is gone). Only "not a database" is an
 * answer; anything else is left to the open that follows. */
static gboolean
check_is_database (const char *path, GError **error)
{
  /* (immutable: nothing written beside it either, no -wal, no -shm) */
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
  g_autofree char *immutable = uri ? g_strconcat (uri, "?immutable=1", NULL) : NULL;
  g_autoptr(AtSqlConn) conn = immutable ? at_sql_conn_open (immutable, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL) : NULL;
  g_autoptr(GError) local_error = NULL;

  if (conn != NULL && at_sql_query_int (conn, "SELECT count(*) FROM sqlite_master", &local_error) < 0 &&
      g_error_matches (local_error, AT_CATALOG_ERROR, AT_CATALOG_ERROR_NOT_A_CATALOG))
    {
      set_not_sqlite (error, path);
      return FALSE;
    }
  return TRUE;
}

/* Checks before the catalog is opened: existence, type, that it is a
 * database, permissions (a file that is no catalog is said to be so, even
 * read-only). */
static gboolean
check_file (const char          *path,
            AtCatalogOpenFlags   flags,
            gboolean            *exists,
            GError             **error)
{
  GStatBuf st;
  g_autofree char *dir = g_path_get_dirname (path);

  *exists = g_stat (path, &st) == 0;
  if (!*exists)
    {
      if (!(flags & AT_CATALOG_OPEN_CREATE))
        {
          g_set_error (error, AT_CATALOG_ERROR, AT_CATALOG_ERROR_NOT_FOUND,
                       _("No catalog at “%s”. Create one with “atelier-cli catalog init --catalog %s”."),
                       path, path);
          return FALSE;
        }
      if (g_mkdir_with_parents (dir, 0700) != 0)
        {
          int saved = errno;
          g_set_error (error, AT_CATALOG_ERROR, AT_CATALOG_ERROR_FAILED,
                       _("Could not create the folder “%s” for the catalog: %s"), dir, g_strerror (saved));
          return FALSE;
        }
      if (access (dir, W_OK) != 0)
        {
          g_set_error (error, AT_CATALOG_ERROR, AT_CATALOG_ERROR_READ_ONLY,
                       _("Cannot create a catalog in “%s”: the folder is read-only."), dir);
          return FALSE;
        }
      return TRUE;
    }

  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, AT_CATALOG_ERROR, AT_CATALOG_ERROR_NOT_A_CATALOG,
                   _("“%s” is not an Atelier catalog: it is not a regular file."), path);
      return FALSE;
    }

  if (st.st_size == 0 && !(flags & AT_CATALOG_OPEN_CREATE))
    {
      g_set_error (error, AT_CATALOG_ERROR, AT_CATALOG_ERROR_NOT_A_CATALOG,
                   _("“%s” is an empty file, not an Atelier catalog."), path);
      return FALSE;
    }
  if (st.st_size > 0 && !check_is_database (path, error))
    return FALSE;

  /* Root ignores permission bits, so look at them as well as access():
   * a file nobody may write was made read-only on purpose. */
  if ((st.st_mode & 0222) == 0 || access (path, W_OK) != 0)
    {
      g_set_error (error, AT_CATALOG_ERROR, AT_CATALOG_ERROR_READ_ONLY,
                   _("The catalog “%s” is read-only. Atelier needs to write to it; "
                     "check the file’s permissions or copy it somewhere writable."), path);
      return FALSE;
    }
  if (access (dir, W_OK) != 0)
    {
      g_set_error (error, AT_CATALOG_ERROR, AT_CATALOG_ERROR_READ_ONLY,
                   _("The folder “%s” holding the catalog is read-only; SQLite needs to create "
                     "its journal files there."), dir);
      return FALSE;
    }
  return TRUE;
}

/* Reads what the file says about itself without writing anything. */
static gboolean
check_identity (AtSqlConn   *conn,
                const char  *path,
                int         *version,
                GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  gint64 app_id, n_objects;

  n_objects = at_sql_query_int (conn, "SELECT count(*) FROM sqlite_master", &local_error);
  if (n_objects < 0)
    {
      if (g_error_matches (local_error, AT_CATALOG_ERROR, AT_CATALOG_ERROR_NOT_A_CATALOG))
        set_not_sqlite (error, path);
      else if (g_error_matches (local_error, AT_CATALOG_ERROR, AT_CATALOG_ERROR_CORRUPT))
        g_set_error (error, AT_CATALOG_ERROR, AT_CATALOG_ERROR_CORRUPT,
                     _("The catalog “%s” is damaged (%s). Restore it from a backup."),
                     path, local_error->message);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  *version = (int) at_sql_query_int (conn, "PRAGMA user_version", error);
  app_id = at_sql_query_int (conn, "PRAGMA application_id", error);
  if (*version < 0 || app_id < 0)
    return FALSE;

  if ((*version > 0 || n_objects > 0) && app_id != AT_CATALOG_APPLICATION_ID)
    {
      g_set_error (error, AT_CATALOG_ERROR, AT_CATALOG_ERROR_NOT_A_CATALOG,
                   _("“%s” is an SQLite database of another application, not an Atelier catalog."), path);
      return FALSE;
    }
  if (*version > AT_CATALOG_SCHEMA_VERSION)
    {
      g_set_error (error, AT_CATALOG_ERROR, AT_CATALOG_ERROR_TOO_NEW,
                   _("The catalog “%s” was written by a newer Atelier (schema version %d; this "
                     "version understands up to %d). Update Atelier to open it."),
                   path, *version, AT_CATALOG_SCHEMA_VERSION);
      return FALSE;
    }
  return TRUE;
}

/**
 * at_catalog_open:
 * @path: the catalog file
 * @flags: %AT_CATALOG_OPEN_CREATE to create it when missing
 *
 * Opens the catalog, migrates it to the current schema and starts its writer.
 */
AtCatalog *
at_catalog_open (const char          *path,
                 AtCatalogOpenFlags   flags,
                 GError             **error)
{
  g_autoptr(AtCatalog) self = NULL;
  g_autoptr(AtSqlConn) conn = NULL;
  gboolean exists;
  int version = 0;

  g_return_val_if_fail (path != NULL, NULL);

  if (!check_file (path, flags, &exists, error))
    return NULL;

  conn = at_sql_conn_open (path, SQLITE_OPEN_READWRITE | (exists ? 0 : SQLITE_OPEN_CREATE), error);
  if (conn == NULL)
    return NULL;
  if (!check_identity (conn, path, &version, error))
    return NULL;
  if (sqlite3_db_readonly (at_sql_conn_get_db (conn), "main") == 1)
    {
      g_set_error (error, AT_CATALOG_ERROR, AT_CATALOG_ERROR_READ_ONLY,
                   _("The catalog “%s” is read-only."), path);
      return NULL;
    }

  /* synchronous=FULL: a commit that returned is on disk, which the ingest
   * journal relies on; the writer's batching keeps the cost down. */
  /* pulls write embeddings through at_unhex(). A 64 MiB page cache (the
   * default is 2) keeps a 100,000-photo catalog's hot pages in memory during
   * a pull or an ingest; the pull's staging table lives in memory. */
  at_sync_register_functions (at_sql_conn_get_db (conn));
  if (!at_sql_conn_exec (conn, "PRAGMA journal_mode = WAL", error) ||
      !at_sql_conn_exec (conn, "PRAGMA synchronous = FULL", error) ||
      !at_sql_conn_exec (conn, "PRAGMA foreign_keys = ON", error) ||
      !at_sql_conn_exec (conn, "PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY", error))
    return NULL;

  if (version < AT_CATALOG_SCHEMA_VERSION &&
      !at_catalog_migrate_to_current (conn, version, error))
    {
      g_prefix_error (error, _("Could not upgrade the catalog “%s”: "), path);
      return NULL;
    }

  self = g_object_new (AT_TYPE_CATALOG, NULL);
  self->path = g_strdup (path);
  self->schema_version = AT_CATALOG_SCHEMA_VERSION;
  self->notifier = g_new0 (Notifier, 1);
  g_atomic_ref_count_init (&self->notifier->ref);
  g_mutex_init (&self->notifier->lock);
  self->notifier->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->notifier->context = g_main_context_ref_thread_default ();
  g_weak_ref_init (&self->notifier->catalog, self);
  self->notifier->tables = list_tables (conn);
  self->writer = at_catalog_writer_new (g_steal_pointer (&conn), committed_cb, self->notifier);

  return g_steal_pointer (&self);
}

const char *
at_catalog_get_path (AtCatalog *self)
{
  g_return_val_if_fail (AT_IS_CATALOG (self), NULL);
  return self->path;
}

int
at_catalog_get_schema_version (AtCatalog *self)
{
  g_return_val_if_fail (AT_IS_CATALOG (self), 0);
  return self->schema_version;
}

/**
 * at_catalog_get_reader:
 *
 * Returns: (transfer none): this thread's reader connection, opened on first
 * use and kept until the catalog closes.
 */
AtSqlConn *
at_catalog_get_reader (AtCatalog  *self,
                       GError    **error)
{
  AtSqlConn *conn;
  GThread *thread = g_thread_self ();

  g_return_val_if_fail (AT_IS_CATALOG (self), NULL);

  g_mutex_lock (&self->readers_lock);
  conn = g_hash_table_lookup (self->readers, thread);
  g_mutex_unlock (&self->readers_lock);
  if (conn != NULL)
    return conn;

  if (self->writer == NULL)
    {
      g_set_error_literal (error, AT_CATALOG_ERROR, AT_CATALOG_ERROR_CLOSED,
                           _("The catalog is closed."));
      return NULL;
    }
  conn = at_sql_conn_open (self->path, SQLITE_OPEN_READONLY, error);
  if (conn == NULL)
    return NULL;

  g_mutex_lock (&self->readers_lock);
  g_hash_table_insert (self->readers, thread, conn);
  g_mutex_unlock (&self->readers_lock);
  return conn;
}

void
at_catalog_write_async (AtCatalog           *self,
                        const char          *tables,
                        AtCatalogWriteFunc   func,
                        gpointer             user_data,
                        GDestroyNotify       destroy,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             callback_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (AT_IS_CATALOG (self));
  g_return_if_fail (func != NULL);

  task = g_task_new (self, cancellable, callback, callback_data);
  g_task_set_source_tag (task, at_catalog_write_async);

  if (self->writer == NULL)
    {
      if (destroy != NULL)
        destroy (user_data);
      g_task_return_new_error (task, AT_CATALOG_ERROR, AT_CATALOG_ERROR_CLOSED,
                               _("The catalog is closed."));
      return;
    }
  at_catalog_writer_push (self->writer, tables, func, user_data, destroy, task);
}

gboolean
at_catalog_write_finish (AtCatalog     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * at_catalog_write_sync:
 *
 * Runs @func on the writer thread and waits for its transaction to commit.
 * For the CLI and worker threads; the UI uses at_catalog_write_async().
 */
gboolean
at_catalog_write_sync (AtCatalog           *self,
                       const char          *tables,
                       AtCatalogWriteFunc   func,
                       gpointer             user_data,
                       GError             **error)
{
  g_return_val_if_fail (AT_IS_CATALOG (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  if (self->writer == NULL)
    {
      g_set_error_literal (error, AT_CATALOG_ERROR, AT_CATALOG_ERROR_CLOSED,
                           _("The catalog is closed."));
      return FALSE;
    }
  return at_catalog_writer_run_sync (self->writer, tables, func, user_data, error);
}

/**
 * at_catalog_load_list:
 * @sql: a query without parameters
 *
 * For small tables (projects, customers): every row into a GListStore.
 * Large collections page instead (see AtPhotoList).
 *
 * Returns: (transfer full): the objects @from_row made, in query order
 */
GListModel *
at_catalog_load_list (AtCatalog         *self,
                      const char        *sql,
                      GType              item_type,
                      AtCatalogRowFunc   from_row,
                      GError           **error)
{
  g_autoptr(GListStore) store = g_list_store_new (item_type);
  AtSqlConn *conn = at_catalog_get_reader (self, error);
  g_autoptr(AtSqlStmt) stmt = NULL;
  int rc;

  if (conn == NULL || (stmt = at_sql_conn_prepare (conn, sql, error)) == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(GObject) item = from_row (stmt);
      g_list_store_append (store, item);
    }
  if (rc != SQLITE_DONE)
    {
      at_sql_set_error (at_sql_conn_get_db (conn), rc, _("Could not read the catalog"), error);
      return NULL;
    }
  return G_LIST_MODEL (g_steal_pointer (&store));
}

/**
 * at_catalog_write_detached:
 *
 * Queues a write and returns at once, for worker threads that stream many
 * small writes (an ingest journal). Writes commit in the order they were
 * queued; at_catalog_flush() waits for them and reports the first failure.
 */
void
at_catalog_write_detached (AtCatalog          *self,
                           const char         *tables,
                           AtCatalogWriteFunc  func,
                           gpointer            user_data,
                           GDestroyNotify      destroy)
{
  g_return_if_fail (AT_IS_CATALOG (self));
  g_return_if_fail (func != NULL);

  if (self->writer == NULL)
    {
      if (destroy != NULL)
        destroy (user_data);
      return;
    }
  at_catalog_writer_push_detached (self->writer, tables, func, user_data, destroy);
}

static gboolean
nothing_to_write (AtSqlConn *conn, gpointer user_data, GError **error)
{
  return TRUE;
}

/**
 * at_catalog_flush:
 *
 * Waits until every write queued so far has committed. Fails with the
 * first error of a detached write since the last flush.
 */
gboolean
at_catalog_flush (AtCatalog  *self,
                  GError    **error)
{
  GError *detached;

  if (!at_catalog_write_sync (self, NULL, nothing_to_write, NULL, error))
    return FALSE;
  detached = self->writer ? at_catalog_writer_take_detached_error (self->writer) : NULL;
  if (detached != NULL)
    {
      g_propagate_error (error, detached);
      return FALSE;
    }
  return TRUE;
}
