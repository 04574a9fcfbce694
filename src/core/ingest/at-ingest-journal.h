/* at-ingest-journal.h — the per-file ingest journal in the catalog.
 *
 * Internal to ingest/. Each file of a session moves through
 * planned → copying → copied → verified → cataloged (or skipped, failed),
 * and a capture's photos row is written in the same transaction that marks
 * its files cataloged.
 */
#pragma once

#include "at-catalog.h"
#include "at-xmp-sidecar.h"
#include "at-ingest-scan.h"
#include "at-metadata.h"
#include "at-uuid.h"

G_BEGIN_DECLS

typedef struct
{
  char          id[AT_UUID_STRING_LEN + 1];
  AtSourceFile *src;       /* borrowed from the scan */
  char         *state;
  char         *lib_rel;   /* library-relative path: planned, then published */
  char         *bak_rel;   /* backup-relative path, or NULL */
  char         *hash;
  char         *error;
  char         *collided_with;  /* the taken path this file's name had to step around */
  char         *photo_id;       /* once cataloged */
} AtJournalFile;

typedef struct
{
  AtCaptureGroup *group;
  GPtrArray      *files;          /* AtJournalFile*, primary first */
  AtMetadata      meta;
  gboolean        has_meta;
  char           *capture_utc;    /* ISO 8601 with ms, or NULL */
  char           *capture_offset;
  char            photo_id[AT_UUID_STRING_LEN + 1];
} AtJournalGroup;

typedef struct
{
  char        id[AT_UUID_STRING_LEN + 1];
  const char *project_id;
  const char *source_path;
  const char *source_label;
  const char *library;
  const char *backup;
  const char *file_template;
  const char *folder_template;
} AtJournalSession;

void      at_journal_file_free       (AtJournalFile   *file);
void      at_journal_group_free      (AtJournalGroup  *group);

gboolean  at_journal_find_session    (AtSqlConn       *reader,
                                      AtJournalSession *session,
                                      GError         **error);
gboolean  at_journal_load_files      (AtSqlConn       *reader,
                                      const char      *session_id,
                                      GHashTable      *by_source,
                                      GError         **error);
gboolean  at_journal_find_duplicate  (AtSqlConn       *reader,
                                      guint64          size,
                                      const char      *capture_utc,
                                      const char      *serial,
                                      const char      *hash,
                                      char           **library_path,
                                      char           **photo_id);
gboolean  at_journal_photo_has_file  (AtSqlConn       *reader,
                                      const char      *photo_id,
                                      const char      *role,
                                      guint64          size);
gboolean  at_journal_path_taken      (AtSqlConn       *reader,
                                      const char      *lib_rel,
                                      GError         **error);
gboolean  at_journal_resolve_project (AtCatalog       *catalog,
                                      const char      *name,
                                      char           **project_id,
                                      char           **job_code,
                                      GError         **error);

/* queue writes (at_catalog_write_detached) */
void      at_journal_write_session   (AtCatalog       *catalog,
                                      const AtJournalSession *session,
                                      gboolean         create);
void      at_journal_write_planned   (AtCatalog       *catalog,
                                      const char      *session_id,
                                      AtJournalGroup  *group,
                                      AtJournalFile   *only);
void      at_journal_write_state     (AtCatalog       *catalog,
                                      AtJournalFile   *file);
void      at_journal_write_catalog   (AtCatalog       *catalog,
                                      const char      *session_id,
                                      const char      *project_id,
                                      AtJournalGroup  *group,
                                      const AtXmpData *sidecar);
void      at_journal_write_attach    (AtCatalog       *catalog,
                                      const char      *session_id,
                                      AtJournalGroup  *group,
                                      GPtrArray       *files);
void      at_journal_write_finish    (AtCatalog       *catalog,
                                      const char      *session_id,
                                      const char      *status,
                                      const char      *error);

G_END_DECLS
