/* at-s3-memory.c — memory for upload bodies read whole, reused.
 *
 * Each body used to come from fresh pages, and the kernel zeroing them took
 * a ninth of a PUT's processor time (perf: clear_page), time taken from
 * the server on a loopback test box. A freed buffer now waits here for the
 * next body; what waits longer than KEEP_SECONDS goes back to the system,
 * so an idle app does not hold a photo's worth of memory. */
#define G_LOG_DOMAIN "atelier-storage"

#include "config.h"

#include <sys/mman.h>

#include "at-s3-memory.h"

#define HUGE_PAGE    ((gsize) 2 << 20)
#define KEEP_MAX     6                      /* 4 parts in flight, one read ahead, one spare */
#define KEEP_BYTES   ((gsize) 256 << 20)
#define KEEP_SECONDS 3

typedef struct
{
  guint8 *memory;
  gsize   capacity;
  gint64  since;      /* monotonic µs */
} Spare;

static GMutex lock;
static Spare  spares[KEEP_MAX];
static guint  n_spares;
static guint  trimming;   /* a timeout on the default context */

/* Mapped whole and aligned to a huge page, and advised to use them: a 25 MB
 * photo takes a dozen page faults instead of six thousand. */
static guint8 *
map (gsize capacity)
{
  gsize length = capacity + HUGE_PAGE;
  guint8 *start = mmap (NULL, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  guint8 *aligned;

  if (start == MAP_FAILED)
    return NULL;
  aligned = (guint8 *) (((guintptr) start + HUGE_PAGE - 1) & ~(guintptr) (HUGE_PAGE - 1));
  if (aligned > start)
    munmap (start, aligned - start);
  munmap (aligned + capacity, start + length - (aligned + capacity));
#ifdef MADV_HUGEPAGE
  madvise (aligned, capacity, MADV_HUGEPAGE);
#endif
  return aligned;
}

static void
drop (guint i)
{
  munmap (spares[i].memory, spares[i].capacity);
  spares[i] = spares[--n_spares];
}

/* (with the lock) */
static void
drop_old (gint64 now)
{
  for (guint i = n_spares; i-- > 0;)
    if (now - spares[i].since >= KEEP_SECONDS * G_USEC_PER_SEC)
      drop (i);
}

static gboolean trim (gpointer data);

/* (with the lock) Wakes when the oldest buffer waiting has waited long enough. */
static void
trim_later (gint64 now)
{
  gint64 oldest = now;

  for (guint i = 0; i < n_spares; i++)
    oldest = MIN (oldest, spares[i].since);
  trimming = g_timeout_add ((guint) ((oldest + KEEP_SECONDS * G_USEC_PER_SEC - now) / 1000) + 1, trim, NULL);
}

static gboolean
trim (gpointer data)
{
  gint64 now = g_get_monotonic_time ();

  g_mutex_lock (&lock);
  drop_old (now);
  trimming = 0;
  if (n_spares > 0)
    trim_later (now);
  g_mutex_unlock (&lock);
  return G_SOURCE_REMOVE;
}

guint8 *
at_s3_memory_take (gsize  size,
                   gsize *capacity)
{
  guint best = G_MAXUINT;
  guint8 *memory;

  g_mutex_lock (&lock);
  /* the smallest that holds it */
  for (guint i = 0; i < n_spares; i++)
    if (spares[i].capacity >= size && (best == G_MAXUINT || spares[i].capacity < spares[best].capacity))
      best = i;
  if (best != G_MAXUINT)
    {
      memory = spares[best].memory;
      *capacity = spares[best].capacity;
      spares[best] = spares[--n_spares];
      g_mutex_unlock (&lock);
      return memory;
    }
  g_mutex_unlock (&lock);
  *capacity = (MAX (size, 1) + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
  return map (*capacity);
}

void
at_s3_memory_give (guint8 *memory,
                   gsize   capacity)
{
  gsize kept = 0;

  if (memory == NULL)
    return;
  g_mutex_lock (&lock);
  drop_old (g_get_monotonic_time ());
  for (guint i = 0; i < n_spares; i++)
    kept += spares[i].capacity;
  /* full: the smallest waiting makes room for a bigger one */
  while (n_spares > 0 && (n_spares == KEEP_MAX || kept + capacity > KEEP_BYTES))
    {
      guint smallest = 0;

      for (guint i = 1; i < n_spares; i++)
        if (spares[i].capacity < spares[smallest].capacity)
          smallest = i;
      if (spares[smallest].capacity >= capacity)
        break;
      kept -= spares[smallest].capacity;
      drop (smallest);
    }
  if (n_spares < KEEP_MAX && kept + capacity <= KEEP_BYTES)
    {
      spares[n_spares++] = (Spare) { memory, capacity, g_get_monotonic_time () };
      memory = NULL;
      if (trimming == 0)
        trim_later (g_get_monotonic_time ());
    }
  g_mutex_unlock (&lock);
  if (memory != NULL)
    munmap (memory, capacity);
}

typedef struct
{
  guint8 *memory;
  gsize   capacity;
} Held;

static void
give_held (gpointer data)
{
  Held *held = data;

  at_s3_memory_give (held->memory, held->capacity);
  g_free (held);
}

GBytes *
at_s3_memory_bytes (guint8 *memory,
                    gsize   capacity,
                    gsize   length)
{
  Held *held = g_new (Held, 1);

  g_return_val_if_fail (length <= capacity, NULL);
  *held = (Held) { memory, capacity };
  return g_bytes_new_with_free_func (memory, length, give_held, held);
}

guint
at_s3_memory_spares (void)
{
  guint n;

  g_mutex_lock (&lock);
  n = n_spares;
  g_mutex_unlock (&lock);
  return n;
}
