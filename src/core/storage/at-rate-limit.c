/* at-rate-limit.c — AtRateLimit: a token bucket.
 *
 * Tokens (bytes) accrue at the rate, up to a quarter of a second's worth:
 * enough that reads of a few kilobytes flow, small enough that a burst
 * after a pause does not swamp a hotel's uplink. */
#include "config.h"

#include "at-rate-limit.h"

#define MIN_BURST 16384

struct _AtRateLimit
{
  GObject  parent_instance;
  GMutex   lock;
  guint64  rate;     /* bytes a second; 0: no limit */
  double   tokens;
  gint64   refilled; /* monotonic µs */
};

G_DEFINE_FINAL_TYPE (AtRateLimit, at_rate_limit, G_TYPE_OBJECT)

static double
burst_of (guint64 rate)
{
  return MAX ((double) rate / 4, MIN_BURST);
}

#define MBIT_LEAST 0.01
#define MBIT_MOST  100000.0

gboolean
at_rate_limit_mbit_is_valid (double mbit)
{
  return mbit == 0 || (mbit >= MBIT_LEAST && mbit <= MBIT_MOST);
}

guint64
at_rate_limit_bytes_from_mbit (double mbit)
{
  return mbit > 0 ? (guint64) (CLAMP (mbit, MBIT_LEAST, MBIT_MOST) * 1e6 / 8) : 0;
}

AtRateLimit *
at_rate_limit_new (guint64 bytes_per_second)
{
  AtRateLimit *self = g_object_new (AT_TYPE_RATE_LIMIT, NULL);

  at_rate_limit_set_rate (self, bytes_per_second);
  return self;
}

void
at_rate_limit_set_rate (AtRateLimit *self,
                        guint64      bytes_per_second)
{
  g_return_if_fail (AT_IS_RATE_LIMIT (self));
  g_mutex_lock (&self->lock);
  self->rate = bytes_per_second;
  self->tokens = MIN (self->tokens, burst_of (bytes_per_second));
  self->refilled = g_get_monotonic_time ();
  g_mutex_unlock (&self->lock);
}

guint64
at_rate_limit_get_rate (AtRateLimit *self)
{
  guint64 rate;

  g_return_val_if_fail (AT_IS_RATE_LIMIT (self), 0);
  g_mutex_lock (&self->lock);
  rate = self->rate;
  g_mutex_unlock (&self->lock);
  return rate;
}

gsize
at_rate_limit_take (AtRateLimit *self,
                    gsize        want,
                    gint64      *wait_us)
{
  gint64 now = g_get_monotonic_time ();
  gsize granted;

  g_return_val_if_fail (AT_IS_RATE_LIMIT (self), want);
  *wait_us = 0;
  g_mutex_lock (&self->lock);
  if (self->rate == 0)
    granted = want;
  else
    {
      self->tokens = MIN (self->tokens + (double) (now - self->refilled) * self->rate / G_USEC_PER_SEC,
                          burst_of (self->rate));
      self->refilled = now;
      /* nothing until a useful slice (a sixteenth of the burst, or all that
       * is asked) has accrued: not a stream of tiny reads */
      double slice = MIN ((double) want, burst_of (self->rate) / 16);

      if (self->tokens < slice)
        {
          granted = 0;
          *wait_us = (gint64) ((slice - self->tokens) * G_USEC_PER_SEC / self->rate) + 1;
        }
      else
        granted = (gsize) MIN ((double) want, self->tokens);
      self->tokens -= granted;
    }
  g_mutex_unlock (&self->lock);
  return granted;
}

static void
at_rate_limit_finalize (GObject *object)
{
  g_mutex_clear (&AT_RATE_LIMIT (object)->lock);
  G_OBJECT_CLASS (at_rate_limit_parent_class)->finalize (object);
}

static void
at_rate_limit_class_init (AtRateLimitClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = at_rate_limit_finalize;
}

static void
at_rate_limit_init (AtRateLimit *self)
{
  g_mutex_init (&self->lock);
  self->refilled = g_get_monotonic_time ();
}
