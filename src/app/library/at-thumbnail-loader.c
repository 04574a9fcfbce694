/* at-thumbnail-loader.c — AtThumbnailLoader: cached thumbnails as textures.
 *
 * The ingest leaves a 400 px thumbnail per content hash in the cache; a
 * photo without one (a catalog filled some other way, a cleared cache) has
 * it made from the library file, once. All of it runs on a small pool of
 * its own, never on the main thread, and a cell that scrolls away cancels
 * its request before the work starts.
 */
#define G_LOG_DOMAIN "atelier"

#include "config.h"

#include "at-thumbnail-loader.h"

struct _AtThumbnailLoader
{
  GObject      parent_instance;
  char        *library;
  char        *cache_dir;
  GThreadPool *pool;
};

G_DEFINE_FINAL_TYPE (AtThumbnailLoader, at_thumbnail_loader, G_TYPE_OBJECT)

typedef struct
{
  char *hash;
  char *file;   /* the library file, for a thumbnail not made yet */
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

  if (g_task_return_error_if_cancelled (task))
    return;
  path = at_preview_path (self->cache_dir, r->hash, AT_PREVIEW_THUMB);
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

void
at_thumbnail_loader_load_async (AtThumbnailLoader   *self,
                                AtPhoto             *photo,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Request *r = g_new0 (Request, 1);

  r->hash = g_strdup (at_photo_get_content_hash (photo));
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
  g_thread_pool_push (self->pool, task, NULL);
}

GdkTexture *
at_thumbnail_loader_load_finish (AtThumbnailLoader  *self,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
at_thumbnail_loader_finalize (GObject *object)
{
  AtThumbnailLoader *self = AT_THUMBNAIL_LOADER (object);

  g_thread_pool_free (self->pool, TRUE, FALSE);
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
  self->pool = g_thread_pool_new (load_in_thread, NULL, 2, FALSE, NULL);
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
