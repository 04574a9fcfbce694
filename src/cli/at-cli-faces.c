/* at-cli-faces.c — the faces commands.
 *   faces scan IMAGE... [--json] [--align dlib|face-api]: every face in each
 *     image, with its box, 68 landmarks and 128 descriptor values (--json:
 *     one object per image and line, for parity checks with face-api's chips);
 *   faces detect --catalog --library [--project P [--on]]: a catalog's
 *     photos scanned (resumable), then matched and grouped;
 *   faces consent PERSON give|revoke; faces enroll PERSON SELFIE... */
#define G_LOG_DOMAIN "atelier-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "at-cli.h"

static gboolean opt_json, opt_on, opt_quiet;
static char *opt_models, *opt_align, *opt_catalog, *opt_project, *opt_library;
static int opt_workers = 2;
static char *opt_version, *opt_customer, *opt_staff;
static double opt_strong = 0.45, opt_margin = 0.05, opt_weak = 0.55, opt_eps = 0.5;

static const GOptionEntry entries[] = {
  { "json", 'j', 0, G_OPTION_ARG_NONE, &opt_json, N_("One JSON object per image, with every number"), NULL },
  { "align", 0, 0, G_OPTION_ARG_STRING, &opt_align, N_("How chips are cut: “dlib” (default: rotated onto dlib’s mean "
    "face) or “face-api” (as the reference library does, for parity checks)"), N_("HOW") },
  { "models", 0, 0, G_OPTION_ARG_FILENAME, &opt_models, N_("The face models' folder (default: $ATELIER_FACE_MODELS, "
    "else the installed ones)"), N_("DIR") },
  { NULL }
};

static const GOptionEntry person_entries[] = {
  { "catalog", 'c', 0, G_OPTION_ARG_FILENAME, &opt_catalog, N_("The catalog file (default: the workstation’s catalog)"),
    N_("PATH") },
  { "version", 0, 0, G_OPTION_ARG_STRING, &opt_version, N_("consent: the version of the consent form signed (default 1)"),
    N_("VERSION") },
  { "customer", 0, 0, G_OPTION_ARG_STRING, &opt_customer, N_("consent: the person is this customer (id or name)"),
    N_("CUSTOMER") },
  { "staff", 0, 0, G_OPTION_ARG_STRING, &opt_staff, N_("consent: the person is this staff member (id or name)"),
    N_("STAFF") },
  { "models", 0, 0, G_OPTION_ARG_FILENAME, &opt_models, N_("enroll: the face models’ folder"), N_("DIR") },
  { NULL }
};

static const GOptionEntry detect_entries[] = {
  { "catalog", 'c', 0, G_OPTION_ARG_FILENAME, &opt_catalog, N_("The catalog file (default: the workstation’s catalog)"),
    N_("PATH") },
  { "project", 'p', 0, G_OPTION_ARG_STRING, &opt_project, N_("Only this project (id, name or number; default: every "
    "project with face processing on)"), N_("PROJECT") },
  { "on", 0, 0, G_OPTION_ARG_NONE, &opt_on, N_("Switch the project’s face processing on: its new photos are scanned "
    "too"), NULL },
  { "library", 'l', 0, G_OPTION_ARG_FILENAME, &opt_library, N_("The library folder the photos are in"), N_("DIR") },
  { "workers", 0, 0, G_OPTION_ARG_INT, &opt_workers, N_("Photos scanned at once (default 2)"), N_("N") },
  { "models", 0, 0, G_OPTION_ARG_FILENAME, &opt_models, N_("The face models’ folder"), N_("DIR") },
  { "quiet", 'q', 0, G_OPTION_ARG_NONE, &opt_quiet, N_("No progress"), NULL },
  { "strong", 0, 0, G_OPTION_ARG_DOUBLE, &opt_strong, N_("A strong suggestion within this distance (default 0.45)"),
    N_("D") },
  { "margin", 0, 0, G_OPTION_ARG_DOUBLE, &opt_margin, N_("… and this much closer than anyone else (default 0.05)"),
    N_("D") },
  { "weak", 0, 0, G_OPTION_ARG_DOUBLE, &opt_weak, N_("A weak suggestion within this distance (default 0.55)"), N_("D") },
  { "group", 0, 0, G_OPTION_ARG_DOUBLE, &opt_eps, N_("Unknown faces this close are grouped (default 0.5)"), N_("D") },
  { NULL }
};

static void
add_numbers (JsonBuilder *b, const char *name, const double *values, int n)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (int i = 0; i < n; i++)
    json_builder_add_double_value (b, values[i]);
  json_builder_end_array (b);
}

static void
print_json (const char *path, int width, int height, GPtrArray *faces)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "file");
  json_builder_add_string_value (b, path);
  json_builder_set_member_name (b, "width");
  json_builder_add_int_value (b, width);
  json_builder_set_member_name (b, "height");
  json_builder_add_int_value (b, height);
  json_builder_set_member_name (b, "faces");
  json_builder_begin_array (b);
  for (guint i = 0; i < faces->len; i++)
    {
      AtFace *f = faces->pdata[i];
      double box[4] = { f->box.x, f->box.y, f->box.w, f->box.h }, chip[4], descriptor[128];

      for (int k = 0; k < 4; k++)
        chip[k] = f->chip[k];
      for (int k = 0; k < 128; k++)
        descriptor[k] = f->descriptor[k];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "score");
      json_builder_add_double_value (b, f->box.score);
      add_numbers (b, "box", box, 4);
      add_numbers (b, "landmarks", f->landmarks, 136);
      add_numbers (b, "chip", chip, 4);
      add_numbers (b, "descriptor", descriptor, 128);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, NULL);
  g_print ("%s\n", text);
}

int
at_cli_faces_scan (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("IMAGE…"));
  g_autoptr(GError) error = NULL;
  g_autoptr(AtFaceEngine) engine = NULL;
  int status = 0;

  g_option_context_set_summary (context, _("Find the faces in images, with their landmarks and descriptors."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!at_cli_parse_args (context, &argc, &argv))
    return AT_CLI_USAGE;
  if (argc < 2)
    {
      g_printerr ("atelier-cli: %s\n", _("give one or more images"));
      return AT_CLI_USAGE;
    }
  if (opt_align != NULL && !g_str_equal (opt_align, "dlib") && !g_str_equal (opt_align, "face-api"))
    {
      g_printerr ("atelier-cli: %s\n", _("--align is “dlib” or “face-api”"));
      return AT_CLI_USAGE;
    }
  if ((engine = at_face_engine_new (opt_models, &error)) == NULL)
    return at_cli_fail (error);
  at_face_engine_set_align (engine, g_strcmp0 (opt_align, "face-api") == 0 ? AT_FACE_ALIGN_FACE_API : AT_FACE_ALIGN_DLIB);
  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GPtrArray) faces = NULL;
      int width = 0, height = 0;

      if ((faces = at_face_engine_scan_file (engine, argv[i], &width, &height, &error)) == NULL)
        {
          /* the others still go: one unreadable photo does not hide the rest */
          g_printerr ("atelier-cli: %s\n", error->message);
          g_clear_error (&error);
          status = AT_CLI_FAILED;
          continue;
        }
      if (opt_json)
        print_json (argv[i], width, height, faces);
      else
        {
          g_print (g_dngettext (GETTEXT_PACKAGE, "%s: %u face\n", "%s: %u faces\n", faces->len), argv[i], faces->len);
          for (guint k = 0; k < faces->len; k++)
            {
              AtFace *f = faces->pdata[k];
              g_print (_("  %.0f × %.0f at (%.0f, %.0f), confidence %.2f\n"), f->box.w, f->box.h, f->box.x, f->box.y,
                       f->box.score);
            }
        }
    }
  return status;
}

static void
progress_cb (AtFaceScan *scan, guint done, guint total, gpointer data)
{
  g_printerr ("\r");
  g_printerr (_("%u of %u photos"), done, total);
}

static void
scanned_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

int
at_cli_faces_detect (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AtCatalog) catalog = NULL;
  g_autoptr(AtFaceEngine) engine = NULL;
  g_autoptr(AtFaceScan) scan = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *path = NULL;
  guint photos = 0, faces = 0, failed = 0, suggested = 0, strong = 0, grouped = 0;
  AtFaceThresholds thresholds = AT_FACE_THRESHOLDS_INIT;

  g_option_context_set_summary (context, _("Find and describe the faces in a project’s photos (resumable), then suggest "
                                           "who they are and group the others."));
  g_option_context_add_main_entries (context, detect_entries, GETTEXT_PACKAGE);
  if (!at_cli_parse (context, &argc, &argv))
    return AT_CLI_USAGE;
  if (opt_library == NULL || opt_workers < 1 || opt_workers > 16 || (opt_on && opt_project == NULL) ||
      !(opt_strong > 0 && opt_weak >= opt_strong && opt_weak < 2 && opt_margin >= 0 && opt_eps > 0 && opt_eps < 2))
    {
      g_printerr ("atelier-cli: %s\n", _("give --library (and --workers from 1 to 16; --on with --project; distances with "
                                          "0 < --strong <= --weak < 2)"));
      return AT_CLI_USAGE;
    }
  thresholds.strong = opt_strong;
  thresholds.margin = opt_margin;
  thresholds.weak = opt_weak;
  thresholds.eps = opt_eps;
  path = at_cli_catalog_path (opt_catalog);
  if ((catalog = at_catalog_open (path, AT_CATALOG_OPEN_DEFAULT, &error)) == NULL ||
      (engine = at_face_engine_new (opt_models, &error)) == NULL ||
      (opt_on && !at_face_scan_set_processing (catalog, opt_project, TRUE, &error)))
    return at_cli_fail (error);
  scan = at_face_scan_new (catalog, engine, opt_library, NULL);
  at_face_scan_set_project (scan, opt_project);
  at_face_scan_set_workers (scan, (guint) opt_workers);
  if (!opt_quiet)
    g_signal_connect (scan, "progress", G_CALLBACK (progress_cb), NULL);
  at_face_scan_run (scan, NULL, scanned_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  if (!opt_quiet)
    g_printerr ("\n");
  if (!at_face_scan_run_finish (scan, result, &photos, &faces, &failed, &error) ||
      !at_face_match (catalog, &thresholds, &suggested, &strong, &error) ||
      !at_face_cluster (catalog, &thresholds, &grouped, &error) ||
      !at_catalog_flush (catalog, &error))
    return at_cli_fail (error);
  g_print (_("%u photos scanned, %u faces found, %u failed.\n"), photos, faces, failed);
  g_print (_("%u faces suggested as people who consented (%u strongly), %u more grouped with faces like them.\n"),
           suggested, strong, grouped);
  if (failed > 0)
    {
      g_printerr ("atelier-cli: %s\n", at_face_scan_get_last_error (scan));
      return AT_CLI_FAILED;
    }
  return 0;
}

/* PERSON give|revoke */
int
at_cli_faces_consent (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("PERSON give|revoke"));
  g_autoptr(GError) error = NULL;
  g_autoptr(AtCatalog) catalog = NULL;
  g_autofree char *path = NULL;
  g_autofree char *person = NULL;
  gboolean give;

  g_option_context_set_summary (context, _("Record a person’s consent to biometric processing, or its revocation: "
                                           "revoking deletes their selfies’ templates and automatic tags."));
  g_option_context_add_main_entries (context, person_entries, GETTEXT_PACKAGE);
  if (!at_cli_parse_args (context, &argc, &argv))
    return AT_CLI_USAGE;
  if (argc != 3 || (!g_str_equal (argv[2], "give") && !g_str_equal (argv[2], "revoke")))
    {
      g_printerr ("atelier-cli: %s\n", _("give PERSON and “give” or “revoke”"));
      return AT_CLI_USAGE;
    }
  give = g_str_equal (argv[2], "give");
  path = at_cli_catalog_path (opt_catalog);
  if ((catalog = at_catalog_open (path, AT_CATALOG_OPEN_DEFAULT, &error)) == NULL ||
      (give && (person = at_face_person_ensure (catalog, argv[1], &error)) == NULL) ||
      ((opt_customer != NULL || opt_staff != NULL) &&
       !at_face_person_link (catalog, argv[1], opt_customer, opt_staff, &error)) ||
      !at_face_consent_set (catalog, give ? person : argv[1], give, opt_version, &error) ||
      !at_catalog_flush (catalog, &error))
    return at_cli_fail (error);
  g_print (give ? _("%s consented to biometric processing.\n")
                : _("%s’s consent is revoked: their templates and automatic tags are deleted.\n"), argv[1]);
  return 0;
}

/* PERSON IMAGE... */
int
at_cli_faces_enroll (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("PERSON SELFIE…"));
  g_autoptr(GError) error = NULL;
  g_autoptr(AtCatalog) catalog = NULL;
  g_autoptr(AtFaceEngine) engine = NULL;
  g_autofree char *path = NULL;
  guint enrolled = 0;

  g_option_context_set_summary (context, _("Enrol a person’s selfies as the faces they are recognised by (they must have "
                                           "consented)."));
  g_option_context_add_main_entries (context, person_entries, GETTEXT_PACKAGE);
  if (!at_cli_parse_args (context, &argc, &argv))
    return AT_CLI_USAGE;
  if (argc < 3)
    {
      g_printerr ("atelier-cli: %s\n", _("give PERSON and one or more selfies"));
      return AT_CLI_USAGE;
    }
  path = at_cli_catalog_path (opt_catalog);
  if ((catalog = at_catalog_open (path, AT_CATALOG_OPEN_DEFAULT, &error)) == NULL ||
      (engine = at_face_engine_new (opt_models, &error)) == NULL ||
      !at_face_enroll (catalog, engine, argv[1], (const char *const *) argv + 2, &enrolled, &error) ||
      !at_catalog_flush (catalog, &error))
    return at_cli_fail (error);
  g_print (g_dngettext (GETTEXT_PACKAGE, "%u selfie of %s enrolled.\n", "%u selfies of %s enrolled.\n", enrolled),
           enrolled, argv[1]);
  return 0;
}
