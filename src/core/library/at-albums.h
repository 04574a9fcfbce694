/* at-albums.h — albums of a project (raw, proof, edited, final, backup), which
 * proofing and delivery build on; membership is a row per photo with `present`. */
#pragma once

#include "at-catalog.h"

G_BEGIN_DECLS

gboolean at_album_type_is_valid (const char        *type);
/* Returns the new album's id, or NULL with the reason (unknown project, bad type). */
char    *at_album_create        (AtCatalog         *catalog,
                                 const char        *project,
                                 const char        *name,
                                 const char        *type,
                                 GError           **error);
gboolean at_album_rename        (AtCatalog         *catalog,
                                 const char        *album,
                                 const char        *name,
                                 GError           **error);
/* Adds (@present TRUE) or removes photos; every id must exist. */
gboolean at_album_set_photos    (AtCatalog         *catalog,
                                 const char        *album,
                                 const char *const *photo_ids,
                                 gboolean           present,
                                 GError           **error);
/* Adds or takes off one keyword on every photo named. */
gboolean at_keywords_set_sync   (AtCatalog         *catalog,
                                 const char *const *photo_ids,
                                 const char        *keyword,
                                 gboolean           present,
                                 GError           **error);

G_END_DECLS
