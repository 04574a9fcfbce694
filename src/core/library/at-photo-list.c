/* at-photo-list.c — AtPhotoList: photos in capture order, a page at a time.
 *
 * Only the count is known up front; get_item() reads the page holding the
 * position (one indexed query) and keeps a bounded set of recent pages, so a
 * 100 000-photo library costs the memory of the screens actually visited.
 * Reading the cached pages again in place, and culling decisions shown
 * before the catalog has them: at-photo-list-refresh.c.
 * Lives on one thread (the one that made it) and uses that thread's reader.
 */
#define G_LOG_DOMAIN "atelier-catalog"

#include "config.h"

#include "at-photo-list-private.h"

/* Pages kept: enough for fast scrolling back and forth over a few screens. */
#define MAX_PAGES 16

static void at_photo_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AtPhotoList, at_photo_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, at_photo_list_model_init))

enum { PROP_0, PROP_CATALOG, PROP_N_ITEMS, N_PROPS };
static GParamSpec *properties[N_PROPS];

static const char *
order_by (AtPhotoSort sort)
{
  switch (sort)
    {
    case AT_PHOTO_SORT_NAME:   return "p.file_name, p.id";
    case AT_PHOTO_SORT_RATING: return "p.rating DESC, p.capture_time, p.id";
    case AT_PHOTO_SORT_CAPTURE_TIME:
    default:                   return "p.capture_time, p.id";
    }
}

static guint
count_photos (AtPhotoList *self)
{
  g_autoptr(GError) error = NULL;
  /* "rating >= -1" is always true; it lets SQLite count from the small
   * photos_cull index instead of reading the whole table (3x faster at 1M) */
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM photos p %s%s", self->where,
                                          self->filter.rating_min > 0 ? "" : " AND p.rating >= -1");
  AtSqlConn *conn = at_catalog_get_reader (self->catalog, &error);
  sqlite3_stmt *stmt = conn ? at_sql_conn_prepare (conn, sql, &error) : NULL;
  gint64 n = -1;

  if (stmt != NULL)
    {
      at_photo_filter_bind (&self->filter, stmt, 3);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        n = sqlite3_column_int64 (stmt, 0);
      else
        at_sql_set_error (at_sql_conn_get_db (conn), sqlite3_errcode (at_sql_conn_get_db (conn)), "count", &error);
      at_sql_stmt_release (stmt);
    }
  if (n < 0)
    {
      g_warning ("Could not count photos: %s", error ? error->message : "?");
      return 0;
    }
  return (guint) n;
}

static void
drop_pages (AtPhotoList *self)
{
  g_hash_table_remove_all (self->pages);
  g_queue_clear (&self->lru);
}

GPtrArray *
_at_photo_list_load_page (AtPhotoList *self,
                          guint        page)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *sql = g_strdup_printf ("SELECT " AT_PHOTO_COLUMNS " FROM photos p %s ORDER BY %s LIMIT ?1 OFFSET ?2",
                                          self->where, order_by (self->sort));
  AtSqlConn *conn = at_catalog_get_reader (self->catalog, &error);
  sqlite3_stmt *stmt;
  int rc;

  if (conn == NULL || (stmt = at_sql_conn_prepare (conn, sql, &error)) == NULL)
    {
      g_warning ("Could not read photos: %s", error->message);
      return NULL;
    }
  sqlite3_bind_int (stmt, 1, AT_PHOTO_LIST_PAGE_SIZE);
  sqlite3_bind_int64 (stmt, 2, (sqlite3_int64) page * AT_PHOTO_LIST_PAGE_SIZE);
  at_photo_filter_bind (&self->filter, stmt, 3);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (items, _at_photo_list_photo_from_row (self, stmt));
  at_sql_stmt_release (stmt);
  if (rc != SQLITE_DONE)
    g_warning ("Reading photos stopped: %s", sqlite3_errmsg (at_sql_conn_get_db (conn)));
  return g_steal_pointer (&items);
}

static GType
at_photo_list_get_item_type (GListModel *model)
{
  return AT_TYPE_PHOTO;
}

static guint
at_photo_list_get_n_items (GListModel *model)
{
  return AT_PHOTO_LIST (model)->n_items;
}

static gpointer
at_photo_list_get_item (GListModel *model,
                        guint       position)
{
  AtPhotoList *self = AT_PHOTO_LIST (model);
  guint page = position / AT_PHOTO_LIST_PAGE_SIZE;
  guint offset = position % AT_PHOTO_LIST_PAGE_SIZE;
  GPtrArray *items;

  if (position >= self->n_items)
    return NULL;

  items = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (page));
  if (items != NULL)
    {
      g_queue_remove (&self->lru, GUINT_TO_POINTER (page));
      g_queue_push_head (&self->lru, GUINT_TO_POINTER (page));
    }
  else
    {
      if ((items = _at_photo_list_load_page (self, page)) == NULL)
        return NULL;
      g_hash_table_insert (self->pages, GUINT_TO_POINTER (page), items);
      g_queue_push_head (&self->lru, GUINT_TO_POINTER (page));
      while (g_queue_get_length (&self->lru) > MAX_PAGES)
        g_hash_table_remove (self->pages, g_queue_pop_tail (&self->lru));
    }

  /* The table can shrink under us between a change and its signal. */
  if (offset >= items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (items, offset));
}

static void
at_photo_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = at_photo_list_get_item_type;
  iface->get_n_items = at_photo_list_get_n_items;
  iface->get_item = at_photo_list_get_item;
}

/* Everything views hold is stale: forget it and say so. */
static void
reset_to (AtPhotoList *self,
          guint        n_items)
{
  guint old_n = self->n_items;

  drop_pages (self);
  self->n_items = n_items;
  if (old_n != 0 || self->n_items != 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n, self->n_items);
  if (old_n != self->n_items)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

/**
 * at_photo_list_reload:
 *
 * Re-reads the count; when it changed, forgets cached pages and views
 * re-fetch what they show, otherwise the cached pages are refreshed in place.
 */
void
at_photo_list_reload (AtPhotoList *self)
{
  guint old_n, new_n;

  g_return_if_fail (AT_IS_PHOTO_LIST (self));

  old_n = self->n_items;
  new_n = count_photos (self);
  if (old_n == new_n)
    {
      _at_photo_list_refresh_pages (self);
      return;
    }
  reset_to (self, new_n);
}

static void
rebuild_where (AtPhotoList *self)
{
  int n_params;

  g_free (self->where);
  self->where = at_photo_filter_where (&self->filter, 3, &n_params);
}

/**
 * at_photo_list_set_filter:
 * @filter: (nullable): which photos to show; %NULL: all
 */
void
at_photo_list_set_filter (AtPhotoList         *self,
                          const AtPhotoFilter *filter)
{
  AtPhotoFilter none;

  g_return_if_fail (AT_IS_PHOTO_LIST (self));

  /* the same filter again: nothing to count or re-read */
  at_photo_filter_init (&none);
  if (at_photo_filter_equal (&self->filter, filter != NULL ? filter : &none))
    return;
  at_photo_filter_clear (&self->filter);
  at_photo_filter_init (&self->filter);
  if (filter != NULL)
    at_photo_filter_copy (&self->filter, filter);
  rebuild_where (self);
  reset_to (self, count_photos (self));
}

void
at_photo_list_set_sort (AtPhotoList *self,
                        AtPhotoSort  sort)
{
  g_return_if_fail (AT_IS_PHOTO_LIST (self));

  if (self->sort == sort)
    return;
  self->sort = sort;
  reset_to (self, count_photos (self));
}

static void
photos_changed_cb (AtCatalog   *catalog,
                   const char  *table,
                   AtPhotoList *self)
{
  /* album and keyword changes matter only to a list that filters on them */
  if (g_strcmp0 (table, "album_items") == 0 && self->filter.album == NULL)
    return;
  if (g_strcmp0 (table, "photo_keywords") == 0 && self->filter.text == NULL)
    return;
  at_photo_list_reload (self);
}

static void
at_photo_list_constructed (GObject *object)
{
  AtPhotoList *self = AT_PHOTO_LIST (object);

  G_OBJECT_CLASS (at_photo_list_parent_class)->constructed (object);
  rebuild_where (self);
  g_signal_connect_object (self->catalog, "changed::photos",
                           G_CALLBACK (photos_changed_cb), self, 0);
  g_signal_connect_object (self->catalog, "changed::album_items",
                           G_CALLBACK (photos_changed_cb), self, 0);
  g_signal_connect_object (self->catalog, "changed::photo_keywords",
                           G_CALLBACK (photos_changed_cb), self, 0);
  self->n_items = count_photos (self);
}

static void
at_photo_list_finalize (GObject *object)
{
  AtPhotoList *self = AT_PHOTO_LIST (object);

  drop_pages (self);
  g_hash_table_unref (self->pages);
  g_hash_table_unref (self->unwritten);
  at_photo_filter_clear (&self->filter);
  g_free (self->where);
  g_clear_object (&self->catalog);
  G_OBJECT_CLASS (at_photo_list_parent_class)->finalize (object);
}

static void
at_photo_list_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  AtPhotoList *self = AT_PHOTO_LIST (object);

  switch (prop_id)
    {
    case PROP_CATALOG: g_value_set_object (value, self->catalog); break;
    case PROP_N_ITEMS: g_value_set_uint (value, self->n_items); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
at_photo_list_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  AtPhotoList *self = AT_PHOTO_LIST (object);

  switch (prop_id)
    {
    case PROP_CATALOG: self->catalog = g_value_dup_object (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
at_photo_list_class_init (AtPhotoListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = at_photo_list_constructed;
  object_class->finalize = at_photo_list_finalize;
  object_class->get_property = at_photo_list_get_property;
  object_class->set_property = at_photo_list_set_property;

  properties[PROP_CATALOG] =
    g_param_spec_object ("catalog", NULL, NULL, AT_TYPE_CATALOG,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
at_photo_list_init (AtPhotoList *self)
{
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
  self->unwritten = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_queue_init (&self->lru);
}

AtPhotoList *
at_photo_list_new (AtCatalog *catalog)
{
  g_return_val_if_fail (AT_IS_CATALOG (catalog), NULL);
  return g_object_new (AT_TYPE_PHOTO_LIST, "catalog", catalog, NULL);
}

AtCatalog *
at_photo_list_get_catalog (AtPhotoList *self)
{
  g_return_val_if_fail (AT_IS_PHOTO_LIST (self), NULL);
  return self->catalog;
}

guint
at_photo_list_get_n_cached_pages (AtPhotoList *self)
{
  g_return_val_if_fail (AT_IS_PHOTO_LIST (self), 0);
  return g_hash_table_size (self->pages);
}
