/* test-faces.c — Atelier's face engine against the reference and real
 * faces (tests/services/faces: the reference library, and photos from
 * Debian's libdlib19.1 and the face-api package, fetched by scripts/setup).
 *   parity: on PNG copies of 16 photos, the reference (face-api on tfjs's
 *     WASM backend, run here by node) and Atelier find the same faces:
 *     boxes and landmarks within 0.01 px, descriptors within L2 1e-4;
 *   recall: at least 40 of the 43 faces annotated in dlib's VOC photos;
 *   identity: dlib's aligned chips of five people, each person's within
 *     0.6 of each other and everyone else's beyond it; with dlib's
 *     alignment, no two people in one party photo within 0.55;
 *   models: a missing or altered model is a clear error;
 *   scan: a catalog's photos scanned into faces, resumably. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <vips/vips.h>

#include "at-test-cli.h"
#include "at-test-util.h"

static AtFaceEngine *engine;
static const char *service;

static char *
image_path (const char *relative)
{
  return g_build_filename (service, "images", relative, NULL);
}

static char *
models_dir (void)
{
  return at_face_models_dir ();
}

/* The reference's output for each PNG: one JSON object per line. */
static GPtrArray *
reference (GPtrArray *pngs)
{
  g_autofree char *models = models_dir ();
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *objects = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  int status = 0;

  g_ptr_array_add (argv, "node");
  g_ptr_array_add (argv, "faceref.js");
  g_ptr_array_add (argv, models);
  for (guint i = 0; i < pngs->len; i++)
    g_ptr_array_add (argv, pngs->pdata[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (service, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status,
                               &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("faceref.js failed: %s", err);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (*lines[i] != '\0')
      {
        JsonNode *node = json_from_string (lines[i], &error);
        g_assert_no_error (error);
        g_ptr_array_add (objects, node);
      }
  return objects;
}

static double
number (JsonArray *a, guint i)
{
  return json_array_get_double_element (a, i);
}

static void
test_parity (void)
{
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autoptr(GPtrArray) pngs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) refs = NULL;
  g_autofree char *models = models_dir ();
  const char *dlib[] = { "2007_007763", "2008_001009", "2008_001322", "2008_002079", "2008_002470", "2008_002506",
                         "2008_004176", "2008_007676", "2009_004587", "bald_guys" };
  double worst_box = 0, worst_mark = 0, worst_desc = 0;
  guint faces = 0;

  /* PNG: both sides read the same pixels (JPEG decoders differ by a few levels) */
  for (guint i = 0; i < 6 + G_N_ELEMENTS (dlib); i++)
    {
      g_autofree char *jpeg = i < 6 ? g_strdup_printf ("%s/../demo/sample%u.jpg", models, i + 1)
                                    : g_strdup_printf ("%s/images/dlib/faces/%s.jpg", service, dlib[i - 6]);
      g_autofree char *base = g_path_get_basename (jpeg);
      char *png = g_build_filename (dir, base, NULL);
      g_autoptr(VipsImage) image = vips_image_new_from_file (jpeg, NULL);

      strcpy (png + strlen (png) - 3, "png");
      g_assert_nonnull (image);
      g_assert_cmpint (vips_image_write_to_file (image, png, NULL), ==, 0);
      g_ptr_array_add (pngs, png);
    }
  refs = reference (pngs);
  /* the reference cuts its chips its own way */
  at_face_engine_set_align (engine, AT_FACE_ALIGN_FACE_API);
  g_assert_cmpuint (refs->len, ==, pngs->len);
  for (guint i = 0; i < pngs->len; i++)
    {
      JsonObject *ref = json_node_get_object (refs->pdata[i]);
      JsonArray *ref_faces = json_object_get_array_member (ref, "faces");
      g_autoptr(GError) error = NULL;
      int width, height;
      g_autoptr(GPtrArray) ours = at_face_engine_scan_file (engine, pngs->pdata[i], &width, &height, &error);

      g_assert_no_error (error);
      g_assert_cmpint (width, ==, json_object_get_int_member (ref, "width"));
      g_test_message ("%s: %u faces, the reference %u", (char *) pngs->pdata[i], ours->len,
                      json_array_get_length (ref_faces));
      g_assert_cmpuint (ours->len, ==, json_array_get_length (ref_faces));
      for (guint k = 0; k < ours->len; k++)
        {
          AtFace *f = ours->pdata[k];
          JsonObject *r = json_array_get_object_element (ref_faces, k);
          JsonArray *box = json_object_get_array_member (r, "box");
          JsonArray *marks = json_object_get_array_member (r, "landmarks");
          JsonArray *desc = json_object_get_array_member (r, "descriptor");
          double b[4] = { f->box.x, f->box.y, f->box.w, f->box.h }, sum = 0;

          for (guint j = 0; j < 4; j++)
            worst_box = MAX (worst_box, fabs (b[j] - number (box, j)));
          for (guint j = 0; j < 68; j++)
            {
              JsonArray *p = json_array_get_array_element (marks, j);
              worst_mark = MAX (worst_mark, fabs (f->landmarks[j * 2] - number (p, 0)));
              worst_mark = MAX (worst_mark, fabs (f->landmarks[j * 2 + 1] - number (p, 1)));
            }
          for (guint j = 0; j < 128; j++)
            sum += (f->descriptor[j] - number (desc, j)) * (f->descriptor[j] - number (desc, j));
          worst_desc = MAX (worst_desc, sqrt (sum));
          faces++;
        }
    }
  at_face_engine_set_align (engine, AT_FACE_ALIGN_DLIB);
  g_test_message ("%u faces in %u photos: boxes within %.2g px, landmarks %.2g px, descriptors L2 %.2g", faces, pngs->len,
                  worst_box, worst_mark, worst_desc);
  g_assert_cmpuint (faces, >=, 40);
  g_assert_cmpfloat (worst_box, <, 0.01);
  g_assert_cmpfloat (worst_mark, <, 0.01);
  g_assert_cmpfloat (worst_desc, <, 1e-4);
  at_test_rm_rf (dir);
}

typedef struct
{
  char   *file;
  double  x, y, w, h;
} Truth;

static void
truth_free (gpointer data)
{
  Truth *t = data;

  g_free (t->file);
  g_free (t);
}

typedef struct
{
  char      *file;
  GPtrArray *boxes;
} Reading;

static void
truth_start (GMarkupParseContext *context, const char *element, const char **names, const char **values, gpointer data,
             GError **error)
{
  Reading *r = data;

  if (g_str_equal (element, "image"))
    {
      g_free (r->file);
      r->file = NULL;
      for (guint i = 0; names[i]; i++)
        if (g_str_equal (names[i], "file"))
          r->file = g_strdup (values[i]);
    }
  else if (g_str_equal (element, "box") && r->file != NULL)
    {
      Truth *t = g_new0 (Truth, 1);
      t->file = g_strdup (r->file);
      for (guint i = 0; names[i]; i++)
        {
          double v = g_ascii_strtod (values[i], NULL);
          if (g_str_equal (names[i], "top"))
            t->y = v;
          else if (g_str_equal (names[i], "left"))
            t->x = v;
          else if (g_str_equal (names[i], "width"))
            t->w = v;
          else if (g_str_equal (names[i], "height"))
            t->h = v;
        }
      g_ptr_array_add (r->boxes, t);
    }
}

static double
overlap (const Truth *t, const AtFaceBox *b)
{
  double ix = MAX (0, MIN (t->x + t->w, b->x + b->w) - MAX (t->x, b->x));
  double iy = MAX (0, MIN (t->y + t->h, b->y + b->h) - MAX (t->y, b->y));

  return ix * iy / (t->w * t->h + b->w * b->h - ix * iy);
}

/* dlib's annotated faces (its own imglab XML), found at IoU >= 0.3 */
static void
test_recall (void)
{
  const GMarkupParser parser = { truth_start, NULL, NULL, NULL, NULL };
  Reading reading = { NULL, g_ptr_array_new_with_free_func (truth_free) };
  g_autoptr(GHashTable) found = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  guint hits = 0, extra = 0;

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *xml = image_path (i ? "dlib/faces/testing.xml" : "dlib/faces/training.xml");
      g_autofree char *text = NULL;
      g_autoptr(GMarkupParseContext) context = g_markup_parse_context_new (&parser, 0, &reading, NULL);
      g_autoptr(GError) error = NULL;

      g_assert_true (g_file_get_contents (xml, &text, NULL, &error));
      g_assert_true (g_markup_parse_context_parse (context, text, -1, &error));
      g_assert_no_error (error);
    }
  g_assert_cmpuint (reading.boxes->len, ==, 43);
  for (guint i = 0; i < reading.boxes->len; i++)
    {
      Truth *t = reading.boxes->pdata[i];
      GPtrArray *faces = g_hash_table_lookup (found, t->file);
      double best = 0;

      if (faces == NULL)
        {
          g_autofree char *rel = g_strdup_printf ("dlib/faces/%s", t->file);
          g_autofree char *path = image_path (rel);
          g_autoptr(GError) error = NULL;
          int w, h;

          faces = at_face_engine_scan_file (engine, path, &w, &h, &error);
          g_assert_no_error (error);
          g_hash_table_insert (found, g_strdup (t->file), faces);
          extra += faces->len;
        }
      for (guint k = 0; k < faces->len; k++)
        best = MAX (best, overlap (t, &((AtFace *) faces->pdata[k])->box));
      hits += best >= 0.3;
    }
  g_test_message ("%u of %u annotated faces found (%u detections in all)", hits, reading.boxes->len, extra);
  g_assert_cmpuint (hits, >=, 40);
  g_free (reading.file);
  g_ptr_array_unref (reading.boxes);
}

/* dlib's 150 x 150 chips of five people */
static void
test_identity (void)
{
  g_autofree char *root = image_path ("dlib/johns");
  g_autoptr(GDir) people = g_dir_open (root, 0, NULL);
  g_autoptr(GArray) owner = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) descriptors = g_array_new (FALSE, FALSE, sizeof (float) * 128);
  const char *person;
  guint n_people = 0;
  double same_max = 0, other_min = G_MAXDOUBLE;

  g_assert_nonnull (people);
  while ((person = g_dir_read_name (people)) != NULL)
    {
      g_autofree char *folder = g_build_filename (root, person, NULL);
      g_autoptr(GDir) chips = g_dir_open (folder, 0, NULL);
      const char *chip;

      while (chips != NULL && (chip = g_dir_read_name (chips)) != NULL)
        {
          g_autofree char *path = g_build_filename (folder, chip, NULL);
          g_autoptr(GError) error = NULL;
          int w, h;
          g_autofree guint8 *rgb = at_face_image_load (path, &w, &h, &error);
          float d[128];

          g_assert_no_error (error);
          at_face_engine_describe (engine, rgb, w, h, w * 3, d);
          g_array_append_vals (descriptors, d, 1);
          g_array_append_val (owner, n_people);
        }
      n_people++;
    }
  g_assert_cmpuint (n_people, ==, 5);
  g_assert_cmpuint (descriptors->len, ==, 55);
  for (guint i = 0; i < descriptors->len; i++)
    for (guint j = i + 1; j < descriptors->len; j++)
      {
        double d = at_face_distance ((float *) descriptors->data + i * 128, (float *) descriptors->data + j * 128);
        if (g_array_index (owner, guint, i) == g_array_index (owner, guint, j))
          same_max = MAX (same_max, d);
        else
          other_min = MIN (other_min, d);
      }
  g_test_message ("one person's chips within %.3f of each other; two people's %.3f apart at least", same_max, other_min);
  g_assert_cmpfloat (same_max, <, 0.6);
  g_assert_cmpfloat (other_min, >, 0.6);
}

/* The closest two people standing in one party photo: apart beyond 0.55
 * with dlib's rotated chips (face-api's upright crops put two of them 0.49
 * apart: the reason the production chip is dlib's). */
static void
test_same_photo_apart (void)
{
  g_autofree char *models = models_dir ();
  double closest[2] = { G_MAXDOUBLE, G_MAXDOUBLE };

  for (int align = 0; align < 2; align++)
    {
      at_face_engine_set_align (engine, align ? AT_FACE_ALIGN_FACE_API : AT_FACE_ALIGN_DLIB);
      for (guint i = 1; i <= 6; i++)
        {
          g_autofree char *path = g_strdup_printf ("%s/../demo/sample%u.jpg", models, i);
          g_autoptr(GError) error = NULL;
          int w, h;
          g_autoptr(GPtrArray) faces = at_face_engine_scan_file (engine, path, &w, &h, &error);

          g_assert_no_error (error);
          for (guint a = 0; a < faces->len; a++)
            for (guint b = a + 1; b < faces->len; b++)
              closest[align] = MIN (closest[align], at_face_distance (((AtFace *) faces->pdata[a])->descriptor,
                                                                      ((AtFace *) faces->pdata[b])->descriptor));
        }
    }
  at_face_engine_set_align (engine, AT_FACE_ALIGN_DLIB);
  g_test_message ("two people in one photo: %.3f apart at least with dlib's chips, %.3f with face-api's", closest[0],
                  closest[1]);
  g_assert_cmpfloat (closest[0], >, 0.55);
}

static void
scan_done (GObject *source, GAsyncResult *result, gpointer data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

static guint
run_scan (AtFaceScan *scan, guint *faces, guint *failed)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint photos = 0;

  at_face_scan_run (scan, NULL, scan_done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (at_face_scan_run_finish (scan, result, &photos, faces, failed, &error));
  g_assert_no_error (error);
  return photos;
}

/* A catalog's photos (the six party photos in a demo catalog's files)
 * scanned on two workers from previews made for the purpose; a second run
 * finds nothing left; photos whose scan was lost are scanned again without
 * doubling their faces; a photo that cannot be read fails alone and is
 * tried again next time. */
static void
test_scan (void)
{
  g_autofree char *models = models_dir ();
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autoptr(AtCatalog) catalog = at_test_demo_catalog (dir, 6);
  g_autofree char *library = g_build_filename (dir, "library", NULL);
  g_autofree char *cache = g_build_filename (dir, "cache", NULL);
  g_autoptr(AtFaceScan) scan = at_face_scan_new (catalog, engine, library, cache);
  g_autoptr(GError) error = NULL;
  AtSqlConn *conn = at_catalog_get_reader (catalog, &error);
  sqlite3_stmt *stmt = at_sql_conn_prepare (conn, "SELECT library_path FROM photos ORDER BY id", &error);
  guint i = 0, faces = 0, failed = 0;
  gint64 first_faces;
  g_autofree char *away = NULL;
  g_autofree char *missing = NULL;

  g_assert_no_error (error);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autofree char *photo = g_strdup_printf ("%s/../demo/sample%u.jpg", models, ++i);
      g_autofree char *target = g_build_filename (library, (const char *) sqlite3_column_text (stmt, 0), NULL);
      g_autofree char *bytes = NULL;
      gsize n = 0;

      g_assert_true (g_file_get_contents (photo, &bytes, &n, NULL));
      g_assert_true (g_file_set_contents (target, bytes, (gssize) n, NULL));
      if (i == 6)
        missing = g_steal_pointer (&target);
    }
  at_sql_stmt_release (stmt);
  g_assert_cmpuint (i, ==, 6);
  at_test_sql_exec (catalog, "UPDATE projects SET face_processing = 1");

  g_assert_cmpuint (run_scan (scan, &faces, &failed), ==, 6);
  g_assert_cmpuint (failed, ==, 0);
  g_test_message ("6 party photos: %u faces", faces);
  g_assert_cmpuint (faces, >=, 20);
  g_assert_true (at_catalog_flush (catalog, NULL));
  first_faces = at_test_sql_int (catalog, "SELECT count(*) FROM faces");
  g_assert_cmpint (first_faces, ==, faces);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM faces WHERE length(embedding) = 512 "
                                             "AND length(landmarks) = 544 AND box_x + box_w <= 1 AND detector_score > 0.5"),
                   ==, first_faces);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT sum(face_count) FROM face_scans"), ==, first_faces);

  /* nothing left */
  g_assert_cmpuint (run_scan (scan, &faces, &failed), ==, 0);

  /* two scans lost: those two again, their faces replaced, not doubled */
  at_test_sql_exec (catalog, "DELETE FROM face_scans WHERE id IN (SELECT id FROM photos ORDER BY id LIMIT 2)");
  g_assert_cmpuint (run_scan (scan, &faces, &failed), ==, 2);
  g_assert_true (at_catalog_flush (catalog, NULL));
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM faces"), ==, first_faces);

  /* one photo away (its file gone, no preview of it): it alone fails, and waits */
  at_test_sql_exec (catalog, "DELETE FROM face_scans WHERE id IN (SELECT id FROM photos ORDER BY id DESC LIMIT 2)");
  away = g_strconcat (missing, ".away", NULL);
  g_assert_cmpint (g_rename (missing, away), ==, 0);
  at_test_rm_rf (cache);
  g_assert_cmpuint (run_scan (scan, &faces, &failed), ==, 1);
  g_assert_cmpuint (failed, ==, 1);
  g_assert_nonnull (at_face_scan_get_last_error (scan));
  g_assert_cmpint (g_rename (away, missing), ==, 0);
  g_assert_cmpuint (run_scan (scan, &faces, &failed), ==, 1);
  g_assert_cmpuint (failed, ==, 0);
  g_assert_true (at_catalog_flush (catalog, NULL));
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM face_scans"), ==, 6);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM faces"), ==, first_faces);
  at_test_rm_rf (dir);
}

/* faces scan: JSON per image, a corrupt image reported (status 1) while
 * the others are still scanned; faces detect on a catalog, and its usage. */
static void
test_cli (void)
{
  g_autofree char *models = models_dir ();
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autofree char *photo = g_strdup_printf ("%s/../demo/sample2.jpg", models);
  g_autofree char *corrupt = g_build_filename (dir, "corrupt.jpg", NULL);
  g_autoptr(AtCatalog) catalog = at_test_demo_catalog (dir, 2);
  g_autofree char *path = g_build_filename (dir, "catalog.atelier", NULL);
  g_autofree char *library = g_build_filename (dir, "library", NULL);
  g_autoptr(JsonNode) node = NULL;
  g_auto(GStrv) lines = NULL;
  AtTestRun r;

  g_assert_true (g_file_set_contents (corrupt, "\xff\xd8\xff\xe0 not a JPEG at all", -1, NULL));
  r = at_test_cli ("faces", "scan", "--json", corrupt, photo, NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "corrupt.jpg"));
  lines = g_strsplit (r.out, "\n", -1);
  node = json_from_string (lines[0], NULL);
  g_assert_nonnull (node);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (node), "faces")), ==, 3);
  at_test_run_clear (&r);
  r = at_test_cli ("faces", "scan", photo, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "3 faces"));
  at_test_run_clear (&r);
  r = at_test_cli ("faces", "scan", NULL);
  g_assert_cmpint (r.status, ==, 2);
  at_test_run_clear (&r);

  g_clear_object (&catalog);
  r = at_test_cli ("faces", "detect", "--quiet", "--catalog", path, "--library", library, "--project", "P-2026-001",
                   "--on", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "photos scanned"));
  at_test_run_clear (&r);
  catalog = at_catalog_open (path, AT_CATALOG_OPEN_DEFAULT, NULL);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT face_processing FROM projects WHERE project_number = 'P-2026-001'"),
                   ==, 1);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM face_scans"), >, 0);
  g_clear_object (&catalog);
  r = at_test_cli ("faces", "detect", "--catalog", path, NULL);
  g_assert_cmpint (r.status, ==, 2);
  at_test_run_clear (&r);
  r = at_test_cli ("faces", "detect", "--catalog", path, "--library", library, "--project", "P-2026-404", NULL);
  g_assert_cmpint (r.status, ==, 1);
  at_test_run_clear (&r);
  /* a weak band inside the strong one makes no sense */
  r = at_test_cli ("faces", "detect", "--catalog", path, "--library", library, "--strong", "0.5", "--weak", "0.4", NULL);
  g_assert_cmpint (r.status, ==, 2);
  at_test_run_clear (&r);
  at_test_rm_rf (dir);
}

/* A model missing, or one byte of it changed: a clear error, no crash. */
static void
test_models (void)
{
  g_autofree char *models = models_dir ();
  g_autofree char *dir = at_test_make_tmpdir ();
  const char *files[] = { "ssd_mobilenetv1_model", "face_landmark_68_model", "face_recognition_model" };
  g_autoptr(GError) error = NULL;
  g_autoptr(AtFaceEngine) none = at_face_engine_new (dir, &error);
  g_autofree char *bin = g_build_filename (dir, "face_recognition_model.bin", NULL);
  g_autoptr(AtFaceEngine) whole = NULL;
  char *data = NULL;
  gsize len = 0;

  g_assert_null (none);
  g_assert_error (error, AT_FACE_ERROR, AT_FACE_ERROR_MISSING);
  g_assert_nonnull (strstr (error->message, "not installed"));
  g_clear_error (&error);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    for (guint k = 0; k < 2; k++)
      {
        g_autofree char *name = g_strdup_printf (k ? "%s.bin" : "%s-weights_manifest.json", files[i]);
        g_autofree char *from = g_build_filename (models, name, NULL);
        g_autofree char *to = g_build_filename (dir, name, NULL);
        g_autofree char *bytes = NULL;
        gsize n = 0;

        g_assert_true (g_file_get_contents (from, &bytes, &n, NULL));
        g_assert_true (g_file_set_contents (to, bytes, (gssize) n, NULL));
      }
  whole = at_face_engine_new (dir, &error);
  g_assert_no_error (error);
  g_assert_nonnull (whole);
  g_assert_true (g_file_get_contents (bin, &data, &len, NULL));
  data[len / 2] ^= 1;
  g_assert_true (g_file_set_contents (bin, data, (gssize) len, NULL));
  g_free (data);
  g_assert_null (at_face_engine_new (dir, &error));
  g_assert_error (error, AT_FACE_ERROR, AT_FACE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "face_recognition_model.bin"));
  /* atelier-cli doctor says the same, and fails; with the real models it passes */
  {
    g_autofree char *catalog_path = g_build_filename (dir, "catalog.atelier", NULL);
    g_autoptr(AtCatalog) catalog = at_catalog_open (catalog_path, AT_CATALOG_OPEN_CREATE, NULL);
    AtTestRun r;

    g_assert_nonnull (catalog);
    g_clear_object (&catalog);
    r = at_test_cli ("doctor", "--catalog", catalog_path, "--models", dir, NULL);
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.out, "✗ Face models"));
    g_assert_nonnull (strstr (r.out, "not the one Atelier knows"));
    g_assert_nonnull (strstr (r.out, "✓ Catalog"));
    at_test_run_clear (&r);
    r = at_test_cli ("doctor", "--catalog", catalog_path, "--models", models, NULL);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_nonnull (strstr (r.out, "✓ Face models"));
    at_test_run_clear (&r);
  }
  at_test_rm_rf (dir);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  service = g_getenv ("AT_FACE_SERVICE");
  g_assert_nonnull (service);
  g_assert_true (at_vips_init (NULL));
  engine = at_face_engine_new (NULL, &error);
  g_assert_no_error (error);
  g_test_add_func ("/faces/parity", test_parity);
  g_test_add_func ("/faces/recall", test_recall);
  g_test_add_func ("/faces/identity", test_identity);
  g_test_add_func ("/faces/same-photo-apart", test_same_photo_apart);
  g_test_add_func ("/faces/models", test_models);
  g_test_add_func ("/faces/scan", test_scan);
  g_test_add_func ("/faces/cli", test_cli);
  status = g_test_run ();
  g_object_unref (engine);
  return status;
}
