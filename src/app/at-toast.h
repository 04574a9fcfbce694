/* at-toast.h — toasts with plain text. libadwaita 1.2 reads a toast's title
 * as Pango markup, so a name with "&" or "<" (a couple's names, a file
 * name) would show an empty toast: these escape it. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

AdwToast *at_toast_new  (const char *text);
/* Shows @text in the toast overlay around @widget; nothing if none. */
void      at_toast_show (GtkWidget  *widget,
                         const char *text);

G_END_DECLS
