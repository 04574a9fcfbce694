/* at-customer.h — one row of `customers` (a couple, family or client). */
#pragma once

#include <gio/gio.h>

#include "at-catalog.h"

G_BEGIN_DECLS

#define AT_TYPE_CUSTOMER (at_customer_get_type ())
G_DECLARE_FINAL_TYPE (AtCustomer, at_customer, AT, CUSTOMER, GObject)

const char *at_customer_get_id           (AtCustomer *self);
const char *at_customer_get_primary_name (AtCustomer *self);
const char *at_customer_get_partner_name (AtCustomer *self);
const char *at_customer_get_email        (AtCustomer *self);
const char *at_customer_get_lead_status  (AtCustomer *self);
char       *at_customer_dup_display_name (AtCustomer *self);
GListModel *at_customer_load_all         (AtCatalog   *catalog,
                                          GError     **error);

G_END_DECLS
