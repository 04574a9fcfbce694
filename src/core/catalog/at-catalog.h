/* at-catalog.h — the workstation's SQLite catalog.
 *
 * One file per workstation. The catalog owns one writer thread that runs
 * every write in batched transactions, and hands each reading thread its own
 * WAL reader connection. "changed::TABLE" is emitted on the thread-default
 * main context of the thread that opened the catalog, after a write that
 * touched TABLE has committed.
 */
#pragma once

#include <gio/gio.h>

#include "at-catalog-error.h"
#include "at-sql.h"

G_BEGIN_DECLS

#define AT_CATALOG_SCHEMA_VERSION 17
/* PRAGMA application_id: "ATLR" */
#define AT_CATALOG_APPLICATION_ID 0x41544c52

typedef enum {
  AT_CATALOG_OPEN_DEFAULT = 0,
  AT_CATALOG_OPEN_CREATE  = 1 << 0,
} AtCatalogOpenFlags;

#define AT_TYPE_CATALOG (at_catalog_get_type ())
G_DECLARE_FINAL_TYPE (AtCatalog, at_catalog, AT, CATALOG, GObject)

/* Runs on the writer thread, inside a transaction (a savepoint of its own). */
typedef gboolean (*AtCatalogWriteFunc) (AtSqlConn  *conn,
                                        gpointer    user_data,
                                        GError    **error);

AtCatalog  *at_catalog_open               (const char          *path,
                                           AtCatalogOpenFlags   flags,
                                           GError             **error);
const char *at_catalog_get_path           (AtCatalog           *self);
int         at_catalog_get_schema_version (AtCatalog           *self);
AtSqlConn  *at_catalog_get_reader         (AtCatalog           *self,
                                           GError             **error);

void        at_catalog_write_async        (AtCatalog           *self,
                                           const char          *tables,
                                           AtCatalogWriteFunc   func,
                                           gpointer             user_data,
                                           GDestroyNotify       destroy,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             callback_data);
gboolean    at_catalog_write_finish       (AtCatalog           *self,
                                           GAsyncResult        *result,
                                           GError             **error);
gboolean    at_catalog_write_sync         (AtCatalog           *self,
                                           const char          *tables,
                                           AtCatalogWriteFunc   func,
                                           gpointer             user_data,
                                           GError             **error);
void        at_catalog_write_detached     (AtCatalog           *self,
                                           const char          *tables,
                                           AtCatalogWriteFunc   func,
                                           gpointer             user_data,
                                           GDestroyNotify       destroy);
gboolean    at_catalog_flush              (AtCatalog           *self,
                                           GError             **error);
void        at_catalog_close              (AtCatalog           *self);

/* Builds one object from the row a statement is on. */
typedef gpointer (*AtCatalogRowFunc) (sqlite3_stmt *stmt);

GListModel *at_catalog_load_list          (AtCatalog           *self,
                                           const char          *sql,
                                           GType                item_type,
                                           AtCatalogRowFunc     from_row,
                                           GError             **error);

G_END_DECLS
