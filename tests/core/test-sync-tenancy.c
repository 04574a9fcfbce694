/* test-sync-tenancy.c — logins on a real PostgreSQL 15: a workstation of
 * studio B cannot read, change or forge studio A's rows, not even with raw
 * SQL; the merge's rules hold for its raw SQL too; the managers' typed
 * views read what each studio synced; wrong passwords and a server that is
 * not there give clear errors. */
#include "config.h"

#include <string.h>

#include "at-test-pg.h"
#include "at-test-util.h"

static AtTestPg *pg;

static PGconn *
login (const char *user, const char *password)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = at_test_pg_conninfo (pg, user, password);
  PGconn *conn = at_pg_connect (url, &error);

  g_assert_no_error (error);
  return conn;
}

/* The SQLSTATE of @sql's failure, or "" when it worked. */
static char *
run_sql (PGconn *conn, const char *sql, int *rows)
{
  g_autoptr(PGresult) r = PQexec (conn, sql);
  ExecStatusType status = PQresultStatus (r);

  if (rows != NULL)
    *rows = status == PGRES_TUPLES_OK ? PQntuples (r) : atoi (PQcmdTuples (r));
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
    return g_strdup ("");
  return g_strdup (PQresultErrorField (r, PG_DIAG_SQLSTATE));
}

static void
test_tenancy (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *a = NULL, *b = NULL, *state = NULL;
  g_autoptr(PGconn) wsa = NULL, wsb = NULL;
  int rows = -1;

  g_assert_true (at_sync_server_migrate (pg->admin, NULL, NULL, &error));
  a = at_sync_server_add_studio (pg->admin, "Lindqvist Studio", &error);
  g_assert_no_error (error);
  b = at_sync_server_add_studio (pg->admin, "Okafor Photo", &error);
  g_assert_true (at_sync_server_add_workstation (pg->admin, "Lindqvist Studio", "laptop_a", "secret-a", &error));
  g_assert_no_error (error);
  g_assert_true (at_sync_server_add_workstation (pg->admin, b, "desk_b", "secret-b", &error));
  g_assert_false (at_sync_server_add_workstation (pg->admin, "No Such Studio", "x", "y", &error));
  g_assert_nonnull (strstr (error->message, "No Such Studio"));
  g_clear_error (&error);

  wsa = login ("laptop_a", "secret-a");
  wsb = login ("desk_b", "secret-b");
  state = run_sql (wsa, "INSERT INTO sync_cell (tbl, pk, col, val, hlc, node) VALUES "
                        "('projects', 'p1', '*', '{\"name\": \"Lindqvist wedding\", \"status\": \"booked\"}', 10, 1)", NULL);
  g_assert_cmpstr (state, ==, "");
  g_clear_pointer (&state, g_free);
  state = run_sql (wsa, "SELECT name FROM atelier_projects", &rows);
  g_assert_cmpint (rows, ==, 1);
  g_clear_pointer (&state, g_free);

  /* studio B sees nothing of A's, changes nothing, and cannot write as A */
  state = run_sql (wsb, "SELECT * FROM sync_cell", &rows);
  g_assert_cmpint (rows, ==, 0);
  g_clear_pointer (&state, g_free);
  state = run_sql (wsb, "SELECT * FROM atelier_projects", &rows);
  g_assert_cmpint (rows, ==, 0);
  g_clear_pointer (&state, g_free);
  state = run_sql (wsb, "UPDATE sync_cell SET val = '\"stolen\"' WHERE pk = 'p1'", &rows);
  g_assert_cmpstr (state, ==, "");
  g_assert_cmpint (rows, ==, 0);
  g_clear_pointer (&state, g_free);
  {
    g_autofree char *forge = g_strdup_printf ("INSERT INTO sync_cell (studio_id, tbl, pk, col, val, hlc, node) "
                                              "VALUES ('%s', 'projects', 'p1', 'name', '\"forged\"', 99, 2)", a);
    state = run_sql (wsb, forge, NULL);
    g_assert_cmpstr (state, ==, "42501");   /* row-level security */
    g_clear_pointer (&state, g_free);
  }
  state = run_sql (wsb, "DELETE FROM sync_cell", NULL);
  g_assert_cmpstr (state, ==, "42501");      /* not granted */
  g_clear_pointer (&state, g_free);
  state = run_sql (wsb, "SELECT * FROM atelier_workstations", NULL);
  g_assert_cmpstr (state, ==, "42501");
  g_clear_pointer (&state, g_free);
  state = run_sql (wsb, "SET ROLE laptop_a", NULL);
  g_assert_cmpstr (state, ==, "42501");
  g_clear_pointer (&state, g_free);
  {
    g_autofree char *name = at_test_pg_psql (pg, "SELECT val ->> 'name' FROM sync_cell WHERE pk = 'p1' AND col = '*'");
    g_assert_cmpstr (name, ==, "Lindqvist wedding");
  }

  /* the workstations' batch bookkeeping too: B sees and moves only its own */
  state = run_sql (wsa, "INSERT INTO sync_client (client_id, node) VALUES ('client-a', 1)", NULL);
  g_assert_cmpstr (state, ==, "");
  g_clear_pointer (&state, g_free);
  state = run_sql (wsb, "SELECT * FROM sync_client", &rows);
  g_assert_cmpint (rows, ==, 0);
  g_clear_pointer (&state, g_free);
  state = run_sql (wsb, "UPDATE sync_client SET last_batch = 99", &rows);
  g_assert_cmpstr (state, ==, "");
  g_assert_cmpint (rows, ==, 0);
  g_clear_pointer (&state, g_free);
  /* (its client id taken over: refused) */
  state = run_sql (wsb, "INSERT INTO sync_client (client_id, node) VALUES ('client-a', 2) "
                        "ON CONFLICT (client_id) DO UPDATE SET last_batch = 99", NULL);
  g_assert_cmpstr (state, ==, "42501");
  g_clear_pointer (&state, g_free);
  state = run_sql (wsa, "SELECT last_batch FROM sync_client WHERE client_id = 'client-a'", &rows);
  g_assert_cmpint (rows, ==, 1);
  g_clear_pointer (&state, g_free);
  {
    g_autofree char *batch = at_test_pg_psql (pg, "SELECT last_batch FROM sync_client WHERE client_id = 'client-a'");
    g_assert_cmpstr (batch, ==, "0");
  }
}

/* The value of the cell (studio's own, 'projects', 'r1', 'name') and its
 * feed position, as "val@xid". */
static char *
rule_cell (PGconn *ws)
{
  g_autoptr(PGresult) r = PQexec (ws, "SELECT val::text || '@' || xid::text FROM sync_cell WHERE pk = 'r1'");

  g_assert_cmpint (PQresultStatus (r), ==, PGRES_TUPLES_OK);
  g_assert_cmpint (PQntuples (r), ==, 1);
  return g_strdup (PQgetvalue (r, 0, 0));
}

/* The merge's rules hold for a workstation role's own SQL too: no clock far
 * ahead of the server's, no older value over a newer one, and a change
 * always takes a new place in the feed. */
static void
test_cell_rules (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) ws = NULL;
  g_autofree char *now = NULL, *ahead = NULL, *state = NULL, *first = NULL, *after = NULL;
  gint64 clock = (g_get_real_time () / 1000) << 16;
  int rows = -1;

  g_assert_true (at_sync_server_migrate (pg->admin, NULL, NULL, &error));
  g_free (at_sync_server_add_studio (pg->admin, "Rules Studio", &error));
  g_assert_true (at_sync_server_add_workstation (pg->admin, "Rules Studio", "rules_ws", "secret-r", &error));
  g_assert_no_error (error);
  ws = login ("rules_ws", "secret-r");
  now = g_strdup_printf ("INSERT INTO sync_cell (tbl, pk, col, val, hlc, node) VALUES ('projects', 'r1', 'name', "
                         "'\"Berg wedding\"', %" G_GINT64_FORMAT ", 1)", clock);
  state = run_sql (ws, now, NULL);
  g_assert_cmpstr (state, ==, "");
  g_clear_pointer (&state, g_free);
  first = rule_cell (ws);

  /* a day ahead: refused, in a new cell as over this one */
  ahead = g_strdup_printf ("INSERT INTO sync_cell (tbl, pk, col, val, hlc, node) VALUES ('projects', 'r2', 'name', "
                           "'\"Future\"', %" G_GINT64_FORMAT ", 1)", clock + ((gint64) 86400000 << 16));
  state = run_sql (ws, ahead, NULL);
  g_assert_cmpstr (state, ==, "AT002");
  g_clear_pointer (&state, g_free);
  g_free (ahead);
  ahead = g_strdup_printf ("UPDATE sync_cell SET val = '\"Future\"', hlc = %" G_GINT64_FORMAT " WHERE pk = 'r1'",
                           clock + ((gint64) 86400000 << 16));
  state = run_sql (ws, ahead, NULL);
  g_assert_cmpstr (state, ==, "AT002");
  g_clear_pointer (&state, g_free);

  /* an older clock, or none moved on: nothing changes */
  state = run_sql (ws, "UPDATE sync_cell SET val = '\"Old name\"', hlc = hlc - 1 WHERE pk = 'r1'", &rows);
  g_assert_cmpstr (state, ==, "");
  g_assert_cmpint (rows, ==, 0);
  g_clear_pointer (&state, g_free);
  state = run_sql (ws, "UPDATE sync_cell SET val = '\"Old name\"' WHERE pk = 'r1'", &rows);
  g_assert_cmpstr (state, ==, "");
  g_assert_cmpint (rows, ==, 0);
  g_clear_pointer (&state, g_free);
  /* (nor a clock moved back under the same value) */
  state = run_sql (ws, "UPDATE sync_cell SET hlc = hlc - 1 WHERE pk = 'r1'", &rows);
  g_assert_cmpstr (state, ==, "");
  g_assert_cmpint (rows, ==, 0);
  g_clear_pointer (&state, g_free);
  after = rule_cell (ws);
  g_assert_cmpstr (after, ==, first);
  g_clear_pointer (&after, g_free);

  /* newer, its feed position left as it was: it takes a new one, so
   * workstations past the old one read it */
  state = run_sql (ws, "UPDATE sync_cell SET val = '\"Berg & Nyström wedding\"', hlc = hlc + 1 WHERE pk = 'r1'", &rows);
  g_assert_cmpstr (state, ==, "");
  g_assert_cmpint (rows, ==, 1);
  g_clear_pointer (&state, g_free);
  after = rule_cell (ws);
  g_assert_true (g_str_has_prefix (after, "\"Berg & Nyström wedding\"@"));
  g_assert_cmpint (g_ascii_strtoll (strchr (after, '@') + 1, NULL, 10), >, g_ascii_strtoll (strchr (first, '@') + 1, NULL, 10));

  /* a clock far ahead from before these rules is kept by a change that
   * keeps it (server migrate renumbers cells so) */
  {
    g_autofree char *sql = g_strdup_printf ("ALTER TABLE sync_cell DISABLE TRIGGER sync_cell_1_ahead_again; "
                                            "UPDATE sync_cell SET hlc = %" G_GINT64_FORMAT " WHERE pk = 'r1'; "
                                            "ALTER TABLE sync_cell ENABLE TRIGGER sync_cell_1_ahead_again",
                                            clock + ((gint64) 86400000 << 16));
    g_free (at_test_pg_psql (pg, sql));
  }
  state = run_sql (ws, "UPDATE sync_cell SET xid = pg_current_xact_id () WHERE pk = 'r1'", &rows);
  g_assert_cmpstr (state, ==, "");
  g_assert_cmpint (rows, ==, 1);
}

/* One row of @sql's answer, its fields joined with '|' ("" for NULL). */
static char *
one_row (PGconn *ws, const char *sql)
{
  g_autoptr(PGresult) r = PQexec (ws, sql);
  GString *row = g_string_new (NULL);

  g_assert_cmpstr (PQresultErrorMessage (r), ==, "");
  g_assert_cmpint (PQntuples (r), ==, 1);
  for (int i = 0; i < PQnfields (r); i++)
    g_string_append_printf (row, "%s%s", i ? "|" : "", PQgetvalue (r, 0, i));
  return g_string_free (row, FALSE);
}

/* The managers' typed views read what the workstations synced, typed; a
 * value a cast refuses reads as NULL and breaks no report. */
static void
test_report_views (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) ws = NULL;
  g_autofree char *state = NULL, *sql = NULL, *row = NULL;
  gint64 clock = (g_get_real_time () / 1000) << 16;

  g_assert_true (at_sync_server_migrate (pg->admin, NULL, NULL, &error));
  g_free (at_sync_server_add_studio (pg->admin, "Report Studio", &error));
  g_assert_true (at_sync_server_add_workstation (pg->admin, "Report Studio", "report_ws", "secret-rep", &error));
  g_assert_no_error (error);
  ws = login ("report_ws", "secret-rep");
  sql = g_strdup_printf (
    "INSERT INTO sync_cell (tbl, pk, col, val, hlc, node) VALUES "
    "('contracts', 'c1', '*', '{\"contract_number\": \"C-1\", \"total_cents\": 250000, \"deposit_cents\": \"half\", "
    "\"currency\": \"EUR\", \"contract_date\": \"2026-05-01\"}', %1$" G_GINT64_FORMAT ", 1), "
    "('contracts', 'c2', '*', '{\"contract_number\": \"C-2\", \"total_cents\": 1000, \"contract_date\": \"TBD\"}', "
    "%1$" G_GINT64_FORMAT ", 1), "
    "('payments', 'pay1', '*', '{\"contract_id\": \"c1\", \"amount_cents\": 50000, \"due_at\": \"2026-06-01T10:00:00Z\", "
    "\"paid_at\": \"someday\"}', %1$" G_GINT64_FORMAT ", 1), "
    "('shooting_schedules', 's1', '*', '{\"project_id\": \"p1\", \"start_at\": \"2026-06-20T14:00:00Z\", "
    "\"end_at\": \"late\"}', %1$" G_GINT64_FORMAT ", 1), "
    "('projects', 'p1', '*', '{\"project_number\": \"P-1\", \"event_date\": \"2026-06-20\"}', %1$" G_GINT64_FORMAT ", 1), "
    "('photos', 'ph1', '*', '{\"file_name\": \"a.cr3\", \"capture_time\": \"2026:06:20 14:03:11\", \"rating\": \"x\", "
    "\"picked\": 1}', %1$" G_GINT64_FORMAT ", 1), "
    "('photos', 'ph2', '*', '{\"file_name\": \"b.cr3\", \"rating\": 99999999999, \"picked\": 0}', %1$" G_GINT64_FORMAT ", 1), "
    "('contracts', 'c1', 'total_cents', '260000', %2$" G_GINT64_FORMAT ", 1)",
    clock, clock + 1);
  state = run_sql (ws, sql, NULL);
  g_assert_cmpstr (state, ==, "");

  /* a later field edit over its row; "half" is no amount */
  row = one_row (ws, "SELECT total_cents, deposit_cents, contract_date FROM atelier_contracts WHERE id = 'c1'");
  g_assert_cmpstr (row, ==, "260000||2026-05-01");
  g_free (row);
  row = one_row (ws, "SELECT contract_number, contract_date FROM atelier_contracts WHERE id = 'c2'");
  g_assert_cmpstr (row, ==, "C-2|");
  g_free (row);
  row = one_row (ws, "SELECT amount_cents, due_at IS NOT NULL, paid_at FROM atelier_payments");
  g_assert_cmpstr (row, ==, "50000|t|");
  g_free (row);
  row = one_row (ws, "SELECT start_at IS NOT NULL, end_at FROM atelier_schedules");
  g_assert_cmpstr (row, ==, "t|");
  g_free (row);
  row = one_row (ws, "SELECT project_number, event_date FROM atelier_projects");
  g_assert_cmpstr (row, ==, "P-1|2026-06-20");
  g_free (row);
  row = one_row (ws, "SELECT file_name, capture_time, rating, picked FROM atelier_photos WHERE id = 'ph1'");
  g_assert_cmpstr (row, ==, "a.cr3|||t");
  g_free (row);
  /* (a number too big for its column is no number either) */
  row = one_row (ws, "SELECT file_name, rating, picked FROM atelier_photos WHERE id = 'ph2'");
  g_assert_cmpstr (row, ==, "b.cr3||f");
  g_free (row);
  /* the whole report, as a manager's tool would ask it */
  row = one_row (ws, "SELECT count(*) FROM atelier_contracts c LEFT JOIN atelier_payments p ON p.contract_id = c.id");
  g_assert_cmpstr (row, ==, "2");
  /* each row's fields are put together once, not once per column named
   * (schema 9: eleven times a photo before) */
  {
    g_autoptr(PGresult) plan = PQexec (ws, "EXPLAIN (FORMAT JSON) SELECT * FROM atelier_photos");
    const char *text = PQgetvalue (plan, 0, 0);
    guint aggregates = 0;

    g_assert_cmpstr (PQresultErrorMessage (plan), ==, "");
    for (const char *at = text; (at = strstr (at, "\"Node Type\": \"Aggregate\"")) != NULL; at++)
      aggregates++;
    g_assert_cmpuint (aggregates, ==, 1);
  }
}

static void
test_login_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *wrong = at_test_pg_conninfo (pg, "laptop_a", "not-the-password");
  g_autofree char *nowhere = g_strdup ("host=127.0.0.1 port=1 dbname=postgres user=x password=y connect_timeout=3");
  PGconn *conn;

  conn = at_pg_connect (wrong, &error);
  g_assert_null (conn);
  g_assert_error (error, AT_SYNC_ERROR, AT_SYNC_ERROR_AUTH);
  g_clear_error (&error);
  conn = at_pg_connect (nowhere, &error);
  g_assert_null (conn);
  g_assert_error (error, AT_SYNC_ERROR, AT_SYNC_ERROR_OFFLINE);
  g_clear_error (&error);
  {
    g_autofree char *shown = at_pg_redact (wrong);
    g_autofree char *with_key = g_strconcat (wrong, " sslpassword=key-secret", NULL);
    g_autofree char *shown_key = at_pg_redact (with_key);

    g_assert_null (strstr (shown, "not-the-password"));
    g_assert_nonnull (strstr (shown, "user=laptop_a"));
    /* (nor the password of the client's SSL key) */
    g_assert_null (strstr (shown_key, "key-secret"));
    g_assert_nonnull (strstr (shown_key, "user=laptop_a"));
  }
  /* a session left open by a workstation that vanished mid-push ends by itself */
  {
    g_autofree char *url = at_test_pg_conninfo (pg, "laptop_a", "secret-a");
    g_autoptr(PGconn) session = at_pg_connect (url, &error);
    g_autoptr(PGresult) r = NULL;

    g_assert_no_error (error);
    r = PQexec (session, "SHOW idle_in_transaction_session_timeout");
    g_assert_cmpstr (PQgetvalue (r, 0, 0), ==, "1min");
    /* and one whose link died in the middle of a COPY, by its keepalives */
    g_clear_pointer (&r, PQclear);
    r = PQexec (session, "SELECT current_setting ('tcp_keepalives_idle') || ' ' || current_setting ('tcp_user_timeout')");
    g_assert_cmpstr (PQgetvalue (r, 0, 0), ==, "10 30000");
  }
  /* the workstation's side of a link gone silent: found dead in seconds, the
   * URL's own choice kept */
  {
    g_autofree char *url = at_test_pg_conninfo (pg, "laptop_a", "secret-a");
    g_autoptr(PGconn) session = at_pg_connect (url, &error);
    PQconninfoOption *options;
    guint found = 0;

    g_assert_no_error (error);
    options = PQconninfo (session);
    for (PQconninfoOption *o = options; o->keyword != NULL; o++)
      if ((g_str_equal (o->keyword, "keepalives_idle") && g_strcmp0 (o->val, "10") == 0) ||
          (g_str_equal (o->keyword, "tcp_user_timeout") && g_strcmp0 (o->val, "30000") == 0) ||
          (g_str_equal (o->keyword, "connect_timeout") && g_strcmp0 (o->val, "10") == 0))
        found++;
    PQconninfoFree (options);
    g_assert_cmpuint (found, ==, 3);
  }
  /* an address libpq cannot read: said so, without quoting it (its words
   * would show the password) */
  {
    const char *bad[] = { "postgresql://laptop:se%zzcret@127.0.0.1:1/postgres", "host=127.0.0.1 password=se cret port" };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        conn = at_pg_connect (bad[i], &error);
        g_assert_null (conn);
        g_assert_error (error, AT_SYNC_ERROR, AT_SYNC_ERROR_AUTH);
        g_assert_nonnull (strstr (error->message, "malformed"));
        g_assert_null (strstr (error->message, "cret"));
        g_clear_error (&error);
        {
          g_autofree char *described = at_pg_describe (bad[i]);
          g_assert_null (strstr (described, "cret"));
        }
      }
  }
  /* a database that is not there is a setting to put right, not "offline" */
  {
    g_autofree char *url = g_strdup_printf ("host=127.0.0.1 port=%d dbname=no_such_db user=laptop_a password=secret-a",
                                            pg->port);
    conn = at_pg_connect (url, &error);
    g_assert_null (conn);
    g_assert_error (error, AT_SYNC_ERROR, AT_SYNC_ERROR_AUTH);
    g_assert_nonnull (strstr (error->message, "setting"));
    g_clear_error (&error);
  }
  /* said for people: who, where, which database; the default port and a socket said plainly */
  {
    const char *cases[][2] = {
      { "host=db.studio.lan port=5433 dbname=atelier user=laptop password=x connect_timeout=5",
        "laptop on db.studio.lan:5433, database atelier" },
      { "postgresql://desk:secret@10.0.0.2:5432/studio", "desk on 10.0.0.2, database studio" },
      { "host=/run/postgresql dbname=atelier", "this computer, database atelier" },
      { "user=laptop", "laptop on this computer" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autofree char *said = at_pg_describe (cases[i][0]);
        g_assert_cmpstr (said, ==, cases[i][1]);
      }
  }
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  pg = at_test_pg_start ();
  g_test_add_func ("/sync/server/tenancy", test_tenancy);
  g_test_add_func ("/sync/server/cell-rules", test_cell_rules);
  g_test_add_func ("/sync/server/report-views", test_report_views);
  g_test_add_func ("/sync/server/login-errors", test_login_errors);
  status = g_test_run ();
  at_test_pg_stop (pg);
  return status;
}
