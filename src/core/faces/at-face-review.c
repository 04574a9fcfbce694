/* at-face-review.c — see at-face-review.h. */
#define G_LOG_DOMAIN "atelier-faces"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "at-catalog-error.h"
#include "at-face-people.h"
#include "at-face-review.h"
#include "at-face-weights.h"
#include "at-sql.h"
#include "at-uuid.h"

#define NOW "strftime('%Y-%m-%dT%H:%M:%fZ','now')"

/* Confirms @face as @person by hand (a reassignment, or a group's face);
 * FALSE with *clash when its photo already shows them. */
static gboolean
confirm_as (AtSqlConn *conn, const char *face, const char *person, gboolean *clash, GError **error)
{
  char id[AT_UUID_STRING_LEN + 1];
  sqlite3_stmt *stmt = at_sql_conn_prepare (conn, "SELECT 1 FROM face_tags t JOIN faces f ON f.id = t.face_id "
                                                  "JOIN faces me ON me.id = ?1 WHERE f.photo_id = me.photo_id "
                                                  "AND f.id <> me.id AND t.person_id = ?2 AND t.review_state IN "
                                                  "('pending', 'confirmed') AND t.deleted_at IS NULL", error);

  if (stmt == NULL)
    return FALSE;
  at_sql_bind_text (stmt, 1, face);
  at_sql_bind_text (stmt, 2, person);
  *clash = sqlite3_step (stmt) == SQLITE_ROW;
  at_sql_stmt_release (stmt);
  if (*clash)
    return FALSE;
  at_uuid_v7_generate (id);
  return at_sql_exec_bound (conn, error, "INSERT INTO face_tags (id, face_id, person_id, source, review_state, reviewed_at) "
                                         "VALUES (?1, ?2, ?3, 'manual', 'confirmed', " NOW ") "
                                         "ON CONFLICT (face_id, person_id) DO UPDATE SET review_state = 'confirmed', "
                                         "reviewed_at = excluded.reviewed_at, deleted_at = NULL", "ttt", id, face, person) &&
         at_sql_exec_bound (conn, error, "DELETE FROM face_clusters WHERE face_id = ?1", "t", face);
}

/* no consent, no template: the tag stays, the embedding goes */
static gboolean
drop_template_without_consent (AtSqlConn *conn, const char *face, const char *person, GError **error)
{
  if (at_face_consent_active (conn, person))
    return TRUE;
  return at_sql_exec_bound (conn, error, "UPDATE faces SET embedding = NULL WHERE id = ?1", "t", face);
}

typedef struct
{
  const char    *face;
  const char    *person;
  AtFaceVerdict  verdict;
} Review;

static gboolean
write_review (AtSqlConn *conn, gpointer data, GError **error)
{
  Review *r = data;
  g_autofree char *person = NULL;
  g_autofree char *suggested = NULL;
  sqlite3_stmt *stmt = at_sql_conn_prepare (conn, "SELECT person_id FROM face_tags WHERE face_id = ?1 "
                                                  "AND review_state = 'pending' AND deleted_at IS NULL", error);
  gboolean clash = FALSE;

  if (stmt == NULL)
    return FALSE;
  at_sql_bind_text (stmt, 1, r->face);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    suggested = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  at_sql_stmt_release (stmt);
  if (r->person != NULL && (person = at_face_person_find (conn, r->person, error)) == NULL)
    return FALSE;
  if (person == NULL && suggested == NULL)
    {
      g_set_error (error, AT_CATALOG_ERROR, AT_CATALOG_ERROR_NOT_FOUND, _("No suggestion waits for this face"));
      return FALSE;
    }
  if (r->verdict == AT_FACE_REJECT)
    return at_sql_exec_bound (conn, error, "UPDATE face_tags SET review_state = 'rejected', reviewed_at = " NOW " "
                                           "WHERE face_id = ?1 AND person_id = ?2 AND review_state = 'pending'", "tt",
                              r->face, person ? person : suggested);
  if (person == NULL || g_strcmp0 (person, suggested) == 0)
    return at_sql_exec_bound (conn, error, "UPDATE face_tags SET review_state = 'confirmed', reviewed_at = " NOW " "
                                           "WHERE face_id = ?1 AND person_id = ?2 AND review_state = 'pending'", "tt",
                              r->face, suggested) &&
           drop_template_without_consent (conn, r->face, suggested, error);
  /* someone else: the suggestion was wrong, and is never made again */
  if (suggested != NULL &&
      !at_sql_exec_bound (conn, error, "UPDATE face_tags SET review_state = 'rejected', reviewed_at = " NOW " "
                                       "WHERE face_id = ?1 AND person_id = ?2", "tt", r->face, suggested))
    return FALSE;
  if (!confirm_as (conn, r->face, person, &clash, error))
    {
      if (clash)
        g_set_error (error, AT_CATALOG_ERROR, AT_CATALOG_ERROR_CONSTRAINT,
                     _("“%s” is already tagged in this photo: two faces of one photo are two people"), r->person);
      return FALSE;
    }
  return drop_template_without_consent (conn, r->face, person, error);
}

gboolean
at_face_review (AtCatalog      *catalog,
                const char     *face_id,
                const char     *person,
                AtFaceVerdict   verdict,
                GError        **error)
{
  Review r = { face_id, person, verdict };

  return at_catalog_write_sync (catalog, "face_tags", write_review, &r, error);
}

typedef struct
{
  const char *cluster;
  const char *person;
  guint       tagged;
} Group;

static gboolean
write_group (AtSqlConn *conn, gpointer data, GError **error)
{
  Group *g = data;
  g_autofree char *person = at_face_person_find (conn, g->person, error);
  g_autoptr(GPtrArray) faces = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;

  if (person == NULL ||
      (stmt = at_sql_conn_prepare (conn, "SELECT face_id FROM face_clusters WHERE cluster_id = ?1 ORDER BY face_id",
                                   error)) == NULL)
    return FALSE;
  at_sql_bind_text (stmt, 1, g->cluster);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (faces, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  at_sql_stmt_release (stmt);
  if (faces->len == 0)
    {
      g_set_error (error, AT_CATALOG_ERROR, AT_CATALOG_ERROR_NOT_FOUND, _("There is no group of faces “%s”"), g->cluster);
      return FALSE;
    }
  for (guint i = 0; i < faces->len; i++)
    {
      gboolean clash = FALSE;

      if (!confirm_as (conn, faces->pdata[i], person, &clash, error))
        {
          if (!clash)
            return FALSE;
          g_clear_error (error);
          continue;
        }
      if (!drop_template_without_consent (conn, faces->pdata[i], person, error))
        return FALSE;
      g->tagged++;
    }
  return TRUE;
}

gboolean
at_face_review_cluster (AtCatalog   *catalog,
                        const char  *cluster_id,
                        const char  *person,
                        gboolean     create,
                        guint       *tagged,
                        GError     **error)
{
  g_autofree char *id = create ? at_face_person_ensure (catalog, person, error) : g_strdup (person);
  Group g = { cluster_id, id, 0 };

  if (id == NULL || !at_catalog_write_sync (catalog, "face_tags", write_group, &g, error))
    return FALSE;
  if (tagged != NULL)
    *tagged = g.tagged;
  return TRUE;
}
