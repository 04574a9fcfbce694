/* bench-sync.c — sync at scale on loopback: the first push of N photos'
 * metadata, a new workstation's first pull of it, then N field changes
 * pushed (and merged) and pulled, and a sync of the laptop with nothing
 * new.
 *
 *   bench-sync DIR URL N
 *
 * Prints the times and rates; bench/sync.sh starts the server and runs the
 * psql \copy reference beside it.
 */
#include "config.h"

#include "at-core.h"

static double
ms_since (gint64 t0)
{
  return (g_get_monotonic_time () - t0) / 1000.0;
}

static gboolean
fill (AtSqlConn *conn, gpointer data, GError **error)
{
  g_autofree char *sql = g_strdup_printf (
    "WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < %d - 1) "
    "INSERT INTO photos (id, content_hash, file_size, original_name, file_name, library_path, capture_time, "
    "body_serial, rating, color_label, picked) "
    "SELECT printf('%%08d-0000-7000-8000-%%012d', i, i), printf('%%032x', i), 24000000 + i, "
    "printf('IMG_%%04d.CR3', i %% 9999 + 1), printf('2026%%04d_IMG_%%04d.cr3', i / 9999, i %% 9999 + 1), "
    "printf('2026/%%04d/IMG_%%08d.cr3', i / 9999, i), "
    "strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ', '2026-01-01T08:00:00Z', printf('+%%d seconds', i * 7)), "
    "'032021001234', (i * 7919) %% 6, 'none', 0 FROM s", GPOINTER_TO_INT (data));
  return at_sql_conn_exec (conn, sql, error);
}

static gboolean
rate_all (AtSqlConn *conn, gpointer data, GError **error)
{
  return at_sql_conn_exec (conn, "UPDATE photos SET rating = (rating + 1) % 6", error);
}

static void
sync_timed (AtCatalog *catalog, const char *url, const char *what, AtSyncReport *r)
{
  g_autoptr(GError) error = NULL;
  gint64 t0 = g_get_monotonic_time ();
  double ms;

  if (!at_sync_once (catalog, url, r, NULL, &error))
    g_error ("%s: %s", what, error->message);
  ms = ms_since (t0);
  g_print ("%-28s %9.1f ms  pushed %u, pulled %u, applied %u  (%.0f fields/s)\n", what, ms, r->pushed, r->pulled, r->applied,
           (r->pushed + r->pulled) / (ms / 1000.0));
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtCatalog) a = NULL;
  g_autoptr(AtCatalog) b = NULL;
  g_autofree char *pa = NULL, *pb = NULL;
  AtSyncReport r;
  int n;
  gint64 t0;

  if (argc != 4)
    {
      g_printerr ("usage: bench-sync DIR URL N\n");
      return 2;
    }
  n = atoi (argv[3]);
  pa = g_build_filename (argv[1], "laptop.atelier", NULL);
  pb = g_build_filename (argv[1], "desk.atelier", NULL);
  if ((a = at_catalog_open (pa, AT_CATALOG_OPEN_CREATE, &error)) == NULL ||
      (b = at_catalog_open (pb, AT_CATALOG_OPEN_CREATE, &error)) == NULL)
    g_error ("%s", error->message);

  t0 = g_get_monotonic_time ();
  if (!at_catalog_write_sync (a, "photos", fill, GINT_TO_POINTER (n), &error))
    g_error ("%s", error->message);
  g_print ("%-28s %9.1f ms  (%d photos, each captured whole)\n", "catalog filled", ms_since (t0), n);

  sync_timed (a, argv[2], "first push (rows)", &r);
  sync_timed (b, argv[2], "initial sync, new desk", &r);

  t0 = g_get_monotonic_time ();
  if (!at_catalog_write_sync (a, "photos", rate_all, NULL, &error))
    g_error ("%s", error->message);
  g_print ("%-28s %9.1f ms  (%d field changes captured)\n", "ratings changed", ms_since (t0), n);
  sync_timed (a, argv[2], "push + merge (fields)", &r);
  sync_timed (b, argv[2], "pull (fields)", &r);
  /* (it read its own cells on the server at every sync, all it had pushed) */
  sync_timed (a, argv[2], "nothing new, the laptop", &r);
  return 0;
}
