/* at-card-monitor.c — AtCardMonitor: a GListModel of AtIngestSource.
 *
 * GVolumeMonitor reports mounts; one with DCIM/ (or a video tree) is a
 * card and becomes a source at once, its counts following from a worker.
 * Works without udisks or gvfs: GIO reads the mount table itself.
 */
#define G_LOG_DOMAIN "atelier-ingest"

#include "config.h"

#include "at-card-monitor.h"

struct _AtCardMonitor
{
  GObject         parent_instance;
  AtCatalog      *catalog;
  GVolumeMonitor *volumes;
  GListStore     *sources;
};

static void at_card_monitor_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AtCardMonitor, at_card_monitor, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, at_card_monitor_model_init))

gboolean
at_card_monitor_is_card (const char *path)
{
  static const char *const trees[] = { "DCIM", "PRIVATE", "MP_ROOT", "AVCHD" };

  for (guint i = 0; path != NULL && i < G_N_ELEMENTS (trees); i++)
    {
      g_autofree char *tree = g_build_filename (path, trees[i], NULL);
      if (g_file_test (tree, G_FILE_TEST_IS_DIR))
        return TRUE;
    }
  return FALSE;
}

static GType
get_item_type (GListModel *model)
{
  return AT_TYPE_INGEST_SOURCE;
}

static guint
get_n_items (GListModel *model)
{
  return g_list_model_get_n_items (G_LIST_MODEL (AT_CARD_MONITOR (model)->sources));
}

static gpointer
get_item (GListModel *model, guint position)
{
  return g_list_model_get_item (G_LIST_MODEL (AT_CARD_MONITOR (model)->sources), position);
}

static void
at_card_monitor_model_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static gboolean
find_path (AtCardMonitor *self,
           const char    *path,
           guint         *position)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->sources)); i++)
    {
      g_autoptr(AtIngestSource) s = g_list_model_get_item (G_LIST_MODEL (self->sources), i);
      if (g_strcmp0 (at_ingest_source_get_path (s), path) == 0)
        {
          *position = i;
          return TRUE;
        }
    }
  return FALSE;
}

static AtIngestSource *
add_source (AtCardMonitor *self,
            const char    *path,
            const char    *label,
            GMount        *mount)
{
  g_autoptr(AtIngestSource) source = NULL;
  guint position;

  if (find_path (self, path, &position))
    return g_list_model_get_item (G_LIST_MODEL (self->sources), position);
  source = at_ingest_source_new (path, label, mount);
  g_list_store_append (self->sources, source);
  at_ingest_source_recount (source, self->catalog);
  return g_steal_pointer (&source);
}

static void
mount_added_cb (GVolumeMonitor *volumes,
                GMount         *mount,
                AtCardMonitor  *self)
{
  g_autoptr(GFile) root = g_mount_get_root (mount);
  g_autofree char *path = g_file_get_path (root);
  g_autofree char *name = g_mount_get_name (mount);

  if (path != NULL && at_card_monitor_is_card (path))
    g_object_unref (add_source (self, path, name, mount));
}

static void
mount_removed_cb (GVolumeMonitor *volumes,
                  GMount         *mount,
                  AtCardMonitor  *self)
{
  g_autoptr(GFile) root = g_mount_get_root (mount);
  g_autofree char *path = g_file_get_path (root);
  guint position;

  if (path != NULL && find_path (self, path, &position))
    g_list_store_remove (self->sources, position);
}

static void
items_changed_cb (GListModel    *store,
                  guint          position,
                  guint          removed,
                  guint          added,
                  AtCardMonitor *self)
{
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
}

static void
at_card_monitor_dispose (GObject *object)
{
  AtCardMonitor *self = AT_CARD_MONITOR (object);

  if (self->volumes != NULL)
    g_signal_handlers_disconnect_by_data (self->volumes, self);
  g_clear_object (&self->volumes);
  g_clear_object (&self->sources);
  g_clear_object (&self->catalog);
  G_OBJECT_CLASS (at_card_monitor_parent_class)->dispose (object);
}

static void
at_card_monitor_class_init (AtCardMonitorClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = at_card_monitor_dispose;
}

static void
at_card_monitor_init (AtCardMonitor *self)
{
  self->sources = g_list_store_new (AT_TYPE_INGEST_SOURCE);
  g_signal_connect (self->sources, "items-changed", G_CALLBACK (items_changed_cb), self);
}

AtCardMonitor *
at_card_monitor_new (AtCatalog *catalog)
{
  AtCardMonitor *self = g_object_new (AT_TYPE_CARD_MONITOR, NULL);
  GList *mounts;

  self->catalog = g_object_ref (catalog);
  self->volumes = g_volume_monitor_get ();
  g_signal_connect (self->volumes, "mount-added", G_CALLBACK (mount_added_cb), self);
  g_signal_connect (self->volumes, "mount-removed", G_CALLBACK (mount_removed_cb), self);
  mounts = g_volume_monitor_get_mounts (self->volumes);
  for (GList *l = mounts; l != NULL; l = l->next)
    mount_added_cb (self->volumes, l->data, self);
  g_list_free_full (mounts, g_object_unref);
  return self;
}

/**
 * at_card_monitor_add_folder:
 *
 * Returns: (transfer full): the source for @path (an existing one if listed)
 */
AtIngestSource *
at_card_monitor_add_folder (AtCardMonitor *self,
                            const char    *path)
{
  g_autofree char *canonical = g_canonicalize_filename (path, NULL);

  g_return_val_if_fail (AT_IS_CARD_MONITOR (self), NULL);
  return add_source (self, canonical, NULL, NULL);
}
