/* at-ingest-source.c — AtIngestSource: one card or folder on the Ingest page.
 *
 * Counting what is new reads each capture's metadata (headers only) and
 * looks up the "already imported" pre-key in the catalog, on a worker
 * thread; the counts land on the main thread through "notify::counted".
 * A recount drops the result of the one before it.
 */
#define G_LOG_DOMAIN "atelier-ingest"

#include "config.h"

#include <string.h>
#include <sys/statvfs.h>
#include <glib/gi18n-lib.h>

#include "at-ingest-capture.h"
#include "at-ingest-journal.h"
#include "at-ingest-source.h"

/**
 * at_ingest_count:
 * @bodies: (nullable): filled with body serial -> camera model
 */
gboolean
at_ingest_count (AtCatalog       *catalog,
                 const char      *path,
                 AtIngestCounts  *counts,
                 GHashTable      *bodies,
                 GCancellable    *cancellable,
                 GError         **error)
{
  g_autoptr(GPtrArray) groups = at_ingest_scan (path, cancellable, error);
  AtSqlConn *reader;

  memset (counts, 0, sizeof *counts);
  if (groups == NULL || (reader = at_catalog_get_reader (catalog, error)) == NULL)
    return FALSE;
  for (guint i = 0; i < groups->len; i++)
    {
      AtCaptureGroup *g = g_ptr_array_index (groups, i);
      AtMetadata meta = { 0 };
      g_autofree char *utc = NULL, *offset = NULL;
      gboolean has_meta = at_capture_read_metadata (g, &meta, NULL);
      gint64 local_unix;
      guint64 bytes = 0;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          at_metadata_clear (&meta);
          return FALSE;
        }
      for (guint k = 0; k < g->files->len; k++)
        bytes += ((AtSourceFile *) g_ptr_array_index (g->files, k))->size;
      at_capture_times (&meta, has_meta, g->primary->mtime, 0, &local_unix, &utc, &offset);
      if (bodies != NULL && meta.serial != NULL && !g_hash_table_contains (bodies, meta.serial))
        g_hash_table_insert (bodies, g_strdup (meta.serial), g_strdup (meta.model ? meta.model : meta.make));
      counts->files += g->files->len;
      counts->captures++;
      counts->bytes += bytes;
      /* the pre-key alone: a count to show, not the decision ingest makes */
      if (at_journal_find_duplicate (reader, g->primary->size, utc, meta.serial, NULL, NULL, NULL))
        counts->captures_imported++;
      else
        {
          counts->captures_new++;
          counts->bytes_new += bytes;
        }
      at_metadata_clear (&meta);
    }
  return TRUE;
}

struct _AtIngestSource
{
  GObject         parent_instance;
  char           *path;
  char           *label;
  GMount         *mount;
  guint64         capacity;
  gboolean        counted;
  AtIngestCounts  counts;
  GHashTable     *bodies;
  char           *error;
  GCancellable   *counting;
};

G_DEFINE_FINAL_TYPE (AtIngestSource, at_ingest_source, G_TYPE_OBJECT)

enum { PROP_0, PROP_LABEL, PROP_COUNTED, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void
at_ingest_source_finalize (GObject *object)
{
  AtIngestSource *self = AT_INGEST_SOURCE (object);

  g_cancellable_cancel (self->counting);
  g_clear_object (&self->counting);
  g_clear_object (&self->mount);
  g_clear_pointer (&self->bodies, g_hash_table_unref);
  g_free (self->path);
  g_free (self->label);
  g_free (self->error);
  G_OBJECT_CLASS (at_ingest_source_parent_class)->finalize (object);
}

static void
at_ingest_source_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  AtIngestSource *self = AT_INGEST_SOURCE (object);

  switch (prop_id)
    {
    case PROP_LABEL:   g_value_set_string (value, self->label); break;
    case PROP_COUNTED: g_value_set_boolean (value, self->counted); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
at_ingest_source_class_init (AtIngestSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = at_ingest_source_finalize;
  object_class->get_property = at_ingest_source_get_property;
  properties[PROP_LABEL] = g_param_spec_string ("label", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_COUNTED] = g_param_spec_boolean ("counted", NULL, NULL, FALSE,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
at_ingest_source_init (AtIngestSource *self)
{
}

AtIngestSource *
at_ingest_source_new (const char *path,
                      const char *label,
                      GMount     *mount)
{
  AtIngestSource *self = g_object_new (AT_TYPE_INGEST_SOURCE, NULL);
  struct statvfs st;

  self->path = g_strdup (path);
  self->label = label ? g_strdup (label) : g_path_get_basename (path);
  self->mount = mount ? g_object_ref (mount) : NULL;
  if (mount != NULL && statvfs (path, &st) == 0)
    self->capacity = (guint64) st.f_blocks * st.f_frsize;
  return self;
}

const char *at_ingest_source_get_path (AtIngestSource *self)      { return self->path; }
const char *at_ingest_source_get_label (AtIngestSource *self)     { return self->label; }
GMount *at_ingest_source_get_mount (AtIngestSource *self)         { return self->mount; }
gboolean at_ingest_source_get_counted (AtIngestSource *self)      { return self->counted; }
const AtIngestCounts *at_ingest_source_get_counts (AtIngestSource *self) { return &self->counts; }
const char *at_ingest_source_get_error (AtIngestSource *self)     { return self->error; }
guint64 at_ingest_source_get_capacity (AtIngestSource *self)      { return self->capacity; }

/**
 * at_ingest_source_get_bodies:
 *
 * Returns: (transfer none) (nullable): body serial -> camera model, once counted
 */
GHashTable *
at_ingest_source_get_bodies (AtIngestSource *self)
{
  return self->bodies;
}

typedef struct
{
  AtCatalog      *catalog;
  char           *path;
  AtIngestCounts  counts;
  GHashTable     *bodies;
} CountTask;

static void
count_task_free (CountTask *t)
{
  g_hash_table_unref (t->bodies);
  g_object_unref (t->catalog);
  g_free (t->path);
  g_free (t);
}

static void
count_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  CountTask *t = task_data;
  GError *error = NULL;

  if (at_ingest_count (t->catalog, t->path, &t->counts, t->bodies, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
counted_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  AtIngestSource *self = AT_INGEST_SOURCE (object);
  CountTask *t = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;   /* a newer count is on its way */
  g_clear_pointer (&self->error, g_free);
  if (error != NULL)
    self->error = g_strdup (error->message);
  else
    {
      self->counts = t->counts;
      g_clear_pointer (&self->bodies, g_hash_table_unref);
      self->bodies = g_hash_table_ref (t->bodies);
    }
  self->counted = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COUNTED]);
}

void
at_ingest_source_recount (AtIngestSource *self,
                          AtCatalog      *catalog)
{
  g_autoptr(GTask) task = NULL;
  CountTask *t = g_new0 (CountTask, 1);

  g_return_if_fail (AT_IS_INGEST_SOURCE (self));

  g_cancellable_cancel (self->counting);
  g_clear_object (&self->counting);
  self->counting = g_cancellable_new ();
  t->catalog = g_object_ref (catalog);
  t->path = g_strdup (self->path);
  t->bodies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  task = g_task_new (self, self->counting, counted_cb, NULL);
  g_task_set_task_data (task, t, (GDestroyNotify) count_task_free);
  g_task_run_in_thread (task, count_thread);
}
