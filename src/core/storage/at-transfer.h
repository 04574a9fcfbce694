/* at-transfer.h — one file on its way to the bucket, as the Transfers view
 * shows it: its name, size and the bytes sent so far (notified). */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define AT_TYPE_TRANSFER (at_transfer_get_type ())
G_DECLARE_FINAL_TYPE (AtTransfer, at_transfer, AT, TRANSFER, GObject)

AtTransfer *at_transfer_new      (const char *name,
                                  gint64      size);
const char *at_transfer_get_name (AtTransfer *self);
gint64      at_transfer_get_size (AtTransfer *self);
gint64      at_transfer_get_sent (AtTransfer *self);
void        at_transfer_set_sent (AtTransfer *self,
                                  gint64      sent);
/* The size as the file turned out to be (the catalog's may be older). */
void        at_transfer_set_size (AtTransfer *self,
                                  gint64      size);

G_END_DECLS
