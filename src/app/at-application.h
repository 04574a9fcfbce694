/* at-application.h — the Atelier application: catalog, settings, windows. */
#pragma once

#include <adwaita.h>

#include "at-core.h"
#include "at-credentials.h"

G_BEGIN_DECLS

#define AT_TYPE_APPLICATION (at_application_get_type ())
G_DECLARE_FINAL_TYPE (AtApplication, at_application, AT, APPLICATION, AdwApplication)

AtApplication *at_application_new          (void);
GSettings     *at_application_get_settings (AtApplication *self);
AtCatalog     *at_application_get_catalog  (AtApplication *self);
char          *at_application_dup_library_folder (AtApplication *self);
/* A secret saved in the keyring for @key (AtCredential @kind): said to
 * whoever uses it ("credentials-stored"), to look it up again. */
void           at_application_credentials_stored (AtApplication *self,
                                                  AtCredential   kind,
                                                  const char    *key);

G_END_DECLS
