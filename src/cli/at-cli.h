/* at-cli.h — atelier-cli's commands. Each returns the process exit status. */
#pragma once

#include "at-core.h"

G_BEGIN_DECLS

enum {
  AT_CLI_OK = 0,
  AT_CLI_FAILED = 1,
  AT_CLI_USAGE = 2,
};

int  at_cli_catalog_init  (int argc, char **argv);
int  at_cli_catalog_info  (int argc, char **argv);
int  at_cli_catalog_check (int argc, char **argv);
int  at_cli_demo          (int argc, char **argv);
int  at_cli_ingest        (int argc, char **argv);
int  at_cli_photos_list   (int argc, char **argv);
int  at_cli_photos_set    (int argc, char **argv);
int  at_cli_xmp_write     (int argc, char **argv);
int  at_cli_faces_scan    (int argc, char **argv);
int  at_cli_doctor        (int argc, char **argv);
int  at_cli_faces_detect  (int argc, char **argv);
int  at_cli_faces_consent (int argc, char **argv);
int  at_cli_faces_enroll  (int argc, char **argv);
int  at_cli_xmp_read      (int argc, char **argv);
int  at_cli_albums_create (int argc, char **argv);
int  at_cli_albums_rename (int argc, char **argv);
int  at_cli_albums_add    (int argc, char **argv);
int  at_cli_albums_remove (int argc, char **argv);
int  at_cli_sync          (int argc, char **argv);
int  at_cli_sync_projects (int argc, char **argv);
int  at_cli_sync_follow   (int argc, char **argv);
int  at_cli_sync_unfollow (int argc, char **argv);
int  at_cli_sync_history  (int argc, char **argv);
int  at_cli_server_min_client (int argc, char **argv);
int  at_cli_upload        (int argc, char **argv);
int  at_cli_s3_put        (int argc, char **argv);
int  at_cli_s3_get        (int argc, char **argv);
int  at_cli_s3_ls         (int argc, char **argv);
int  at_cli_s3_rm         (int argc, char **argv);
int  at_cli_s3_presign    (int argc, char **argv);
int  at_cli_s3_mb         (int argc, char **argv);
int  at_cli_server_migrate (int argc, char **argv);
int  at_cli_server_add_studio (int argc, char **argv);
int  at_cli_server_add_workstation (int argc, char **argv);

/* shared by the commands */
gboolean at_cli_parse      (GOptionContext  *context,
                            int             *argc,
                            char          ***argv);
gboolean at_cli_parse_args (GOptionContext  *context,
                            int             *argc,
                            char          ***argv);
int      at_cli_fail       (const GError    *error);
char    *at_cli_catalog_path (const char    *option);
/* Ctrl-C or SIGTERM cancels @cancellable (a clean stop) and says @message;
 * a second one quits at once. NULL puts the default back. */
void     at_cli_cancel_on_interrupt (GCancellable *cancellable,
                                     const char   *message);
/* The exit status of a run that stopped cancelled: as the shell's for the
 * signal that stopped it that way (130 for Ctrl-C, 143 for SIGTERM), or
 * AT_CLI_FAILED when none came since the last call above. */
int      at_cli_stopped_status      (void);

G_END_DECLS
