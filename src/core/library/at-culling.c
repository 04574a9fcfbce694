/* at-culling.c — AtCulling: culling decisions, shown at once, written behind.
 *
 * A decision changes the AtPhoto objects the grid holds immediately (they
 * notify, the cells redraw) and goes to the catalog's writer thread,
 * batched with whatever else is queued: a keypress never waits for SQLite.
 * Each decision is one step of the undo history, holding every photo's
 * state before and after; "changed" tells other holders of the same photos
 * (the list model's other pages, the XMP writer) what the photos are now,
 * and "written" when the catalog has it (or could not take it): until
 * then a list read again from the catalog must keep the decision.
 */
#define G_LOG_DOMAIN "atelier-library"

#include "config.h"

#include "at-culling.h"

#define HISTORY_DEPTH 500

typedef struct
{
  char        **ids;
  AtCullState  *before;
  AtCullState  *after;
  guint         n;
} Step;

struct _AtCulling
{
  GObject    parent_instance;
  AtCatalog *catalog;
  GQueue     undo;   /* Step*, newest first */
  GQueue     redo;
};

G_DEFINE_FINAL_TYPE (AtCulling, at_culling, G_TYPE_OBJECT)

enum { PROP_0, PROP_CAN_UNDO, PROP_CAN_REDO, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { CHANGED, WRITTEN, N_SIGNALS };
static guint signals[N_SIGNALS];

static const char *const flag_names[] = { "none", "picked", "rejected" };

gboolean
at_flag_parse (const char *name,
               AtFlag     *flag)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (flag_names); i++)
    if (g_ascii_strcasecmp (name, flag_names[i]) == 0)
      {
        *flag = (AtFlag) i;
        return TRUE;
      }
  return FALSE;
}

const char *
at_flag_to_string (AtFlag flag)
{
  return (guint) flag < G_N_ELEMENTS (flag_names) ? flag_names[flag] : "none";
}

AtFlag
at_cull_state_get_flag (const AtCullState *state)
{
  return state->rating < 0 ? AT_FLAG_REJECTED : state->picked ? AT_FLAG_PICKED : AT_FLAG_NONE;
}

/* Rejected is rating -1, as xmp:Rating says it: stars given to a rejected
 * photo take it back, and a pick or an unflag of a rejected photo leaves
 * it without stars. */
AtCullState
at_cull_change_apply (const AtCullChange *change,
                      const AtCullState  *before)
{
  AtCullState after = *before;

  if (change->fields & AT_CULL_RATING)
    after.rating = CLAMP (change->rating, 0, 5);
  if (change->fields & AT_CULL_LABEL)
    after.label = change->label;
  if (change->fields & AT_CULL_FLAG)
    switch (change->flag)
      {
      case AT_FLAG_PICKED:
        after.picked = TRUE;
        after.rating = MAX (after.rating, 0);
        break;
      case AT_FLAG_REJECTED:
        after.picked = FALSE;
        after.rating = -1;
        break;
      case AT_FLAG_NONE:
      default:
        after.picked = FALSE;
        after.rating = MAX (after.rating, 0);
        break;
      }
  return after;
}

/* ---- writing ---- */

typedef struct
{
  char        **ids;
  AtCullState  *states;
  guint         n;
} Write;

static void
write_free (Write *w)
{
  g_strfreev (w->ids);
  g_free (w->states);
  g_free (w);
}

static Write *
write_new (const char *const *ids,
           const AtCullState *states,
           guint              n)
{
  Write *w = g_new0 (Write, 1);

  w->ids = g_strdupv ((char **) ids);
  w->states = g_memdup2 (states, sizeof *states * n);
  w->n = n;
  return w;
}

static gboolean
write_states (AtSqlConn *conn,
              gpointer   data,
              GError   **error)
{
  Write *w = data;

  for (guint i = 0; i < w->n; i++)
    if (!at_sql_exec_bound (conn, error,
                            "UPDATE photos SET rating = ?1, color_label = ?2, picked = ?3 WHERE id = ?4",
                            "itit", w->states[i].rating, at_label_to_string (w->states[i].label),
                            w->states[i].picked ? 1 : 0, w->ids[i]))
      return FALSE;
  return TRUE;
}

gboolean
at_culling_write_sync (AtCatalog          *catalog,
                       const char *const  *ids,
                       const AtCullState  *states,
                       guint               n,
                       GError            **error)
{
  Write *w = write_new (ids, states, n);
  gboolean ok = at_catalog_write_sync (catalog, "photos", write_states, w, error);

  write_free (w);
  return ok;
}

/* ---- the history ---- */

static void
step_free (Step *step)
{
  g_strfreev (step->ids);
  g_free (step->before);
  g_free (step->after);
  g_free (step);
}

typedef struct
{
  AtCulling  *self;
  char      **ids;
} Written;

static void
written_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  Written *written = data;
  g_autoptr(GError) error = NULL;

  at_catalog_write_finish (AT_CATALOG (source), result, &error);
  g_signal_emit (written->self, signals[WRITTEN], 0, written->ids, error);
  g_object_unref (written->self);
  g_strfreev (written->ids);
  g_free (written);
}

static void
publish (AtCulling         *self,
         char             **ids,
         const AtCullState *states,
         guint              n)
{
  Written *written = g_new0 (Written, 1);

  written->self = g_object_ref (self);
  written->ids = g_strdupv (ids);
  at_catalog_write_async (self->catalog, "photos", write_states,
                          write_new ((const char *const *) ids, states, n), (GDestroyNotify) write_free,
                          NULL, written_cb, written);
  g_signal_emit (self, signals[CHANGED], 0, ids, states);
}

static void
notify_history (AtCulling *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_REDO]);
}

/**
 * at_culling_apply:
 * @photos: (array length=n_photos): the photos to change; they show the
 *   change when this returns
 *
 * A colour label that every photo already has is taken off again, as a
 * second press of the same key does in other culling tools.
 */
void
at_culling_apply (AtCulling          *self,
                  AtPhoto *const     *photos,
                  guint               n_photos,
                  const AtCullChange *change)
{
  AtCullChange effective = *change;
  Step *step;
  gboolean any = FALSE;

  g_return_if_fail (AT_IS_CULLING (self));
  if (n_photos == 0)
    return;

  if (change->fields & AT_CULL_LABEL)
    {
      gboolean all = TRUE;
      for (guint i = 0; i < n_photos && all; i++)
        all = at_photo_get_cull_state (photos[i]).label == change->label;
      if (all)
        effective.label = AT_LABEL_NONE;
    }

  step = g_new0 (Step, 1);
  step->ids = g_new0 (char *, n_photos + 1);
  step->before = g_new0 (AtCullState, n_photos);
  step->after = g_new0 (AtCullState, n_photos);
  for (guint i = 0; i < n_photos; i++)
    {
      AtCullState before = at_photo_get_cull_state (photos[i]);
      AtCullState after = at_cull_change_apply (&effective, &before);

      if (before.rating == after.rating && before.label == after.label && before.picked == after.picked)
        continue;
      step->ids[step->n] = g_strdup (at_photo_get_id (photos[i]));
      step->before[step->n] = before;
      step->after[step->n] = after;
      step->n++;
      at_photo_set_cull_state (photos[i], &after);
      any = TRUE;
    }
  if (!any)
    {
      step_free (step);
      return;
    }

  publish (self, step->ids, step->after, step->n);
  g_queue_push_head (&self->undo, step);
  while (g_queue_get_length (&self->undo) > HISTORY_DEPTH)
    step_free (g_queue_pop_tail (&self->undo));
  g_queue_clear_full (&self->redo, (GDestroyNotify) step_free);
  notify_history (self);
}

gboolean
at_culling_undo (AtCulling *self)
{
  Step *step;

  g_return_val_if_fail (AT_IS_CULLING (self), FALSE);
  if ((step = g_queue_pop_head (&self->undo)) == NULL)
    return FALSE;
  publish (self, step->ids, step->before, step->n);
  g_queue_push_head (&self->redo, step);
  notify_history (self);
  return TRUE;
}

gboolean
at_culling_redo (AtCulling *self)
{
  Step *step;

  g_return_val_if_fail (AT_IS_CULLING (self), FALSE);
  if ((step = g_queue_pop_head (&self->redo)) == NULL)
    return FALSE;
  publish (self, step->ids, step->after, step->n);
  g_queue_push_head (&self->undo, step);
  notify_history (self);
  return TRUE;
}

gboolean
at_culling_can_undo (AtCulling *self)
{
  g_return_val_if_fail (AT_IS_CULLING (self), FALSE);
  return !g_queue_is_empty (&self->undo);
}

gboolean
at_culling_can_redo (AtCulling *self)
{
  g_return_val_if_fail (AT_IS_CULLING (self), FALSE);
  return !g_queue_is_empty (&self->redo);
}

static void
at_culling_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  AtCulling *self = AT_CULLING (object);

  switch (prop_id)
    {
    case PROP_CAN_UNDO: g_value_set_boolean (value, at_culling_can_undo (self)); break;
    case PROP_CAN_REDO: g_value_set_boolean (value, at_culling_can_redo (self)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
at_culling_finalize (GObject *object)
{
  AtCulling *self = AT_CULLING (object);

  g_queue_clear_full (&self->undo, (GDestroyNotify) step_free);
  g_queue_clear_full (&self->redo, (GDestroyNotify) step_free);
  g_clear_object (&self->catalog);
  G_OBJECT_CLASS (at_culling_parent_class)->finalize (object);
}

static void
at_culling_class_init (AtCullingClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = at_culling_finalize;
  object_class->get_property = at_culling_get_property;
  properties[PROP_CAN_UNDO] = g_param_spec_boolean ("can-undo", NULL, NULL, FALSE,
                                                    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_REDO] = g_param_spec_boolean ("can-redo", NULL, NULL, FALSE,
                                                    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * AtCulling::changed:
   * @ids: (array zero-terminated=1): the photos
   * @states: an AtCullState per id, what each photo is now
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 2, G_TYPE_STRV, G_TYPE_POINTER);
  /**
   * AtCulling::written:
   * @ids: (array zero-terminated=1): the photos of one "changed"
   * @error: (nullable): why the catalog does not have their states, or %NULL
   *
   * Once for each "changed", when its write has committed or failed.
   */
  signals[WRITTEN] = g_signal_new ("written", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 2, G_TYPE_STRV, G_TYPE_ERROR);
}

static void
at_culling_init (AtCulling *self)
{
  g_queue_init (&self->undo);
  g_queue_init (&self->redo);
}

AtCulling *
at_culling_new (AtCatalog *catalog)
{
  AtCulling *self = g_object_new (AT_TYPE_CULLING, NULL);

  self->catalog = g_object_ref (catalog);
  return self;
}
