/* at-sync-consent.c — face embeddings travel only with consent.
 *
 * An embedding (128 floats) identifies a person, so it leaves this
 * workstation only while the person has given biometric consent that is
 * not revoked: a reference face (selfie) of such a person, or a face whose
 * tag to such a person a human confirmed. Until then a change carries the
 * row without it ("embedding": null, never applied over a value there). When
 * the gate opens (a tag confirmed, consent given) the embeddings it covers
 * are queued; a purge (embedding set to NULL, as revoking consent does)
 * always travels, so it reaches every copy. An embedding travels only as a
 * field of its own, never inside a whole row's cell, where a purge could
 * not reach it on the server; a deleted row's is purged with it. Landmarks
 * stay local.
 *
 * On the wire an embedding is hex text; at_unhex() turns it back into the
 * BLOB when a pull writes it (SQLite 3.40 has no unhex()).
 */
#define G_LOG_DOMAIN "atelier-sync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "at-sync-capture.h"
#include "at-sync-consent.h"
#include "at-sync-page.h"

#define CONSENT_ACTIVE "c.consent_type = 'biometric_processing' AND c.revoked_at IS NULL AND c.deleted_at IS NULL"

typedef struct
{
  const char *table;
  const char *column;
  const char *gate;     /* SQL, true while the row's embedding may travel; {row} is the row */
} Gated;

static const Gated gated[] = {
  { "reference_faces", "embedding",
    "EXISTS (SELECT 1 FROM consents c WHERE c.person_id = {row}.person_id AND " CONSENT_ACTIVE ")" },
  { "faces", "embedding",
    "EXISTS (SELECT 1 FROM face_tags t JOIN consents c ON c.person_id = t.person_id WHERE t.face_id = {row}.id "
    "AND t.review_state = 'confirmed' AND t.deleted_at IS NULL AND " CONSENT_ACTIVE ")" },
};

static const Gated *
find (const char *table, const char *column)
{
  for (guint i = 0; i < G_N_ELEMENTS (gated); i++)
    if (g_str_equal (gated[i].table, table) && g_str_equal (gated[i].column, column))
      return &gated[i];
  return NULL;
}

gboolean
at_sync_column_is_gated (const char *table,
                         const char *column)
{
  return find (table, column) != NULL;
}

char *
at_sync_column_gate (const char *table,
                     const char *column,
                     const char *ref)
{
  const Gated *g = find (table, column);
  g_auto(GStrv) parts = NULL;

  if (g == NULL)
    return NULL;
  parts = g_strsplit (g->gate, "{row}", -1);
  return g_strjoinv (ref, parts);
}

static char *
value_expr (const char *table, const char *column, const char *ref, gboolean with_gate)
{
  g_autofree char *gate = with_gate ? at_sync_column_gate (table, column, ref) : NULL;
  char *quoted = sqlite3_mprintf ("%s.\"%w\"", ref, column);
  char *expr;

  /* (hex(NULL) is '', not NULL) */
  expr = gate ? g_strdup_printf ("CASE WHEN %s IS NOT NULL AND %s THEN hex(%s) END", quoted, gate, quoted)
         : find (table, column) ? g_strdup_printf ("CASE WHEN %s IS NOT NULL THEN hex(%s) END", quoted, quoted)
         : g_strdup (quoted);
  sqlite3_free (quoted);
  return expr;
}

char *
at_sync_value_expr (const char *table,
                    const char *column,
                    const char *ref)
{
  return value_expr (table, column, ref, TRUE);
}

char *
at_sync_kept_value_expr (const char *table,
                         const char *column,
                         const char *ref)
{
  return value_expr (table, column, ref, FALSE);
}

char *
at_sync_decode_expr (const char *table,
                     const char *column,
                     const char *expr)
{
  return find (table, column) ? g_strdup_printf ("at_unhex(%s)", expr) : g_strdup (expr);
}

char *
at_sync_consent_emit (AtSqlConn  *conn,
                      const char *table,
                      const char *where)
{
  g_autofree char *gate = at_sync_column_gate (table, "embedding", "r");
  g_autofree char *bucket = at_sync_bucket_expr (conn, table, "r");
  char *sql = sqlite3_mprintf (AT_SYNC_NEXT_HLC
                               " " AT_SYNC_OUTBOX_INSERT " SELECT '%q', r.id, 'embedding', "
                               "json_quote(hex(r.embedding)), " AT_SYNC_HLC ", %s, " AT_SYNC_BATCH " FROM \"%w\" r "
                               "WHERE r.embedding IS NOT NULL AND (%s) AND %s" AT_SYNC_OUTBOX_UPSERT
                               " INSERT INTO sync_clock (tbl, pk, col, hlc, node) SELECT '%q', r.id, 'embedding', "
                               AT_SYNC_HLC ", " AT_SYNC_NODE " FROM \"%w\" r WHERE r.embedding IS NOT NULL AND (%s) AND %s"
                               AT_SYNC_CLOCK_UPSERT,
                               table, bucket, table, where, gate, table, table, where, gate);
  char *copy = g_strdup (sql);

  sqlite3_free (sql);
  return copy;
}

gboolean
at_sync_consent_install (AtSqlConn  *conn,
                         GError    **error)
{
  g_autofree char *tagged = at_sync_consent_emit (conn, "faces", "r.id = NEW.face_id");
  g_autofree char *selfies = at_sync_consent_emit (conn, "reference_faces", "r.person_id = NEW.person_id");
  g_autofree char *faces = at_sync_consent_emit (conn, "faces",
                                                 "r.id IN (SELECT face_id FROM face_tags WHERE person_id = NEW.person_id)");
  g_autofree char *sql = NULL;

  if (at_sql_query_int (conn, "SELECT count(*) FROM sqlite_master WHERE name IN ('faces', 'face_tags', 'consents', "
                              "'reference_faces')", error) < 4)
    return error == NULL || *error == NULL;
  sql = g_strdup_printf (
    "DROP TRIGGER IF EXISTS sync_gate_tag_insert; DROP TRIGGER IF EXISTS sync_gate_tag_update;"
    "DROP TRIGGER IF EXISTS sync_gate_consent_insert; DROP TRIGGER IF EXISTS sync_gate_consent_update;"
    /* a tag confirmed: that face's embedding, if its person consents */
    "CREATE TRIGGER sync_gate_tag_insert AFTER INSERT ON face_tags "
    "WHEN (SELECT applying FROM sync_state) = 0 AND NEW.review_state = 'confirmed' BEGIN %s END;"
    "CREATE TRIGGER sync_gate_tag_update AFTER UPDATE OF review_state, deleted_at ON face_tags "
    "WHEN (SELECT applying FROM sync_state) = 0 AND NEW.review_state = 'confirmed' AND NEW.deleted_at IS NULL BEGIN %s END;"
    /* consent given: the person's selfies and confirmed faces */
    "CREATE TRIGGER sync_gate_consent_insert AFTER INSERT ON consents "
    "WHEN (SELECT applying FROM sync_state) = 0 AND NEW.revoked_at IS NULL BEGIN %s %s END;"
    "CREATE TRIGGER sync_gate_consent_update AFTER UPDATE OF revoked_at, deleted_at, consent_type ON consents "
    "WHEN (SELECT applying FROM sync_state) = 0 AND NEW.revoked_at IS NULL AND NEW.deleted_at IS NULL BEGIN %s %s END;",
    tagged, tagged, selfies, faces, selfies, faces);
  return at_sql_conn_exec (conn, sql, error);
}

static void
unhex (sqlite3_context *context, int argc, sqlite3_value **argv)
{
  const unsigned char *text = sqlite3_value_text (argv[0]);
  int n = sqlite3_value_bytes (argv[0]);
  guint8 *blob;

  if (sqlite3_value_type (argv[0]) == SQLITE_NULL || n == 0)
    {
      sqlite3_result_null (context);
      return;
    }
  if (n % 2 != 0)
    {
      sqlite3_result_error (context, "at_unhex: odd length", -1);
      return;
    }
  blob = g_malloc (MAX (n / 2, 1));
  for (int i = 0; i < n / 2; i++)
    {
      int hi = g_ascii_xdigit_value (text[2 * i]), lo = g_ascii_xdigit_value (text[2 * i + 1]);
      if (hi < 0 || lo < 0)
        {
          g_free (blob);
          sqlite3_result_error (context, "at_unhex: not hexadecimal", -1);
          return;
        }
      blob[i] = (guint8) (hi << 4 | lo);
    }
  sqlite3_result_blob (context, blob, n / 2, g_free);
}

gboolean
at_sync_register_functions (sqlite3 *db)
{
  return sqlite3_create_function_v2 (db, "at_unhex", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, unhex, NULL, NULL,
                                     NULL) == SQLITE_OK && at_sync_page_register (db);
}
