/* at-catalog-private.h — pieces of AtCatalog shared between its files. */
#pragma once

#include "at-catalog.h"

G_BEGIN_DECLS

/* at-catalog-migrate.c */
gboolean at_catalog_migrate_to_current (AtSqlConn  *conn,
                                        int         from_version,
                                        GError    **error);
const char *const *at_catalog_migration_names (guint *n_migrations);

/* at-catalog-writer.c */
typedef struct _AtCatalogWriter AtCatalogWriter;
/* @tables: what a commit of ours touched; NULL when another process (the
 * CLI, a sync run) committed to the file, which could be anything */
typedef void (*AtCatalogCommitted) (const char *const *tables, gpointer user_data);

AtCatalogWriter *at_catalog_writer_new      (AtSqlConn          *conn,
                                             AtCatalogCommitted  committed,
                                             gpointer            committed_data);
void             at_catalog_writer_push     (AtCatalogWriter    *writer,
                                             const char         *tables,
                                             AtCatalogWriteFunc  func,
                                             gpointer            user_data,
                                             GDestroyNotify      destroy,
                                             GTask              *task);
void             at_catalog_writer_push_detached (AtCatalogWriter *writer,
                                                  const char      *tables,
                                                  AtCatalogWriteFunc func,
                                                  gpointer         user_data,
                                                  GDestroyNotify   destroy);
GError          *at_catalog_writer_take_detached_error (AtCatalogWriter *writer);
gboolean         at_catalog_writer_run_sync (AtCatalogWriter    *writer,
                                             const char         *tables,
                                             AtCatalogWriteFunc  func,
                                             gpointer            user_data,
                                             GError            **error);
void             at_catalog_writer_free     (AtCatalogWriter    *writer);

G_END_DECLS
