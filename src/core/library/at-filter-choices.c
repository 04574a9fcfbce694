/* at-filter-choices.c — the filter bar's lists, read from the catalog.
 *
 * Bodies come from the photos themselves (there is no table of cameras):
 * one index seek per distinct serial on photos_body, so a catalog of a
 * million photos from a dozen cameras costs a dozen seeks, not a scan.
 */
#define G_LOG_DOMAIN "atelier-library"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "at-filter-choices.h"

static void
choice_free (gpointer data)
{
  AtFilterChoice *c = data;

  g_free (c->value);
  g_free (c->label);
  g_free (c);
}

static void
add (GPtrArray  *to,
     const char *value,
     char       *label)
{
  AtFilterChoice *c = g_new0 (AtFilterChoice, 1);

  c->value = g_strdup (value);
  c->label = label;
  g_ptr_array_add (to, c);
}

static gboolean
load_bodies (AtSqlConn *conn,
             GPtrArray *to,
             GError   **error)
{
  sqlite3_stmt *next = at_sql_conn_prepare (conn, "SELECT body_serial FROM photos WHERE deleted_at IS NULL "
                                                  "AND body_serial > ?1 ORDER BY body_serial LIMIT 1", error);
  sqlite3_stmt *model = NULL;
  g_autofree char *serial = g_strdup ("");
  int rc = SQLITE_DONE;

  if (next == NULL)
    return FALSE;
  if ((model = at_sql_conn_prepare (conn, "SELECT camera_model FROM photos WHERE deleted_at IS NULL "
                                          "AND body_serial = ?1 AND camera_model IS NOT NULL LIMIT 1", error)) == NULL)
    {
      at_sql_stmt_release (next);
      return FALSE;
    }
  for (;;)
    {
      const char *name;
      size_t len;

      sqlite3_reset (next);
      at_sql_bind_text (next, 1, serial);
      if ((rc = sqlite3_step (next)) != SQLITE_ROW)
        break;
      g_free (serial);
      serial = g_strdup ((const char *) sqlite3_column_text (next, 0));
      sqlite3_reset (model);
      at_sql_bind_text (model, 1, serial);
      rc = sqlite3_step (model);
      name = rc == SQLITE_ROW ? (const char *) sqlite3_column_text (model, 0) : NULL;
      len = strlen (serial);
      /* the model, and the serial's last digits to tell two of a kind apart */
      add (to, serial, name ? g_strdup_printf ("%s · …%s", name, serial + (len > 4 ? len - 4 : 0)) : g_strdup (serial));
    }
  at_sql_stmt_release (next);
  at_sql_stmt_release (model);
  if (rc != SQLITE_DONE)
    return at_sql_set_error (at_sql_conn_get_db (conn), rc, _("Could not read the cameras"), error);
  return TRUE;
}

static gboolean
load_pairs (AtSqlConn  *conn,
            const char *sql,
            GPtrArray  *to,
            GError    **error)
{
  sqlite3_stmt *stmt = at_sql_conn_prepare (conn, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    add (to, (const char *) sqlite3_column_text (stmt, 0), g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
  at_sql_stmt_release (stmt);
  if (rc != SQLITE_DONE)
    return at_sql_set_error (at_sql_conn_get_db (conn), rc, _("Could not read the filter lists"), error);
  return TRUE;
}

AtFilterChoices *
at_filter_choices_load (AtSqlConn *conn,
                        GError   **error)
{
  g_autoptr(AtFilterChoices) c = g_new0 (AtFilterChoices, 1);

  c->bodies = g_ptr_array_new_with_free_func (choice_free);
  c->projects = g_ptr_array_new_with_free_func (choice_free);
  c->albums = g_ptr_array_new_with_free_func (choice_free);
  c->people = g_ptr_array_new_with_free_func (choice_free);
  if (!load_bodies (conn, c->bodies, error) ||
      !load_pairs (conn, "SELECT id, project_number || ' · ' || name FROM projects WHERE deleted_at IS NULL "
                         "ORDER BY event_date DESC, project_number", c->projects, error) ||
      !load_pairs (conn, "SELECT a.id, a.name || ' · ' || p.name FROM albums a JOIN projects p ON p.id = a.project_id "
                         "WHERE a.deleted_at IS NULL AND p.deleted_at IS NULL "
                         "ORDER BY p.event_date DESC, p.project_number, a.name", c->albums, error) ||
      !load_pairs (conn, "SELECT pe.id, pe.display_name FROM people pe WHERE pe.deleted_at IS NULL AND EXISTS "
                         "(SELECT 1 FROM face_tags t WHERE t.person_id = pe.id AND t.review_state = 'confirmed' "
                         "AND t.deleted_at IS NULL) ORDER BY pe.display_name", c->people, error))
    return NULL;
  return g_steal_pointer (&c);
}

void
at_filter_choices_free (AtFilterChoices *choices)
{
  if (choices == NULL)
    return;
  g_clear_pointer (&choices->bodies, g_ptr_array_unref);
  g_clear_pointer (&choices->projects, g_ptr_array_unref);
  g_clear_pointer (&choices->albums, g_ptr_array_unref);
  g_clear_pointer (&choices->people, g_ptr_array_unref);
  g_free (choices);
}

static void
load_thread (GTask        *task,
             gpointer      source,
             gpointer      data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  AtSqlConn *conn = at_catalog_get_reader (source, &error);
  AtFilterChoices *choices = conn ? at_filter_choices_load (conn, &error) : NULL;

  if (choices == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, choices, (GDestroyNotify) at_filter_choices_free);
}

/* @callback gets the catalog as its source object. */
void
at_filter_choices_load_async (AtCatalog           *catalog,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (catalog, cancellable, callback, user_data);

  g_task_set_source_tag (task, at_filter_choices_load_async);
  g_task_run_in_thread (task, load_thread);
}

/* A cancelled load reports G_IO_ERROR_CANCELLED even if it had finished. */
AtFilterChoices *
at_filter_choices_load_finish (GAsyncResult *result,
                               GError      **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
