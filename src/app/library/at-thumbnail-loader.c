/* at-thumbnail-loader.c — AtThumbnailLoader: cached thumbnails and
 * previews as textures.
 *
 * The ingest leaves a 400 px thumbnail and a 2048 px preview per content
 * hash in the cache; a photo without them (a catalog filled some other way,
 * a cleared cache) has them made from the library file, once. All of it
 * runs on a small pool of its own, never on the main thread, and a cell
 * that scrolls away cancels its request before the work starts. The last
 * few previews stay in memory, so the loupe can prefetch its neighbours.
 */
#define G_LOG_DOMAIN "atelier"

#include "config.h"

#include "at-thumbnail-loader.h"

#define KEPT_PREVIEWS 8

struct _AtThumbnailLoader
{
  GObject      parent_instance;
  char        *library;
  char        *cache_dir;
  GThreadPool *pool;
  GHashTable  *previews;   /* main thread: content hash -> GdkTexture */
  GQueue       recent;     /* their hashes, newest first */
};

G_DEFINE_FINAL_TYPE (AtThumbnailLoader, at_thumbnail_loader, G_TYPE_OBJECT)

typedef struct
{
  char *hash;
  char *file;   /* the library file, for a thumbnail not made yet */
  AtPreviewKind kind;
  gboolean original_missing;   /* set by the worker: an unplugged drive, a deleted file */
} Request;

static void
request_free (Request *r)
{
  g_free (r->hash);
  g_free (r->file);
  g_free (r);
}

static void
load_in_thread (gpointer data,
                gpointer user_data)
{
  g_autoptr(GTask) task = data;
  AtThumbnailLoader *self = g_task_get_source_object (task);
  Request *r = g_task_get_task_data (task);
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  GdkTexture *texture;

  /* thumbnails are made behind the grid's own drawing, not beside it */
  at_thread_be_nice (4);
  if (g_task_return_error_if_cancelled (task))
    return;
  r->original_missing = r->file != NULL && !g_file_test (r->file, G_FILE_TEST_EXISTS);
  path = at_preview_path (self->cache_dir, r->hash, r->kind);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      AtPreviewResult result;
      if (r->file == NULL || !at_preview_make (r->file, r->hash, self->cache_dir, &result, &error))
        {
          if (error == NULL)
            g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no thumbnail");
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }
  texture = gdk_texture_new_from_filename (path, &error);
  if (texture == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, texture, g_object_unref);
}

static void
keep_preview (AtThumbnailLoader *self,
              const char        *hash,
              GdkTexture        *texture)
{
  if (g_hash_table_contains (self->previews, hash))
    return;
  g_hash_table_insert (self->previews, g_strdup (hash), g_object_ref (texture));
  g_queue_push_head (&self->recent, g_strdup (hash));
  while (g_queue_get_length (&self->recent) > KEPT_PREVIEWS)
    {
      g_autofree char *old = g_queue_pop_tail (&self->recent);
      g_hash_table_remove (self->previews, old);
    }
}

/**
 * at_thumbnail_loader_load_async:
 * @kind: the 400 px thumbnail or the 2048 px preview
 */
void
at_thumbnail_loader_load_async (AtThumbnailLoader   *self,
                                AtPhoto             *photo,
                                AtPreviewKind        kind,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Request *r = g_new0 (Request, 1);
  GdkTexture *kept;

  r->hash = g_strdup (at_photo_get_content_hash (photo));
  r->kind = kind;
  if (self->library != NULL && at_photo_get_library_path (photo) != NULL)
    r->file = g_build_filename (self->library, at_photo_get_library_path (photo), NULL);
  g_task_set_task_data (task, r, (GDestroyNotify) request_free);
  g_task_set_source_tag (task, at_thumbnail_loader_load_async);
  if (r->hash == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no content hash");
      g_object_unref (task);
      return;
    }
  if (kind == AT_PREVIEW_LARGE && (kept = g_hash_table_lookup (self->previews, r->hash)) != NULL)
    {
      g_task_return_pointer (task, g_object_ref (kept), g_object_unref);
      g_object_unref (task);
      return;
    }
  g_thread_pool_push (self->pool, task, NULL);
}

/**
 * at_thumbnail_loader_load_finish:
 * @original_missing: (out) (optional): whether the photo's library file was
 *   not there; set even when no texture could be had
 */
GdkTexture *
at_thumbnail_loader_load_finish (AtThumbnailLoader  *self,
                                 GAsyncResult       *result,
                                 gboolean           *original_missing,
                                 GError            **error)
{
  Request *r = g_task_get_task_data (G_TASK (result));
  GdkTexture *texture = g_task_propagate_pointer (G_TASK (result), error);

  if (original_missing != NULL)
    *original_missing = r->original_missing;

  if (texture != NULL && r->kind == AT_PREVIEW_LARGE)
    keep_preview (self, r->hash, texture);
  return texture;
}

static void
prefetched_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GdkTexture) texture = at_thumbnail_loader_load_finish (AT_THUMBNAIL_LOADER (object), result, NULL, NULL);
}

/* Reads @photo's preview ahead, for when it is asked for. */
void
at_thumbnail_loader_prefetch (AtThumbnailLoader *self,
                              AtPhoto           *photo)
{
  g_return_if_fail (AT_IS_THUMBNAIL_LOADER (self));
  if (at_photo_get_content_hash (photo) != NULL &&
      !g_hash_table_contains (self->previews, at_photo_get_content_hash (photo)))
    at_thumbnail_loader_load_async (self, photo, AT_PREVIEW_LARGE, NULL, prefetched_cb, NULL);
}

static void
at_thumbnail_loader_finalize (GObject *object)
{
  AtThumbnailLoader *self = AT_THUMBNAIL_LOADER (object);

  g_thread_pool_free (self->pool, TRUE, FALSE);
  g_hash_table_unref (self->previews);
  g_queue_clear_full (&self->recent, g_free);
  g_free (self->library);
  g_free (self->cache_dir);
  G_OBJECT_CLASS (at_thumbnail_loader_parent_class)->finalize (object);
}

static void
at_thumbnail_loader_class_init (AtThumbnailLoaderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = at_thumbnail_loader_finalize;
}

static void
at_thumbnail_loader_init (AtThumbnailLoader *self)
{
  /* two readers: enough to keep ahead of scrolling, and the UI keeps a core */
  /* exclusive: its threads are niced, which must not leak into GLib's shared pool */
  self->pool = g_thread_pool_new (load_in_thread, NULL, 2, TRUE, NULL);
  self->previews = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}

AtThumbnailLoader *
at_thumbnail_loader_new (const char *library,
                         const char *cache_dir)
{
  AtThumbnailLoader *self = g_object_new (AT_TYPE_THUMBNAIL_LOADER, NULL);

  self->library = g_strdup (library);
  self->cache_dir = cache_dir ? g_strdup (cache_dir) : at_preview_default_cache_dir ();
  return self;
}
