/* at-credentials.c — secrets keyed by what they open (the server as written
 * in the preferences, without its password; the storage endpoint and access
 * key), so changing either finds the right one. */
#define G_LOG_DOMAIN "atelier"

#include "config.h"

#include <libsecret/secret.h>

#include "at-credentials.h"

typedef struct
{
  SecretSchema  schema;
  const char   *attribute;
  const char   *label;
  const char   *fallback;   /* the environment variable without a keyring */
} Kind;

static const Kind kinds[] = {
  [AT_CREDENTIAL_SERVER] = {
    { "studio.atelier.Atelier.Server", SECRET_SCHEMA_NONE, { { "server", SECRET_SCHEMA_ATTRIBUTE_STRING }, { NULL, 0 } } },
    "server", "Atelier studio server", "ATELIER_SERVER_PASSWORD" },
  [AT_CREDENTIAL_STORAGE] = {
    { "studio.atelier.Atelier.Storage", SECRET_SCHEMA_NONE, { { "key", SECRET_SCHEMA_ATTRIBUTE_STRING }, { NULL, 0 } } },
    "key", "Atelier studio storage", "AWS_SECRET_ACCESS_KEY" },
};

static void
looked_up_cb (GObject *object, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  g_autoptr(GError) error = NULL;
  const Kind *kind = g_task_get_task_data (task);
  char *secret = secret_password_lookup_finish (result, &error);

  if (secret == NULL && g_getenv (kind->fallback) != NULL)
    secret = g_strdup (g_getenv (kind->fallback));
  g_task_return_pointer (task, secret, g_free);
}

void
at_credentials_lookup_async (AtCredential         kind,
                             const char          *key,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_task_data (task, (gpointer) &kinds[kind], NULL);
  secret_password_lookup (&kinds[kind].schema, cancellable, looked_up_cb, task, kinds[kind].attribute, key, NULL);
}

char *
at_credentials_lookup_finish (GAsyncResult *result,
                              gboolean     *cancelled)
{
  g_autoptr(GError) error = NULL;
  char *secret = g_task_propagate_pointer (G_TASK (result), &error);

  if (cancelled != NULL)
    *cancelled = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  return secret;
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
at_credentials_store_async (AtCredential         kind,
                            const char          *key,
                            const char          *secret,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  secret_password_store (&kinds[kind].schema, SECRET_COLLECTION_DEFAULT, kinds[kind].label, secret, cancellable, stored_cb,
                         task, kinds[kind].attribute, key, NULL);
}

gboolean
at_credentials_store_finish (GAsyncResult  *result,
                                  GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
