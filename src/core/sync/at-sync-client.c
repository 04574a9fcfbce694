/* at-sync-client.c — push and pull (DESIGN.md, Sync).
 *
 * Push: edits are queued into the batch being filled, next_batch = acked + 1
 * while nothing waits for an answer; a push closes it (next_batch moves on,
 * later edits go into the next) and sends batch n = acked + 1 in one server
 * transaction: COPY into a temporary stage, a clock check, one
 * INSERT ... ON CONFLICT that keeps the newer (hlc, node) per field, and
 * sync_client.last_batch = n. Only after COMMIT answered are the rows
 * deleted here. If the answer was lost, the next sync finds last_batch = n
 * and drops the batch without sending it again; a resend would be a no-op
 * anyway (same clocks lose the strict comparison).
 *
 * Pull (at-sync-pull.c): pages of each followed bucket's feed in (xid8,
 * seq) order, below the oldest running transaction.
 *
 * A catalog restored from an old backup has a batch counter the server has
 * passed (or a copy of it pushed under its numbers: the token differs): it
 * registers again under a new client id and node, so its new batches are
 * not mistaken for old ones. A server restored from an old backup has lost
 * batches it had taken: every field here goes again with its own clock,
 * and the feed is read again from its start.
 */
#define G_LOG_DOMAIN "atelier-sync"

#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "at-sync-capture.h"
#include "at-sync-client-private.h"
#include "at-sync-server.h"

typedef struct
{
  char   client_id[64];
  gint64 node;
  gint64 acked;
  gint64 next;
  char   token[40];       /* of the closed batch acked + 1; "" before schema 10 */
  char   server_id[96];   /* the server as last seen (at_pg_identity); "" before schema 10 */
  int    server_version;
  char  *server_now;      /* the server as it is */
  gint64 behind_ms;       /* how far this clock is behind the server's */
  GCancellable *cancellable;
} State;

/* Tokens came with server schema 6: before it, a batch is known by its number. */
#define TOKENS(s) ((s)->server_version >= 6)

static gboolean
read_state (AtCatalog *catalog, State *s, GError **error)
{
  AtSqlConn *conn = at_catalog_get_reader (catalog, error);
  sqlite3_stmt *stmt = conn ? at_sql_conn_prepare (conn, "SELECT client_id, node, acked_batch, next_batch, "
                                                         "coalesce(batch_token, ''), coalesce(server_id, '') "
                                                         "FROM sync_state", error) : NULL;
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      g_strlcpy (s->client_id, (const char *) sqlite3_column_text (stmt, 0), sizeof s->client_id);
      s->node = sqlite3_column_int64 (stmt, 1);
      s->acked = sqlite3_column_int64 (stmt, 2);
      s->next = sqlite3_column_int64 (stmt, 3);
      g_strlcpy (s->token, (const char *) sqlite3_column_text (stmt, 4), sizeof s->token);
      g_strlcpy (s->server_id, (const char *) sqlite3_column_text (stmt, 5), sizeof s->server_id);
    }
  at_sql_stmt_release (stmt);
  if (rc != SQLITE_ROW)
    return at_sql_set_error (at_sql_conn_get_db (conn), rc, _("Could not read the sync state"), error);
  return TRUE;
}

gint64
_at_sync_local_int (AtCatalog *catalog, const char *sql, GError **error)
{
  AtSqlConn *conn = at_catalog_get_reader (catalog, error);
  return conn ? at_sql_query_int (conn, sql, error) : -1;
}

/* ---- local writes, on the catalog's writer ---- */

/* The rows of batch acked + 1 if it is closed (sent, or to be sent, as it is). */
#define FROZEN_SQL "SELECT count(*) FROM sync_outbox, sync_state WHERE batch = acked_batch + 1 AND batch < next_batch"

typedef struct
{
  gint64      batch;
  gint64      frozen;   /* out: rows frozen */
  gint64      server_hlc;
  char        token[40];  /* of a batch closed now */
  gboolean    requeue;    /* the server lost what it had taken: all goes again */
  const char *server_id;  /* the server as it is, once known */
  const char *server;
  const char *problem;
  const AtSyncReport *report;  /* how the sync ended, for its history */
  GPtrArray  *moved;      /* cursors the pull moved to the fence, to write */
} Write;

static gboolean
write_freeze (AtSqlConn *conn, gpointer data, GError **error)
{
  Write *w = data;

  /* Batch n = acked + 1 is the one being filled, or closed and emptied by
   * hand: edits waiting beyond it (never, unless the catalog was edited
   * outside Atelier) join it rather than wait for ever. It is closed only
   * when it holds something. */
  if (!at_sql_exec_bound (conn, error, "UPDATE sync_outbox SET batch = ?1 WHERE batch > ?1", "l", w->batch) ||
      !at_sql_exec_bound (conn, error, "UPDATE sync_state SET next_batch = ?1 + 1, batch_token = ?2 "
                                       "WHERE EXISTS (SELECT 1 FROM sync_outbox WHERE batch = ?1)", "lt", w->batch, w->token))
    return FALSE;
  w->frozen = sqlite3_changes (at_sql_conn_get_db (conn));
  /* a project written to here is followed from now on */
  return w->frozen == 0 ||
         at_sql_exec_bound (conn, error, "INSERT OR IGNORE INTO sync_buckets (bucket) SELECT DISTINCT bucket FROM sync_outbox "
                                         "WHERE batch = ?1", "l", w->batch);
}

static gboolean
write_ack (AtSqlConn *conn, gpointer data, GError **error)
{
  Write *w = data;

  return at_sql_exec_bound (conn, error, "DELETE FROM sync_outbox WHERE batch <= ?1", "l", w->batch) &&
         at_sql_exec_bound (conn, error, "UPDATE sync_state SET acked_batch = ?1", "l", w->batch);
}

/* A new identity for a catalog the server has seen further along: what it
 * had queued goes out again in the new numbering, in its first batch (of a
 * field queued in two batches, the later edit). For a server that lost
 * batches it had taken, every field here goes with it, each with its own
 * clock, and the feed is read again from its start (a server put back
 * hands out feed positions this catalog has passed). */
static gboolean
write_reregister (AtSqlConn *conn, gpointer data, GError **error)
{
  Write *w = data;

  /* (the feed is read again under the new node too: until now, a copy of
   * this catalog with the same node may have pushed, and its cells were
   * skipped here as this catalog's own) */
  if (!_at_sync_read_again (conn, NULL, error) ||
      (w->requeue && !at_sync_capture_requeue (conn, error)) ||
      (w->requeue && !at_sql_exec_bound (conn, error, "UPDATE sync_state SET server_id = coalesce(?1, server_id)", "t",
                                          w->server_id)))
    return FALSE;
  return at_sql_conn_exec (conn, "DELETE FROM sync_outbox AS f WHERE EXISTS "
                                 "(SELECT 1 FROM sync_outbox u WHERE u.tbl = f.tbl AND u.pk = f.pk AND u.col = f.col "
                                 "AND u.batch > f.batch)", error) &&
         at_sql_conn_exec (conn, "UPDATE sync_outbox SET batch = 1", error) &&
         at_sql_exec_bound (conn, error, "UPDATE sync_state SET client_id = lower(hex(randomblob(16))), "
                                         "node = abs(random()) % 9007199254740991, next_batch = 1, acked_batch = 0, "
                                         "last_hlc = max(last_hlc, ?1)", "l", w->server_hlc);
}

static gboolean
write_done (AtSqlConn *conn, gpointer data, GError **error)
{
  Write *w = data;
  g_autoptr(GError) unrecorded = NULL;

  if ((w->moved != NULL && !_at_sync_write_moved (conn, w->moved, error)) ||
      !at_sql_exec_bound (conn, error, "UPDATE sync_state SET server = ?1, last_error = ?2, last_sync = CASE WHEN ?2 IS NULL "
                                       "THEN strftime('%Y-%m-%dT%H:%M:%fZ','now') ELSE last_sync END, "
                                       "server_id = coalesce(?3, server_id)",
                          "ttt", w->server, w->problem, w->server_id))
    return FALSE;
  /* (the history is told, not needed: the sync's record stands without it) */
  if (!_at_sync_history_record (conn, w->report, w->problem, &unrecorded))
    g_message ("sync not recorded in the history: %s", unrecorded->message);
  return TRUE;
}

/* ---- the server ---- */

/* Whether the batch the server last recorded for this client id is this
 * catalog's closed batch: a copy of the catalog elsewhere numbers its own
 * batches alike, and only the token tells them apart. (No token on either
 * side, from before it: the number alone, as then.) */
static gboolean
token_is_ours (const State *s, const char *recorded)
{
  return *recorded == '\0' || *s->token == '\0' || g_str_equal (recorded, s->token);
}

static gboolean
register_client (PGconn *pg, State *s, gint64 *last_batch, gboolean *ours, GError **error)
{
  g_autofree char *node = g_strdup_printf ("%" G_GINT64_FORMAT, s->node);
  g_autofree char *version = g_strdup_printf ("%d", AT_CATALOG_SCHEMA_VERSION);
  const char *params[] = { s->client_id, node, version };
  g_autoptr(PGresult) studio = at_pg_query (pg, "SELECT atelier_current_studio () IS NOT NULL, "
                                                "(extract(epoch FROM clock_timestamp()) * 1000)::bigint",
                                            0, NULL, error);
  g_autoptr(PGresult) r = NULL;
  g_autoptr(PGresult) rights = NULL;

  if (studio == NULL)
    return FALSE;
  s->behind_ms = g_ascii_strtoll (PQgetvalue (studio, 0, 1), NULL, 10) -
                 (g_get_real_time () / 1000 + _at_sync_clock_offset ());
  /* (the server's owner, say, rather than a workstation's login) */
  if (!g_str_equal (PQgetvalue (studio, 0, 0), "t"))
    {
      g_set_error (error, AT_SYNC_ERROR, AT_SYNC_ERROR_AUTH,
                   _("This login may not sync here: it belongs to no studio (add it with “atelier-cli server "
                     "add-workstation”)"));
      return FALSE;
    }
  r = at_pg_query (pg, TOKENS (s) ? "INSERT INTO sync_client (client_id, node, schema_version) VALUES ($1, $2, $3) "
                                    "ON CONFLICT (client_id) DO UPDATE SET last_seen = now(), "
                                    "schema_version = EXCLUDED.schema_version "
                                    "RETURNING last_batch, coalesce(last_token, '')"
                                  : "INSERT INTO sync_client (client_id, node, schema_version) VALUES ($1, $2, $3) "
                                    "ON CONFLICT (client_id) DO UPDATE SET last_seen = now(), "
                                    "schema_version = EXCLUDED.schema_version RETURNING last_batch, ''",
                   3, params, error);
  /* (refused with the rights to do it: row-level security, the client id
   * is another studio's; else the server's own words, a grant missing) */
  if (r == NULL && g_error_matches (*error, AT_SYNC_ERROR, AT_SYNC_ERROR_AUTH) &&
      (rights = at_pg_query (pg, "SELECT has_table_privilege ('sync_client', 'INSERT, UPDATE')", 0, NULL, NULL)) != NULL &&
      g_str_equal (PQgetvalue (rights, 0, 0), "t"))
    {
      g_clear_error (error);
      g_set_error (error, AT_SYNC_ERROR, AT_SYNC_ERROR_AUTH,
                   _("This catalog syncs with another studio on this server, and a catalog belongs to one studio: sync "
                     "it with a login of that studio, or use another catalog for this one"));
    }
  if (r == NULL)
    return FALSE;
  *last_batch = g_ascii_strtoll (PQgetvalue (r, 0, 0), NULL, 10);
  *ours = token_is_ours (s, PQgetvalue (r, 0, 1));
  return TRUE;
}

static gboolean
send_batch (PGconn *pg, AtCatalog *catalog, State *s, gint64 batch, guint *sent, GError **error)
{
  g_autofree char *n = g_strdup_printf ("%" G_GINT64_FORMAT, batch);
  g_autofree char *node = g_strdup_printf ("%" G_GINT64_FORMAT, s->node);
  const char *params[] = { s->client_id, n, node };
  g_autoptr(PGresult) locked = NULL;
  g_autoptr(PGresult) ahead = NULL;
  g_autoptr(PGresult) merged = NULL;
  g_autoptr(PGresult) recorded = NULL;
  gint64 started = g_get_monotonic_time ();
  guint staged = 0;

  if (!at_pg_exec (pg, "BEGIN", error) ||
      (locked = at_pg_query (pg, TOKENS (s) ? "SELECT last_batch, coalesce(last_token, '') FROM sync_client "
                                              "WHERE client_id = $1 FOR UPDATE"
                                            : "SELECT last_batch, '' FROM sync_client WHERE client_id = $1 FOR UPDATE",
                             1, params, error)) == NULL)
    return FALSE;
  if (PQntuples (locked) == 1 && g_ascii_strtoll (PQgetvalue (locked, 0, 0), NULL, 10) >= batch)
    {
      if (token_is_ours (s, PQgetvalue (locked, 0, 1)))
        return at_pg_exec (pg, "COMMIT", error);   /* merged before: its answer was lost */
      /* a copy of this catalog pushed under its number a moment ago: the
       * next sync finds that and takes a new identity */
      at_pg_exec (pg, "ROLLBACK", NULL);
      g_set_error (error, AT_SYNC_ERROR, AT_SYNC_ERROR_BUSY,
                   _("A copy of this catalog synced at the same moment: sync again"));
      return FALSE;
    }

  if (!_at_sync_stage_batch (pg, catalog, batch, &staged, error))
    return FALSE;
  g_debug ("copied in %.1f ms", (g_get_monotonic_time () - started) / 1e3);
  if ((ahead = at_pg_query (pg, "SELECT coalesce(max(hlc), 0) > (((extract(epoch FROM clock_timestamp()) * 1000)::bigint + "
                                G_STRINGIFY (MAX_AHEAD_MS) ") << 16) FROM sync_stage", 0, NULL, error)) == NULL)
    return FALSE;
  if (g_str_equal (PQgetvalue (ahead, 0, 0), "t"))
    {
      at_pg_exec (pg, "ROLLBACK", NULL);
      g_set_error (error, AT_SYNC_ERROR, AT_SYNC_ERROR_CLOCK,
                   _("This computer’s clock is ahead of the server’s by more than five minutes: set the date and time "
                     "right, then sync again"));
      return FALSE;
    }
  /* newer per field wins; the strict comparison makes a replay change nothing */
  if ((merged = at_pg_query (pg, "INSERT INTO sync_cell (studio_id, tbl, pk, col, val, hlc, node, bucket) "
                                 "SELECT (SELECT atelier_current_studio ()), tbl, pk, col, val, hlc, coalesce(node, $1::bigint), "
                                 "bucket "
                                 "FROM sync_stage "
                                 "ON CONFLICT (studio_id, tbl, pk, col) DO UPDATE SET val = EXCLUDED.val, hlc = EXCLUDED.hlc, "
                                 "node = EXCLUDED.node, bucket = EXCLUDED.bucket, xid = pg_current_xact_id(), "
                                 "seq = nextval('sync_seq') "
                                 "WHERE (sync_cell.hlc, sync_cell.node) < (EXCLUDED.hlc, EXCLUDED.node)",
                             1, (const char *const []) { node }, error)) == NULL ||
      (recorded = TOKENS (s) ? at_pg_query (pg, "UPDATE sync_client SET last_batch = $2, last_token = $3, last_seen = now() "
                                                "WHERE client_id = $1", 3,
                                            (const char *const []) { s->client_id, n, s->token }, error)
                             : at_pg_query (pg, "UPDATE sync_client SET last_batch = $2, last_seen = now() WHERE client_id = $1",
                                            2, params, error)) == NULL)
    return FALSE;
  g_debug ("merged in %.1f ms", (g_get_monotonic_time () - started) / 1e3);
  if (_at_sync_fault ("before-commit", pg, error) || g_cancellable_set_error_if_cancelled (s->cancellable, error) ||
      !at_pg_exec (pg, "COMMIT", error))
    return FALSE;
  *sent = staged;
  /* committed, but the answer may not reach us: the next sync finds out */
  return !_at_sync_fault ("after-commit", NULL, error);
}

static gboolean
push (PGconn *pg, AtCatalog *catalog, State *s, AtSyncReport *report, GError **error)
{
  Write w = { 0 };
  gint64 last_batch, was_frozen = 0;
  gboolean ours;

  if (!register_client (pg, s, &last_batch, &ours, error))
    return FALSE;
  /* A server put back from a backup has lost batches it had taken; one
   * that is not the server of before (another database or timeline) may
   * have lost other workstations' too, which this catalog may hold. */
  w.requeue = last_batch < s->acked || (s->server_now != NULL && *s->server_id != '\0' &&
                                         at_pg_identity_differs (s->server_id, s->server_now));
  w.server_id = s->server_now;
  if (last_batch == s->acked + 1 && ours && !w.requeue &&
      (was_frozen = _at_sync_local_int (catalog, FROZEN_SQL, error)) < 0)
    return FALSE;
  if (last_batch == s->acked + 1 && ours && !w.requeue && was_frozen > 0)
    {
      /* the last push was merged but its answer never came */
      w.batch = last_batch;
      if (!at_catalog_write_sync (catalog, "sync_outbox", write_ack, &w, error))
        return FALSE;
      s->acked = last_batch;
      report->recovered = TRUE;
    }
  else if (last_batch != s->acked || w.requeue)
    {
      g_autoptr(PGresult) max = at_pg_query (pg, "SELECT coalesce(max(hlc), 0) FROM sync_cell", 0, NULL, error);

      if (max == NULL)
        return FALSE;
      w.server_hlc = g_ascii_strtoll (PQgetvalue (max, 0, 0), NULL, 10);
      if (!at_catalog_write_sync (catalog, "sync_outbox", write_reregister, &w, error) || !read_state (catalog, s, error) ||
          !register_client (pg, s, &last_batch, &ours, error))
        return FALSE;
      report->reregistered = TRUE;
      report->resent_all = w.requeue;
    }

  if (!_at_sync_restamp_if_ahead (pg, catalog, error))
    return FALSE;

  /* a batch frozen earlier goes first, as it was; edits made since make the next */
  for (int round = 0; round < 2; round++)
    {
      guint sent = 0;
      gint64 frozen, t0;

      w.batch = s->acked + 1;
      frozen = _at_sync_local_int (catalog, FROZEN_SQL, error);
      if (frozen < 0)
        return FALSE;
      t0 = g_get_monotonic_time ();
      if (frozen == 0)
        {
          g_autofree char *token = g_uuid_string_random ();

          g_strlcpy (w.token, token, sizeof w.token);
          if (!at_catalog_write_sync (catalog, "sync_outbox", write_freeze, &w, error))
            return FALSE;
          if (w.frozen == 0)
            return TRUE;
          g_strlcpy (s->token, w.token, sizeof s->token);
        }
      g_debug ("batch %" G_GINT64_FORMAT " frozen in %.1f ms", w.batch, (g_get_monotonic_time () - t0) / 1e3);
      t0 = g_get_monotonic_time ();
      if (!send_batch (pg, catalog, s, w.batch, &sent, error))
        {
          if (PQtransactionStatus (pg) == PQTRANS_INERROR || PQtransactionStatus (pg) == PQTRANS_INTRANS)
            at_pg_exec (pg, "ROLLBACK", NULL);
          return FALSE;
        }
      g_debug ("batch %" G_GINT64_FORMAT " of %u fields sent and merged in %.1f ms", w.batch, sent,
               (g_get_monotonic_time () - t0) / 1e3);
      t0 = g_get_monotonic_time ();
      if (!at_catalog_write_sync (catalog, "sync_outbox", write_ack, &w, error))
        return FALSE;
      g_debug ("batch %" G_GINT64_FORMAT " acknowledged in %.1f ms", w.batch, (g_get_monotonic_time () - t0) / 1e3);
      s->acked = w.batch;
      report->pushed += sent;
    }
  return TRUE;
}

static guint
count_pending (AtCatalog *catalog)
{
  return (guint) MAX (0, _at_sync_local_int (catalog, "SELECT count(*) FROM sync_outbox", NULL));
}

/**
 * at_sync_once:
 * @url: a libpq URL or conninfo; the password may come from PGPASSWORD
 *
 * Pushes this catalog's changes, then pulls everyone else's. Offline is an
 * error of its own (AT_SYNC_ERROR_OFFLINE): nothing is lost, try again later.
 */
gboolean
at_sync_once (AtCatalog     *catalog,
              const char    *url,
              AtSyncReport  *report,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(PGconn) pg = NULL;
  g_autofree char *shown = at_pg_redact (url);
  State s = { 0 };
  Write done = { 0 };
  g_autoptr(GPtrArray) moved = NULL;
  GError *failure = NULL;
  gboolean ok = FALSE;
  AtPgCanceller *cancel = NULL;
  int version, lock;

  memset (report, 0, sizeof *report);
  if ((lock = _at_sync_lock_catalog (catalog, cancellable, error)) < 0)
    {
      report->pending = count_pending (catalog);
      return FALSE;
    }
  if ((pg = at_pg_connect (url, &failure)) != NULL && cancellable != NULL)
    cancel = at_pg_cancel_on (pg, cancellable);
  s.cancellable = cancellable;
  if (pg != NULL && (version = at_sync_server_schema_version (pg, &failure)) >= 0)
    {
      if (version < AT_SYNC_SERVER_SCHEMA_MIN)
        g_set_error (&failure, AT_SYNC_ERROR, AT_SYNC_ERROR_SCHEMA,
                     _("The server’s schema is older than this Atelier needs: run “atelier-cli server migrate”"));
      else
        {
          s.server_version = version;
          /* (a server that will not say which it is: synced without the check) */
          s.server_now = at_pg_identity (pg, NULL);
          ok = read_state (catalog, &s, &failure) && push (pg, catalog, &s, report, &failure) &&
               _at_sync_pull (pg, catalog, s.node, report, &moved, cancellable, &failure);
          /* (the sync went through whatever this says: they are tried again next time) */
          if (ok && _at_sync_local_int (catalog, "SELECT EXISTS (SELECT 1 FROM sync_conflicts)", NULL) == 1)
            {
              g_autoptr(GError) retry = NULL;
              if (!at_catalog_write_sync (catalog, "photos", _at_sync_retry_conflicts, &report->settled, &retry))
                g_message ("values kept aside not tried again: %s", retry->message);
            }
          /* (what a round trip takes is within the margin) */
          if (s.behind_ms > MAX_AHEAD_MS)
            report->clock_behind_s = s.behind_ms / 1000;
        }
    }
  if (cancel != NULL)
    at_pg_cancel_off (cancel);
  /* stopped by a cancel, whatever the server said of it */
  if (!ok && g_cancellable_is_cancelled (cancellable))
    {
      g_clear_error (&failure);
      g_cancellable_set_error_if_cancelled (cancellable, &failure);
    }
  report->pending = count_pending (catalog);
  done.server = shown;
  /* the server as it is, unless it is another than the one recorded (that
   * one is recorded with what it took, in write_reregister), or says less */
  if (s.server_now != NULL &&
      (*s.server_id == '\0' || (!at_pg_identity_differs (s.server_id, s.server_now) && strchr (s.server_now, '?') == NULL)))
    done.server_id = s.server_now;
  done.problem = failure ? failure->message : NULL;
  done.report = report;
  done.moved = ok ? moved : NULL;
  /* (a cancel is no sync and no problem: the record stays as it was) */
  if (!g_error_matches (failure, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    at_catalog_write_sync (catalog, "sync_state", write_done, &done, NULL);
  g_free (s.server_now);
  close (lock);   /* (and with it the lock) */
  if (failure != NULL)
    g_propagate_error (error, failure);
  return ok;
}
