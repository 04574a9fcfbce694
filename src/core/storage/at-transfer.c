/* at-transfer.c — AtTransfer (see at-transfer.h). */
#include "config.h"

#include "at-transfer.h"

struct _AtTransfer
{
  GObject  parent_instance;
  char    *name;
  gint64   size;
  gint64   sent;
};

G_DEFINE_FINAL_TYPE (AtTransfer, at_transfer, G_TYPE_OBJECT)

enum { PROP_0, PROP_NAME, PROP_SIZE, PROP_SENT, N_PROPS };
static GParamSpec *props[N_PROPS];

AtTransfer *
at_transfer_new (const char *name,
                 gint64      size)
{
  AtTransfer *self = g_object_new (AT_TYPE_TRANSFER, NULL);

  self->name = g_strdup (name);
  self->size = size;
  return self;
}

const char *
at_transfer_get_name (AtTransfer *self)
{
  return self->name;
}

gint64
at_transfer_get_size (AtTransfer *self)
{
  return self->size;
}

gint64
at_transfer_get_sent (AtTransfer *self)
{
  return self->sent;
}

void
at_transfer_set_sent (AtTransfer *self,
                      gint64      sent)
{
  if (self->sent == sent)
    return;
  self->sent = sent;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_SENT]);
}

void
at_transfer_set_size (AtTransfer *self,
                      gint64      size)
{
  if (self->size == size)
    return;
  self->size = size;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_SIZE]);
}

static void
at_transfer_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  AtTransfer *self = AT_TRANSFER (object);

  switch (id)
    {
    case PROP_NAME: g_value_set_string (value, self->name); break;
    case PROP_SIZE: g_value_set_int64 (value, self->size); break;
    case PROP_SENT: g_value_set_int64 (value, self->sent); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
at_transfer_finalize (GObject *object)
{
  g_free (AT_TRANSFER (object)->name);
  G_OBJECT_CLASS (at_transfer_parent_class)->finalize (object);
}

static void
at_transfer_class_init (AtTransferClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = at_transfer_get_property;
  object_class->finalize = at_transfer_finalize;
  props[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_SIZE] = g_param_spec_int64 ("size", NULL, NULL, 0, G_MAXINT64, 0,
                                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  props[PROP_SENT] = g_param_spec_int64 ("sent", NULL, NULL, 0, G_MAXINT64, 0,
                                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
at_transfer_init (AtTransfer *self)
{
}
