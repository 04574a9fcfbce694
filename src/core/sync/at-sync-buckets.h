/* at-sync-buckets.h — which projects a workstation follows (partial sync).
 *
 * The studio's own data (staff, customers, contracts, the list of projects)
 * always syncs. A project's photos, albums, faces, proofs and the rest sync
 * to the workstations that follow it: all of them by default ('all'), or a
 * chosen few, as a laptop at a venue would. */
#pragma once

#include "at-catalog.h"

G_BEGIN_DECLS

typedef struct
{
  char     *id;
  char     *number;
  char     *name;
  gboolean  followed;
  guint     pending;    /* changes of the project not sent yet */
} AtSyncProject;

void       at_sync_project_free     (AtSyncProject *project);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtSyncProject, at_sync_project_free)

/* Whether every project is followed (the default). */
gboolean   at_sync_follows_all      (AtCatalog   *catalog,
                                     GError     **error);
/* The studio's projects (by number), each with whether it is followed. */
GPtrArray *at_sync_list_projects    (AtCatalog   *catalog,
                                     GError     **error);
/* TRUE: follow every project, now and as they are added. FALSE: follow
 * chosen projects only, from those followed now (none, on a new catalog). */
gboolean   at_sync_set_follow_all   (AtCatalog   *catalog,
                                     gboolean     all,
                                     GError     **error);
/* Follow @project (id, name or number): its rows come with the next sync. */
gboolean   at_sync_follow           (AtCatalog   *catalog,
                                     const char  *project,
                                     GError     **error);
/* Stop following @project: from now on only chosen projects are followed,
 * and this one's rows leave this catalog (not the server, not the disk).
 * Refused while any change of it has not been sent. @removed: rows taken out. */
gboolean   at_sync_unfollow         (AtCatalog   *catalog,
                                     const char  *project,
                                     guint       *removed,
                                     GError     **error);

G_END_DECLS
