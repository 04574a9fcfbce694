/* test-xmp.c — XMP sidecars, checked with an independent reader (exiv2's CLI). */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "at-test-util.h"

/* A darktable sidecar: its history must survive our writes byte for byte. */
static const char darktable_sidecar[] =
  "<?xpacket begin=\"\xef\xbb\xbf\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
  "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\" x:xmptk=\"XMP Core 4.4.0-Exiv2\">\n"
  " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
  "  <rdf:Description rdf:about=\"\"\n"
  "    xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n"
  "    xmlns:darktable=\"http://darktable.sf.net/\"\n"
  "   xmp:Rating=\"1\"\n"
  "   darktable:xmp_version=\"5\"\n"
  "   darktable:auto_presets_applied=\"1\"\n"
  "   darktable:history_end=\"2\">\n"
  "   <darktable:history>\n"
  "    <rdf:Seq>\n"
  "     <rdf:li darktable:num=\"0\" darktable:operation=\"exposure\" darktable:enabled=\"1\"\n"
  "      darktable:modversion=\"6\" darktable:params=\"0000000000000000\"/>\n"
  "     <rdf:li darktable:num=\"1\" darktable:operation=\"colorin\" darktable:enabled=\"1\"\n"
  "      darktable:modversion=\"7\" darktable:params=\"gz48eJxjZBgFo2AU0AsAAAQQAAE=\"/>\n"
  "    </rdf:Seq>\n"
  "   </darktable:history>\n"
  "  </rdf:Description>\n"
  " </rdf:RDF>\n"
  "</x:xmpmeta>\n"
  "<?xpacket end=\"w\"?>\n";

/* exiv2 -PXkv: "key value" lines, as another program sees the sidecar. */
static char *
exiv2_print (const char *path)
{
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "exiv2", "-q", "-PXkv", path, NULL };
  char *out = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, &out, NULL, &status, &error));
  g_assert_no_error (error);
  return out;
}

/* The value exiv2 prints for @key, with runs of spaces squeezed. */
static char *
exiv2_value (const char *printed, const char *key)
{
  g_auto(GStrv) lines = g_strsplit (printed, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit_set (lines[i], " ", 2);
      if (parts[0] != NULL && g_str_equal (parts[0], key) && parts[1] != NULL)
        return g_strdup (g_strstrip (parts[1]));
    }
  return NULL;
}

static GPtrArray *
lines_with (const char *printed, const char *prefix)
{
  g_auto(GStrv) lines = g_strsplit (printed, "\n", -1);
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], prefix))
      g_ptr_array_add (found, g_strdup (lines[i]));
  return found;
}

/* digiKam's regions: a pet (kept) and a face named by hand there (ours
 * replace the faces). */
static const char digikam_regions[] =
  "<?xpacket begin=\"\xef\xbb\xbf\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
  "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
  " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
  "  <rdf:Description rdf:about=\"\" xmlns:mwg-rs=\"http://www.metadataworkinggroup.com/schemas/regions/\"\n"
  "    xmlns:stArea=\"http://ns.adobe.com/xmp/sType/Area#\" xmlns:stDim=\"http://ns.adobe.com/xap/1.0/sType/Dimensions#\">\n"
  "   <mwg-rs:Regions rdf:parseType=\"Resource\">\n"
  "    <mwg-rs:RegionList><rdf:Bag>\n"
  "     <rdf:li rdf:parseType=\"Resource\"><mwg-rs:Name>Rex</mwg-rs:Name><mwg-rs:Type>Pet</mwg-rs:Type>\n"
  "      <mwg-rs:Area stArea:x=\"0.2\" stArea:y=\"0.7\" stArea:w=\"0.1\" stArea:h=\"0.1\" stArea:unit=\"normalized\"/></rdf:li>\n"
  "     <rdf:li rdf:parseType=\"Resource\"><mwg-rs:Name>Old Guess</mwg-rs:Name><mwg-rs:Type>Face</mwg-rs:Type>\n"
  "      <mwg-rs:Area stArea:x=\"0.5\" stArea:y=\"0.5\" stArea:w=\"0.1\" stArea:h=\"0.1\" stArea:unit=\"normalized\"/></rdf:li>\n"
  "    </rdf:Bag></mwg-rs:RegionList>\n"
  "   </mwg-rs:Regions>\n"
  "  </rdf:Description>\n"
  " </rdf:RDF>\n"
  "</x:xmpmeta>\n"
  "<?xpacket end=\"w\"?>\n";

/* Confirmed names as MWG regions, as exiv2's own reader sees them; another
 * application's pet stays, its faces give way to ours; none left, none
 * written. */
static void
test_face_regions (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autofree char *sidecar = g_build_filename (dir, "IMG_0001.xmp", NULL);
  g_autofree char *printed = NULL;
  g_autofree char *again = NULL;
  AtXmpData data;

  g_assert_true (g_file_set_contents (sidecar, digikam_regions, -1, NULL));
  at_xmp_data_init (&data);
  data.faces = g_ptr_array_new_with_free_func ((GDestroyNotify) at_xmp_region_free);
  g_ptr_array_add (data.faces, at_xmp_region_new ("Anna Lindqvist", "Face", 0.25, 0.375, 0.125, 0.25));
  g_ptr_array_add (data.faces, at_xmp_region_new ("Jonas Okafor", "Face", 0.75, 0.4, 0.1, 0.2));
  data.width = 6000;
  data.height = 4000;
  g_assert_true (at_xmp_sidecar_write (sidecar, &data, &error));
  g_assert_no_error (error);
  printed = exiv2_print (sidecar);
  {
    g_autofree char *w = exiv2_value (printed, "Xmp.mwg-rs.Regions/mwg-rs:AppliedToDimensions/stDim:w");
    g_autofree char *pet = exiv2_value (printed, "Xmp.mwg-rs.Regions/mwg-rs:RegionList[1]/mwg-rs:Name");
    g_autofree char *anna = exiv2_value (printed, "Xmp.mwg-rs.Regions/mwg-rs:RegionList[2]/mwg-rs:Name");
    g_autofree char *type = exiv2_value (printed, "Xmp.mwg-rs.Regions/mwg-rs:RegionList[2]/mwg-rs:Type");
    g_autofree char *x = exiv2_value (printed, "Xmp.mwg-rs.Regions/mwg-rs:RegionList[2]/mwg-rs:Area/stArea:x");
    g_autofree char *h = exiv2_value (printed, "Xmp.mwg-rs.Regions/mwg-rs:RegionList[2]/mwg-rs:Area/stArea:h");
    g_autofree char *jonas = exiv2_value (printed, "Xmp.mwg-rs.Regions/mwg-rs:RegionList[3]/mwg-rs:Name");
    g_autoptr(GPtrArray) old = lines_with (printed, "Xmp.mwg-rs.Regions/mwg-rs:RegionList[4]");

    g_assert_cmpstr (w, ==, "6000");
    g_assert_cmpstr (pet, ==, "Rex");
    g_assert_cmpstr (anna, ==, "Anna Lindqvist");
    g_assert_cmpstr (type, ==, "Face");
    g_assert_cmpfloat_with_epsilon (g_ascii_strtod (x, NULL), 0.25, 1e-6);
    g_assert_cmpfloat_with_epsilon (g_ascii_strtod (h, NULL), 0.25, 1e-6);
    g_assert_cmpstr (jonas, ==, "Jonas Okafor");
    g_assert_cmpuint (old->len, ==, 0);
    g_assert_null (strstr (printed, "Old Guess"));
  }
  /* nobody confirmed any more: the faces go, the pet stays */
  g_ptr_array_set_size (data.faces, 0);
  g_assert_true (at_xmp_sidecar_write (sidecar, &data, &error));
  again = exiv2_print (sidecar);
  g_assert_null (strstr (again, "Anna Lindqvist"));
  g_assert_nonnull (strstr (again, "Rex"));
  at_xmp_data_clear (&data);
  at_test_rm_rf (dir);
}

static void
test_paths (void)
{
  AtSidecarStyle style;
  g_autofree char *adobe = at_xmp_sidecar_path ("/lib/2026/IMG_0001.CR3", AT_SIDECAR_ADOBE);
  g_autofree char *dt = at_xmp_sidecar_path ("/lib/2026/IMG_0001.CR3", AT_SIDECAR_DARKTABLE);
  g_autofree char *odd = at_xmp_sidecar_path ("/lib/2026.06/README", AT_SIDECAR_ADOBE);

  g_assert_cmpstr (adobe, ==, "/lib/2026/IMG_0001.xmp");
  g_assert_cmpstr (dt, ==, "/lib/2026/IMG_0001.CR3.xmp");
  g_assert_cmpstr (odd, ==, "/lib/2026.06/README.xmp");
  g_assert_true (at_sidecar_style_parse ("darktable", &style) && style == AT_SIDECAR_DARKTABLE);
  g_assert_false (at_sidecar_style_parse ("capture-one", &style));
}

static void
test_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "IMG_0001.xmp", NULL);
  g_autofree char *printed = NULL, *partial = NULL;
  g_autofree char *rating = NULL, *label = NULL, *subject = NULL, *hier = NULL;
  AtXmpData data, back;

  at_xmp_data_init (&data);
  data.state = (AtCullState) { 4, AT_LABEL_GREEN, TRUE };
  g_ptr_array_add (data.keywords, g_strdup ("Wedding"));
  g_ptr_array_add (data.keywords, g_strdup ("People|Bride"));
  g_assert_true (at_xmp_sidecar_write (path, &data, &error));
  g_assert_no_error (error);

  printed = exiv2_print (path);
  rating = exiv2_value (printed, "Xmp.xmp.Rating");
  label = exiv2_value (printed, "Xmp.xmp.Label");
  subject = exiv2_value (printed, "Xmp.dc.subject");
  hier = exiv2_value (printed, "Xmp.lr.hierarchicalSubject");
  g_assert_cmpstr (rating, ==, "4");
  g_assert_cmpstr (label, ==, "Green");
  g_assert_cmpstr (subject, ==, "Wedding, Bride");
  g_assert_cmpstr (hier, ==, "Wedding, People|Bride");

  at_xmp_data_init (&back);
  g_assert_true (at_xmp_sidecar_read (path, &back, &error));
  g_assert_cmpint (back.state.rating, ==, 4);
  g_assert_cmpint (back.state.label, ==, AT_LABEL_GREEN);
  g_assert_true (back.state.picked);
  g_assert_cmpuint (back.keywords->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (back.keywords, 1), ==, "People|Bride");
  at_xmp_data_clear (&back);

  /* rejected, no label, no keywords: the old values go */
  data.state = (AtCullState) { -1, AT_LABEL_NONE, FALSE };
  g_ptr_array_set_size (data.keywords, 0);
  g_assert_true (at_xmp_sidecar_write (path, &data, &error));
  g_free (printed);
  printed = exiv2_print (path);
  g_free (rating);
  rating = exiv2_value (printed, "Xmp.xmp.Rating");
  g_assert_cmpstr (rating, ==, "-1");
  g_assert_null (strstr (printed, "Xmp.xmp.Label"));
  g_assert_null (strstr (printed, "Xmp.dc.subject"));
  g_assert_null (strstr (printed, "Pick"));
  partial = g_strconcat (path, ".partial", NULL);
  g_assert_false (g_file_test (partial, G_FILE_TEST_EXISTS));
  at_xmp_data_clear (&data);
  at_test_rm_rf (dir);
}

/* darktable's history and settings survive a write; only ours change. */
static void
test_foreign_namespaces (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "IMG_0002.CR3.xmp", NULL);
  g_autofree char *before = NULL, *after = NULL, *rating = NULL;
  g_autoptr(GPtrArray) dt_before = NULL, dt_after = NULL;
  AtXmpData data;

  g_assert_true (g_file_set_contents (path, darktable_sidecar, -1, NULL));
  before = exiv2_print (path);
  dt_before = lines_with (before, "Xmp.darktable.");
  g_assert_cmpuint (dt_before->len, >=, 10);

  at_xmp_data_init (&data);
  g_assert_true (at_xmp_sidecar_read (path, &data, &error));
  g_assert_cmpint (data.state.rating, ==, 1);
  data.state.rating = 5;
  data.state.label = AT_LABEL_PURPLE;
  g_ptr_array_add (data.keywords, g_strdup ("Ceremony"));
  g_assert_true (at_xmp_sidecar_write (path, &data, &error));
  g_assert_no_error (error);

  after = exiv2_print (path);
  dt_after = lines_with (after, "Xmp.darktable.");
  g_assert_cmpuint (dt_after->len, ==, dt_before->len);
  for (guint i = 0; i < dt_before->len; i++)
    g_assert_cmpstr (g_ptr_array_index (dt_after, i), ==, g_ptr_array_index (dt_before, i));
  rating = exiv2_value (after, "Xmp.xmp.Rating");
  g_assert_cmpstr (rating, ==, "5");
  g_assert_nonnull (strstr (after, "Purple"));
  at_xmp_data_clear (&data);
  at_test_rm_rf (dir);
}

/* Not XMP: reported, never written over. */
static void
test_invalid_left_alone (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "IMG_0003.xmp", NULL);
  g_autofree char *partial = g_strconcat (path, ".partial", NULL);
  g_autofree char *hash_before = NULL, *hash_after = NULL;
  AtXmpData data;

  g_assert_true (g_file_set_contents (path, "Rating: 5 stars, written by hand <<<", -1, NULL));
  hash_before = at_test_hash_file (path);
  at_xmp_data_init (&data);
  data.state.rating = 2;
  g_assert_false (at_xmp_sidecar_write (path, &data, &error));
  g_assert_error (error, AT_MEDIA_ERROR, AT_MEDIA_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, path));
  g_clear_error (&error);
  g_assert_false (at_xmp_sidecar_read (path, &data, &error));
  g_assert_error (error, AT_MEDIA_ERROR, AT_MEDIA_ERROR_CORRUPT);
  hash_after = at_test_hash_file (path);
  g_assert_cmpstr (hash_after, ==, hash_before);
  g_assert_false (g_file_test (partial, G_FILE_TEST_EXISTS));
  at_xmp_data_clear (&data);
  at_test_rm_rf (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  at_test_allow_vips_warnings ();
  g_test_add_func ("/xmp/paths", test_paths);
  g_test_add_func ("/xmp/face-regions", test_face_regions);
  g_test_add_func ("/xmp/round-trip", test_round_trip);
  g_test_add_func ("/xmp/foreign-namespaces", test_foreign_namespaces);
  g_test_add_func ("/xmp/invalid-left-alone", test_invalid_left_alone);
  return g_test_run ();
}
