/* at-pg.c — libpq helpers.
 *
 * Errors are sorted by what the user can do: a connection that never
 * answered or broke is AT_SYNC_ERROR_OFFLINE (try later, nothing is lost);
 * SQLSTATE class 28 is a refused login; AT001 (raised by the server schema)
 * a workstation too old for the server, AT002 a clock far ahead of the
 * server's (its own check comes first); 42501 a login that may not do what
 * it asked (as a refused login: it waits on a person); a lock another
 * session held too long, or a deadlock, is AT_SYNC_ERROR_BUSY (the next
 * sync tries again); anything else the server said is
 * AT_SYNC_ERROR_SERVER with its message.
 */
#define G_LOG_DOMAIN "atelier-sync"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "at-pg.h"

G_DEFINE_QUARK (at-sync-error-quark, at_sync_error)

#define LOCK_TIMEOUT_MS 30000
static guint lock_timeout_ms;

void
at_pg_set_lock_timeout (guint ms)
{
  lock_timeout_ms = ms;
}

static char *
first_line (const char *message)
{
  char *line = g_strdup (message ? message : "");
  char *nl = strchr (line, '\n');

  if (nl != NULL)
    *nl = '\0';
  return g_strstrip (line);
}

/* The reason in libpq's message on a refused connection, without its
 * "connection to server at …, port … failed:" and "FATAL:" or
 * "fe_sendauth:" (where the server is, the Sync page and the CLI say
 * already). */
static const char *
server_words (const char *message)
{
  static const char *const prefixes[] = { "FATAL:", "fe_sendauth:" };
  const char *failed = strstr (message, " failed: ");
  const char *words = failed != NULL ? failed + strlen (" failed: ") : message;

  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    if (g_str_has_prefix (words, prefixes[i]))
      words += strlen (prefixes[i]);
  while (g_ascii_isspace (*words))
    words++;
  return *words != '\0' ? words : message;
}

gboolean
at_pg_set_error (PGconn      *conn,
                 PGresult    *result,
                 const char  *what,
                 GError     **error)
{
  const char *state = result ? PQresultErrorField (result, PG_DIAG_SQLSTATE) : NULL;
  g_autofree char *message = first_line (result && PQresultErrorMessage (result)[0] ? PQresultErrorMessage (result)
                                                                                   : PQerrorMessage (conn));

  if (conn == NULL || PQstatus (conn) != CONNECTION_OK || (state != NULL && g_str_has_prefix (state, "08")) ||
      (state != NULL && g_str_has_prefix (state, "57P")))
    g_set_error (error, AT_SYNC_ERROR, AT_SYNC_ERROR_OFFLINE, _("%s: the server did not answer (%s)"), what, message);
  else if (state != NULL && g_str_equal (state, "AT001"))
    g_set_error (error, AT_SYNC_ERROR, AT_SYNC_ERROR_SCHEMA, _("The studio’s server refuses this workstation: %s"),
                 PQresultErrorField (result, PG_DIAG_MESSAGE_PRIMARY));
  else if (state != NULL && g_str_equal (state, "AT002"))
    g_set_error (error, AT_SYNC_ERROR, AT_SYNC_ERROR_CLOCK, "%s", PQresultErrorField (result, PG_DIAG_MESSAGE_PRIMARY));
  else if (state != NULL && g_str_equal (state, "42501"))
    g_set_error (error, AT_SYNC_ERROR, AT_SYNC_ERROR_AUTH, _("%s: this login may not (%s)"), what, message);
  else if (state != NULL && g_str_has_prefix (state, "28"))
    g_set_error (error, AT_SYNC_ERROR, AT_SYNC_ERROR_AUTH, _("%s: the server refused the login (%s)"), what, message);
  else if (state != NULL && (g_str_equal (state, "55P03") || g_str_equal (state, "40P01")))
    {
      /* (a person can do nothing with the statement's name or libpq's words) */
      g_debug ("%s: %s", what, message);
      g_set_error (error, AT_SYNC_ERROR, AT_SYNC_ERROR_BUSY,
                   _("Another session on the server holds what this one must change (a transaction left open in "
                     "psql, perhaps); it goes through once that session lets go"));
    }
  else
    g_set_error (error, AT_SYNC_ERROR, AT_SYNC_ERROR_SERVER, "%s: %s", what, message);
  return FALSE;
}

/* The setting named in libpq's 'invalid connection option "sslmod"' (a
 * name, never a value: safe to say), or NULL for any other complaint. */
static char *
unknown_option (const char *parse_error)
{
  static const char *const starts[] = { "invalid connection option \"", "invalid URI query parameter: \"" };

  for (guint i = 0; i < G_N_ELEMENTS (starts); i++)
    if (g_str_has_prefix (parse_error, starts[i]))
      {
        const char *name = parse_error + strlen (starts[i]);
        const char *end = strchr (name, '"');

        return end != NULL ? g_strndup (name, end - name) : NULL;
      }
  return NULL;
}

PGconn *
at_pg_connect (const char  *url,
               GError     **error)
{
  PGconn *conn;
  g_autofree char *message = NULL;

  if (url == NULL || *url == '\0')
    {
      g_set_error (error, AT_SYNC_ERROR, AT_SYNC_ERROR_NOT_CONFIGURED, _("No sync server is set"));
      return NULL;
    }
  {
    /* libpq's word on a malformed address quotes it, password and all: it
     * is not passed on */
    char *parse_error = NULL;
    PQconninfoOption *parsed = PQconninfoParse (url, &parse_error);
    g_autofree char *unknown = parse_error != NULL ? unknown_option (parse_error) : NULL;

    PQfreemem (parse_error);
    if (parsed == NULL && unknown != NULL)
      {
        g_set_error (error, AT_SYNC_ERROR, AT_SYNC_ERROR_AUTH,
                     _("The server’s address has “%s”, which is no connection setting PostgreSQL knows: check the "
                       "setting"), unknown);
        return NULL;
      }
    if (parsed == NULL)
      {
        g_set_error (error, AT_SYNC_ERROR, AT_SYNC_ERROR_AUTH,
                     _("The server’s address is malformed (a “%%” or a space in the password must be written as "
                       "%%25 or %%20): check the setting"));
        return NULL;
      }
    PQconninfoFree (parsed);
  }
  {
    /* A link that dies without a word (Wi-Fi gone at a venue) is noticed
     * in about half a minute, not the two hours TCP takes by itself: a
     * sync never hangs on it. (Set before the URL: what it says wins.) */
    const char *const keys[] = { "connect_timeout", "keepalives", "keepalives_idle", "keepalives_interval",
                                 "keepalives_count", "tcp_user_timeout", "dbname", NULL };
    const char *const values[] = { "10", "1", "10", "5", "3", "30000", url, NULL };

    conn = PQconnectdbParams (keys, values, TRUE);
  }
  if (PQstatus (conn) == CONNECTION_OK)
    {
      /* A workstation that vanishes mid-push (a laptop shut, a cable
       * pulled) must not keep its transaction open for the two hours TCP
       * takes to notice: that transaction holds back every studio's pull
       * (the feed is read below the oldest one running). Idle, the
       * session ends after a minute; in the middle of a COPY (the server
       * waiting for data inside a command, where that timeout does not
       * count), its own keepalives find the link dead in half a minute.
       * Nor does a sync wait without end on a lock another session holds
       * (a transaction left open in psql, say): it says so instead of
       * showing "Syncing…" for as long. */
      g_autofree char *sql = g_strdup_printf ("SET idle_in_transaction_session_timeout = '60s'; "
                                              "SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; "
                                              "SET tcp_keepalives_count = 3; SET tcp_user_timeout = 30000; "
                                              "SET lock_timeout = %u", lock_timeout_ms ? lock_timeout_ms : LOCK_TIMEOUT_MS);
      g_autoptr(PGresult) set = PQexec (conn, sql);

      if (PQresultStatus (set) != PGRES_COMMAND_OK)
        g_debug ("session timeouts not set: %s", PQerrorMessage (conn));
      return conn;
    }
  message = first_line (PQerrorMessage (conn));
  /* libpq gives no SQLSTATE for a refused login: its words are all there is */
  if (strstr (message, "password authentication failed") != NULL || strstr (message, "no password supplied") != NULL ||
      strstr (message, "role \"") != NULL)
    g_set_error (error, AT_SYNC_ERROR, AT_SYNC_ERROR_AUTH,
                 _("The server refused the login (%s): check this workstation’s user name and password"),
                 server_words (message));
  /* reached, but set up wrong: a person must change the setting, waiting
   * does not help (not "offline", which is normal and retried; an SSL
   * link cut short is offline) */
  else if (strstr (message, "database \"") != NULL || strstr (message, "pg_hba.conf") != NULL ||
           strstr (message, "does not support SSL") != NULL || strstr (message, "certificate") != NULL)
    g_set_error (error, AT_SYNC_ERROR, AT_SYNC_ERROR_AUTH, _("The server refused this workstation’s setting: %s"),
                 server_words (message));
  else
    g_set_error (error, AT_SYNC_ERROR, AT_SYNC_ERROR_OFFLINE, _("The server cannot be reached: %s"), message);
  PQfinish (conn);
  return NULL;
}

gboolean
at_pg_exec (PGconn      *conn,
            const char  *sql,
            GError     **error)
{
  g_autoptr(PGresult) result = PQexec (conn, sql);
  ExecStatusType status = PQresultStatus (result);

  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
    return TRUE;
  return at_pg_set_error (conn, result, _("Server statement failed"), error);
}

PGresult *
at_pg_query (PGconn             *conn,
             const char         *sql,
             int                 n_params,
             const char *const  *params,
             GError            **error)
{
  PGresult *result = PQexecParams (conn, sql, n_params, NULL, (const char *const *) params, NULL, NULL, 0);
  ExecStatusType status = PQresultStatus (result);

  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
    return result;
  at_pg_set_error (conn, result, _("Server statement failed"), error);
  PQclear (result);
  return NULL;
}

char *
at_pg_redact (const char *url)
{
  PQconninfoOption *options;
  GString *out;

  if (url == NULL)
    return NULL;
  if ((options = PQconninfoParse (url, NULL)) == NULL)
    return g_strdup ("?");
  out = g_string_new (NULL);
  for (PQconninfoOption *o = options; o->keyword != NULL; o++)
    if (o->val != NULL && *o->val != '\0' && !g_str_equal (o->keyword, "password") &&
        !g_str_equal (o->keyword, "sslpassword"))
      g_string_append_printf (out, "%s%s=%s", out->len ? " " : "", o->keyword, o->val);
  PQconninfoFree (options);
  return g_string_free (out, FALSE);
}

char *
at_pg_identity (PGconn  *conn,
                GError **error)
{
  g_autoptr(PGresult) r = NULL;

  /* (the timeline is the first part of the WAL file name) */
  r = at_pg_query (conn, "SELECT (SELECT system_identifier FROM pg_control_system ())::text || '/' || "
                         "substr (pg_walfile_name (pg_current_wal_lsn ()), 1, 8) || '/' || "
                         "(SELECT oid FROM pg_database WHERE datname = current_database ())::text", 0, NULL, NULL);
  /* control data this login may not read (or a standby behind a pooler,
   * which has no WAL position of its own): the database alone */
  if (r == NULL)
    r = at_pg_query (conn, "SELECT '?/?/' || oid::text FROM pg_database WHERE datname = current_database ()", 0, NULL, error);
  return r != NULL ? g_strdup (PQgetvalue (r, 0, 0)) : NULL;
}

gboolean
at_pg_identity_differs (const char *a,
                        const char *b)
{
  g_auto(GStrv) x = g_strsplit (a, "/", 3);
  g_auto(GStrv) y = g_strsplit (b, "/", 3);

  for (guint i = 0; x[i] != NULL && y[i] != NULL; i++)
    if (!g_str_equal (x[i], "?") && !g_str_equal (y[i], "?") && !g_str_equal (x[i], y[i]))
      return TRUE;
  return FALSE;
}

char *
at_pg_describe (const char *url)
{
  PQconninfoOption *options;
  const char *host = NULL, *port = NULL, *db = NULL, *user = NULL;
  g_autofree char *where = NULL;
  char *out;

  if (url == NULL)
    return g_strdup ("");
  /* (not the address itself: it may hold a password) */
  if ((options = PQconninfoParse (url, NULL)) == NULL)
    return g_strdup (_("a malformed address"));
  for (PQconninfoOption *o = options; o->keyword != NULL; o++)
    {
      const char *v = o->val != NULL && *o->val != '\0' ? o->val : NULL;

      if (g_str_equal (o->keyword, "host"))
        host = v;
      else if (g_str_equal (o->keyword, "hostaddr") && host == NULL)
        host = v;
      else if (g_str_equal (o->keyword, "port"))
        port = v;
      else if (g_str_equal (o->keyword, "dbname"))
        db = v;
      else if (g_str_equal (o->keyword, "user"))
        user = v;
    }
  /* no host, or a folder: a socket on this computer */
  if (host == NULL || host[0] == '/')
    where = g_strdup (_("this computer"));
  else if (port != NULL && !g_str_equal (port, "5432"))
    where = g_strdup_printf ("%s:%s", host, port);
  else
    where = g_strdup (host);
  if (user != NULL && db != NULL)
    out = g_strdup_printf (_("%s on %s, database %s"), user, where, db);
  else if (user != NULL)
    out = g_strdup_printf (_("%s on %s"), user, where);
  else if (db != NULL)
    out = g_strdup_printf (_("%s, database %s"), where, db);
  else
    out = g_strdup (where);
  PQconninfoFree (options);
  return out;
}

/* ---- cancelling ---- */

/* PQcancel connects to the server and waits for it: on a thread of its
 * own, not the one that cancels (the UI's, as a window closes). */
struct _AtPgCanceller
{
  gatomicrefcount  ref;
  PGcancel        *cancel;
  GCancellable    *cancellable;
  gulong           handler;
};

static void
canceller_unref (AtPgCanceller *c)
{
  if (g_atomic_ref_count_dec (&c->ref))
    {
      PQfreeCancel (c->cancel);
      g_clear_object (&c->cancellable);
      g_free (c);
    }
}

static gpointer
cancel_thread (gpointer data)
{
  AtPgCanceller *c = data;
  char message[256];

  if (!PQcancel (c->cancel, message, sizeof message))
    g_debug ("statement not cancelled on the server: %s", message);
  canceller_unref (c);
  return NULL;
}

static void
cancelled_cb (GCancellable *cancellable, AtPgCanceller *c)
{
  g_atomic_ref_count_inc (&c->ref);
  g_thread_unref (g_thread_new ("atelier-pg-cancel", cancel_thread, c));
}

AtPgCanceller *
at_pg_cancel_on (PGconn       *conn,
                 GCancellable *cancellable)
{
  AtPgCanceller *c = g_new0 (AtPgCanceller, 1);

  g_atomic_ref_count_init (&c->ref);
  c->cancel = PQgetCancel (conn);
  c->cancellable = g_object_ref (cancellable);
  c->handler = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb), c, NULL);
  return c;
}

void
at_pg_cancel_off (AtPgCanceller *c)
{
  g_cancellable_disconnect (c->cancellable, c->handler);
  canceller_unref (c);
}
