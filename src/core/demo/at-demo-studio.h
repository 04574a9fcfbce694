/* at-demo-studio.h — the demo studio's people, money and calendar rows. */
#pragma once

#include "at-sql.h"
#include "at-uuid.h"

G_BEGIN_DECLS

/* Keys the photo rows need to point at. */
typedef struct
{
  char studio[AT_UUID_STRING_LEN + 1];
  char wedding[AT_UUID_STRING_LEN + 1];
  char lead_photographer[AT_UUID_STRING_LEN + 1];
  char second_shooter[AT_UUID_STRING_LEN + 1];
  char raw_album[AT_UUID_STRING_LEN + 1];
  char card_session[2][AT_UUID_STRING_LEN + 1];
} AtDemoKeys;

#define AT_DEMO_STUDIO_NAME   "Atelier Lumière (demo)"
#define AT_DEMO_WEDDING_NAME  "Lindqvist & Okafor wedding"
#define AT_DEMO_WEDDING_DATE  "2026-06-13"
#define AT_DEMO_WEDDING_TZ    "+02:00"

gboolean at_demo_studio_exists (AtSqlConn   *conn,
                                GError     **error);
gboolean at_demo_studio_write  (AtSqlConn   *conn,
                                const char  *library_root,
                                const char  *wedding_folder,
                                AtDemoKeys  *keys,
                                GError     **error);

G_END_DECLS
