/* at-photo-list-refresh.c — AtPhotoList read again in place, and the
 * culling decisions it shows before the catalog has them.
 *
 * After every commit that touches photos the cached pages are read again
 * and their objects take the rows' states, so views keep their selection
 * and scroll. A decision still on its way to the catalog (the keypress
 * before, with auto-advance) would flicker back to the stored value for
 * a moment: until its write is told done, the decision is what shows.
 */
#define G_LOG_DOMAIN "atelier-catalog"

#include "config.h"

#include "at-photo-list-private.h"

#include <json-glib/json-glib.h>

/* A photo read from the catalog, with the decision the catalog does not
 * have yet: a reread between two writes (one key's commit, a sync's page)
 * must not show the previous photo's old stars for a moment. */
AtPhoto *
_at_photo_list_photo_from_row (AtPhotoList  *self,
                               sqlite3_stmt *stmt)
{
  AtPhoto *photo = at_photo_new_from_stmt (stmt);
  AtUnwrittenState *unwritten = g_hash_table_lookup (self->unwritten, at_photo_get_id (photo));

  if (unwritten != NULL)
    at_photo_set_cull_state (photo, &unwritten->state);
  return photo;
}

/* The same rows again, by id: a lookup per row, where re-running the page
 * query costs an OFFSET scan (30 ms per page a million rows deep, on the
 * main thread, after every keypress). Only when the order cannot have
 * changed (a culling change moves rows when sorted by rating) and every
 * row is still there; otherwise the page query. */
static GPtrArray *
reread_page (AtPhotoList *self,
             guint        page,
             GPtrArray   *items)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) by_id = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *ids = NULL;
  g_autofree char *sql = NULL;
  AtSqlConn *conn;
  sqlite3_stmt *stmt;
  GPtrArray *fresh;

  if (self->sort == AT_PHOTO_SORT_RATING || (conn = at_catalog_get_reader (self->catalog, &error)) == NULL)
    return _at_photo_list_load_page (self, page);
  json_builder_begin_array (builder);
  for (guint i = 0; i < items->len; i++)
    json_builder_add_string_value (builder, at_photo_get_id (g_ptr_array_index (items, i)));
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  ids = json_to_string (root, FALSE);
  sql = g_strdup_printf ("SELECT " AT_PHOTO_COLUMNS " FROM photos p %s AND p.id IN (SELECT value FROM json_each (?1))",
                         self->where);
  if ((stmt = at_sql_conn_prepare (conn, sql, &error)) == NULL)
    return _at_photo_list_load_page (self, page);
  at_sql_bind_text (stmt, 1, ids);
  at_photo_filter_bind (&self->filter, stmt, 3);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      AtPhoto *photo = _at_photo_list_photo_from_row (self, stmt);
      g_hash_table_insert (by_id, (gpointer) at_photo_get_id (photo), photo);
    }
  at_sql_stmt_release (stmt);

  fresh = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < items->len; i++)
    {
      AtPhoto *photo = g_hash_table_lookup (by_id, at_photo_get_id (g_ptr_array_index (items, i)));
      if (photo == NULL)
        {
          /* gone or filtered out: the page has moved */
          g_ptr_array_unref (fresh);
          return _at_photo_list_load_page (self, page);
        }
      g_ptr_array_add (fresh, g_object_ref (photo));
    }
  return fresh;
}

/* Re-reads the cached pages in place: an object whose row is the same
 * photo takes the row's culling state (and notifies); any other position
 * is replaced and announced. Views keep their selection and scroll, which
 * a reset of the whole list would lose at every keypress. */
void
_at_photo_list_refresh_pages (AtPhotoList *self)
{
  g_autoptr(GArray) changed = g_array_new (FALSE, FALSE, sizeof (guint));
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->pages);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      guint page = GPOINTER_TO_UINT (key);
      GPtrArray *items = value;
      g_autoptr(GPtrArray) fresh = reread_page (self, page, items);

      if (fresh == NULL)
        continue;
      for (guint i = 0; i < MAX (items->len, fresh->len); i++)
        {
          AtPhoto *old = i < items->len ? g_ptr_array_index (items, i) : NULL;
          AtPhoto *now = i < fresh->len ? g_ptr_array_index (fresh, i) : NULL;
          guint position = page * AT_PHOTO_LIST_PAGE_SIZE + i;

          if (old != NULL && now != NULL && at_photo_same_row (old, now))
            {
              AtCullState state = at_photo_get_cull_state (now);
              at_photo_set_cull_state (old, &state);
            }
          else
            g_array_append_val (changed, position);
        }
      /* positions that changed take the fresh objects */
      for (guint i = 0; i < fresh->len; i++)
        if (i >= items->len || !at_photo_same_row (g_ptr_array_index (items, i), g_ptr_array_index (fresh, i)))
          {
            if (i < items->len)
              {
                g_object_unref (g_ptr_array_index (items, i));
                items->pdata[i] = g_object_ref (g_ptr_array_index (fresh, i));
              }
            else
              g_ptr_array_add (items, g_object_ref (g_ptr_array_index (fresh, i)));
          }
      if (items->len > fresh->len)
        g_ptr_array_set_size (items, fresh->len);
    }
  for (guint i = 0; i < changed->len; i++)
    {
      guint position = g_array_index (changed, guint, i);
      if (position < self->n_items)
        g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 1);
    }
}

/**
 * at_photo_list_apply_states:
 * @ids: (array zero-terminated=1): photos
 * @states: one per id
 *
 * Shows culling decisions on the cached objects before the catalog has them,
 * and keeps showing them when the list is read again, until
 * at_photo_list_states_written() is told of each.
 */
void
at_photo_list_apply_states (AtPhotoList       *self,
                            const char *const *ids,
                            const AtCullState *states)
{
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (AT_IS_PHOTO_LIST (self));
  for (guint i = 0; ids[i] != NULL; i++)
    {
      AtUnwrittenState *unwritten = g_hash_table_lookup (self->unwritten, ids[i]);

      if (unwritten == NULL)
        {
          unwritten = g_new0 (AtUnwrittenState, 1);
          g_hash_table_insert (self->unwritten, g_strdup (ids[i]), unwritten);
        }
      unwritten->state = states[i];
      unwritten->writes++;
      g_hash_table_insert (by_id, (gpointer) ids[i], (gpointer) &states[i]);
    }
  g_hash_table_iter_init (&iter, self->pages);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      GPtrArray *items = value;
      for (guint i = 0; i < items->len; i++)
        {
          const AtCullState *state = g_hash_table_lookup (by_id, at_photo_get_id (g_ptr_array_index (items, i)));
          if (state != NULL)
            at_photo_set_cull_state (g_ptr_array_index (items, i), state);
        }
    }
}

/**
 * at_photo_list_states_written:
 * @ids: (array zero-terminated=1): the photos of one at_photo_list_apply_states()
 * @written: whether the catalog took them
 *
 * A photo whose decisions are all written shows the catalog's state from
 * its next read; after a failed write, the list is read again at once so
 * that it shows what the catalog holds, not what it could not take.
 */
void
at_photo_list_states_written (AtPhotoList       *self,
                              const char *const *ids,
                              gboolean           written)
{
  g_return_if_fail (AT_IS_PHOTO_LIST (self));
  for (guint i = 0; ids[i] != NULL; i++)
    {
      AtUnwrittenState *unwritten = g_hash_table_lookup (self->unwritten, ids[i]);

      if (unwritten != NULL && --unwritten->writes == 0)
        g_hash_table_remove (self->unwritten, ids[i]);
    }
  if (!written)
    at_photo_list_reload (self);
}
