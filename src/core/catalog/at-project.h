/* at-project.h — one row of `projects` (a shoot or event). */
#pragma once

#include <gio/gio.h>

#include "at-catalog.h"

G_BEGIN_DECLS

#define AT_TYPE_PROJECT (at_project_get_type ())
G_DECLARE_FINAL_TYPE (AtProject, at_project, AT, PROJECT, GObject)

const char *at_project_get_id          (AtProject *self);
const char *at_project_get_number      (AtProject *self);
const char *at_project_get_name        (AtProject *self);
const char *at_project_get_project_type (AtProject *self);
const char *at_project_get_status      (AtProject *self);
const char *at_project_get_event_date  (AtProject *self);
const char *at_project_get_venue       (AtProject *self);
GListModel *at_project_load_all        (AtCatalog  *catalog,
                                        GError    **error);
/* The id of the live project named by @key (its id, number or name, in that
 * order of preference); NULL with AT_CATALOG_ERROR_NOT_FOUND if none. */
char       *at_project_find_id         (AtSqlConn  *conn,
                                        const char *key,
                                        GError    **error);

G_END_DECLS
