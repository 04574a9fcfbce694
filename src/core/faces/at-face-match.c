/* at-face-match.c — see at-face-match.h. */
#define G_LOG_DOMAIN "atelier-faces"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "at-face-engine.h"
#include "at-face-match.h"
#include "at-sql.h"
#include "at-uuid.h"

#define CONSENTED(person) \
  "EXISTS (SELECT 1 FROM consents c WHERE c.person_id = " person " AND c.consent_type = 'biometric_processing' " \
  "AND c.revoked_at IS NULL AND c.deleted_at IS NULL)"

/* faces no one has confirmed and none waits for */
#define UNTAGGED(face) \
  "NOT EXISTS (SELECT 1 FROM face_tags t WHERE t.face_id = " face " AND t.review_state IN ('pending', 'confirmed') " \
  "AND t.deleted_at IS NULL)"

typedef struct
{
  char  *id;
  char  *photo;
  float  v[128];
} Face;

static void
face_free (gpointer data)
{
  Face *f = data;

  g_free (f->id);
  g_free (f->photo);
  g_free (f);
}

/* Rows of (id, photo or person, embedding). */
static GPtrArray *
load (AtSqlConn *conn, const char *sql, GError **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (face_free);
  sqlite3_stmt *stmt = at_sql_conn_prepare (conn, sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Face *f;
      if (sqlite3_column_bytes (stmt, 2) != sizeof f->v)
        continue;
      f = g_new (Face, 1);
      f->id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      f->photo = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      memcpy (f->v, sqlite3_column_blob (stmt, 2), sizeof f->v);
      g_ptr_array_add (rows, f);
    }
  at_sql_stmt_release (stmt);
  if (rc != SQLITE_DONE)
    {
      at_sql_set_error (at_sql_conn_get_db (conn), rc, _("Could not read the faces"), error);
      return NULL;
    }
  return g_steal_pointer (&rows);
}

/* "a|b" of every row of a two-column query. */
static GHashTable *
load_pairs (AtSqlConn *conn, const char *sql, GError **error)
{
  g_autoptr(GHashTable) pairs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sqlite3_stmt *stmt = at_sql_conn_prepare (conn, sql, error);

  if (stmt == NULL)
    return NULL;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_hash_table_add (pairs, g_strdup_printf ("%s|%s", sqlite3_column_text (stmt, 0), sqlite3_column_text (stmt, 1)));
  at_sql_stmt_release (stmt);
  return g_steal_pointer (&pairs);
}

static gboolean
has_pair (GHashTable *pairs, const char *a, const char *b)
{
  g_autofree char *key = g_strdup_printf ("%s|%s", a, b);

  return g_hash_table_contains (pairs, key);
}

typedef struct
{
  Face       *face;
  const char *person;
  double      distance;
  gboolean    strong;
} Proposal;

static int
by_distance (gconstpointer a, gconstpointer b)
{
  const Proposal *x = a, *y = b;

  return x->distance < y->distance ? -1 : x->distance > y->distance ? 1 : strcmp (x->face->id, y->face->id);
}

typedef struct
{
  const AtFaceThresholds *t;
  guint                   suggested, strong;
} Match;

static gboolean
write_match (AtSqlConn *conn, gpointer data, GError **error)
{
  Match *m = data;
  g_autoptr(GPtrArray) refs = load (conn, "SELECT id, person_id, embedding FROM ("
                                          "SELECT r.id, r.person_id, r.embedding, r.updated_at FROM reference_faces r "
                                          "WHERE r.status = 'approved' AND r.deleted_at IS NULL AND " CONSENTED ("r.person_id") " "
                                          "UNION ALL SELECT f.id, t.person_id, f.embedding, t.updated_at FROM face_tags t "
                                          "JOIN faces f ON f.id = t.face_id WHERE t.review_state = 'confirmed' "
                                          "AND t.deleted_at IS NULL AND f.deleted_at IS NULL AND " CONSENTED ("t.person_id")
                                          " AND (SELECT count(*) FROM face_tags n WHERE n.person_id = t.person_id "
                                          "AND n.review_state = 'confirmed' AND n.updated_at > t.updated_at) < 20) "
                                          "WHERE embedding IS NOT NULL", error);
  g_autoptr(GPtrArray) faces = refs ? load (conn, "SELECT f.id, f.photo_id, f.embedding FROM faces f "
                                                  "WHERE f.deleted_at IS NULL AND f.embedding IS NOT NULL AND "
                                                  UNTAGGED ("f.id") " ORDER BY f.id", error) : NULL;
  g_autoptr(GHashTable) rejected = faces ? load_pairs (conn, "SELECT face_id, person_id FROM face_tags "
                                                             "WHERE review_state = 'rejected'", error) : NULL;
  g_autoptr(GHashTable) taken = rejected ? load_pairs (conn, "SELECT f.photo_id, t.person_id FROM face_tags t "
                                                             "JOIN faces f ON f.id = t.face_id WHERE t.review_state IN "
                                                             "('pending', 'confirmed') AND t.deleted_at IS NULL", error) : NULL;
  g_autoptr(GArray) proposals = g_array_new (FALSE, FALSE, sizeof (Proposal));

  if (taken == NULL)
    return FALSE;
  for (guint i = 0; i < faces->len; i++)
    {
      Face *f = faces->pdata[i];
      g_autoptr(GHashTable) nearest = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
      GHashTableIter iter;
      const char *person, *best = NULL;
      double *d, best_d = G_MAXDOUBLE, second_d = G_MAXDOUBLE;

      for (guint k = 0; k < refs->len; k++)
        {
          Face *r = refs->pdata[k];
          double distance;
          /* (a confirmed face is its own reference: not a suggestion for itself) */
          if (g_str_equal (r->id, f->id) || has_pair (rejected, f->id, r->photo))
            continue;
          distance = at_face_distance (f->v, r->v);
          if ((d = g_hash_table_lookup (nearest, r->photo)) == NULL)
            {
              d = g_new (double, 1);
              *d = distance;
              g_hash_table_insert (nearest, r->photo, d);
            }
          *d = MIN (*d, distance);
        }
      g_hash_table_iter_init (&iter, nearest);
      while (g_hash_table_iter_next (&iter, (gpointer *) &person, (gpointer *) &d))
        if (*d < best_d)
          {
            second_d = best_d;
            best_d = *d;
            best = person;
          }
        else
          second_d = MIN (second_d, *d);
      if (best != NULL && best_d <= m->t->weak)
        {
          Proposal p = { f, best, best_d, best_d <= m->t->strong && second_d - best_d >= m->t->margin };
          g_array_append_val (proposals, p);
        }
    }
  /* the closest first: of two faces in one photo, the likelier gets the name */
  g_array_sort (proposals, by_distance);
  for (guint i = 0; i < proposals->len; i++)
    {
      Proposal *p = &g_array_index (proposals, Proposal, i);
      char id[AT_UUID_STRING_LEN + 1];

      if (has_pair (taken, p->face->photo, p->person))
        continue;
      g_hash_table_add (taken, g_strdup_printf ("%s|%s", p->face->photo, p->person));
      at_uuid_v7_generate (id);
      if (!at_sql_exec_bound (conn, error, "INSERT INTO face_tags (id, face_id, person_id, distance, source, review_state) "
                                           "VALUES (?1, ?2, ?3, ?4, 'auto', 'pending')", "tttd", id, p->face->id, p->person,
                              p->distance) ||
          !at_sql_exec_bound (conn, error, "DELETE FROM face_clusters WHERE face_id = ?1", "t", p->face->id))
        return FALSE;
      m->suggested++;
      m->strong += p->strong;
    }
  return TRUE;
}

gboolean
at_face_match (AtCatalog              *catalog,
               const AtFaceThresholds *thresholds,
               guint                  *suggested,
               guint                  *strong,
               GError                **error)
{
  const AtFaceThresholds defaults = AT_FACE_THRESHOLDS_INIT;
  Match m = { thresholds ? thresholds : &defaults, 0, 0 };

  if (!at_catalog_write_sync (catalog, "face_tags", write_match, &m, error))
    return FALSE;
  if (suggested != NULL)
    *suggested = m.suggested;
  if (strong != NULL)
    *strong = m.strong;
  return TRUE;
}

/* ---- clustering ---- */

/* One pass over the faces without a group: each joins the nearest group
 * within reach, or starts one with the free faces near it. TRUE if a face
 * moved. */
static gboolean
cluster_pass (const float *vectors,
              const int   *photo,
              guint        n,
              double       eps,
              guint        min_faces,
              int         *labels,
              GHashTable  *members,
              int         *next)
{
  gboolean moved = FALSE;

  for (guint i = 0; i < n; i++)
    {
      int join = -1;
      double join_d = G_MAXDOUBLE;
      g_autoptr(GArray) free_near = NULL;
      g_autoptr(GHashTable) photos_near = NULL;

      if (labels[i] >= 0)
        continue;
      free_near = g_array_new (FALSE, FALSE, sizeof (guint));
      photos_near = g_hash_table_new (g_direct_hash, NULL);
      for (guint k = 0; k < n; k++)
        {
          double d;
          if (k == i || photo[k] == photo[i] || (d = at_face_distance (vectors + i * 128, vectors + k * 128)) > eps)
            continue;
          if (labels[k] >= 0)
            {
              GHashTable *photos = g_hash_table_lookup (members, GINT_TO_POINTER (labels[k]));
              if (d < join_d && !g_hash_table_contains (photos, GINT_TO_POINTER (photo[i])))
                {
                  join = labels[k];
                  join_d = d;
                }
            }
          else if (!g_hash_table_contains (photos_near, GINT_TO_POINTER (photo[k])))
            {
              /* (one face a photo: the first within reach) */
              g_hash_table_add (photos_near, GINT_TO_POINTER (photo[k]));
              g_array_append_val (free_near, k);
            }
        }
      if (join >= 0)
        {
          labels[i] = join;
          g_hash_table_add (g_hash_table_lookup (members, GINT_TO_POINTER (join)), GINT_TO_POINTER (photo[i]));
          moved = TRUE;
        }
      else if (free_near->len + 1 >= min_faces)
        {
          GHashTable *photos = g_hash_table_new (g_direct_hash, NULL);

          g_hash_table_insert (members, GINT_TO_POINTER (*next), photos);
          labels[i] = *next;
          g_hash_table_add (photos, GINT_TO_POINTER (photo[i]));
          for (guint k = 0; k < free_near->len; k++)
            {
              guint j = g_array_index (free_near, guint, k);
              labels[j] = *next;
              g_hash_table_add (photos, GINT_TO_POINTER (photo[j]));
            }
          (*next)++;
          moved = TRUE;
        }
    }
  return moved;
}

void
at_face_cluster_vectors (const float *vectors,
                         const int   *photo,
                         guint        n,
                         double       eps,
                         guint        min_faces,
                         int         *labels)
{
  int next = 0;
  g_autoptr(GHashTable) members = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                                         (GDestroyNotify) g_hash_table_unref);

  /* photos in each group: a group never takes a second face of one photo */
  for (guint i = 0; i < n; i++)
    if (labels[i] >= 0)
      {
        GHashTable *photos = g_hash_table_lookup (members, GINT_TO_POINTER (labels[i]));
        if (photos == NULL)
          g_hash_table_insert (members, GINT_TO_POINTER (labels[i]), photos = g_hash_table_new (g_direct_hash, NULL));
        g_hash_table_add (photos, GINT_TO_POINTER (photo[i]));
        next = MAX (next, labels[i] + 1);
      }
  /* until nothing moves: a face passed over early may be within reach of a
   * group made after it, and clustering the same faces again must find
   * nothing new */
  while (cluster_pass (vectors, photo, n, eps, min_faces, labels, members, &next))
    ;
}

typedef struct
{
  const AtFaceThresholds *t;
  guint                   grouped;
} Cluster;

static gboolean
write_cluster (AtSqlConn *conn, gpointer data, GError **error)
{
  Cluster *c = data;
  g_autoptr(GPtrArray) faces = NULL;
  g_autoptr(GHashTable) photo_numbers = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) group_numbers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) group_ids = g_ptr_array_new_with_free_func (g_free);
  g_autofree float *vectors = NULL;
  g_autofree int *photo = NULL;
  g_autofree int *labels = NULL;
  sqlite3_stmt *stmt;

  /* what was tagged since leaves its group */
  if (!at_sql_exec_bound (conn, error, "DELETE FROM face_clusters WHERE NOT " UNTAGGED ("face_clusters.face_id"), ""))
    return FALSE;
  if ((faces = load (conn, "SELECT f.id, f.photo_id, f.embedding FROM faces f WHERE f.deleted_at IS NULL "
                           "AND f.embedding IS NOT NULL AND " UNTAGGED ("f.id") " ORDER BY f.id", error)) == NULL)
    return FALSE;
  vectors = g_new (float, (gsize) faces->len * 128);
  photo = g_new (int, faces->len);
  labels = g_new (int, faces->len);
  if ((stmt = at_sql_conn_prepare (conn, "SELECT cluster_id FROM face_clusters WHERE face_id = ?1", error)) == NULL)
    return FALSE;
  for (guint i = 0; i < faces->len; i++)
    {
      Face *f = faces->pdata[i];
      gpointer number;

      memcpy (vectors + (gsize) i * 128, f->v, sizeof f->v);
      if (!g_hash_table_lookup_extended (photo_numbers, f->photo, NULL, &number))
        g_hash_table_insert (photo_numbers, f->photo, number = GINT_TO_POINTER (g_hash_table_size (photo_numbers)));
      photo[i] = GPOINTER_TO_INT (number);
      labels[i] = -1;
      sqlite3_reset (stmt);
      at_sql_bind_text (stmt, 1, f->id);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          const char *group = (const char *) sqlite3_column_text (stmt, 0);
          if (!g_hash_table_lookup_extended (group_numbers, group, NULL, &number))
            {
              number = GINT_TO_POINTER (group_ids->len);
              g_hash_table_insert (group_numbers, g_strdup (group), number);
              g_ptr_array_add (group_ids, g_strdup (group));
            }
          labels[i] = GPOINTER_TO_INT (number);
        }
    }
  at_sql_stmt_release (stmt);
  {
    g_autofree int *before = g_memdup2 (labels, sizeof (int) * faces->len);

    at_face_cluster_vectors (vectors, photo, faces->len, c->t->eps, c->t->min_faces, labels);
    for (guint i = 0; i < faces->len; i++)
      {
        if (labels[i] < 0 || before[i] >= 0)
          continue;
        while ((guint) labels[i] >= group_ids->len)
          g_ptr_array_add (group_ids, at_uuid_v7_new ());
        if (!at_sql_exec_bound (conn, error, "INSERT INTO face_clusters (face_id, cluster_id) VALUES (?1, ?2)", "tt",
                                ((Face *) faces->pdata[i])->id, (const char *) group_ids->pdata[labels[i]]))
          return FALSE;
        c->grouped++;
      }
  }
  return TRUE;
}

gboolean
at_face_cluster (AtCatalog              *catalog,
                 const AtFaceThresholds *thresholds,
                 guint                  *grouped,
                 GError                **error)
{
  const AtFaceThresholds defaults = AT_FACE_THRESHOLDS_INIT;
  Cluster c = { thresholds ? thresholds : &defaults, 0 };

  if (!at_catalog_write_sync (catalog, "face_clusters", write_cluster, &c, error))
    return FALSE;
  if (grouped != NULL)
    *grouped = c.grouped;
  return TRUE;
}
