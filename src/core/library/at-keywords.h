/* at-keywords.h — keywords on photos, and what the XMP writer needs of a photo. */
#pragma once

#include "at-catalog.h"
#include "at-photo.h"

G_BEGIN_DECLS

GPtrArray *at_keywords_load        (AtSqlConn         *conn,
                                    const char        *photo_id,
                                    GError           **error);
GPtrArray *at_keywords_of_photos   (AtSqlConn         *conn,
                                    const char *const *photo_ids,
                                    GError           **error);
/* Makes @keywords the photo's whole set: others are marked not present. */
gboolean   at_keywords_replace_sync (AtCatalog        *catalog,
                                     const char       *photo_id,
                                     GPtrArray        *keywords,
                                     GError          **error);
/* Culling state and library path of one photo; FALSE if there is none. */
gboolean   at_photo_load_state     (AtSqlConn         *conn,
                                    const char        *photo_id,
                                    AtCullState       *state,
                                    char             **library_path,
                                    GError           **error);

G_END_DECLS
