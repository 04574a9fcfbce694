/* at-catalog-checkpointer.c — the catalog's WAL copied back into the
 * database on a thread of its own.
 *
 * SQLite's automatic checkpoint runs inside the COMMIT that leaves more
 * than 1,000 pages in the WAL, so whoever waited for that write waited for
 * the checkpoint too (80-100 ms after a pull of 100,000 fields), and the
 * next write waited behind it. The writer now only tells this thread, which
 * checkpoints on its own connection while writes go on. PASSIVE: readers
 * and other processes are never waited for; frames they still need stay
 * for the next time.
 *
 * SQLite starts the WAL over only at a write that begins after a checkpoint
 * has copied everything; writes that follow each other closely always
 * begin during the checkpoint, so once the WAL holds BUSY_PAGES the writer
 * waits for one before it goes on. */
#define G_LOG_DOMAIN "atelier-catalog"

#include "config.h"

#include <sqlite3.h>

#include "at-catalog-checkpointer.h"

#define CHECKPOINT_PAGES 1000     /* SQLite's own default */
#define BUSY_PAGES       16000    /* 64 MB of 4 KiB pages */

struct _AtCatalogCheckpointer
{
  char     *path;
  GThread  *thread;
  int       pages;       /* (writer thread) in the WAL after the last commit */
  GMutex    lock;
  GCond     wake;        /* for the thread */
  GCond     finished;    /* for a writer waiting */
  guint64   asked;       /* (lock) checkpoints asked for */
  guint64   done;        /* (lock) the last one asked when one began */
  gboolean  quit;        /* (lock) */
};

static gpointer
checkpointer_thread (gpointer data)
{
  AtCatalogCheckpointer *self = data;
  sqlite3 *db = NULL;

  for (;;)
    {
      guint64 asked;
      int rc;

      g_mutex_lock (&self->lock);
      while (self->done == self->asked && !self->quit)
        g_cond_wait (&self->wake, &self->lock);
      if (self->done == self->asked)
        {
          g_mutex_unlock (&self->lock);
          break;
        }
      asked = self->asked;
      g_mutex_unlock (&self->lock);

      /* (a connection knows the file is in WAL mode once it has read it) */
      if (db == NULL &&
          ((rc = sqlite3_open_v2 (self->path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL)) != SQLITE_OK ||
           (rc = sqlite3_exec (db, "PRAGMA schema_version", NULL, NULL, NULL)) != SQLITE_OK))
        {
          g_warning ("Cannot open the catalog to checkpoint it: %s", sqlite3_errstr (rc));
          sqlite3_close (db);
          db = NULL;
        }
      else if ((rc = sqlite3_wal_checkpoint_v2 (db, "main", SQLITE_CHECKPOINT_PASSIVE, NULL, NULL)) != SQLITE_OK &&
               rc != SQLITE_BUSY)
        g_debug ("checkpoint: %s", sqlite3_errmsg (db));

      g_mutex_lock (&self->lock);
      self->done = asked;
      g_cond_broadcast (&self->finished);
      g_mutex_unlock (&self->lock);
    }
  sqlite3_close (db);
  return NULL;
}

AtCatalogCheckpointer *
at_catalog_checkpointer_new (const char *path)
{
  AtCatalogCheckpointer *self = g_new0 (AtCatalogCheckpointer, 1);

  self->path = g_strdup (path);
  g_mutex_init (&self->lock);
  g_cond_init (&self->wake);
  g_cond_init (&self->finished);
  self->thread = g_thread_new ("atelier-catalog-checkpoint", checkpointer_thread, self);
  return self;
}

/* (with the lock) */
static guint64
ask (AtCatalogCheckpointer *self)
{
  g_cond_signal (&self->wake);
  return ++self->asked;
}

void
at_catalog_checkpointer_wal (AtCatalogCheckpointer *self,
                             int                    pages)
{
  self->pages = pages;
  if (pages < CHECKPOINT_PAGES)
    return;
  g_mutex_lock (&self->lock);
  ask (self);
  g_mutex_unlock (&self->lock);
}

void
at_catalog_checkpointer_before_write (AtCatalogCheckpointer *self)
{
  guint64 mine;

  if (self->pages < BUSY_PAGES)
    return;
  g_mutex_lock (&self->lock);
  mine = ask (self);
  while (self->done < mine)
    g_cond_wait (&self->finished, &self->lock);
  g_mutex_unlock (&self->lock);
  self->pages = 0;
}

void
at_catalog_checkpointer_free (AtCatalogCheckpointer *self)
{
  if (self == NULL)
    return;
  g_mutex_lock (&self->lock);
  self->quit = TRUE;
  g_cond_signal (&self->wake);
  g_mutex_unlock (&self->lock);
  g_thread_join (self->thread);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->wake);
  g_cond_clear (&self->finished);
  g_free (self->path);
  g_free (self);
}
