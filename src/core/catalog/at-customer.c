/* at-customer.c — AtCustomer: a snapshot of one `customers` row. */
#define G_LOG_DOMAIN "atelier-catalog"

#include "config.h"

#include "at-customer.h"

struct _AtCustomer
{
  GObject parent_instance;
  char   *id, *primary_name, *partner_name, *email, *lead_status;
};

G_DEFINE_FINAL_TYPE (AtCustomer, at_customer, G_TYPE_OBJECT)

enum { PROP_0, PROP_ID, PROP_DISPLAY_NAME, PROP_LEAD_STATUS, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void
at_customer_finalize (GObject *object)
{
  AtCustomer *self = AT_CUSTOMER (object);

  g_free (self->id);
  g_free (self->primary_name);
  g_free (self->partner_name);
  g_free (self->email);
  g_free (self->lead_status);
  G_OBJECT_CLASS (at_customer_parent_class)->finalize (object);
}

static void
at_customer_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  AtCustomer *self = AT_CUSTOMER (object);

  switch (prop_id)
    {
    case PROP_ID:           g_value_set_string (value, self->id); break;
    case PROP_DISPLAY_NAME: g_value_take_string (value, at_customer_dup_display_name (self)); break;
    case PROP_LEAD_STATUS:  g_value_set_string (value, self->lead_status); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
at_customer_class_init (AtCustomerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = at_customer_finalize;
  object_class->get_property = at_customer_get_property;
  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, ro);
  properties[PROP_DISPLAY_NAME] = g_param_spec_string ("display-name", NULL, NULL, NULL, ro);
  properties[PROP_LEAD_STATUS] = g_param_spec_string ("lead-status", NULL, NULL, NULL, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
at_customer_init (AtCustomer *self)
{
}

const char *at_customer_get_id (AtCustomer *self)           { g_return_val_if_fail (AT_IS_CUSTOMER (self), NULL); return self->id; }
const char *at_customer_get_primary_name (AtCustomer *self) { g_return_val_if_fail (AT_IS_CUSTOMER (self), NULL); return self->primary_name; }
const char *at_customer_get_partner_name (AtCustomer *self) { g_return_val_if_fail (AT_IS_CUSTOMER (self), NULL); return self->partner_name; }
const char *at_customer_get_email (AtCustomer *self)        { g_return_val_if_fail (AT_IS_CUSTOMER (self), NULL); return self->email; }
const char *at_customer_get_lead_status (AtCustomer *self)  { g_return_val_if_fail (AT_IS_CUSTOMER (self), NULL); return self->lead_status; }

/* "Elin Lindqvist & Daniel Okafor", or the one name. */
char *
at_customer_dup_display_name (AtCustomer *self)
{
  g_return_val_if_fail (AT_IS_CUSTOMER (self), NULL);
  if (self->partner_name == NULL || *self->partner_name == '\0')
    return g_strdup (self->primary_name);
  return g_strdup_printf ("%s & %s", self->primary_name, self->partner_name);
}

static gpointer
customer_from_row (sqlite3_stmt *stmt)
{
  AtCustomer *c = g_object_new (AT_TYPE_CUSTOMER, NULL);

  c->id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  c->primary_name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  c->partner_name = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  c->email = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  c->lead_status = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  return c;
}

/**
 * at_customer_load_all:
 *
 * Returns: (transfer full): live customers by name
 */
GListModel *
at_customer_load_all (AtCatalog  *catalog,
                      GError    **error)
{
  return at_catalog_load_list (catalog,
                               "SELECT id, primary_name, partner_name, email, lead_status FROM customers "
                               "WHERE deleted_at IS NULL ORDER BY primary_name",
                               AT_TYPE_CUSTOMER, customer_from_row, error);
}
