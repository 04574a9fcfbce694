/* atelier-cli.c — the headless front door to libatelier-core.
 *
 * `atelier-cli COMMAND [SUBCOMMAND] [OPTIONS]`; exit status 0 on success,
 * 1 when the work failed (the message says why), 2 on a usage error.
 */
#define G_LOG_DOMAIN "atelier-cli"

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <glib/gi18n.h>
#include <glib-unix.h>

#include "at-cli.h"

typedef struct
{
  const char *group;
  const char *name;
  int       (*run) (int argc, char **argv);
  const char *summary;
} Command;

static const Command commands[] = {
  { "catalog", "init",  at_cli_catalog_init,  N_("Create a new, empty catalog") },
  { "catalog", "info",  at_cli_catalog_info,  N_("Show the schema version and the row count of every table") },
  { "catalog", "check", at_cli_catalog_check, N_("Check the catalog’s integrity and foreign keys") },
  { NULL,      "doctor", at_cli_doctor,       N_("Check that this workstation has what Atelier needs") },
  { NULL,      "ingest", at_cli_ingest,       N_("Copy cards or folders into the library and backup, verified and resumable") },
  { NULL,      "demo",  at_cli_demo,          N_("Fill a catalog with a sample studio and real photo files") },
  { "photos",  "list",  at_cli_photos_list,   N_("List photos by stars, label, flag, album, camera or text") },
  { "photos",  "set",   at_cli_photos_set,    N_("Set stars, colour label or flag on photos") },
  { "xmp",     "write", at_cli_xmp_write,     N_("Write photos’ stars, labels, picks and keywords to XMP sidecars") },
  { "xmp",     "read",  at_cli_xmp_read,      N_("Read XMP sidecars into the catalog") },
  { "faces",   "scan",  at_cli_faces_scan,    N_("Find the faces in images: boxes, landmarks, descriptors") },
  { "faces",   "detect", at_cli_faces_detect, N_("Find and describe the faces in a project’s photos") },
  { "faces",   "consent", at_cli_faces_consent, N_("Record a person’s biometric consent, or revoke it") },
  { "faces",   "enroll", at_cli_faces_enroll, N_("Enrol a person’s selfies for recognition") },
  { "albums",  "create", at_cli_albums_create, N_("Create an album in a project") },
  { "albums",  "rename", at_cli_albums_rename, N_("Rename an album") },
  { "albums",  "add",   at_cli_albums_add,    N_("Add photos to an album") },
  { "albums",  "remove", at_cli_albums_remove, N_("Take photos out of an album") },
  { "sync",    "projects", at_cli_sync_projects, N_("List the studio’s projects and which this workstation follows") },
  { "sync",    "follow", at_cli_sync_follow,  N_("Follow projects (or --all): their photos and work sync here") },
  { "sync",    "unfollow", at_cli_sync_unfollow, N_("Stop following projects: their rows leave this catalog") },
  { "sync",    "history", at_cli_sync_history, N_("What this catalog’s syncs sent and received, or why they failed") },
  { NULL,      "sync",  at_cli_sync,          N_("Push this catalog’s changes to the central server and pull the others’") },
  { "server",  "migrate", at_cli_server_migrate, N_("Create or upgrade the schema on the central server") },
  { "server",  "add-studio", at_cli_server_add_studio, N_("Add a studio to the central server") },
  { "server",  "add-workstation", at_cli_server_add_workstation, N_("Add a workstation login for a studio") },
  { NULL,      "upload", at_cli_upload,       N_("Back up a project’s originals to the studio’s bucket, resumably") },
  { "s3",      "put",   at_cli_s3_put,       N_("Upload a file to the studio’s bucket") },
  { "s3",      "get",   at_cli_s3_get,       N_("Download an object (or a byte range) to a file") },
  { "s3",      "ls",    at_cli_s3_ls,        N_("List the bucket’s objects under a prefix") },
  { "s3",      "rm",    at_cli_s3_rm,        N_("Delete an object") },
  { "s3",      "presign", at_cli_s3_presign, N_("Print a download link that lasts up to seven days") },
  { "s3",      "mb",    at_cli_s3_mb,        N_("Create the bucket") },
  { "server",  "min-client", at_cli_server_min_client, N_("Refuse workstations whose catalog schema is older") },
};

static void
print_help (FILE *out)
{
  fprintf (out, "%s\n\n%s\n", _("Usage: atelier-cli COMMAND [OPTIONS]"), _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *name = commands[i].group
        ? g_strdup_printf ("%s %s", commands[i].group, commands[i].name)
        : g_strdup (commands[i].name);
      fprintf (out, "  %-24s %s\n", name, _(commands[i].summary));
    }
  fprintf (out, "\n%s\n", _("Run “atelier-cli COMMAND --help” for a command’s options."));
}

gboolean
at_cli_parse (GOptionContext   *context,
              int              *argc,
              char           ***argv)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("atelier-cli: %s\n", error->message);
      return FALSE;
    }
  if (*argc > 1)
    {
      g_printerr ("atelier-cli: %s “%s”\n", _("unexpected argument"), (*argv)[1]);
      return FALSE;
    }
  return TRUE;
}

/* Like at_cli_parse(), with the arguments left in @argv[1..]. */
gboolean
at_cli_parse_args (GOptionContext   *context,
                   int              *argc,
                   char           ***argv)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("atelier-cli: %s\n", error->message);
      return FALSE;
    }
  return TRUE;
}

int
at_cli_fail (const GError *error)
{
  g_printerr ("atelier-cli: %s\n", error->message);
  return AT_CLI_FAILED;
}

static GCancellable *interrupt_cancellable;
static const char   *interrupt_message;
static guint         interrupt_sources[2];
static const int     interrupt_signals[2] = { SIGINT, SIGTERM };
static int           interrupt_signal;

/* The first signal stops cleanly; the handlers then go, so that a second
 * one quits at once (a clean stop may wait on a dead link). */
static gboolean
interrupted_cb (gpointer data)
{
  guint self = GPOINTER_TO_UINT (data);

  g_printerr ("\n%s %s\n", interrupt_message, _("(Ctrl-C again to quit at once)"));
  interrupt_signal = interrupt_signals[self];
  g_cancellable_cancel (interrupt_cancellable);
  for (guint i = 0; i < G_N_ELEMENTS (interrupt_sources); i++)
    {
      if (i != self && interrupt_sources[i] != 0)
        g_source_remove (interrupt_sources[i]);
      interrupt_sources[i] = 0;
    }
  return G_SOURCE_REMOVE;
}

void
at_cli_cancel_on_interrupt (GCancellable *cancellable,
                            const char   *message)
{
  for (guint i = 0; i < G_N_ELEMENTS (interrupt_sources); i++)
    if (interrupt_sources[i] != 0)
      {
        g_source_remove (interrupt_sources[i]);
        interrupt_sources[i] = 0;
      }
  g_clear_object (&interrupt_cancellable);
  if (cancellable == NULL)
    return;
  interrupt_signal = 0;
  interrupt_cancellable = g_object_ref (cancellable);
  interrupt_message = message;
  for (guint i = 0; i < G_N_ELEMENTS (interrupt_sources); i++)
    interrupt_sources[i] = g_unix_signal_add (interrupt_signals[i], interrupted_cb, GUINT_TO_POINTER (i));
}

int
at_cli_stopped_status (void)
{
  return interrupt_signal != 0 ? 128 + interrupt_signal : AT_CLI_FAILED;
}

char *
at_cli_catalog_path (const char *option)
{
  return option ? g_strdup (option) : at_paths_default_catalog ();
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("atelier-cli");
  at_log_install_writer ();

  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") ||
      g_str_equal (argv[1], "help"))
    {
      print_help (stdout);
      return argc < 2 ? AT_CLI_USAGE : AT_CLI_OK;
    }
  if (g_str_equal (argv[1], "--version"))
    {
      g_print ("atelier-cli %s (catalog schema %d)\n", PACKAGE_VERSION, AT_CATALOG_SCHEMA_VERSION);
      return AT_CLI_OK;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      const Command *c = &commands[i];

      if (c->group == NULL && g_str_equal (argv[1], c->name))
        return c->run (argc - 1, argv + 1);
      if (c->group != NULL && g_str_equal (argv[1], c->group) && argc >= 3 &&
          g_str_equal (argv[2], c->name))
        return c->run (argc - 2, argv + 2);
    }

  g_printerr ("atelier-cli: %s “%s%s%s”\n\n", _("unknown command"), argv[1],
              argc >= 3 ? " " : "", argc >= 3 ? argv[2] : "");
  print_help (stderr);
  return AT_CLI_USAGE;
}
