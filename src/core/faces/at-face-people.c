/* at-face-people.c — see at-face-people.h. */
#define G_LOG_DOMAIN "atelier-faces"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "at-catalog-error.h"
#include "at-face-people.h"
#include "at-sql.h"
#include "at-uuid.h"

char *
at_face_person_find (AtSqlConn   *conn,
                     const char  *key,
                     GError     **error)
{
  sqlite3_stmt *stmt = at_sql_conn_prepare (conn, "SELECT id FROM people WHERE deleted_at IS NULL "
                                                  "AND (id = ?1 OR display_name = ?1) ORDER BY id = ?1 DESC, created_at LIMIT 1",
                                            error);
  char *id = NULL;

  if (stmt == NULL)
    return NULL;
  at_sql_bind_text (stmt, 1, key);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  at_sql_stmt_release (stmt);
  if (id == NULL)
    g_set_error (error, AT_CATALOG_ERROR, AT_CATALOG_ERROR_NOT_FOUND, _("There is no person “%s”"), key);
  return id;
}

gboolean
at_face_consent_active (AtSqlConn  *conn,
                        const char *person_id)
{
  sqlite3_stmt *stmt = at_sql_conn_prepare (conn, "SELECT 1 FROM consents WHERE person_id = ?1 AND consent_type = "
                                                  "'biometric_processing' AND revoked_at IS NULL AND deleted_at IS NULL", NULL);
  gboolean active;

  if (stmt == NULL)
    return FALSE;
  at_sql_bind_text (stmt, 1, person_id);
  active = sqlite3_step (stmt) == SQLITE_ROW;
  at_sql_stmt_release (stmt);
  return active;
}

typedef struct
{
  const char *name;
  char       *id;
} Ensure;

static gboolean
write_ensure (AtSqlConn *conn, gpointer data, GError **error)
{
  Ensure *e = data;
  g_autoptr(GError) missing = NULL;
  char id[AT_UUID_STRING_LEN + 1];

  if ((e->id = at_face_person_find (conn, e->name, &missing)) != NULL)
    return TRUE;
  at_uuid_v7_generate (id);
  if (!at_sql_exec_bound (conn, error, "INSERT INTO people (id, studio_id, display_name) "
                                       "SELECT ?1, id, ?2 FROM studios WHERE deleted_at IS NULL ORDER BY created_at LIMIT 1",
                          "tt", id, e->name))
    return FALSE;
  if (sqlite3_changes (at_sql_conn_get_db (conn)) == 0)
    {
      g_set_error (error, AT_CATALOG_ERROR, AT_CATALOG_ERROR_NOT_FOUND, _("The catalog has no studio to add “%s” to"),
                   e->name);
      return FALSE;
    }
  e->id = g_strdup (id);
  return TRUE;
}

char *
at_face_person_ensure (AtCatalog   *catalog,
                       const char  *name,
                       GError     **error)
{
  Ensure e = { name, NULL };

  if (!at_catalog_write_sync (catalog, "people", write_ensure, &e, error))
    {
      g_free (e.id);
      return NULL;
    }
  return e.id;
}

typedef struct
{
  const char *person;
  const char *customer;
  const char *staff;
} Link;

/* UPDATE people SET @column to the row of @table whose id or @name_column
 * is @key; an unknown key is an error. */
static gboolean
link_one (AtSqlConn *conn, const char *person, const char *column, const char *table, const char *name_column,
          const char *key, GError **error)
{
  char *sql = sqlite3_mprintf ("UPDATE people SET \"%w\" = (SELECT id FROM \"%w\" WHERE deleted_at IS NULL "
                               "AND (id = ?2 OR \"%w\" = ?2) ORDER BY id = ?2 DESC LIMIT 1) WHERE id = ?1 "
                               "AND EXISTS (SELECT 1 FROM \"%w\" WHERE deleted_at IS NULL AND (id = ?2 OR \"%w\" = ?2))",
                               column, table, name_column, table, name_column);
  gboolean ok = at_sql_exec_bound (conn, error, sql, "tt", person, key);

  sqlite3_free (sql);
  if (ok && sqlite3_changes (at_sql_conn_get_db (conn)) == 0)
    {
      if (g_str_equal (table, "customers"))
        g_set_error (error, AT_CATALOG_ERROR, AT_CATALOG_ERROR_NOT_FOUND, _("There is no customer “%s”"), key);
      else
        g_set_error (error, AT_CATALOG_ERROR, AT_CATALOG_ERROR_NOT_FOUND, _("There is no staff member “%s”"), key);
      return FALSE;
    }
  return ok;
}

static gboolean
write_link (AtSqlConn *conn, gpointer data, GError **error)
{
  Link *l = data;
  g_autofree char *person = at_face_person_find (conn, l->person, error);

  return person != NULL &&
         (l->customer == NULL || link_one (conn, person, "customer_id", "customers", "primary_name", l->customer,
                                           error)) &&
         (l->staff == NULL || link_one (conn, person, "staff_id", "staff", "full_name", l->staff, error));
}

gboolean
at_face_person_link (AtCatalog   *catalog,
                     const char  *person,
                     const char  *customer,
                     const char  *staff,
                     GError     **error)
{
  Link l = { person, customer, staff };

  return at_catalog_write_sync (catalog, "people", write_link, &l, error);
}

typedef struct
{
  const char *person;
  gboolean    give;
  const char *version;
} Consent;

static gboolean
write_consent (AtSqlConn *conn, gpointer data, GError **error)
{
  Consent *c = data;
  g_autofree char *person = at_face_person_find (conn, c->person, error);
  char id[AT_UUID_STRING_LEN + 1];

  if (person == NULL)
    return FALSE;
  if (c->give)
    {
      at_uuid_v7_generate (id);
      /* a new version of the form replaces the one in force */
      return at_sql_exec_bound (conn, error, "UPDATE consents SET revoked_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') "
                                             "WHERE person_id = ?1 AND consent_type = 'biometric_processing' "
                                             "AND revoked_at IS NULL AND consent_version <> ?2", "tt", person, c->version) &&
             at_sql_exec_bound (conn, error, "INSERT INTO consents (id, person_id, consent_type, consent_version, given_at) "
                                             "SELECT ?1, ?2, 'biometric_processing', ?3, strftime('%Y-%m-%dT%H:%M:%fZ','now') "
                                             "WHERE NOT EXISTS (SELECT 1 FROM consents WHERE person_id = ?2 AND consent_type = "
                                             "'biometric_processing' AND revoked_at IS NULL AND deleted_at IS NULL)",
                                 "ttt", id, person, c->version);
    }
  if (!at_sql_exec_bound (conn, error, "UPDATE consents SET revoked_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') "
                                       "WHERE person_id = ?1 AND consent_type = 'biometric_processing' "
                                       "AND revoked_at IS NULL AND deleted_at IS NULL", "t", person))
    return FALSE;
  if (sqlite3_changes (at_sql_conn_get_db (conn)) == 0)
    {
      g_set_error (error, AT_FACE_ERROR, AT_FACE_ERROR_CONSENT, _("“%s” has not given consent: there is nothing to revoke"),
                   c->person);
      return FALSE;
    }
  /* the purge: their templates go; tags a person confirmed stay, as names */
  return at_sql_exec_bound (conn, error, "UPDATE faces SET embedding = NULL WHERE embedding IS NOT NULL AND id IN "
                                         "(SELECT face_id FROM face_tags WHERE person_id = ?1 AND review_state = 'confirmed')",
                            "t", person) &&
         at_sql_exec_bound (conn, error, "DELETE FROM reference_faces WHERE person_id = ?1", "t", person) &&
         at_sql_exec_bound (conn, error, "DELETE FROM face_tags WHERE person_id = ?1 AND source = 'auto' "
                                         "AND review_state <> 'confirmed'", "t", person);
}

gboolean
at_face_consent_set (AtCatalog   *catalog,
                     const char  *person,
                     gboolean     give,
                     const char  *version,
                     GError     **error)
{
  Consent c = { person, give, version ? version : AT_FACE_CONSENT_VERSION };

  return at_catalog_write_sync (catalog, "consents", write_consent, &c, error);
}

typedef struct
{
  const char *person;
  GPtrArray  *paths;
  GPtrArray  *faces;    /* one AtFace per path */
} Enroll;

static gboolean
write_enroll (AtSqlConn *conn, gpointer data, GError **error)
{
  Enroll *e = data;
  g_autofree char *person = at_face_person_find (conn, e->person, error);

  if (person == NULL)
    return FALSE;
  /* (asked again inside the write: a revocation may have come between) */
  if (!at_face_consent_active (conn, person))
    {
      g_set_error (error, AT_FACE_ERROR, AT_FACE_ERROR_CONSENT,
                   _("“%s” has not given consent to biometric processing: record it first (faces consent)"), e->person);
      return FALSE;
    }
  for (guint i = 0; i < e->faces->len; i++)
    {
      AtFace *f = e->faces->pdata[i];
      sqlite3_stmt *stmt = at_sql_conn_prepare (conn, "INSERT INTO reference_faces (id, person_id, source_path, embedding, "
                                                      "quality_score, status) VALUES (?1, ?2, ?3, ?4, ?5, 'approved')", error);
      char id[AT_UUID_STRING_LEN + 1];

      if (stmt == NULL)
        return FALSE;
      at_uuid_v7_generate (id);
      at_sql_bind_text (stmt, 1, id);
      at_sql_bind_text (stmt, 2, person);
      at_sql_bind_text (stmt, 3, e->paths->pdata[i]);
      sqlite3_bind_blob (stmt, 4, f->descriptor, sizeof f->descriptor, SQLITE_TRANSIENT);
      sqlite3_bind_double (stmt, 5, f->box.score);
      if (!at_sql_step_done (conn, stmt, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
at_face_enroll (AtCatalog          *catalog,
                AtFaceEngine       *engine,
                const char         *person,
                const char *const  *images,
                guint              *enrolled,
                GError            **error)
{
  g_autoptr(GPtrArray) faces = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) paths = g_ptr_array_new ();
  AtSqlConn *conn = at_catalog_get_reader (catalog, error);
  g_autofree char *id = conn ? at_face_person_find (conn, person, error) : NULL;
  Enroll e = { person, paths, faces };

  if (id == NULL)
    return FALSE;
  /* before any image is read: no template of a person who did not agree */
  if (!at_face_consent_active (conn, id))
    {
      g_set_error (error, AT_FACE_ERROR, AT_FACE_ERROR_CONSENT,
                   _("“%s” has not given consent to biometric processing: record it first (faces consent)"), person);
      return FALSE;
    }
  for (guint i = 0; images[i] != NULL; i++)
    {
      int w, h;
      g_autoptr(GPtrArray) found = at_face_engine_scan_file (engine, images[i], &w, &h, error);

      if (found == NULL)
        return FALSE;
      if (found->len != 1)
        {
          if (found->len == 0)
            g_set_error (error, AT_FACE_ERROR, AT_FACE_ERROR_NO_FACE,
                         _("No face was found in “%s”: a selfie shows one face, near and in the light"), images[i]);
          else
            g_set_error (error, AT_FACE_ERROR, AT_FACE_ERROR_NO_FACE,
                         _("“%s” shows %u faces: a selfie shows one person alone"), images[i], found->len);
          return FALSE;
        }
      g_ptr_array_add (faces, g_ptr_array_steal_index (found, 0));
      g_ptr_array_add (paths, (gpointer) images[i]);
    }
  if (!at_catalog_write_sync (catalog, "reference_faces", write_enroll, &e, error))
    return FALSE;
  if (enrolled != NULL)
    *enrolled = faces->len;
  return TRUE;
}
