/* at-face-people.h — people, their biometric consent and their selfies.
 * A person's face is matched only while their consent to biometric
 * processing is active; revoking it deletes their reference faces, their
 * automatic tags and the embeddings of the faces tagged as them. */
#pragma once

#include "at-catalog.h"
#include "at-face-engine.h"

G_BEGIN_DECLS

#define AT_FACE_CONSENT_VERSION "1"

/* The live person named by @key (id or display name), or NULL with
 * AT_CATALOG_ERROR_NOT_FOUND; inside a catalog write or on a reader. */
char     *at_face_person_find     (AtSqlConn    *conn,
                                   const char   *key,
                                   GError      **error);
/* The person's id, a new person named @name if there is none. Blocking. */
char     *at_face_person_ensure   (AtCatalog    *catalog,
                                   const char   *name,
                                   GError      **error);
/* Links @person to a customer and/or a staff member (each an id or a name;
 * NULL leaves that link). Blocking. */
gboolean  at_face_person_link     (AtCatalog    *catalog,
                                   const char   *person,
                                   const char   *customer,
                                   const char   *staff,
                                   GError      **error);
gboolean  at_face_consent_active  (AtSqlConn    *conn,
                                   const char   *person_id);
/* Records consent given (@version, e.g. the form's) or revoked, with the
 * purge. Revoking what is not given is an error. Blocking. */
gboolean  at_face_consent_set     (AtCatalog    *catalog,
                                   const char   *person,
                                   gboolean      give,
                                   const char   *version,
                                   GError      **error);
/* Reference faces of @person from selfies, each with exactly one face;
 * refused without active consent. Blocking (the engine runs here). */
gboolean  at_face_enroll          (AtCatalog    *catalog,
                                   AtFaceEngine *engine,
                                   const char   *person,
                                   const char *const *images,
                                   guint        *enrolled,
                                   GError      **error);

G_END_DECLS
