/* at-catalog-checkpointer.h — the catalog's WAL copied back into the
 * database on a thread of its own (see the .c file for why). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _AtCatalogCheckpointer AtCatalogCheckpointer;

AtCatalogCheckpointer *at_catalog_checkpointer_new  (const char            *path);
/* From the writer, after a commit: the WAL holds @pages pages. */
void                   at_catalog_checkpointer_wal  (AtCatalogCheckpointer *self,
                                                     int                    pages);
/* From the writer, before a write: waits for a checkpoint when the WAL has
 * grown too long (see the .c file). */
void                   at_catalog_checkpointer_before_write (AtCatalogCheckpointer *self);
/* Stops the thread; an unfinished checkpoint is finished first. */
void                   at_catalog_checkpointer_free (AtCatalogCheckpointer *self);

G_END_DECLS
