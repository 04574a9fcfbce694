/* test-sync-converge-worker.c — one workstation of the convergence test:
 * random offline edits, follows and syncs, with faults injected at random
 * (test-sync-converge.c runs four, each in its own process). */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "at-test-util.h"
#include "test-sync-converge.h"

static const char *const keywords[] = { "Ceremony", "Family", "Rings", "Dance" };
static const char *const labels[] = { "none", "red", "yellow", "green", "blue", "purple" };

static GRand *worker_rand;
static int fault_pct;
static int fault_log = -1;

/* Every fault is logged (the parent counts them), and at "mid-apply" the
 * worker dies by SIGKILL: a page written into the catalog, not committed. */
static gboolean
random_fault (const char *point, gpointer data)
{
  gboolean kill_here = g_str_equal (point, "mid-apply");
  g_autofree char *line = g_strdup_printf ("%s\n", point);

  if ((int) g_rand_int_range (worker_rand, 0, 100) >= (kill_here ? fault_pct / 3 : fault_pct))
    return FALSE;
  g_assert_cmpint (write (fault_log, line, strlen (line)), ==, (gssize) strlen (line));
  if (kill_here)
    raise (SIGKILL);
  return TRUE;
}

typedef struct
{
  char *sql;
  char *tbl;
  char *pk;
  char *col;
} Edit;

/* The edit, then what it left (value and clock) in the catalog's own log,
 * in one transaction: a SIGKILL keeps both or neither. */
static gboolean
write_edit (AtSqlConn *conn, gpointer data, GError **error)
{
  Edit *e = data;
  char *log;
  gboolean ok;

  if (!at_sql_conn_exec (conn, e->sql, error))
    return FALSE;
  /* (a hard delete: the tombstone's clock, the row being gone) */
  if (g_str_equal (e->col, "_deleted"))
    log = sqlite3_mprintf ("INSERT INTO sync_test_log (tbl, pk, col, val, hlc, node) SELECT tbl, pk, col, NULL, hlc, node "
                           "FROM sync_clock WHERE tbl = '%q' AND pk = '%q' AND col = '_deleted'", e->tbl, e->pk);
  else
    log = sqlite3_mprintf ("INSERT INTO sync_test_log (tbl, pk, col, val, hlc, node) "
                         "SELECT '%q', '%q', '%q', (SELECT quote(\"%w\") FROM \"%w\" WHERE id = '%q'), "
                         "c.hlc, c.node FROM sync_clock c WHERE c.tbl = '%q' AND c.pk = '%q' "
                         "AND c.col IN ('%q', '*') ORDER BY c.hlc DESC LIMIT 1",
                         e->tbl, e->pk, e->col, e->col, e->tbl, e->pk, e->tbl, e->pk, e->col);
  ok = at_sql_conn_exec (conn, log, error);
  sqlite3_free (log);
  return ok;
}

static char *
random_row (AtCatalog *catalog, const char *tbl)
{
  g_autofree char *sql = g_strdup_printf ("SELECT id FROM %s ORDER BY id LIMIT 1 OFFSET (%u %% max(1, (SELECT count(*) FROM %s)))",
                                          tbl, g_rand_int (worker_rand) % 1000, tbl);
  return at_test_sql_text (catalog, sql);
}

static void
edit (AtCatalog *catalog, const char *tbl, const char *pk, const char *col, char *sql)
{
  Edit e = { sql, (char *) tbl, (char *) pk, (char *) col };
  g_autoptr(GError) error = NULL;

  if (!at_catalog_write_sync (catalog, "photos", write_edit, &e, &error))
    g_error ("worker edit failed: %s (%s)", error->message, sql);
  g_free (sql);
}

int
converge_worker (char **argv)
{
  /* --worker CATALOG URL SEED STEPS FAULT_PCT PLAIN */
  g_autoptr(GError) error = NULL;
  g_autoptr(AtCatalog) catalog = at_catalog_open (argv[2], AT_CATALOG_OPEN_DEFAULT, &error);
  const char *url = argv[3];
  int steps = atoi (argv[5]);

  if (catalog == NULL)
    g_error ("%s", error->message);
  worker_rand = g_rand_new_with_seed ((guint32) g_ascii_strtoull (argv[4], NULL, 10));
  fault_pct = atoi (argv[6]);
  {
    g_autofree char *log = g_strconcat (argv[2], ".faults", NULL);
    fault_log = g_open (log, O_WRONLY | O_CREAT | O_APPEND, 0644);
    g_assert_cmpint (fault_log, >=, 0);
  }
  at_sync_set_plain_cursor (atoi (argv[7]) != 0);
  at_sync_set_fault_func (random_fault, NULL);
  at_test_sql_exec (catalog, "CREATE TABLE IF NOT EXISTS sync_test_log (tbl TEXT, pk TEXT, col TEXT, val TEXT, "
                             "hlc INTEGER, node INTEGER)");
  for (int i = 0; i < steps; i++)
    {
      g_autofree char *p = random_row (catalog, "photos");
      int op = g_rand_int_range (worker_rand, 0, 100);
      AtSyncReport r;

      if (p == NULL)
        op = 95;
      if (op < 31)
        edit (catalog, "photos", p, "rating",
              g_strdup_printf ("UPDATE photos SET rating = %d WHERE id = '%s'", g_rand_int_range (worker_rand, 0, 6), p));
      else if (op < 46)
        edit (catalog, "photos", p, "color_label",
              g_strdup_printf ("UPDATE photos SET color_label = '%s' WHERE id = '%s'",
                               labels[g_rand_int_range (worker_rand, 0, G_N_ELEMENTS (labels))], p));
      else if (op < 54)
        edit (catalog, "photos", p, "picked", g_strdup_printf ("UPDATE photos SET picked = 1 - picked WHERE id = '%s'", p));
      else if (op < 62)
        edit (catalog, "photos", p, "deleted_at",
              g_strdup_printf ("UPDATE photos SET deleted_at = %s WHERE id = '%s'",
                               g_rand_boolean (worker_rand) ? "strftime('%Y-%m-%dT%H:%M:%fZ','now')" : "NULL", p));
      else if (op < 70)
        {
          /* album membership, as at-albums.c sets it (one id per album and photo) */
          g_autofree char *album = random_row (catalog, "albums");
          char id[AT_UUID_STRING_LEN + 1];
          int present = g_rand_boolean (worker_rand);
          if (album == NULL)
            continue;
          at_uuid_member (id, album, p);
          edit (catalog, "album_items", id, "present",
                g_strdup_printf ("INSERT INTO album_items (id, album_id, photo_id, present) VALUES ('%s', '%s', '%s', %d) "
                                 "ON CONFLICT (album_id, photo_id) DO UPDATE SET present = excluded.present",
                                 id, album, p, present));
        }
      else if (op < 78)
        {
          const char *k = keywords[g_rand_int_range (worker_rand, 0, G_N_ELEMENTS (keywords))];
          char id[AT_UUID_STRING_LEN + 1];
          int present = g_rand_boolean (worker_rand);
          at_uuid_member (id, p, k);
          edit (catalog, "photo_keywords", id, "present",
                g_strdup_printf ("INSERT INTO photo_keywords (id, photo_id, keyword, present) VALUES ('%s', '%s', '%s', %d) "
                                 "ON CONFLICT (photo_id, keyword) DO UPDATE SET present = excluded.present",
                                 id, p, k, present));
        }
      else if (op < 82)
        {
          char id[AT_UUID_STRING_LEN + 1];
          at_uuid_v7_generate (id);
          edit (catalog, "photos", id, "rating",
                g_strdup_printf ("INSERT INTO photos (id, content_hash, file_size, original_name, file_name, library_path, "
                                 "rating) VALUES ('%s', '%s', 1000, 'new.jpg', 'new-%s.jpg', 'new/%s.jpg', %d)",
                                 id, id, id, id, g_rand_int_range (worker_rand, 0, 6)));
        }
      else if (op < 88)
        {
          /* a face found, its score changed, or the face deleted outright,
           * as a rescan deletes a photo's faces (at-face-scan.c): a
           * tombstone, which no edit made elsewhere may undo */
          g_autofree char *face = random_row (catalog, "faces");
          int score = g_rand_int_range (worker_rand, 1, 8) * 125;   /* eighths: exact in binary */
          int what = g_rand_int_range (worker_rand, 0, 3);
          char id[AT_UUID_STRING_LEN + 1];

          if (face == NULL || what == 0)
            {
              at_uuid_v7_generate (id);
              edit (catalog, "faces", id, "detector_score",
                    g_strdup_printf ("INSERT INTO faces (id, photo_id, box_x, box_y, box_w, box_h, detector_score) "
                                     "VALUES ('%s', '%s', 0.25, 0.25, 0.5, 0.5, 0.%03d)", id, p, score));
            }
          else if (what == 1)
            edit (catalog, "faces", face, "detector_score",
                  g_strdup_printf ("UPDATE faces SET detector_score = 0.%03d WHERE id = '%s'", score, face));
          else
            edit (catalog, "faces", face, "_deleted", g_strdup_printf ("DELETE FROM faces WHERE id = '%s'", face));
        }
      else if (op < 90)
        {
          /* the shoot's project: dropped (refused while its changes wait) or followed again */
          gboolean followed = at_test_sql_int (catalog, "SELECT count(*) FROM sync_buckets b JOIN projects p "
                                                        "ON p.id = b.bucket WHERE p.project_number = 'P-2026-001'") > 0;
          if (followed)
            at_sync_unfollow (catalog, "P-2026-001", NULL, NULL);
          else
            at_sync_follow (catalog, "P-2026-001", NULL);
        }
      else
        at_sync_once (catalog, url, &r, NULL, NULL);   /* faults and all: failures are expected */
    }
  at_sync_once (catalog, url, &(AtSyncReport) { 0 }, NULL, NULL);
  g_rand_free (worker_rand);
  return 0;
}
