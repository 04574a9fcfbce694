/* at-sync-page.c — a pulled page as a table SQLite reads in place.
 *
 * The bulk apply (at-sync-apply-bulk.c) joins a page against the catalog's
 * tables. It copied the page into a temporary table first and indexed it:
 * 125-240 ms of a 100,000-field pull, an eighth of it. at_sync_page, an
 * eponymous virtual table, reads the cells where they are instead; a
 * statement that asks for one table's column (tbl = ? AND col = ?) reads
 * only those, and the marks the apply keeps per cell live beside them.
 * The page is per thread: only the catalog's writer thread applies pages,
 * and any other connection sees an empty table. */
#define G_LOG_DOMAIN "atelier-sync"

#include "config.h"

#include <string.h>

#include "at-sync-page.h"

struct _AtSyncPage
{
  GPtrArray  *cells;
  guint8     *fast;
  guint8     *newer_row;
  GArray     *all;      /* of guint: every cell but deletions */
  GHashTable *groups;   /* Pair (tbl, col) -> GArray of guint */
};

static GPrivate current = G_PRIVATE_INIT (NULL);

enum { COL_IDX, COL_TBL, COL_PK, COL_COL, COL_VAL, COL_HLC, COL_NODE, COL_FAST, COL_NEWER_ROW };

/* ---- the page ---- */

typedef struct
{
  const char *a;
  const char *b;
} Pair;

static guint
pair_hash (gconstpointer key)
{
  const Pair *p = key;

  return g_str_hash (p->a) * 31 + g_str_hash (p->b);
}

static gboolean
pair_equal (gconstpointer x, gconstpointer y)
{
  const Pair *p = x, *q = y;

  return strcmp (p->a, q->a) == 0 && strcmp (p->b, q->b) == 0;
}

static gboolean
as_new (AtSyncCell *a, AtSyncCell *b)
{
  return a->hlc > b->hlc || (a->hlc == b->hlc && a->node >= b->node);
}

AtSyncPage *
at_sync_page_new (GPtrArray *cells)
{
  AtSyncPage *page = g_new0 (AtSyncPage, 1);
  g_autoptr(GHashTable) rows = g_hash_table_new_full (pair_hash, pair_equal, g_free, NULL);

  page->cells = g_ptr_array_ref (cells);
  page->fast = g_new0 (guint8, MAX (cells->len, 1));
  page->newer_row = g_new0 (guint8, MAX (cells->len, 1));
  page->all = g_array_sized_new (FALSE, FALSE, sizeof (guint), cells->len);
  page->groups = g_hash_table_new_full (pair_hash, pair_equal, g_free, (GDestroyNotify) g_array_unref);
  for (guint i = 0; i < cells->len; i++)
    {
      AtSyncCell *c = cells->pdata[i];
      Pair key = { c->tbl, c->col }, row = { c->tbl, c->pk };
      GArray *group;
      AtSyncCell *other;

      if (g_str_equal (c->col, "_deleted"))
        continue;
      g_array_append_val (page->all, i);
      if ((group = g_hash_table_lookup (page->groups, &key)) == NULL)
        {
          group = g_array_new (FALSE, FALSE, sizeof (guint));
          g_hash_table_insert (page->groups, g_memdup2 (&key, sizeof key), group);
        }
      g_array_append_val (group, i);
      /* the newest whole row of each (tbl, pk), for newer_row below */
      if (g_str_equal (c->col, "*") &&
          ((other = g_hash_table_lookup (rows, &row)) == NULL || as_new (c, other)))
        g_hash_table_replace (rows, g_memdup2 (&row, sizeof row), c);
    }
  if (g_hash_table_size (rows) > 0)
    for (guint i = 0; i < cells->len; i++)
      {
        AtSyncCell *c = cells->pdata[i], *whole;
        Pair row = { c->tbl, c->pk };

        if (!g_str_equal (c->col, "*") && (whole = g_hash_table_lookup (rows, &row)) != NULL)
          page->newer_row[i] = as_new (whole, c);
      }
  g_private_set (&current, page);
  return page;
}

void
at_sync_page_free (AtSyncPage *page)
{
  if (page == NULL)
    return;
  if (g_private_get (&current) == page)
    g_private_set (&current, NULL);
  g_ptr_array_unref (page->cells);
  g_free (page->fast);
  g_free (page->newer_row);
  g_array_unref (page->all);
  g_hash_table_unref (page->groups);
  g_free (page);
}

void
at_sync_page_mark (AtSyncPage *page,
                   guint       idx,
                   guint8      mark)
{
  g_return_if_fail (idx < page->cells->len);
  page->fast[idx] = mark;
}

guint8
at_sync_page_get_mark (AtSyncPage *page,
                       guint       idx)
{
  g_return_val_if_fail (idx < page->cells->len, AT_SYNC_PAGE_SLOW);
  return page->fast[idx];
}

void
at_sync_page_unmark (AtSyncPage *page,
                     const char *tbl,
                     const char *col)
{
  Pair key = { tbl, col };
  GArray *group = g_hash_table_lookup (page->groups, &key);

  for (guint i = 0; group != NULL && i < group->len; i++)
    page->fast[g_array_index (group, guint, i)] = AT_SYNC_PAGE_SLOW;
}

/* ---- the virtual table ---- */

typedef struct
{
  sqlite3_vtab_cursor base;
  AtSyncPage         *page;
  const guint        *rows;
  guint               n;
  guint               at;
} Cursor;

static int
page_connect (sqlite3 *db, void *aux, int argc, const char *const *argv, sqlite3_vtab **vtab, char **error)
{
  int rc = sqlite3_declare_vtab (db, "CREATE TABLE x (idx INTEGER, tbl TEXT, pk TEXT, col TEXT, val TEXT, hlc INTEGER, "
                                     "node INTEGER, fast INTEGER, newer_row INTEGER)");

  if (rc != SQLITE_OK)
    return rc;
  *vtab = sqlite3_malloc (sizeof (sqlite3_vtab));
  if (*vtab == NULL)
    return SQLITE_NOMEM;
  memset (*vtab, 0, sizeof (sqlite3_vtab));
  return SQLITE_OK;
}

static int
page_disconnect (sqlite3_vtab *vtab)
{
  sqlite3_free (vtab);
  return SQLITE_OK;
}

/* tbl = ? AND col = ?: only that group, cheap; anything else reads all.
 * (pk = ? is not offered: the planner then reads the page in the outer
 * loop and looks each row up in the catalog, not the other way round.) */
static int
page_best_index (sqlite3_vtab *vtab, sqlite3_index_info *info)
{
  int tbl = -1, col = -1;

  for (int i = 0; i < info->nConstraint; i++)
    {
      const struct sqlite3_index_constraint *c = &info->aConstraint[i];

      if (!c->usable || c->op != SQLITE_INDEX_CONSTRAINT_EQ)
        continue;
      if (c->iColumn == COL_TBL)
        tbl = i;
      else if (c->iColumn == COL_COL)
        col = i;
    }
  if (tbl >= 0 && col >= 0)
    {
      info->idxNum = 1;
      info->aConstraintUsage[tbl].argvIndex = 1;
      info->aConstraintUsage[tbl].omit = 1;
      info->aConstraintUsage[col].argvIndex = 2;
      info->aConstraintUsage[col].omit = 1;
      info->estimatedCost = 1000;
      info->estimatedRows = 1000;
    }
  else
    {
      info->idxNum = 0;
      info->estimatedCost = 1e6;
      info->estimatedRows = 100000;
    }
  return SQLITE_OK;
}

static int
page_open (sqlite3_vtab *vtab, sqlite3_vtab_cursor **cursor)
{
  Cursor *c = sqlite3_malloc (sizeof (Cursor));

  if (c == NULL)
    return SQLITE_NOMEM;
  memset (c, 0, sizeof (Cursor));
  *cursor = &c->base;
  return SQLITE_OK;
}

static int
page_close (sqlite3_vtab_cursor *cursor)
{
  sqlite3_free (cursor);
  return SQLITE_OK;
}

static int
page_filter (sqlite3_vtab_cursor *cursor, int idx_num, const char *idx_str, int argc, sqlite3_value **argv)
{
  Cursor *c = (Cursor *) cursor;
  GArray *rows = NULL;

  c->page = g_private_get (&current);
  c->at = 0;
  if (c->page != NULL && idx_num == 1)
    {
      const char *tbl = (const char *) sqlite3_value_text (argv[0]);
      const char *col = (const char *) sqlite3_value_text (argv[1]);
      Pair key = { tbl ? tbl : "", col ? col : "" };

      rows = g_hash_table_lookup (c->page->groups, &key);
    }
  else if (c->page != NULL)
    rows = c->page->all;
  c->rows = rows ? (const guint *) rows->data : NULL;
  c->n = rows ? rows->len : 0;
  return SQLITE_OK;
}

static int
page_next (sqlite3_vtab_cursor *cursor)
{
  ((Cursor *) cursor)->at++;
  return SQLITE_OK;
}

static int
page_eof (sqlite3_vtab_cursor *cursor)
{
  Cursor *c = (Cursor *) cursor;

  return c->at >= c->n;
}

static int
page_column (sqlite3_vtab_cursor *cursor, sqlite3_context *context, int column)
{
  Cursor *c = (Cursor *) cursor;
  guint i = c->rows[c->at];
  AtSyncCell *cell = c->page->cells->pdata[i];

  switch (column)
    {
    case COL_IDX: sqlite3_result_int64 (context, i); break;
    case COL_TBL: sqlite3_result_text (context, cell->tbl, -1, SQLITE_STATIC); break;
    case COL_PK: sqlite3_result_text (context, cell->pk, -1, SQLITE_STATIC); break;
    case COL_COL: sqlite3_result_text (context, cell->col, -1, SQLITE_STATIC); break;
    case COL_VAL: sqlite3_result_text (context, cell->val, -1, SQLITE_STATIC); break;
    case COL_HLC: sqlite3_result_int64 (context, cell->hlc); break;
    case COL_NODE: sqlite3_result_int64 (context, cell->node); break;
    case COL_FAST: sqlite3_result_int (context, c->page->fast[i]); break;
    case COL_NEWER_ROW: sqlite3_result_int (context, c->page->newer_row[i]); break;
    default: break;
    }
  return SQLITE_OK;
}

static int
page_rowid (sqlite3_vtab_cursor *cursor, sqlite3_int64 *rowid)
{
  Cursor *c = (Cursor *) cursor;

  *rowid = c->rows[c->at];
  return SQLITE_OK;
}

static const sqlite3_module page_module = {
  .iVersion = 0,
  .xCreate = NULL,   /* eponymous only: no CREATE VIRTUAL TABLE */
  .xConnect = page_connect,
  .xBestIndex = page_best_index,
  .xDisconnect = page_disconnect,
  .xDestroy = page_disconnect,
  .xOpen = page_open,
  .xClose = page_close,
  .xFilter = page_filter,
  .xNext = page_next,
  .xEof = page_eof,
  .xColumn = page_column,
  .xRowid = page_rowid,
};

gboolean
at_sync_page_register (sqlite3 *db)
{
  return sqlite3_create_module (db, "at_sync_page", &page_module, NULL) == SQLITE_OK;
}
