/* at-transfers-button.h — the header's Uploads button: the upload queue of
 * this workstation and its Transfers popover. */
#pragma once

#include <adwaita.h>

#include "at-core.h"

G_BEGIN_DECLS

#define AT_TYPE_TRANSFERS_BUTTON (at_transfers_button_get_type ())
G_DECLARE_FINAL_TYPE (AtTransfersButton, at_transfers_button, AT, TRANSFERS_BUTTON, AdwBin)

/* Makes the queue from the storage settings and the keyring (or the AWS_*
 * variables) and resumes what is left in it. */
void           at_transfers_button_setup     (AtTransfersButton  *self,
                                              AtCatalog          *catalog,
                                              GSettings          *settings,
                                              const char         *library);
/* NULL while the storage is not set (or its secret not found yet). */
AtUploadQueue *at_transfers_button_get_queue (AtTransfersButton  *self);
/* Queues @project's originals (id, name or number) and sends them; the
 * popover says what went wrong. */
void           at_transfers_button_back_up   (AtTransfersButton  *self,
                                              const char         *project);

G_END_DECLS
