/* at-ingest-journal.c — SQL of the ingest journal (see at-ingest-journal.h).
 *
 * Writes are queued detached, in order, with snapshots of what they write:
 * the copy never waits for the catalog, and at_catalog_flush() at the end
 * of a source makes them durable and reports any failure.
 */
#define G_LOG_DOMAIN "atelier-ingest"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "at-ingest-journal.h"

void
at_journal_file_free (AtJournalFile *file)
{
  g_free (file->state);
  g_free (file->lib_rel);
  g_free (file->bak_rel);
  g_free (file->hash);
  g_free (file->error);
  g_free (file->collided_with);
  g_free (file->photo_id);
  g_free (file);
}

void
at_journal_group_free (AtJournalGroup *group)
{
  g_ptr_array_unref (group->files);
  at_metadata_clear (&group->meta);
  g_free (group->capture_utc);
  g_free (group->capture_offset);
  g_free (group);
}

static char *
column_dup (sqlite3_stmt *stmt, int col)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, col));
}

/* The newest unfinished session for this source and library, if any. */
gboolean
at_journal_find_session (AtSqlConn        *reader,
                         AtJournalSession *session,
                         GError          **error)
{
  g_autoptr(AtSqlStmt) stmt = at_sql_conn_prepare (reader,
      "SELECT id FROM ingest_sessions WHERE source_path = ?1 AND library_root = ?2 "
      "AND status <> 'completed' AND deleted_at IS NULL ORDER BY created_at DESC LIMIT 1", error);

  if (stmt == NULL)
    return FALSE;
  at_sql_bind_text (stmt, 1, session->source_path);
  at_sql_bind_text (stmt, 2, session->library);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_strlcpy (session->id, (const char *) sqlite3_column_text (stmt, 0), sizeof session->id);
      return TRUE;
    }
  session->id[0] = '\0';
  return TRUE;
}

/* Fills @by_source (source path -> AtJournalFile without src) from a session. */
gboolean
at_journal_load_files (AtSqlConn   *reader,
                       const char  *session_id,
                       GHashTable  *by_source,
                       GError     **error)
{
  g_autoptr(AtSqlStmt) stmt = at_sql_conn_prepare (reader,
      "SELECT id, source_path, state, library_path, backup_path, content_hash, error, photo_id "
      "FROM ingest_files WHERE session_id = ?1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  at_sql_bind_text (stmt, 1, session_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AtJournalFile *f = g_new0 (AtJournalFile, 1);
      g_strlcpy (f->id, (const char *) sqlite3_column_text (stmt, 0), sizeof f->id);
      f->state = column_dup (stmt, 2);
      f->lib_rel = column_dup (stmt, 3);
      f->bak_rel = column_dup (stmt, 4);
      f->hash = column_dup (stmt, 5);
      f->error = column_dup (stmt, 6);
      f->photo_id = column_dup (stmt, 7);
      g_hash_table_insert (by_source, column_dup (stmt, 1), f);
    }
  if (rc != SQLITE_DONE)
    return at_sql_set_error (at_sql_conn_get_db (reader), rc, _("Could not read the ingest journal"), error);
  return TRUE;
}

/* TRUE when a photo with this pre-key (and this hash, unless @hash is NULL)
 * is already cataloged: the cheap pre-key first, the hash to be sure. */
gboolean
at_journal_find_duplicate (AtSqlConn   *reader,
                           guint64      size,
                           const char  *capture_utc,
                           const char  *serial,
                           const char  *hash,
                           char       **library_path,
                           char       **photo_id)
{
  g_autoptr(AtSqlStmt) stmt = at_sql_conn_prepare (reader,
      "SELECT library_path, id FROM photos WHERE file_size = ?1 AND capture_time IS ?2 "
      "AND body_serial IS ?3 AND (?4 IS NULL OR content_hash = ?4) AND deleted_at IS NULL LIMIT 1", NULL);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, (gint64) size);
  at_sql_bind_text (stmt, 2, capture_utc);
  at_sql_bind_text (stmt, 3, serial);
  at_sql_bind_text (stmt, 4, hash);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return FALSE;
  if (library_path != NULL)
    *library_path = column_dup (stmt, 0);
  if (photo_id != NULL)
    *photo_id = column_dup (stmt, 1);
  return TRUE;
}

/* Whether a cataloged photo already has a file of this role and size. */
gboolean
at_journal_photo_has_file (AtSqlConn  *reader,
                           const char *photo_id,
                           const char *role,
                           guint64     size)
{
  g_autoptr(AtSqlStmt) stmt = at_sql_conn_prepare (reader,
      "SELECT 1 FROM photo_files WHERE photo_id = ?1 AND role = ?2 AND file_size = ?3 AND deleted_at IS NULL", NULL);

  if (stmt == NULL)
    return FALSE;
  at_sql_bind_text (stmt, 1, photo_id);
  at_sql_bind_text (stmt, 2, role);
  sqlite3_bind_int64 (stmt, 3, (gint64) size);
  return sqlite3_step (stmt) == SQLITE_ROW;
}

gboolean
at_journal_path_taken (AtSqlConn   *reader,
                       const char  *lib_rel,
                       GError     **error)
{
  g_autoptr(AtSqlStmt) stmt = at_sql_conn_prepare (reader,
      "SELECT 1 FROM photo_files WHERE library_path = ?1 "
      "UNION ALL SELECT 1 FROM ingest_files WHERE library_path = ?1 AND state NOT IN ('skipped', 'failed') "
      "LIMIT 1", error);

  if (stmt == NULL)
    return FALSE;
  at_sql_bind_text (stmt, 1, lib_rel);
  return sqlite3_step (stmt) == SQLITE_ROW;
}

/* ---- projects ---- */

typedef struct
{
  const char *name;
  char        project_id[AT_UUID_STRING_LEN + 1];
  char       *job_code;
} ProjectArgs;

static gboolean
resolve_project (AtSqlConn  *conn,
                 gpointer    data,
                 GError    **error)
{
  ProjectArgs *a = data;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *number = NULL;
  g_autofree char *studio = NULL;
  sqlite3_stmt *stmt;

  stmt = at_sql_conn_prepare (conn, "SELECT id, job_code FROM projects WHERE (name = ?1 OR project_number = ?1) "
                                    "AND deleted_at IS NULL ORDER BY created_at LIMIT 1", error);
  if (stmt == NULL)
    return FALSE;
  at_sql_bind_text (stmt, 1, a->name);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_strlcpy (a->project_id, (const char *) sqlite3_column_text (stmt, 0), sizeof a->project_id);
      a->job_code = column_dup (stmt, 1);
      sqlite3_reset (stmt);
      return TRUE;
    }
  sqlite3_reset (stmt);

  /* A new job at the venue: a project in the workstation's studio. */
  stmt = at_sql_conn_prepare (conn, "SELECT id FROM studios WHERE deleted_at IS NULL ORDER BY created_at LIMIT 1", error);
  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    studio = column_dup (stmt, 0);
  sqlite3_reset (stmt);
  if (studio == NULL)
    {
      studio = at_uuid_v7_new ();
      if (!at_sql_exec_bound (conn, error, "INSERT INTO studios (id, name) VALUES (?1, ?2)",
                              "tt", studio, _("My studio")))
        return FALSE;
    }
  at_uuid_v7_generate (a->project_id);
  number = g_strdup_printf ("P-%s-%.8s", today, a->project_id + 28);
  return at_sql_exec_bound (conn, error,
                            "INSERT INTO projects (id, studio_id, project_number, name, project_type, status, event_date) "
                            "VALUES (?1, ?2, ?3, ?4, 'event', 'in_progress', ?5)",
                            "ttttt", a->project_id, studio, number, a->name, today);
}

gboolean
at_journal_resolve_project (AtCatalog   *catalog,
                            const char  *name,
                            char       **project_id,
                            char       **job_code,
                            GError     **error)
{
  ProjectArgs a = { name, "", NULL };

  if (!at_catalog_write_sync (catalog, "projects,studios", resolve_project, &a, error))
    return FALSE;
  *project_id = g_strdup (a.project_id);
  *job_code = a.job_code;
  return TRUE;
}

/* ---- queued writes ---- */

typedef struct
{
  AtJournalSession s;
  char *strings[7];
  gboolean create;
  char *status;
  char *error;
} SessionWrite;

static void
session_write_free (gpointer data)
{
  SessionWrite *w = data;

  for (guint i = 0; i < G_N_ELEMENTS (w->strings); i++)
    g_free (w->strings[i]);
  g_free (w->status);
  g_free (w->error);
  g_free (w);
}

static gboolean
write_session (AtSqlConn *conn, gpointer data, GError **error)
{
  SessionWrite *w = data;

  if (w->create)
    return at_sql_exec_bound (conn, error,
        "INSERT INTO ingest_sessions (id, project_id, source_path, source_label, library_root, backup_root, "
        "file_template, folder_template, status, started_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'running', strftime('%Y-%m-%dT%H:%M:%fZ','now'))",
        "tttttttt", w->s.id, w->s.project_id, w->s.source_path, w->s.source_label, w->s.library,
        w->s.backup, w->s.file_template, w->s.folder_template);
  if (w->status == NULL)
    return at_sql_exec_bound (conn, error,
        "UPDATE ingest_sessions SET status = 'running', error = NULL, finished_at = NULL WHERE id = ?1",
        "t", w->s.id);
  return at_sql_exec_bound (conn, error,
      "UPDATE ingest_sessions SET status = ?2, error = ?3, finished_at = strftime('%Y-%m-%dT%H:%M:%fZ','now'), "
      "files_total = (SELECT count(*) FROM ingest_files WHERE session_id = ?1), "
      "files_done = (SELECT count(*) FROM ingest_files WHERE session_id = ?1 AND state IN ('cataloged','skipped')), "
      "bytes_total = (SELECT coalesce(sum(source_size), 0) FROM ingest_files WHERE session_id = ?1), "
      "bytes_done = (SELECT coalesce(sum(source_size), 0) FROM ingest_files WHERE session_id = ?1 "
      "              AND state IN ('cataloged','skipped')) "
      "WHERE id = ?1",
      "ttt", w->s.id, w->status, w->error);
}

void
at_journal_write_session (AtCatalog              *catalog,
                          const AtJournalSession *session,
                          gboolean                create)
{
  SessionWrite *w = g_new0 (SessionWrite, 1);

  w->s = *session;
  w->s.project_id = w->strings[0] = g_strdup (session->project_id);
  w->s.source_path = w->strings[1] = g_strdup (session->source_path);
  w->s.source_label = w->strings[2] = g_strdup (session->source_label);
  w->s.library = w->strings[3] = g_strdup (session->library);
  w->s.backup = w->strings[4] = g_strdup (session->backup);
  w->s.file_template = w->strings[5] = g_strdup (session->file_template);
  w->s.folder_template = w->strings[6] = g_strdup (session->folder_template);
  w->create = create;
  at_catalog_write_detached (catalog, "ingest_sessions", write_session, w, session_write_free);
}

void
at_journal_write_finish (AtCatalog  *catalog,
                         const char *session_id,
                         const char *status,
                         const char *error)
{
  SessionWrite *w = g_new0 (SessionWrite, 1);

  g_strlcpy (w->s.id, session_id, sizeof w->s.id);
  w->status = g_strdup (status);
  w->error = g_strdup (error);
  at_catalog_write_detached (catalog, "ingest_sessions", write_session, w, session_write_free);
}

/* A snapshot of one file row. */
typedef struct
{
  char    *id, *session_id, *source_path, *mtime, *group, *state, *lib_rel, *bak_rel, *hash, *error, *role;
  char    *collided;
  guint64  size;
} FileRow;

static void
file_row_free (FileRow *r)
{
  g_free (r->id); g_free (r->session_id); g_free (r->source_path); g_free (r->mtime);
  g_free (r->group); g_free (r->state); g_free (r->lib_rel); g_free (r->bak_rel);
  g_free (r->hash); g_free (r->error); g_free (r->role); g_free (r->collided);
  g_free (r);
}

static FileRow *
file_row_new (const char    *session_id,
              AtJournalGroup *group,
              AtJournalFile *f)
{
  FileRow *r = g_new0 (FileRow, 1);
  g_autoptr(GDateTime) mtime = g_date_time_new_from_unix_utc (f->src->mtime);

  r->id = g_strdup (f->id);
  r->session_id = g_strdup (session_id);
  r->source_path = g_strdup (f->src->path);
  r->mtime = mtime ? g_date_time_format (mtime, "%Y-%m-%dT%H:%M:%SZ") : NULL;
  r->group = g_strdup (group ? group->group->primary->stem : f->src->stem);
  r->state = g_strdup (f->state);
  r->lib_rel = g_strdup (f->lib_rel);
  r->bak_rel = g_strdup (f->bak_rel);
  r->hash = g_strdup (f->hash);
  r->error = g_strdup (f->error);
  r->role = g_strdup (f->src->role);
  r->collided = g_strdup (f->collided_with);
  r->size = f->src->size;
  return r;
}

static gboolean
write_planned (AtSqlConn *conn, gpointer data, GError **error)
{
  GPtrArray *rows = data;

  for (guint i = 0; i < rows->len; i++)
    {
      FileRow *r = g_ptr_array_index (rows, i);
      if (!at_sql_exec_bound (conn, error,
            "INSERT INTO ingest_files (id, session_id, source_path, source_size, source_mtime, capture_group, "
            "role, state, library_path, backup_path, content_hash, error, collided_with) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            "tttltttttttt" "t", r->id, r->session_id, r->source_path, (gint64) r->size, r->mtime, r->group,
            r->role, r->state, r->lib_rel, r->bak_rel, r->hash, r->error, r->collided))
        return FALSE;
    }
  return TRUE;
}

/* Journals @only, or every file of @group when @only is NULL. */
void
at_journal_write_planned (AtCatalog      *catalog,
                          const char     *session_id,
                          AtJournalGroup *group,
                          AtJournalFile  *only)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) file_row_free);

  for (guint i = 0; i < group->files->len; i++)
    if (only == NULL || g_ptr_array_index (group->files, i) == only)
      g_ptr_array_add (rows, file_row_new (session_id, group, g_ptr_array_index (group->files, i)));
  at_catalog_write_detached (catalog, "ingest_files", write_planned, rows, (GDestroyNotify) g_ptr_array_unref);
}

static gboolean
write_state (AtSqlConn *conn, gpointer data, GError **error)
{
  FileRow *r = data;

  return at_sql_exec_bound (conn, error,
      "UPDATE ingest_files SET state = ?2, library_path = ?3, backup_path = ?4, content_hash = ?5, error = ?6 "
      "WHERE id = ?1",
      "tttttt", r->id, r->state, r->lib_rel, r->bak_rel, r->hash, r->error);
}

void
at_journal_write_state (AtCatalog     *catalog,
                        AtJournalFile *file)
{
  at_catalog_write_detached (catalog, "ingest_files", write_state,
                             file_row_new (NULL, NULL, file), (GDestroyNotify) file_row_free);
}

/* ---- cataloging a capture ---- */

typedef struct
{
  gboolean   attach;   /* add files to an existing photo instead of a new one */
  char      *session_id, *project_id, *photo_id, *capture, *offset;
  char      *make, *model, *serial, *lens, *label, *width, *height;
  int        subsec, orientation, rating;
  GPtrArray *files;   /* FileRow* */
  char      *original_name;
  gboolean   picked;
  GPtrArray *keywords; /* from the capture's XMP sidecar, or NULL */
} CatalogWrite;

static void
catalog_write_free (CatalogWrite *w)
{
  g_free (w->session_id); g_free (w->project_id); g_free (w->photo_id); g_free (w->capture);
  g_free (w->offset); g_free (w->make); g_free (w->model); g_free (w->serial); g_free (w->lens);
  g_free (w->label); g_free (w->width); g_free (w->height); g_free (w->original_name);
  g_ptr_array_unref (w->files);
  g_clear_pointer (&w->keywords, g_ptr_array_unref);
  g_free (w);
}

static const char *
label_or_none (const char *label)
{
  static const char *const known[] = { "red", "yellow", "green", "blue", "purple" };

  for (guint i = 0; label != NULL && i < G_N_ELEMENTS (known); i++)
    if (g_ascii_strcasecmp (label, known[i]) == 0)
      return known[i];
  return "none";
}

static gboolean
write_catalog (AtSqlConn *conn, gpointer data, GError **error)
{
  CatalogWrite *w = data;
  FileRow *primary = g_ptr_array_index (w->files, 0);
  g_autofree char *file_name = g_path_get_basename (primary->lib_rel);

  if (!w->attach && !at_sql_exec_bound (conn, error,
        "INSERT INTO photos (id, project_id, ingest_session_id, content_hash, file_size, original_name, file_name, "
        "library_path, file_format, capture_time, capture_subsec, capture_offset, camera_make, camera_model, "
        "body_serial, lens, width, height, orientation, rating, color_label, picked) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)",
        "ttttltttttitttttttiiti",
        w->photo_id, w->project_id, w->session_id, primary->hash, (gint64) primary->size, w->original_name,
        file_name, primary->lib_rel, primary->role, w->capture, w->capture ? w->subsec : 0, w->offset,
        w->make, w->model, w->serial, w->lens, w->width, w->height, w->orientation, w->rating,
        label_or_none (w->label), w->picked ? 1 : 0))
    return FALSE;
  for (guint i = 0; !w->attach && w->keywords != NULL && i < w->keywords->len; i++)
    {
      char id[AT_UUID_STRING_LEN + 1];
      at_uuid_member (id, w->photo_id, g_ptr_array_index (w->keywords, i));
      if (!at_sql_exec_bound (conn, error, "INSERT OR IGNORE INTO photo_keywords (id, photo_id, keyword) VALUES (?1, ?2, ?3)",
                              "ttt", id, w->photo_id, (const char *) g_ptr_array_index (w->keywords, i)))
        return FALSE;
    }

  for (guint i = 0; i < w->files->len; i++)
    {
      FileRow *r = g_ptr_array_index (w->files, i);
      g_autofree char *name = g_path_get_basename (r->lib_rel);
      char id[AT_UUID_STRING_LEN + 1];

      at_uuid_v7_generate (id);
      if (!at_sql_exec_bound (conn, error,
            "INSERT INTO photo_files (id, photo_id, role, file_name, library_path, backup_path, content_hash, file_size) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            "tttttttl", id, w->photo_id, r->role, name, r->lib_rel, r->bak_rel, r->hash, (gint64) r->size) ||
          !at_sql_exec_bound (conn, error,
            "UPDATE ingest_files SET state = 'cataloged', photo_id = ?2, library_path = ?3, backup_path = ?4, "
            "content_hash = ?5, error = NULL WHERE id = ?1",
            "ttttt", r->id, w->photo_id, r->lib_rel, r->bak_rel, r->hash))
        return FALSE;
    }
  return TRUE;
}

/* Files that joined an already cataloged capture (a sidecar written after
 * its capture was imported) become files of that photo. */
void
at_journal_write_attach (AtCatalog      *catalog,
                         const char     *session_id,
                         AtJournalGroup *group,
                         GPtrArray      *files)
{
  CatalogWrite *w = g_new0 (CatalogWrite, 1);

  w->attach = TRUE;
  w->session_id = g_strdup (session_id);
  w->photo_id = g_strdup (group->photo_id);
  w->files = g_ptr_array_new_with_free_func ((GDestroyNotify) file_row_free);
  for (guint i = 0; i < files->len; i++)
    g_ptr_array_add (w->files, file_row_new (session_id, group, g_ptr_array_index (files, i)));
  at_catalog_write_detached (catalog, "photo_files,ingest_files", write_catalog, w,
                             (GDestroyNotify) catalog_write_free);
}

/**
 * at_journal_write_catalog:
 * @sidecar: (nullable): what the capture's XMP sidecar says (stars, label,
 *   pick, keywords); it wins over the camera's own metadata
 */
void
at_journal_write_catalog (AtCatalog       *catalog,
                          const char      *session_id,
                          const char      *project_id,
                          AtJournalGroup  *group,
                          const AtXmpData *sidecar)
{
  CatalogWrite *w = g_new0 (CatalogWrite, 1);
  AtJournalFile *primary = g_ptr_array_index (group->files, 0);

  at_uuid_v7_generate (group->photo_id);
  w->session_id = g_strdup (session_id);
  w->project_id = g_strdup (project_id);
  w->photo_id = g_strdup (group->photo_id);
  w->capture = g_strdup (group->capture_utc);
  w->offset = g_strdup (group->capture_offset);
  w->subsec = group->meta.subsec_ms;
  w->make = g_strdup (group->meta.make);
  w->model = g_strdup (group->meta.model);
  w->serial = g_strdup (group->meta.serial);
  w->lens = g_strdup (group->meta.lens);
  w->label = g_strdup (group->meta.label);
  w->width = group->meta.width > 0 ? g_strdup_printf ("%d", group->meta.width) : NULL;
  w->height = group->meta.height > 0 ? g_strdup_printf ("%d", group->meta.height) : NULL;
  w->orientation = group->has_meta ? group->meta.orientation : 1;
  w->rating = group->meta.rating;
  w->original_name = g_path_get_basename (primary->src->path);
  if (sidecar != NULL)
    {
      w->rating = sidecar->state.rating;
      g_free (w->label);
      w->label = g_strdup (at_label_to_string (sidecar->state.label));
      w->picked = sidecar->state.picked;
      w->keywords = g_ptr_array_ref (sidecar->keywords);
    }
  w->files = g_ptr_array_new_with_free_func ((GDestroyNotify) file_row_free);
  for (guint i = 0; i < group->files->len; i++)
    g_ptr_array_add (w->files, file_row_new (session_id, group, g_ptr_array_index (group->files, i)));
  at_catalog_write_detached (catalog, "photos,photo_files,ingest_files,photo_keywords", write_catalog, w,
                             (GDestroyNotify) catalog_write_free);
}
