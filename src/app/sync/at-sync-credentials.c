/* at-sync-credentials.c — passwords keyed by the server (as written in the
 * preferences, without a password), so changing servers finds the right
 * one. No keyring (a headless box, a test session): the environment. */
#define G_LOG_DOMAIN "atelier"

#include "config.h"

#include <libsecret/secret.h>

#include "at-sync-credentials.h"

static const SecretSchema *
schema (void)
{
  static const SecretSchema s = {
    "studio.atelier.Atelier.Server", SECRET_SCHEMA_NONE,
    { { "server", SECRET_SCHEMA_ATTRIBUTE_STRING }, { NULL, 0 } },
  };
  return &s;
}

static void
looked_up_cb (GObject *object, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  g_autoptr(GError) error = NULL;
  char *password = secret_password_lookup_finish (result, &error);

  if (password == NULL && g_getenv ("ATELIER_SERVER_PASSWORD") != NULL)
    password = g_strdup (g_getenv ("ATELIER_SERVER_PASSWORD"));
  g_task_return_pointer (task, password, g_free);
}

void
at_sync_credentials_lookup_async (const char          *server,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  secret_password_lookup (schema (), cancellable, looked_up_cb, task, "server", server, NULL);
}

char *
at_sync_credentials_lookup_finish (GAsyncResult *result)
{
  return g_task_propagate_pointer (G_TASK (result), NULL);
}

static void
stored_cb (GObject *object, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  GError *error = NULL;

  if (secret_password_store_finish (result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
at_sync_credentials_store_async (const char          *server,
                                 const char          *password,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  secret_password_store (schema (), SECRET_COLLECTION_DEFAULT, "Atelier studio server", password, cancellable,
                         stored_cb, task, "server", server, NULL);
}

gboolean
at_sync_credentials_store_finish (GAsyncResult  *result,
                                  GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
