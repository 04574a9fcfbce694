/* at-sync-projects.h — the Sync page's list of projects this workstation
 * follows (partial sync). */
#pragma once

#include <adwaita.h>

#include "at-core.h"

G_BEGIN_DECLS

#define AT_TYPE_SYNC_PROJECTS (at_sync_projects_get_type ())
G_DECLARE_FINAL_TYPE (AtSyncProjects, at_sync_projects, AT, SYNC_PROJECTS, AdwPreferencesGroup)

void at_sync_projects_set_service (AtSyncProjects *self,
                                   AtSyncService  *service);
/* Reads the list again (after a sync brought new projects). */
void at_sync_projects_reload      (AtSyncProjects *self);

G_END_DECLS
