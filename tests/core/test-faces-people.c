/* test-faces-people.c — people, consent, matching, review and groups, on
 * dlib's collage of four people (24 photos pasted into one; 23 faces
 * found), cut back into one photo a face. The truth (who each face is)
 * comes from where it sits in the collage.
 *   consent: no selfie is enrolled, nor any face matched, without it;
 *     revoking deletes the templates and the automatic tags;
 *   matching: every suggestion for a person is that person; a rejected
 *     suggestion is never made again; two faces of one photo are never
 *     the same person;
 *   groups: pure, one a person, never two faces of one photo; naming a
 *     group tags its faces (and keeps no template without consent). */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "at-test-faces.h"
#include "at-test-util.h"

static AtFaceEngine *engine;
static char *collage;

#define DIESEL AT_TEST_DIESEL
#define WILLIS AT_TEST_WILLIS
#define names at_test_face_names

typedef struct
{
  char      *dir;
  AtCatalog *catalog;
  char      *library;
  int        who[64];     /* by photo, in id order */
  char      *selfie;      /* a crop of Vin Diesel's first face */
} Crops;

static void
crops_setup (Crops *c, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cache = NULL;
  g_autoptr(AtFaceScan) scan = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  guint failed = 1;

  c->dir = at_test_make_tmpdir ();
  c->catalog = at_test_faces_catalog (c->dir, engine, c->who, &c->selfie);
  c->library = g_build_filename (c->dir, "library", NULL);
  cache = g_build_filename (c->dir, "cache", NULL);
  scan = at_face_scan_new (c->catalog, engine, c->library, cache);
  at_test_sql_exec (c->catalog, "UPDATE projects SET face_processing = 1");
  at_face_scan_run (scan, NULL, at_test_async_done, &result);
  g_assert_true (at_face_scan_run_finish (scan, at_test_async_wait (&result), NULL, NULL, &failed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (failed, ==, 0);
  g_assert_true (at_catalog_flush (c->catalog, NULL));
}

static void
crops_teardown (Crops *c, gconstpointer data)
{
  g_clear_object (&c->catalog);
  at_test_rm_rf (c->dir);
  g_free (c->dir);
  g_free (c->library);
  g_free (c->selfie);
}

/* Photos the Library shows for @person (AtPhotoFilter.person). */
static gint64
photos_of (Crops *c, const char *person)
{
  AtPhotoFilter filter;
  g_autoptr(GError) error = NULL;
  AtSqlConn *conn = at_catalog_get_reader (c->catalog, &error);
  g_autofree char *where = NULL;
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;
  gint64 n = -1;
  int params = 0;

  at_photo_filter_init (&filter);
  filter.person = g_strdup (person);
  where = at_photo_filter_where (&filter, 1, &params);
  sql = g_strdup_printf ("SELECT count(*) FROM photos p %s", where);
  g_assert_true (at_catalog_flush (c->catalog, NULL));
  stmt = at_sql_conn_prepare (conn, sql, &error);
  g_assert_no_error (error);
  at_photo_filter_bind (&filter, stmt, 1);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  at_sql_stmt_release (stmt);
  at_photo_filter_clear (&filter);
  return n;
}

/* Who the face with this id is, by the truth of its photo. */
static int
who_is (Crops *c, const char *face)
{
  g_autofree char *sql = g_strdup_printf ("SELECT (SELECT count(*) FROM photos q WHERE q.id < f.photo_id) FROM faces f "
                                          "WHERE f.id = '%s'", face);

  return c->who[at_test_sql_int (c->catalog, sql)];
}

/* Every pending suggestion's face, checked against the truth: returns how
 * many there are, and how many are right. */
static guint
check_suggestions (Crops *c, const char *person, guint *right)
{
  g_autoptr(GError) error = NULL;
  AtSqlConn *conn = at_catalog_get_reader (c->catalog, &error);
  sqlite3_stmt *stmt = at_sql_conn_prepare (conn, "SELECT t.face_id, p.display_name FROM face_tags t "
                                                  "JOIN people p ON p.id = t.person_id WHERE t.review_state = 'pending'",
                                            &error);
  g_autoptr(GPtrArray) faces = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) people = g_ptr_array_new_with_free_func (g_free);

  g_assert_no_error (error);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_ptr_array_add (faces, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
      g_ptr_array_add (people, g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
    }
  at_sql_stmt_release (stmt);
  *right = 0;
  for (guint i = 0; i < faces->len; i++)
    {
      g_assert_cmpstr (people->pdata[i], ==, person);
      *right += g_str_equal (names[who_is (c, faces->pdata[i])], person);
    }
  return faces->len;
}

static void
test_consent (Crops *c, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  const char *selfie[] = { c->selfie, NULL };
  const char *group[] = { collage, NULL };
  guint enrolled = 0, suggested = 0;

  g_assert_false (at_face_enroll (c->catalog, engine, names[DIESEL], selfie, &enrolled, &error));
  g_assert_error (error, AT_CATALOG_ERROR, AT_CATALOG_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_free (at_face_person_ensure (c->catalog, names[DIESEL], &error));
  g_assert_no_error (error);
  /* a guest who is the studio's customer, and who works there too */
  {
    g_autofree char *customer = at_test_sql_text (c->catalog, "SELECT primary_name FROM customers ORDER BY id");
    g_autofree char *staff = at_test_sql_text (c->catalog, "SELECT id FROM staff ORDER BY id");

    g_assert_true (at_face_person_link (c->catalog, names[DIESEL], customer, staff, &error));
    g_assert_no_error (error);
    g_assert_cmpint (at_test_sql_int (c->catalog, "SELECT count(*) FROM people WHERE customer_id IS NOT NULL "
                                                  "AND staff_id IS NOT NULL"), ==, 1);
    g_assert_false (at_face_person_link (c->catalog, names[DIESEL], "Nobody Known", NULL, &error));
    g_assert_error (error, AT_CATALOG_ERROR, AT_CATALOG_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }
  g_assert_false (at_face_enroll (c->catalog, engine, names[DIESEL], selfie, &enrolled, &error));
  g_assert_error (error, AT_FACE_ERROR, AT_FACE_ERROR_CONSENT);
  g_clear_error (&error);
  g_assert_cmpint (at_test_sql_int (c->catalog, "SELECT count(*) FROM reference_faces"), ==, 0);

  g_assert_true (at_face_consent_set (c->catalog, names[DIESEL], TRUE, "2026-11", &error));
  g_assert_no_error (error);
  g_assert_false (at_face_enroll (c->catalog, engine, names[DIESEL], group, &enrolled, &error));
  g_assert_error (error, AT_FACE_ERROR, AT_FACE_ERROR_NO_FACE);
  g_assert_nonnull (strstr (error->message, "23 faces"));
  g_clear_error (&error);
  g_assert_true (at_face_enroll (c->catalog, engine, names[DIESEL], selfie, &enrolled, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (enrolled, ==, 1);
  g_assert_true (at_face_match (c->catalog, NULL, &suggested, NULL, &error));
  g_assert_cmpuint (suggested, >, 0);
  at_test_sql_exec (c->catalog, "UPDATE face_tags SET review_state = 'confirmed', source = 'manual' WHERE rowid = "
                                "(SELECT min(rowid) FROM face_tags)");

  /* revoked: templates, automatic tags and the confirmed faces' embeddings go */
  g_assert_true (at_face_consent_set (c->catalog, names[DIESEL], FALSE, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (at_test_sql_int (c->catalog, "SELECT count(*) FROM reference_faces"), ==, 0);
  g_assert_cmpint (at_test_sql_int (c->catalog, "SELECT count(*) FROM face_tags WHERE source = 'auto'"), ==, 0);
  g_assert_cmpint (at_test_sql_int (c->catalog, "SELECT count(*) FROM face_tags WHERE review_state = 'confirmed'"), ==, 1);
  g_assert_cmpint (at_test_sql_int (c->catalog, "SELECT count(*) FROM faces f JOIN face_tags t ON t.face_id = f.id "
                                                "WHERE t.review_state = 'confirmed' AND f.embedding IS NULL"), ==, 1);
  /* and nothing is matched to them */
  g_assert_true (at_face_match (c->catalog, NULL, &suggested, NULL, &error));
  g_assert_cmpuint (suggested, ==, 0);
  g_assert_false (at_face_consent_set (c->catalog, names[DIESEL], FALSE, NULL, &error));
  g_assert_error (error, AT_FACE_ERROR, AT_FACE_ERROR_CONSENT);
}

static void
test_match_and_review (Crops *c, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  const char *selfie[] = { c->selfie, NULL };
  guint suggested = 0, strong = 0, right = 0, again = 0;
  g_autofree char *confirm = NULL;
  g_autofree char *reject = NULL;

  g_free (at_face_person_ensure (c->catalog, names[DIESEL], &error));
  g_assert_true (at_face_consent_set (c->catalog, names[DIESEL], TRUE, NULL, &error));
  g_assert_true (at_face_enroll (c->catalog, engine, names[DIESEL], selfie, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (at_face_match (c->catalog, NULL, &suggested, &strong, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (check_suggestions (c, names[DIESEL], &right), ==, suggested);
  g_test_message ("%u suggestions (%u strong) for Vin Diesel, %u right", suggested, strong, right);
  g_assert_cmpuint (right, ==, suggested);
  g_assert_cmpuint (suggested, >=, 4);

  /* confirm one, reject one: the rejected pair is never suggested again */
  confirm = at_test_sql_text (c->catalog, "SELECT face_id FROM face_tags WHERE review_state = 'pending' ORDER BY distance");
  reject = at_test_sql_text (c->catalog, "SELECT face_id FROM face_tags WHERE review_state = 'pending' "
                                         "ORDER BY distance DESC");
  /* suggestions are no names: the Library shows him in no photo yet */
  g_assert_cmpint (photos_of (c, names[DIESEL]), ==, 0);
  g_assert_true (at_face_review (c->catalog, confirm, NULL, AT_FACE_CONFIRM, &error));
  g_assert_true (at_face_review (c->catalog, reject, NULL, AT_FACE_REJECT, &error));
  g_assert_no_error (error);
  g_assert_cmpint (photos_of (c, names[DIESEL]), ==, 1);
  g_assert_true (at_face_match (c->catalog, NULL, &again, NULL, &error));
  {
    g_autofree char *sql = g_strdup_printf ("SELECT review_state FROM face_tags WHERE face_id = '%s'", reject);
    g_autofree char *state = at_test_sql_text (c->catalog, sql);
    g_assert_cmpstr (state, ==, "rejected");
  }
  g_assert_false (at_face_review (c->catalog, reject, NULL, AT_FACE_CONFIRM, &error));
  g_clear_error (&error);

  /* reassigned to someone without consent: tagged, no template kept */
  g_free (at_face_person_ensure (c->catalog, names[WILLIS], &error));
  g_assert_true (at_face_review (c->catalog, reject, names[WILLIS], AT_FACE_CONFIRM, &error));
  g_assert_no_error (error);
  {
    g_autofree char *sql = g_strdup_printf ("SELECT embedding IS NULL FROM faces WHERE id = '%s'", reject);
    g_assert_cmpint (at_test_sql_int (c->catalog, sql), ==, 1);
  }
}

/* The whole collage as one photo: one face at most is suggested as him. */
static void
test_one_photo (Crops *c, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  const char *selfie[] = { c->selfie, NULL };
  g_autofree char *first = at_test_sql_text (c->catalog, "SELECT library_path FROM photos ORDER BY id");
  g_autofree char *target = g_build_filename (c->library, first, NULL);
  g_autofree char *cache = g_build_filename (c->dir, "cache", NULL);
  g_autoptr(AtFaceScan) scan = at_face_scan_new (c->catalog, engine, c->library, cache);
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *bytes = NULL;
  gsize n = 0;
  guint suggested = 0;

  g_assert_true (g_file_get_contents (collage, &bytes, &n, NULL));
  g_assert_true (g_file_set_contents (target, bytes, (gssize) n, NULL));
  at_test_rm_rf (cache);
  at_test_sql_exec (c->catalog, "DELETE FROM face_scans WHERE id = (SELECT min(id) FROM photos)");
  at_face_scan_run (scan, NULL, at_test_async_done, &result);
  g_assert_true (at_face_scan_run_finish (scan, at_test_async_wait (&result), NULL, NULL, NULL, &error));
  g_assert_cmpint (at_test_sql_int (c->catalog, "SELECT count(*) FROM faces WHERE photo_id = (SELECT min(id) FROM photos)"),
                   ==, 23);
  g_free (at_face_person_ensure (c->catalog, names[DIESEL], &error));
  g_assert_true (at_face_consent_set (c->catalog, names[DIESEL], TRUE, NULL, &error));
  g_assert_true (at_face_enroll (c->catalog, engine, names[DIESEL], selfie, NULL, &error));
  g_assert_true (at_face_match (c->catalog, NULL, &suggested, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (at_test_sql_int (c->catalog, "SELECT count(*) FROM face_tags t JOIN faces f ON f.id = t.face_id "
                                                "WHERE f.photo_id = (SELECT min(id) FROM photos)"), ==, 1);
}

/* The collage's 23 faces, grouped as 23 photos: pure groups; as one photo:
 * no group at all. */
static void
test_cluster_collage (void)
{
  g_autoptr(GError) error = NULL;
  int w, h, photo[64], labels[64], one[64];
  g_autoptr(GPtrArray) faces = at_face_engine_scan_file (engine, collage, &w, &h, &error);
  g_autofree float *vectors = g_new (float, faces->len * 128);
  int owner[64];
  guint groups = 0, grouped = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < faces->len; i++)
    {
      AtFace *f = faces->pdata[i];
      memcpy (vectors + i * 128, f->descriptor, sizeof f->descriptor);
      photo[i] = (int) i;
      one[i] = 0;
      labels[i] = -1;
    }
  at_face_cluster_vectors (vectors, photo, faces->len, 0.5, 3, labels);
  for (int g = 0; g < 64; g++)
    owner[g] = -1;
  for (guint i = 0; i < faces->len; i++)
    {
      AtFace *f = faces->pdata[i];
      int who = at_test_faces_who_at (f->box.x + f->box.w / 2, f->box.y + f->box.h / 2);
      if (labels[i] < 0)
        continue;
      grouped++;
      if (owner[labels[i]] < 0)
        {
          owner[labels[i]] = who;
          groups++;
        }
      /* pure: one person a group */
      g_assert_cmpint (owner[labels[i]], ==, who);
    }
  g_test_message ("%u of %u faces in %u groups", grouped, faces->len, groups);
  g_assert_cmpuint (groups, ==, 4);
  g_assert_cmpuint (grouped, >=, 20);
  for (guint i = 0; i < faces->len; i++)
    labels[i] = -1;
  at_face_cluster_vectors (vectors, one, faces->len, 0.5, 3, labels);
  for (guint i = 0; i < faces->len; i++)
    g_assert_cmpint (labels[i], ==, -1);
}

/* A face passed over (too few free neighbours) joins a group made after it:
 * clustering again finds nothing new. Face 0 reaches only face 3; faces 1, 2
 * and 3 make a group after face 0's turn. */
static void
test_cluster_fixpoint (void)
{
  const float at[4] = { 0.0f, 0.9f, 1.0f, 0.45f };
  const int photo[4] = { 0, 1, 2, 3 };
  g_autofree float *vectors = g_new0 (float, 4 * 128);
  int labels[4] = { -1, -1, -1, -1 };

  for (int i = 0; i < 4; i++)
    vectors[i * 128] = at[i];
  at_face_cluster_vectors (vectors, photo, 4, 0.5, 3, labels);
  g_assert_cmpint (labels[1], >=, 0);
  g_assert_cmpint (labels[2], ==, labels[1]);
  g_assert_cmpint (labels[3], ==, labels[1]);
  g_assert_cmpint (labels[0], ==, labels[1]);
}

/* Groups in the catalog; naming one tags its faces as the new person. */
static void
test_cluster_catalog (Crops *c, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  guint grouped = 0, tagged = 0, again = 0;
  g_autofree char *group = NULL;
  gint64 size;

  g_assert_true (at_face_cluster (c->catalog, NULL, &grouped, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (grouped, >=, 18);
  g_assert_cmpint (at_test_sql_int (c->catalog, "SELECT count(DISTINCT cluster_id) FROM face_clusters"), ==, 4);
  /* again: nothing new, the groups stay */
  g_assert_true (at_face_cluster (c->catalog, NULL, &again, &error));
  g_assert_cmpuint (again, ==, 0);
  group = at_test_sql_text (c->catalog, "SELECT cluster_id FROM face_clusters GROUP BY cluster_id ORDER BY count(*) DESC");
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM face_clusters WHERE cluster_id = '%s'", group);
    size = at_test_sql_int (c->catalog, sql);
  }
  /* the Faces page's read of its queue, on a worker: every grouped face,
   * the largest group first and each group's faces together; no
   * suggestions (no one enrolled); a read cancelled says so */
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GAsyncResult) dropped = NULL;
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    g_autoptr(GPtrArray) suggestions = NULL;
    g_autoptr(GPtrArray) groups = NULL;
    g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

    at_face_queue_read_async (c->catalog, NULL, at_test_async_done, &result);
    g_assert_true (at_face_queue_read_finish (at_test_async_wait (&result), &suggestions, &groups, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (suggestions->len, ==, 0);
    g_assert_cmpuint (groups->len, ==, grouped);
    g_assert_cmpuint (groups->len, ==, at_test_sql_int (c->catalog, "SELECT count(*) FROM face_clusters"));
    g_assert_cmpint (at_test_sql_int (c->catalog, "SELECT count(*) FROM face_clusters WHERE cluster_id = (SELECT cluster_id "
                                                  "FROM face_clusters GROUP BY cluster_id ORDER BY count(*) DESC, cluster_id)"),
                     ==, size);
    for (guint i = 0, run = 0, last = G_MAXUINT; i <= groups->len; i++, run++)
      {
        AtFaceItem *item = i < groups->len ? groups->pdata[i] : NULL;

        g_assert_true (item == NULL || item->library_path != NULL);
        if (i > 0 && (item == NULL || g_strcmp0 (item->cluster_id, ((AtFaceItem *) groups->pdata[i - 1])->cluster_id) != 0))
          {
            /* a group's faces together, no larger than the one before */
            g_assert_true (g_hash_table_add (seen, ((AtFaceItem *) groups->pdata[i - 1])->cluster_id));
            g_assert_cmpuint (run, <=, last);
            last = run;
            run = 0;
          }
      }
    g_assert_cmpuint (g_hash_table_size (seen), ==, 4);
    g_clear_pointer (&suggestions, g_ptr_array_unref);
    g_clear_pointer (&groups, g_ptr_array_unref);
    at_face_queue_read_async (c->catalog, cancellable, at_test_async_done, &dropped);
    g_cancellable_cancel (cancellable);
    g_assert_false (at_face_queue_read_finish (at_test_async_wait (&dropped), &suggestions, &groups, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_null (groups);
    g_clear_error (&error);
  }
  g_assert_true (at_face_review_cluster (c->catalog, group, "Somebody", TRUE, &tagged, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tagged, ==, size);
  g_assert_cmpint (at_test_sql_int (c->catalog, "SELECT count(*) FROM face_tags t JOIN people p ON p.id = t.person_id "
                                                "WHERE p.display_name = 'Somebody' AND t.review_state = 'confirmed'"), ==, size);
  /* no consent: the names stay, the templates go */
  g_assert_cmpint (at_test_sql_int (c->catalog, "SELECT count(*) FROM faces f JOIN face_tags t ON t.face_id = f.id "
                                                "WHERE f.embedding IS NOT NULL"), ==, 0);
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM face_clusters WHERE cluster_id = '%s'", group);
    g_assert_cmpint (at_test_sql_int (c->catalog, sql), ==, 0);
  }
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  g_assert_true (at_vips_init (NULL));
  collage = at_test_faces_collage ();
  engine = at_face_engine_new (NULL, &error);
  g_assert_no_error (error);
  g_test_add ("/faces/people/consent", Crops, NULL, crops_setup, test_consent, crops_teardown);
  g_test_add ("/faces/people/match-and-review", Crops, NULL, crops_setup, test_match_and_review, crops_teardown);
  g_test_add ("/faces/people/one-photo", Crops, NULL, crops_setup, test_one_photo, crops_teardown);
  g_test_add_func ("/faces/cluster/collage", test_cluster_collage);
  g_test_add_func ("/faces/cluster/fixpoint", test_cluster_fixpoint);
  g_test_add ("/faces/cluster/catalog", Crops, NULL, crops_setup, test_cluster_catalog, crops_teardown);
  status = g_test_run ();
  g_object_unref (engine);
  g_free (collage);
  return status;
}
