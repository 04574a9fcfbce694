/* at-soup-splice.h — request bodies written to the socket in large pieces */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define AT_SOUP_SPLICE_PIECE (256 * 1024)

void     at_soup_splice_widen   (void);
gboolean at_soup_splice_is_wide (void);

G_END_DECLS
