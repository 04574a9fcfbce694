/* at-catalog-writer.c — the catalog's single writer thread.
 *
 * SQLite allows one writer at a time; funnelling every write through one
 * thread means no write ever waits on the busy handler, and consecutive
 * writes share one transaction (one fsync) instead of paying one each.
 * Each write runs in its own savepoint, so a failing write is rolled back
 * alone and the rest of the batch still commits.
 */
#define G_LOG_DOMAIN "atelier-catalog"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "at-catalog-checkpointer.h"
#include "at-catalog-private.h"

/* Big enough to amortise the commit, small enough to keep latency low. */
#define MAX_BATCH 64

typedef struct
{
  char             **tables;
  AtCatalogWriteFunc func;
  gpointer           user_data;
  GDestroyNotify     destroy;
  GTask             *task;   /* async caller, or NULL */
  gboolean           detached; /* nobody waits; a failure is kept for the next flush */
  /* sync caller */
  GMutex            *mutex;
  GCond             *cond;
  gboolean           done;
  gboolean           ok;
  GError            *error;
  gboolean           quit;
} WriteOp;

struct _AtCatalogWriter
{
  AtSqlConn          *conn;     /* (owned) used only on the writer thread */
  GAsyncQueue        *queue;
  GThread            *thread;
  AtCatalogCommitted  committed;
  gpointer            committed_data;
  gboolean            free_on_exit;  /* freed from its own thread, see below */
  gint64              data_version;  /* changes only when another process commits */
  GMutex              detached_lock;
  GError             *detached_error; /* (mutex detached_lock) first failure of a detached write */
  AtCatalogCheckpointer *checkpointer;
};

static void writer_free_resources (AtCatalogWriter *self);

static void
write_op_complete (AtCatalogWriter *self,
                   WriteOp         *op)
{
  if (op->destroy != NULL)
    op->destroy (op->user_data);
  op->destroy = NULL;

  if (op->detached)
    {
      if (!op->ok)
        {
          g_mutex_lock (&self->detached_lock);
          if (self->detached_error == NULL)
            self->detached_error = g_steal_pointer (&op->error);
          g_mutex_unlock (&self->detached_lock);
        }
      g_clear_error (&op->error);
      g_strfreev (op->tables);
      g_free (op);
      return;
    }

  if (op->task != NULL)
    {
      if (op->ok)
        g_task_return_boolean (op->task, TRUE);
      else
        g_task_return_error (op->task, g_steal_pointer (&op->error));
      g_clear_object (&op->task);
      g_strfreev (op->tables);
      g_free (op);
      return;
    }

  /* A sync caller owns op and frees it after it wakes. */
  g_mutex_lock (op->mutex);
  op->done = TRUE;
  g_cond_signal (op->cond);
  g_mutex_unlock (op->mutex);
}

/* A write that deferred its foreign keys (PRAGMA defer_foreign_keys, as a
 * pulled page does) must leave none broken: else COMMIT would refuse the
 * whole batch, the other writes in it with this one. */
static gboolean
foreign_keys_hold (AtSqlConn *conn,
                   GError   **error)
{
  int pending = 0, highest = 0;

  if (sqlite3_db_status (at_sql_conn_get_db (conn), SQLITE_DBSTATUS_DEFERRED_FKS, &pending, &highest, 0) != SQLITE_OK ||
      pending == 0)
    return TRUE;
  g_set_error_literal (error, AT_CATALOG_ERROR, AT_CATALOG_ERROR_CONSTRAINT,
                       _("A catalog write would leave a row without the row it refers to (FOREIGN KEY constraint failed)"));
  return FALSE;
}

static void
run_batch (AtCatalogWriter *self,
           GPtrArray       *batch)
{
  g_autoptr(GError) begin_error = NULL;
  g_autoptr(GPtrArray) tables = g_ptr_array_new_with_free_func (g_free);
  gboolean any_ok = FALSE;

  if (!at_sql_conn_exec (self->conn, "BEGIN IMMEDIATE", &begin_error))
    {
      for (guint i = 0; i < batch->len; i++)
        {
          WriteOp *op = g_ptr_array_index (batch, i);
          op->ok = FALSE;
          op->error = g_error_copy (begin_error);
          write_op_complete (self, op);
        }
      return;
    }

  for (guint i = 0; i < batch->len; i++)
    {
      WriteOp *op = g_ptr_array_index (batch, i);
      GCancellable *cancellable = op->task ? g_task_get_cancellable (op->task) : NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, &op->error))
        continue;
      if (!at_sql_conn_exec (self->conn, "SAVEPOINT at_write", &op->error))
        continue;
      op->ok = op->func (self->conn, op->user_data, &op->error) && foreign_keys_hold (self->conn, &op->error);
      if (op->ok)
        {
          at_sql_conn_exec (self->conn, "RELEASE at_write", NULL);
          any_ok = TRUE;
        }
      else
        {
          if (op->error == NULL)
            g_set_error_literal (&op->error, AT_CATALOG_ERROR, AT_CATALOG_ERROR_FAILED,
                                 _("A catalog write failed without saying why"));
          at_sql_conn_exec (self->conn, "ROLLBACK TO at_write", NULL);
          at_sql_conn_exec (self->conn, "RELEASE at_write", NULL);
        }
      /* (a write that deferred its foreign keys, a pulled page, does not
       * defer the next one's: nothing is pending here, so nothing is lost) */
      at_sql_conn_exec (self->conn, "PRAGMA defer_foreign_keys = OFF", NULL);
    }

  if (any_ok)
    {
      g_autoptr(GError) commit_error = NULL;

      if (!at_sql_conn_exec (self->conn, "COMMIT", &commit_error))
        {
          at_sql_conn_exec (self->conn, "ROLLBACK", NULL);
          for (guint i = 0; i < batch->len; i++)
            {
              WriteOp *op = g_ptr_array_index (batch, i);
              if (op->ok)
                {
                  op->ok = FALSE;
                  op->error = g_error_copy (commit_error);
                }
            }
          any_ok = FALSE;
        }
    }
  else
    at_sql_conn_exec (self->conn, "ROLLBACK", NULL);

  for (guint i = 0; i < batch->len; i++)
    {
      WriteOp *op = g_ptr_array_index (batch, i);
      if (op->ok && op->tables != NULL)
        for (guint t = 0; op->tables[t] != NULL; t++)
          if (!g_ptr_array_find_with_equal_func (tables, op->tables[t], g_str_equal, NULL))
            g_ptr_array_add (tables, g_strdup (op->tables[t]));
    }
  if (any_ok && tables->len > 0 && self->committed != NULL)
    {
      g_ptr_array_add (tables, NULL);
      self->committed ((const char *const *) tables->pdata, self->committed_data);
    }

  for (guint i = 0; i < batch->len; i++)
    write_op_complete (self, g_ptr_array_index (batch, i));
}

/* PRAGMA data_version, asked on this connection, moves only when another
 * connection commits: ours never write, so that is another process. */
static void
check_outside_commits (AtCatalogWriter *self)
{
  gint64 version = at_sql_query_int (self->conn, "PRAGMA data_version", NULL);

  if (version >= 0 && version != self->data_version)
    {
      if (self->data_version != 0)
        self->committed (NULL, self->committed_data);
      self->data_version = version;
    }
}

/* Instead of SQLite's automatic checkpoint (see at-catalog-checkpointer.c). */
static int
wal_committed (void *data, sqlite3 *db, const char *name, int pages)
{
  at_catalog_checkpointer_wal (((AtCatalogWriter *) data)->checkpointer, pages);
  return SQLITE_OK;
}

static gpointer
writer_thread (gpointer data)
{
  AtCatalogWriter *self = data;
  gboolean quit = FALSE;

  check_outside_commits (self);
  while (!quit)
    {
      g_autoptr(GPtrArray) batch = g_ptr_array_new ();
      /* idle, it looks for other writers once a second */
      WriteOp *op = g_async_queue_timeout_pop (self->queue, G_USEC_PER_SEC);

      check_outside_commits (self);
      if (op == NULL)
        continue;
      if (op->quit)
        {
          g_free (op);
          break;
        }
      g_ptr_array_add (batch, op);
      while (batch->len < MAX_BATCH && (op = g_async_queue_try_pop (self->queue)) != NULL)
        {
          if (op->quit)
            {
              g_free (op);
              quit = TRUE;
              break;
            }
          g_ptr_array_add (batch, op);
        }
      at_catalog_checkpointer_before_write (self->checkpointer);
      run_batch (self, batch);
    }
  if (self->free_on_exit)
    writer_free_resources (self);
  return NULL;
}

AtCatalogWriter *
at_catalog_writer_new (AtSqlConn          *conn,
                       AtCatalogCommitted  committed,
                       gpointer            committed_data)
{
  AtCatalogWriter *self = g_new0 (AtCatalogWriter, 1);

  self->conn = conn;
  self->queue = g_async_queue_new ();
  self->committed = committed;
  self->committed_data = committed_data;
  g_mutex_init (&self->detached_lock);
  self->checkpointer = at_catalog_checkpointer_new (sqlite3_db_filename (at_sql_conn_get_db (conn), "main"));
  sqlite3_wal_hook (at_sql_conn_get_db (conn), wal_committed, self);
  self->thread = g_thread_new ("atelier-catalog-writer", writer_thread, self);
  return self;
}

static WriteOp *
write_op_new (const char         *tables,
              AtCatalogWriteFunc  func,
              gpointer            user_data,
              GDestroyNotify      destroy)
{
  WriteOp *op = g_new0 (WriteOp, 1);

  op->tables = tables ? g_strsplit (tables, ",", -1) : NULL;
  op->func = func;
  op->user_data = user_data;
  op->destroy = destroy;
  return op;
}

void
at_catalog_writer_push (AtCatalogWriter    *self,
                        const char         *tables,
                        AtCatalogWriteFunc  func,
                        gpointer            user_data,
                        GDestroyNotify      destroy,
                        GTask              *task)
{
  WriteOp *op = write_op_new (tables, func, user_data, destroy);

  op->task = g_object_ref (task);
  g_async_queue_push (self->queue, op);
}

/* Queues a write nobody waits for; writes run in queue order, so a later
 * run_sync() returns only after this one has committed (or failed). */
void
at_catalog_writer_push_detached (AtCatalogWriter    *self,
                                 const char         *tables,
                                 AtCatalogWriteFunc  func,
                                 gpointer            user_data,
                                 GDestroyNotify      destroy)
{
  WriteOp *op = write_op_new (tables, func, user_data, destroy);

  op->detached = TRUE;
  g_async_queue_push (self->queue, op);
}

GError *
at_catalog_writer_take_detached_error (AtCatalogWriter *self)
{
  GError *error;

  g_mutex_lock (&self->detached_lock);
  error = g_steal_pointer (&self->detached_error);
  g_mutex_unlock (&self->detached_lock);
  return error;
}

gboolean
at_catalog_writer_run_sync (AtCatalogWriter    *self,
                            const char         *tables,
                            AtCatalogWriteFunc  func,
                            gpointer            user_data,
                            GError            **error)
{
  WriteOp *op;
  GMutex mutex;
  GCond cond;
  gboolean ok;

  /* Waiting for ourselves would never return. */
  g_return_val_if_fail (g_thread_self () != self->thread, FALSE);

  g_mutex_init (&mutex);
  g_cond_init (&cond);
  op = write_op_new (tables, func, user_data, NULL);
  op->mutex = &mutex;
  op->cond = &cond;

  g_mutex_lock (&mutex);
  g_async_queue_push (self->queue, op);
  while (!op->done)
    g_cond_wait (&cond, &mutex);
  g_mutex_unlock (&mutex);

  ok = op->ok;
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&op->error));
  g_clear_error (&op->error);
  g_strfreev (op->tables);
  g_free (op);
  g_mutex_clear (&mutex);
  g_cond_clear (&cond);
  return ok;
}

static void
writer_free_resources (AtCatalogWriter *self)
{
  if (self->detached_error != NULL)
    g_warning ("A catalog write nobody waited for failed: %s", self->detached_error->message);
  g_clear_error (&self->detached_error);
  g_mutex_clear (&self->detached_lock);
  g_async_queue_unref (self->queue);
  at_catalog_checkpointer_free (self->checkpointer);
  at_sql_conn_free (self->conn);
  g_free (self);
}

/* Finishes the queued writes, then stops the thread. The last reference to
 * the catalog can be dropped on the writer thread itself (a GTask completed
 * there holds one); that thread cannot join itself, so it is told to free
 * the writer when its loop ends. */
void
at_catalog_writer_free (AtCatalogWriter *self)
{
  WriteOp *quit;

  if (self == NULL)
    return;
  quit = g_new0 (WriteOp, 1);
  quit->quit = TRUE;
  if (g_thread_self () == self->thread)
    {
      self->free_on_exit = TRUE;
      g_thread_unref (self->thread);
      g_async_queue_push (self->queue, quit);
      return;
    }
  g_async_queue_push (self->queue, quit);
  g_thread_join (self->thread);
  writer_free_resources (self);
}
