/* at-sync-credentials.h — the workstation's password for the studio
 * server, in the Secret Service (libsecret), with ATELIER_SERVER_PASSWORD
 * as the fallback for headless use. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void     at_sync_credentials_lookup_async  (const char          *server,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
/* The password, or NULL when there is none (libpq may still find one). */
char    *at_sync_credentials_lookup_finish (GAsyncResult        *result);
void     at_sync_credentials_store_async   (const char          *server,
                                            const char          *password,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean at_sync_credentials_store_finish  (GAsyncResult        *result,
                                            GError             **error);

G_END_DECLS
