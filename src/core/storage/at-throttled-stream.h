/* at-throttled-stream.h — an input stream that reads its base no faster
 * than an AtRateLimit allows: the body of an upload under a bandwidth
 * limit. */
#pragma once

#include <gio/gio.h>

#include "at-rate-limit.h"

G_BEGIN_DECLS

#define AT_TYPE_THROTTLED_STREAM (at_throttled_stream_get_type ())
G_DECLARE_FINAL_TYPE (AtThrottledStream, at_throttled_stream, AT, THROTTLED_STREAM, GInputStream)

GInputStream *at_throttled_stream_new (GInputStream *base,
                                       AtRateLimit  *limit);

G_END_DECLS
