/* at-credentials.h — secrets in the Secret Service (libsecret): the
 * workstation's password for the studio server, keyed by the server; the
 * secret key of the studio's storage, keyed by endpoint and access key. No
 * keyring (a headless box, a test session): the environment,
 * ATELIER_SERVER_PASSWORD and AWS_SECRET_ACCESS_KEY. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
  AT_CREDENTIAL_SERVER,
  AT_CREDENTIAL_STORAGE,
} AtCredential;

void     at_credentials_lookup_async  (AtCredential         kind,
                                       const char          *key,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
/* The secret, or NULL when there is none; *@cancelled (unless NULL) says
 * whether this lookup was cancelled, its answer then not to be used (a
 * newer lookup stands in its place). */
char    *at_credentials_lookup_finish (GAsyncResult        *result,
                                       gboolean            *cancelled);
void     at_credentials_store_async   (AtCredential         kind,
                                       const char          *key,
                                       const char          *secret,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
gboolean at_credentials_store_finish  (GAsyncResult        *result,
                                       GError             **error);

G_END_DECLS
