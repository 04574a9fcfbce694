/* at-face-review-undo.c — undoing a verdict: the faces' tags (every row,
 * as it was), their embeddings (a confirmation without consent drops one)
 * and their groups, read before and written back after. */
#define G_LOG_DOMAIN "atelier-faces"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "at-face-review.h"
#include "at-sql.h"

typedef struct
{
  char   *face_id;
  GBytes *embedding;   /* NULL: none */
  char   *cluster_id;  /* NULL: none */
  GPtrArray *tags;     /* Tag */
} FaceState;

typedef struct
{
  char  *id, *person_id, *source, *review_state, *reviewed_at, *deleted_at;
  double distance;
  gboolean has_distance;
} Tag;

struct _AtFaceReviewSnapshot
{
  GPtrArray *faces;    /* FaceState */
};

static void
tag_free (gpointer data)
{
  Tag *t = data;

  g_free (t->id);
  g_free (t->person_id);
  g_free (t->source);
  g_free (t->review_state);
  g_free (t->reviewed_at);
  g_free (t->deleted_at);
  g_free (t);
}

static void
face_state_free (gpointer data)
{
  FaceState *f = data;

  g_free (f->face_id);
  g_clear_pointer (&f->embedding, g_bytes_unref);
  g_free (f->cluster_id);
  g_ptr_array_unref (f->tags);
  g_free (f);
}

void
at_face_review_snapshot_free (AtFaceReviewSnapshot *snapshot)
{
  if (snapshot == NULL)
    return;
  g_ptr_array_unref (snapshot->faces);
  g_free (snapshot);
}

static char *
text (sqlite3_stmt *stmt, int col)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, col));
}

static FaceState *
read_face (AtSqlConn *conn, const char *face_id, GError **error)
{
  FaceState *f = g_new0 (FaceState, 1);
  sqlite3_stmt *stmt;

  f->face_id = g_strdup (face_id);
  f->tags = g_ptr_array_new_with_free_func (tag_free);
  if ((stmt = at_sql_conn_prepare (conn, "SELECT embedding, (SELECT cluster_id FROM face_clusters WHERE face_id = ?1) "
                                         "FROM faces WHERE id = ?1", error)) == NULL)
    goto fail;
  at_sql_bind_text (stmt, 1, face_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      if (sqlite3_column_type (stmt, 0) == SQLITE_BLOB)
        f->embedding = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
      f->cluster_id = text (stmt, 1);
    }
  at_sql_stmt_release (stmt);
  if ((stmt = at_sql_conn_prepare (conn, "SELECT id, person_id, source, review_state, reviewed_at, deleted_at, distance "
                                         "FROM face_tags WHERE face_id = ?1", error)) == NULL)
    goto fail;
  at_sql_bind_text (stmt, 1, face_id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      Tag *t = g_new0 (Tag, 1);
      t->id = text (stmt, 0);
      t->person_id = text (stmt, 1);
      t->source = text (stmt, 2);
      t->review_state = text (stmt, 3);
      t->reviewed_at = text (stmt, 4);
      t->deleted_at = text (stmt, 5);
      t->has_distance = sqlite3_column_type (stmt, 6) != SQLITE_NULL;
      t->distance = sqlite3_column_double (stmt, 6);
      g_ptr_array_add (f->tags, t);
    }
  at_sql_stmt_release (stmt);
  return f;

fail:
  face_state_free (f);
  return NULL;
}

AtFaceReviewSnapshot *
at_face_review_snapshot (AtCatalog          *catalog,
                         const char *const  *face_ids,
                         const char         *cluster_id,
                         GError            **error)
{
  g_autoptr(AtFaceReviewSnapshot) s = g_new0 (AtFaceReviewSnapshot, 1);
  AtSqlConn *conn = at_catalog_get_reader (catalog, error);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);

  if (conn == NULL)
    return NULL;
  s->faces = g_ptr_array_new_with_free_func (face_state_free);
  for (guint i = 0; face_ids != NULL && face_ids[i] != NULL; i++)
    g_ptr_array_add (ids, g_strdup (face_ids[i]));
  if (cluster_id != NULL)
    {
      sqlite3_stmt *stmt = at_sql_conn_prepare (conn, "SELECT face_id FROM face_clusters WHERE cluster_id = ?1", error);
      if (stmt == NULL)
        return NULL;
      at_sql_bind_text (stmt, 1, cluster_id);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        g_ptr_array_add (ids, text (stmt, 0));
      at_sql_stmt_release (stmt);
    }
  for (guint i = 0; i < ids->len; i++)
    {
      FaceState *f = read_face (conn, ids->pdata[i], error);
      if (f == NULL)
        return NULL;
      g_ptr_array_add (s->faces, f);
    }
  return g_steal_pointer (&s);
}

static gboolean
write_restore (AtSqlConn *conn, gpointer data, GError **error)
{
  AtFaceReviewSnapshot *s = data;

  for (guint i = 0; i < s->faces->len; i++)
    {
      FaceState *f = s->faces->pdata[i];
      sqlite3_stmt *stmt;

      if (!at_sql_exec_bound (conn, error, "DELETE FROM face_tags WHERE face_id = ?1", "t", f->face_id) ||
          !at_sql_exec_bound (conn, error, "DELETE FROM face_clusters WHERE face_id = ?1", "t", f->face_id))
        return FALSE;
      for (guint k = 0; k < f->tags->len; k++)
        {
          Tag *t = f->tags->pdata[k];
          if ((stmt = at_sql_conn_prepare (conn, "INSERT INTO face_tags (id, face_id, person_id, source, review_state, "
                                                 "reviewed_at, deleted_at, distance) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                                           error)) == NULL)
            return FALSE;
          at_sql_bind_text (stmt, 1, t->id);
          at_sql_bind_text (stmt, 2, f->face_id);
          at_sql_bind_text (stmt, 3, t->person_id);
          at_sql_bind_text (stmt, 4, t->source);
          at_sql_bind_text (stmt, 5, t->review_state);
          at_sql_bind_text (stmt, 6, t->reviewed_at);
          at_sql_bind_text (stmt, 7, t->deleted_at);
          if (t->has_distance)
            sqlite3_bind_double (stmt, 8, t->distance);
          else
            sqlite3_bind_null (stmt, 8);
          if (!at_sql_step_done (conn, stmt, error))
            return FALSE;
        }
      if (f->cluster_id != NULL &&
          !at_sql_exec_bound (conn, error, "INSERT INTO face_clusters (face_id, cluster_id) VALUES (?1, ?2)", "tt",
                              f->face_id, f->cluster_id))
        return FALSE;
      if (f->embedding != NULL)
        {
          gsize size = 0;
          const void *bytes = g_bytes_get_data (f->embedding, &size);

          if ((stmt = at_sql_conn_prepare (conn, "UPDATE faces SET embedding = ?2 WHERE id = ?1 AND embedding IS NULL",
                                           error)) == NULL)
            return FALSE;
          at_sql_bind_text (stmt, 1, f->face_id);
          sqlite3_bind_blob (stmt, 2, bytes, (int) size, SQLITE_TRANSIENT);
          if (!at_sql_step_done (conn, stmt, error))
            return FALSE;
        }
    }
  return TRUE;
}

gboolean
at_face_review_restore (AtCatalog             *catalog,
                        AtFaceReviewSnapshot  *snapshot,
                        GError               **error)
{
  return at_catalog_write_sync (catalog, "face_tags", write_restore, snapshot, error);
}
