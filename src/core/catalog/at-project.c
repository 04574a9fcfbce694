/* at-project.c — AtProject: a snapshot of one `projects` row.
 *
 * A studio has hundreds of projects, not hundreds of thousands, so they
 * load into a plain GListStore (unlike photos, see at-photo-list.c).
 */
#define G_LOG_DOMAIN "atelier-catalog"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "at-catalog-error.h"
#include "at-project.h"

struct _AtProject
{
  GObject parent_instance;
  char   *id, *number, *name, *project_type, *status, *event_date, *venue;
};

G_DEFINE_FINAL_TYPE (AtProject, at_project, G_TYPE_OBJECT)

enum { PROP_0, PROP_ID, PROP_NAME, PROP_STATUS, PROP_EVENT_DATE, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void
at_project_finalize (GObject *object)
{
  AtProject *self = AT_PROJECT (object);

  g_free (self->id);
  g_free (self->number);
  g_free (self->name);
  g_free (self->project_type);
  g_free (self->status);
  g_free (self->event_date);
  g_free (self->venue);
  G_OBJECT_CLASS (at_project_parent_class)->finalize (object);
}

static void
at_project_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  AtProject *self = AT_PROJECT (object);

  switch (prop_id)
    {
    case PROP_ID:         g_value_set_string (value, self->id); break;
    case PROP_NAME:       g_value_set_string (value, self->name); break;
    case PROP_STATUS:     g_value_set_string (value, self->status); break;
    case PROP_EVENT_DATE: g_value_set_string (value, self->event_date); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
at_project_class_init (AtProjectClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = at_project_finalize;
  object_class->get_property = at_project_get_property;
  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, ro);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, ro);
  properties[PROP_STATUS] = g_param_spec_string ("status", NULL, NULL, NULL, ro);
  properties[PROP_EVENT_DATE] = g_param_spec_string ("event-date", NULL, NULL, NULL, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
at_project_init (AtProject *self)
{
}

const char *at_project_get_id (AtProject *self)           { g_return_val_if_fail (AT_IS_PROJECT (self), NULL); return self->id; }
const char *at_project_get_number (AtProject *self)       { g_return_val_if_fail (AT_IS_PROJECT (self), NULL); return self->number; }
const char *at_project_get_name (AtProject *self)         { g_return_val_if_fail (AT_IS_PROJECT (self), NULL); return self->name; }
const char *at_project_get_project_type (AtProject *self) { g_return_val_if_fail (AT_IS_PROJECT (self), NULL); return self->project_type; }
const char *at_project_get_status (AtProject *self)       { g_return_val_if_fail (AT_IS_PROJECT (self), NULL); return self->status; }
const char *at_project_get_event_date (AtProject *self)   { g_return_val_if_fail (AT_IS_PROJECT (self), NULL); return self->event_date; }
const char *at_project_get_venue (AtProject *self)        { g_return_val_if_fail (AT_IS_PROJECT (self), NULL); return self->venue; }

static gpointer
project_from_row (sqlite3_stmt *stmt)
{
  AtProject *p = g_object_new (AT_TYPE_PROJECT, NULL);

  p->id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  p->number = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  p->name = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  p->project_type = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  p->status = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  p->event_date = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
  p->venue = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
  return p;
}

/**
 * at_project_load_all:
 *
 * Returns: (transfer full): live projects, soonest event first
 */
GListModel *
at_project_load_all (AtCatalog  *catalog,
                     GError    **error)
{
  return at_catalog_load_list (catalog,
                               "SELECT id, project_number, name, project_type, status, event_date, venue "
                               "FROM projects WHERE deleted_at IS NULL ORDER BY event_date, name",
                               AT_TYPE_PROJECT, project_from_row, error);
}

char *
at_project_find_id (AtSqlConn   *conn,
                    const char  *key,
                    GError     **error)
{
  sqlite3_stmt *stmt = at_sql_conn_prepare (conn, "SELECT id FROM projects WHERE deleted_at IS NULL "
                                                  "AND (id = ?1 OR project_number = ?1 OR name = ?1) "
                                                  "ORDER BY id = ?1 DESC, project_number = ?1 DESC LIMIT 1", error);
  char *id = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  at_sql_bind_text (stmt, 1, key);
  if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  at_sql_stmt_release (stmt);
  if (id == NULL && rc == SQLITE_DONE)
    g_set_error (error, AT_CATALOG_ERROR, AT_CATALOG_ERROR_NOT_FOUND, _("There is no project “%s” in the catalog."), key);
  else if (id == NULL)
    at_sql_set_error (at_sql_conn_get_db (conn), rc, _("Could not find the project"), error);
  return id;
}
