/* at-sync-pull.c — reading the server's feed, bucket by bucket.
 *
 * Each bucket this catalog follows ('' for the studio's own data, a
 * project's id for that project) has a cursor (xid8, seq). One statement
 * reads the next page of every bucket (LATERAL over the cursors), below the
 * oldest transaction still running, so a transaction that commits late
 * holds its bucket back instead of being skipped. A page that ends inside a
 * server transaction is read to that transaction's end, in chunks that the
 * catalog's writer applies as they come (a first sync's 100,000 rows are
 * read while they are written, not before). The pages and their cursors
 * are written in one SQLite transaction. What this workstation
 * wrote is left out, except while a bucket is read from its start: then
 * until every transaction that was on the server when the reading began is
 * below the fence and read (a late commit would otherwise hide own cells
 * behind it, then see them skipped).
 *
 * A project's rows refer to studio rows (a photo to its project), so while
 * the studio bucket has more than a page to give, only it is applied: a
 * parent never arrives after its children.
 */
#define G_LOG_DOMAIN "atelier-sync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "at-sync-apply.h"
#include "at-sync-client-private.h"

#define PAGE_ROWS 5000
#define PAGE      G_STRINGIFY (PAGE_ROWS)

/* The columns of a feed row, after the bucket's place in the request. */
#define CELL "c.tbl, c.pk, c.col, c.val::text, c.hlc, c.node"

/* (s.xid is text, for the reader: sorted again as the number it is) */
static const char feed_sql[] =
  "SELECT b.ord, s.* FROM unnest ($1::text[], $2::xid8[], $3::bigint[], $5::bool[]) WITH ORDINALITY "
  "AS b (bucket, xid, seq, with_own, ord) "
  "CROSS JOIN LATERAL (SELECT " CELL ", c.xid::text, c.seq FROM sync_cell c "
  "WHERE c.bucket = b.bucket AND (c.xid, c.seq) > (b.xid, b.seq) AND c.xid < pg_snapshot_xmin (pg_current_snapshot ()) "
  "AND (c.node <> $4::bigint OR b.with_own) ORDER BY c.xid, c.seq LIMIT " PAGE ") s ORDER BY b.ord, s.xid::xid8, s.seq";

/* the negative control of the convergence test: no fence, sequence order */
static const char plain_sql[] =
  "SELECT b.ord, s.* FROM unnest ($1::text[], $2::xid8[], $3::bigint[], $5::bool[]) WITH ORDINALITY "
  "AS b (bucket, xid, seq, with_own, ord) "
  "CROSS JOIN LATERAL (SELECT " CELL ", '0' AS xid, c.seq FROM sync_cell c "
  "WHERE c.bucket = b.bucket AND c.seq > b.seq AND (c.node <> $4::bigint OR b.with_own) ORDER BY c.seq LIMIT " PAGE ") s "
  "ORDER BY b.ord, s.seq";

/* The rest of a server transaction that a page ended inside, read in
 * chunks while the ones before are applied (see read_rest). */
#define CHUNK_ROWS 10000
static const char rest_sql[] =
  "DECLARE rest NO SCROLL CURSOR FOR SELECT 0, " CELL ", c.xid::text, c.seq FROM sync_cell c "
  "WHERE c.bucket = $1 AND c.xid = $2::xid8 AND c.seq > $3::bigint AND (c.node <> $4::bigint OR $5::bool) ORDER BY c.seq";

typedef struct
{
  char   *bucket;
  char   *xid;
  gint64  seq;
  char   *read_xid;   /* the cursor as the catalog had it */
  gint64  read_seq;
  gboolean with_own;
  char    *own_until;   /* xid8: own cells lie below it */
  gboolean read;   /* this round read its page (it may have had none) */
  guint   rows;    /* rows read this round */
  gboolean moved;  /* moved past the feed read, to the fence (see pass_fence) */
  gboolean own_after;   /* with_own, after this round (still_with_own) */
} Cursor;

static void
cursor_free (gpointer data)
{
  Cursor *c = data;

  g_free (c->bucket);
  g_free (c->xid);
  g_free (c->read_xid);
  g_free (c->own_until);
  g_free (c);
}

static GPtrArray *
read_cursors (AtCatalog *catalog, GError **error)
{
  AtSqlConn *conn = at_catalog_get_reader (catalog, error);
  sqlite3_stmt *stmt = conn ? at_sql_conn_prepare (conn, "SELECT bucket, cursor_xid, cursor_seq, with_own, "
                                                         "own_until FROM sync_buckets ORDER BY bucket", error) : NULL;
  g_autoptr(GPtrArray) cursors = g_ptr_array_new_with_free_func (cursor_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Cursor *c = g_new0 (Cursor, 1);

      c->bucket = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      c->xid = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      c->seq = sqlite3_column_int64 (stmt, 2);
      c->read_xid = g_strdup (c->xid);
      c->read_seq = c->seq;
      c->with_own = sqlite3_column_int (stmt, 3);
      c->own_until = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      g_ptr_array_add (cursors, c);
    }
  at_sql_stmt_release (stmt);
  if (rc != SQLITE_DONE)
    {
      at_sql_set_error (at_sql_conn_get_db (conn), rc, _("Could not read the sync state"), error);
      return NULL;
    }
  return g_steal_pointer (&cursors);
}

/* A PostgreSQL array literal of quoted elements. */
static void
array_add (GString *array, const char *value)
{
  g_string_append (array, array->len > 1 ? ",\"" : "\"");
  for (const char *p = value; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (array, '\\');
      g_string_append_c (array, *p);
    }
  g_string_append_c (array, '"');
}

/* A round's cells: their strings live in one chunk (tables and columns
 * once each), freed with the round, not half a million times. */
typedef struct
{
  GPtrArray    *cells;    /* of AtSyncCell, each freed with g_free */
  GStringChunk *strings;
  GPtrArray    *rest;     /* the cursors whose page ended inside a server transaction */
} Round;

static void
round_init (Round *r)
{
  r->cells = g_ptr_array_new_with_free_func (g_free);
  r->strings = g_string_chunk_new (1 << 20);
  r->rest = g_ptr_array_new ();
}

static void
round_clear (Round *r)
{
  g_clear_pointer (&r->cells, g_ptr_array_unref);
  g_clear_pointer (&r->strings, g_string_chunk_free);
  g_clear_pointer (&r->rest, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Round, round_clear)

/* What the rest's reader hands the writer: cells, or the end (with the
 * reader's error, if it failed). */
typedef struct
{
  Round    round;
  gboolean last;
  GError  *error;
} Chunk;

static void
chunk_free (gpointer data)
{
  Chunk *k = data;

  round_clear (&k->round);
  g_clear_error (&k->error);
  g_free (k);
}

static AtSyncCell *
cell_from (Round *round, PGresult *r, int row, const char *bucket)
{
  AtSyncCell *c = g_new (AtSyncCell, 1);

  c->tbl = g_string_chunk_insert_const (round->strings, PQgetvalue (r, row, 1));
  c->pk = g_string_chunk_insert_len (round->strings, PQgetvalue (r, row, 2), PQgetlength (r, row, 2));
  c->col = g_string_chunk_insert_const (round->strings, PQgetvalue (r, row, 3));
  c->val = PQgetisnull (r, row, 4) ? g_string_chunk_insert_const (round->strings, "null")
                                   : g_string_chunk_insert_len (round->strings, PQgetvalue (r, row, 4), PQgetlength (r, row, 4));
  c->hlc = g_ascii_strtoll (PQgetvalue (r, row, 5), NULL, 10);
  c->node = g_ascii_strtoll (PQgetvalue (r, row, 6), NULL, 10);
  c->bucket = g_string_chunk_insert_const (round->strings, bucket);
  return c;
}

/* Cells of rows [from, to) of @r, moving @cursor to the last. */
static void
take_rows (PGresult *r, int from, int to, Round *round, Cursor *cursor)
{
  for (int i = from; i < to; i++)
    g_ptr_array_add (round->cells, cell_from (round, r, i, cursor->bucket));
  if (to > from)
    {
      g_free (cursor->xid);
      cursor->xid = g_strdup (PQgetvalue (r, to - 1, 7));
      cursor->seq = g_ascii_strtoll (PQgetvalue (r, to - 1, 8), NULL, 10);
      cursor->rows += to - from;
    }
}

typedef struct
{
  GPtrArray   *cells;
  GPtrArray   *cursors;
  guint64      fence;      /* the oldest transaction running before the page was read */
  GAsyncQueue *more;       /* of Chunk: the rest, while it is read; NULL: none */
  gint         stop;       /* (atomic) the writer failed: the reader stops */
  guint        pulled;
  guint        applied;
  guint        conflicts;
} Page;

/* Whether @c still needs what this workstation wrote, after this round. */
static gboolean
still_with_own (Cursor *c, guint64 fence)
{
  return c->with_own && !(c->read && c->rows < PAGE_ROWS && c->own_until != NULL &&
                          fence >= g_ascii_strtoull (c->own_until, NULL, 10));
}

/* In scope 'all', every project of the studio is followed as it arrives. */
static gboolean
follow_new_projects (AtSqlConn *conn, GError **error)
{
  return at_sql_exec_bound (conn, error, "INSERT OR IGNORE INTO sync_buckets (bucket) SELECT id FROM projects "
                                         "WHERE (SELECT scope FROM sync_state) = 'all'", "");
}

static gboolean
write_follow (AtSqlConn *conn, gpointer data, GError **error)
{
  return at_sync_relearn_unknown (conn, error) && follow_new_projects (conn, error);
}

/* The cursors that moved, each unless its bucket was dropped, or followed
 * again, meanwhile (its cursor then is not the one the round read from). */
static gboolean
write_cursors (AtSqlConn *conn, GPtrArray *cursors, GError **error)
{
  for (guint i = 0; i < cursors->len; i++)
    {
      Cursor *c = cursors->pdata[i];

      if ((c->rows > 0 || c->with_own || c->moved) &&
          !at_sql_exec_bound (conn, error, "UPDATE sync_buckets SET cursor_xid = ?2, cursor_seq = ?3, with_own = ?4, "
                                           "own_until = ?5 WHERE bucket = ?1 AND cursor_xid = ?6 AND cursor_seq = ?7",
                              "ttlittl", c->bucket, c->xid, c->seq, c->own_after, c->own_until, c->read_xid, c->read_seq))
        return FALSE;
    }
  return TRUE;
}

gboolean
_at_sync_write_moved (AtSqlConn  *conn,
                      GPtrArray  *moved,
                      GError    **error)
{
  return write_cursors (conn, moved, error);
}

/* 1 if @c's bucket is still followed from where the round read it (not
 * stopped, nor followed anew, meanwhile), 0 if not, -1 on error. */
static int
still_as_read (AtSqlConn *conn, Cursor *c, GError **error)
{
  sqlite3_stmt *stmt = at_sql_conn_prepare (conn, "SELECT 1 FROM sync_buckets WHERE bucket = ?1 AND cursor_xid = ?2 "
                                                  "AND cursor_seq = ?3", error);
  int rc;

  if (stmt == NULL)
    return -1;
  at_sql_bind_text (stmt, 1, c->bucket);
  at_sql_bind_text (stmt, 2, c->read_xid);
  sqlite3_bind_int64 (stmt, 3, c->read_seq);
  rc = sqlite3_step (stmt);
  at_sql_stmt_release (stmt);
  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return rc == SQLITE_ROW;
  at_sql_set_error (at_sql_conn_get_db (conn), rc, _("Could not read the sync state"), error);
  return -1;
}

/* The buckets of @p that stopped being followed while it was read (the
 * Sync page's switch, during a background sync): their cells would bring
 * their rows back, unfollowed. NULL on error. */
static GHashTable *
buckets_dropped (AtSqlConn *conn, Page *p, GError **error)
{
  g_autoptr(GHashTable) dropped = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < p->cursors->len; i++)
    {
      Cursor *c = p->cursors->pdata[i];
      int still = still_as_read (conn, c, error);

      if (still < 0)
        return NULL;
      if (!still)
        {
          g_debug ("bucket %s changed while its page was read: its fields are left", c->bucket);
          g_hash_table_add (dropped, c->bucket);
        }
    }
  return g_steal_pointer (&dropped);
}

/* Applies @cells but those of @dropped buckets. */
static gboolean
apply_cells (AtSqlConn *conn, Page *p, GPtrArray *cells, GHashTable *dropped, GError **error)
{
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();

  for (guint k = 0; k < cells->len; k++)
    if (!g_hash_table_contains (dropped, ((AtSyncCell *) cells->pdata[k])->bucket))
      g_ptr_array_add (kept, cells->pdata[k]);
  p->pulled += cells->len;
  return at_sync_apply_page (conn, kept, &p->applied, &p->conflicts, error);
}

/* The page, then the rest as read_rest hands it over: every chunk in this
 * one transaction (a server transaction is applied whole). */
static gboolean
write_page (AtSqlConn *conn, gpointer data, GError **error)
{
  Page *p = data;
  g_autoptr(GHashTable) dropped = buckets_dropped (conn, p, error);
  gboolean ok = dropped != NULL && apply_cells (conn, p, p->cells, dropped, error);

  while (p->more != NULL)
    {
      Chunk *k;

      if (!ok)
        {
          g_atomic_int_set (&p->stop, 1);
          break;
        }
      k = g_async_queue_pop (p->more);
      if (k->last)
        {
          if (k->error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&k->error));
              ok = FALSE;
            }
          chunk_free (k);
          break;
        }
      ok = apply_cells (conn, p, k->round.cells, dropped, error) && !_at_sync_fault ("mid-transaction", NULL, error);
      chunk_free (k);
    }
  /* (mid-apply: the tests' SIGKILL with the page written and not committed) */
  return ok && !_at_sync_fault ("mid-apply", NULL, error) && write_cursors (conn, p->cursors, error) &&
         follow_new_projects (conn, error);
}

/* The rest of each cursor of @rest, in chunks into p->more, then a last
 * chunk; each chunk moves its cursor. Runs while write_page applies what
 * came before (the server's reading and this parsing on one core, the
 * catalog's writing on the other). */
static void
read_rest (PGconn *pg, Page *p, GPtrArray *rest, const char *node, GCancellable *cancellable)
{
  GError *error = NULL;
  gboolean ok = at_pg_exec (pg, "BEGIN READ ONLY", &error);
  Chunk *last;

  for (guint i = 0; ok && i < rest->len; i++)
    {
      Cursor *c = rest->pdata[i];
      g_autofree char *seq = g_strdup_printf ("%" G_GINT64_FORMAT, c->seq);
      g_autoptr(PGresult) declared = at_pg_query (pg, rest_sql, 5,
                                                  (const char *const []) { c->bucket, c->xid, seq, node,
                                                                           c->with_own ? "t" : "f" }, &error);

      ok = declared != NULL;
      while (ok && !g_atomic_int_get (&p->stop) && !g_cancellable_set_error_if_cancelled (cancellable, &error))
        {
          g_autoptr(PGresult) rows = at_pg_query (pg, "FETCH " G_STRINGIFY (CHUNK_ROWS) " FROM rest", 0, NULL, &error);
          Chunk *k;
          int n;

          if (rows == NULL || (n = PQntuples (rows)) == 0)
            break;
          k = g_new0 (Chunk, 1);
          round_init (&k->round);
          take_rows (rows, 0, n, &k->round, c);
          g_async_queue_push (p->more, k);
          if (n < CHUNK_ROWS || _at_sync_fault ("mid-rest", pg, &error))
            break;
        }
      ok = error == NULL && at_pg_exec (pg, "CLOSE rest", &error);
    }
  if (ok)
    at_pg_exec (pg, "COMMIT", &error);
  else
    at_pg_exec (pg, "ROLLBACK", NULL);
  last = g_new0 (Chunk, 1);
  last->last = TRUE;
  last->error = error;
  g_async_queue_push (p->more, last);
}

typedef struct
{
  AtCatalog *catalog;
  Page      *page;
  GError    *error;
} Writing;

static gpointer
write_thread (gpointer data)
{
  Writing *w = data;

  return GINT_TO_POINTER (at_catalog_write_sync (w->catalog, "photos", write_page, w->page, &w->error));
}

/* One round: the next page of every bucket, into @round, with the cursors
 * moved past it; no cells at the end of the feed. */
static gboolean
read_round (PGconn *pg, GPtrArray *cursors, const char *node, Round *round, GError **error)
{
  g_autoptr(GString) buckets = g_string_new ("{");
  g_autoptr(GString) xids = g_string_new ("{");
  g_autoptr(GString) seqs = g_string_new ("{");
  g_autoptr(GString) own = g_string_new ("{");
  g_autoptr(PGresult) page = NULL;
  int n, start = 0;

  for (guint i = 0; i < cursors->len; i++)
    {
      Cursor *c = cursors->pdata[i];
      g_autofree char *seq = g_strdup_printf ("%" G_GINT64_FORMAT, c->seq);

      array_add (buckets, c->bucket);
      array_add (xids, c->xid);
      array_add (seqs, seq);
      array_add (own, c->with_own ? "t" : "f");
    }
  g_string_append_c (buckets, '}');
  g_string_append_c (xids, '}');
  g_string_append_c (seqs, '}');
  g_string_append_c (own, '}');
  page = at_pg_query (pg, _at_sync_plain_cursor () ? plain_sql : feed_sql, 5,
                      (const char *const []) { buckets->str, xids->str, seqs->str, node, own->str }, error);
  if (page == NULL)
    return FALSE;
  round_init (round);
  n = PQntuples (page);
  while (start < n)
    {
      int ord = atoi (PQgetvalue (page, start, 0)), end = start;
      Cursor *c = cursors->pdata[ord - 1];

      while (end < n && atoi (PQgetvalue (page, end, 0)) == ord)
        end++;
      take_rows (page, start, end, round, c);
      /* a server transaction is applied whole: its rest is read while the page is applied */
      if (end - start == PAGE_ROWS && !_at_sync_plain_cursor ())
        g_ptr_array_add (round->rest, c);
      /* more studio data to come: it goes first, alone */
      if (end - start == PAGE_ROWS && *c->bucket == '\0')
        {
          c->read = TRUE;
          return TRUE;
        }
      start = end;
    }
  for (guint i = 0; i < cursors->len; i++)
    ((Cursor *) cursors->pdata[i])->read = TRUE;
  return TRUE;
}

gboolean
_at_sync_read_again (AtSqlConn *conn, gpointer data, GError **error)
{
  return at_sql_conn_exec (conn, "UPDATE sync_buckets SET cursor_xid = '0', cursor_seq = 0", error);
}

/* A cursor beyond the server's next transaction id: the server was moved
 * (pg_dump into a new cluster) or put back from a backup, and hands out
 * feed positions this catalog has passed, which a pull would skip for
 * good. The feed is read again from its start (what is here already
 * changes nothing). */
static gboolean
check_cursors (PGconn *pg, AtCatalog *catalog, AtSyncReport *report, GError **error)
{
  g_autoptr(PGresult) next = at_pg_query (pg, "SELECT pg_snapshot_xmax (pg_current_snapshot ())::text", 0, NULL, error);
  gint64 furthest;

  if (next == NULL ||
      (furthest = _at_sync_local_int (catalog, "SELECT coalesce(max(CAST(cursor_xid AS INTEGER)), 0) FROM sync_buckets",
                                      error)) < 0)
    return FALSE;
  if (furthest < g_ascii_strtoll (PQgetvalue (next, 0, 0), NULL, 10))
    return TRUE;
  g_debug ("cursor at xid %" G_GINT64_FORMAT ", server at %s: reading the feed again", furthest, PQgetvalue (next, 0, 0));
  report->read_again = TRUE;
  return at_catalog_write_sync (catalog, "sync_buckets", _at_sync_read_again, NULL, error);
}

/* A bucket whose page was short has given every cell below the fence that
 * it had for this workstation: its cursor goes to the fence, past this
 * workstation's own cells, which the feed leaves out. Else each sync of a
 * workstation that wrote much and heard from no one read its own cells on
 * the server again, all it ever pushed (100,000 ratings: half a second a
 * sync, and growing). Every transaction below the fence has ended and a
 * cell changed later takes a later xid, so nothing is skipped. Not to the
 * fence itself: a cursor at the server's next xid means a server put back
 * (check_cursors). */
static gboolean
pass_fence (Cursor *c, guint64 fence)
{
  if (!c->read || c->rows >= PAGE_ROWS || _at_sync_plain_cursor () || fence < 4 ||
      g_ascii_strtoull (c->xid, NULL, 10) >= fence - 1)
    return FALSE;
  g_free (c->xid);
  c->xid = g_strdup_printf ("%" G_GUINT64_FORMAT, fence - 1);
  c->seq = G_MAXINT64;
  c->moved = TRUE;
  return TRUE;
}

gboolean
_at_sync_pull (PGconn        *pg,
               AtCatalog     *catalog,
               gint64         node,
               AtSyncReport  *report,
               GPtrArray    **moved_out,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autofree char *me = g_strdup_printf ("%" G_GINT64_FORMAT, node);

  if (!at_catalog_write_sync (catalog, "sync_buckets", write_follow, NULL, error) ||
      !check_cursors (pg, catalog, report, error))
    return FALSE;
  for (;;)
    {
      g_autoptr(GPtrArray) cursors = NULL;
      g_auto(Round) round = { 0 };
      GPtrArray *cells;
      g_autoptr(PGresult) snapshot = NULL;
      gboolean changes_own = FALSE, moved = FALSE;
      Page p = { 0 };
      gint64 t0 = g_get_monotonic_time ();

      if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
          (cursors = read_cursors (catalog, error)) == NULL)
        return FALSE;
      /* (taken before the page: the page's own fence is no older; and what
       * others committed at or above it, which waits on an older transaction) */
      {
        g_autoptr(GString) buckets = g_string_new ("{");
        for (guint i = 0; i < cursors->len; i++)
          array_add (buckets, ((Cursor *) cursors->pdata[i])->bucket);
        g_string_append_c (buckets, '}');
        if ((snapshot = at_pg_query (pg, "SELECT pg_snapshot_xmin (s)::text, pg_snapshot_xmax (s)::text, "
                                         "(SELECT count(*) FROM unnest ($1::text[]) b (bucket) CROSS JOIN LATERAL "
                                         "(SELECT 1 FROM sync_cell c WHERE c.bucket = b.bucket "
                                         "AND c.xid >= pg_snapshot_xmin (s) AND c.node <> $2::bigint LIMIT 1000) w) "
                                         "FROM pg_current_snapshot () s",
                                     2, (const char *const []) { buckets->str, me }, error)) == NULL ||
            !read_round (pg, cursors, me, &round, error))
          return FALSE;
      }
      cells = round.cells;
      p.fence = g_ascii_strtoull (PQgetvalue (snapshot, 0, 0), NULL, 10);
      report->held_back = (guint) g_ascii_strtoull (PQgetvalue (snapshot, 0, 2), NULL, 10);
      report->fence = p.fence;
      for (guint i = 0; i < cursors->len; i++)
        {
          Cursor *c = cursors->pdata[i];

          if (c->with_own && c->own_until == NULL)
            c->own_until = g_strdup (PQgetvalue (snapshot, 0, 1));
          c->own_after = still_with_own (c, p.fence);
          changes_own |= c->with_own != c->own_after;
          moved |= pass_fence (c, p.fence);
        }
      if (cells->len == 0 && !changes_own && !moved)
        return TRUE;
      if (_at_sync_fault ("pull-apply", NULL, error))
        return FALSE;
      if (cells->len == 0 && !changes_own)
        {
          /* (written with the sync's record, not in a transaction of its own) */
          *moved_out = g_steal_pointer (&cursors);
          return TRUE;
        }
      g_debug ("page of %u fields read in %.1f ms%s", cells->len, (g_get_monotonic_time () - t0) / 1e3,
               round.rest->len > 0 ? ", the rest of its transaction to come" : "");
      t0 = g_get_monotonic_time ();
      p.cells = cells;
      p.cursors = cursors;
      if (round.rest->len == 0)
        {
          if (!at_catalog_write_sync (catalog, cells->len > 0 ? "photos" : "sync_buckets", write_page, &p, error))
            return FALSE;
        }
      else
        {
          /* the page is applied on the writer while the rest is read here */
          Writing w = { catalog, &p, NULL };
          g_autoptr(GAsyncQueue) more = g_async_queue_new_full (chunk_free);
          GThread *writing;
          gboolean written;

          p.more = more;
          writing = g_thread_new ("atelier-pull-write", write_thread, &w);
          read_rest (pg, &p, round.rest, me, cancellable);
          written = GPOINTER_TO_INT (g_thread_join (writing));
          if (!written)
            {
              g_propagate_error (error, w.error);
              return FALSE;
            }
        }
      g_debug ("page applied in %.1f ms (%u of %u written)", (g_get_monotonic_time () - t0) / 1e3, p.applied, p.pulled);
      report->pulled += p.pulled;
      report->applied += p.applied;
      report->conflicts += p.conflicts;
      if (cells->len == 0)
        return TRUE;
    }
}
