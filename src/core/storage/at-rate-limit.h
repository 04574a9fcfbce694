/* at-rate-limit.h — a token bucket shared by every upload of a client: at
 * most so many bytes a second leave, however many files and parts go at
 * once. Thread-safe. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define AT_TYPE_RATE_LIMIT (at_rate_limit_get_type ())
G_DECLARE_FINAL_TYPE (AtRateLimit, at_rate_limit, AT, RATE_LIMIT, GObject)

/* Megabits a second, as uplinks are sold, in bytes a second. */
guint64      at_rate_limit_bytes_from_mbit (double mbit);
/* Whether @mbit can be a limit: 0 (none), or 0.01 to 100,000 megabits a
 * second (not infinity, not a rate so small it would round to none). */
gboolean     at_rate_limit_mbit_is_valid   (double mbit);

/* @bytes_per_second 0: no limit. */
AtRateLimit *at_rate_limit_new      (guint64      bytes_per_second);
void         at_rate_limit_set_rate (AtRateLimit *self,
                                     guint64      bytes_per_second);
guint64      at_rate_limit_get_rate (AtRateLimit *self);
/* How many of @want bytes may go now (all of them without a limit); 0 when
 * none, with *@wait_us set to how long until some may. */
gsize        at_rate_limit_take     (AtRateLimit *self,
                                     gsize        want,
                                     gint64      *wait_us);

G_END_DECLS
