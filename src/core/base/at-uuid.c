/* at-uuid.c — UUIDv7: 48-bit Unix milliseconds, then 74 random bits.
 *
 * Keys sort by creation time, which keeps SQLite's B-trees append-mostly.
 * Within one millisecond the 12-bit rand_a field is a counter (RFC 9562
 * method 1), so keys made by one process are strictly increasing.
 */
#define G_LOG_DOMAIN "atelier-uuid"

#include "config.h"

#include <string.h>
#include <sys/random.h>

#include "at-uuid.h"

G_LOCK_DEFINE_STATIC (uuid_lock);
static guint64 last_ms;
static guint16 last_counter;

static void
fill_random (guint8 *buf, gsize len)
{
  gsize got = 0;

  while (got < len)
    {
      gssize r = getrandom (buf + got, len - got, 0);
      if (r < 0)
        {
          /* getrandom only fails on EINTR once the pool is initialised;
           * fall back to GLib's generator rather than fail key creation. */
          for (; got < len; got++)
            buf[got] = (guint8) g_random_int_range (0, 256);
          return;
        }
      got += (gsize) r;
    }
}

static void
format (const guint8 *b, char out[AT_UUID_STRING_LEN + 1])
{
  static const char hex[] = "0123456789abcdef";
  int j = 0;

  for (int i = 0; i < 16; i++)
    {
      if (i == 4 || i == 6 || i == 8 || i == 10)
        out[j++] = '-';
      out[j++] = hex[b[i] >> 4];
      out[j++] = hex[b[i] & 0x0f];
    }
  out[j] = '\0';
}

void
at_uuid_v7_generate (char out[AT_UUID_STRING_LEN + 1])
{
  guint8 b[16];
  guint64 ms;
  guint16 counter;

  fill_random (b, sizeof b);
  ms = (guint64) (g_get_real_time () / 1000);

  G_LOCK (uuid_lock);
  if (ms <= last_ms)
    {
      ms = last_ms;
      counter = (guint16) ((last_counter + 1) & 0x0fff);
      if (counter == 0)
        ms = ++last_ms; /* counter overflow: borrow the next millisecond */
    }
  else
    counter = (guint16) ((b[6] << 8 | b[7]) & 0x07ff); /* leave room to count */
  last_ms = ms;
  last_counter = counter;
  G_UNLOCK (uuid_lock);

  for (int i = 0; i < 6; i++)
    b[i] = (guint8) (ms >> (40 - 8 * i));
  b[6] = (guint8) (0x70 | (counter >> 8));
  b[7] = (guint8) (counter & 0xff);
  b[8] = (guint8) (0x80 | (b[8] & 0x3f));
  format (b, out);
}

/**
 * at_uuid_member:
 *
 * The key of a set's member, the same on every workstation: a name-based
 * UUID (version 8, RFC 9562) from SHA-256 of @set and @member. Two
 * workstations adding one keyword to one photo offline make one row, not
 * two rows that collide on (photo, keyword) when they meet.
 */
void
at_uuid_member (char        out[AT_UUID_STRING_LEN + 1],
                const char *set,
                const char *member)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize len = sizeof digest;

  g_checksum_update (sum, (const guchar *) set, -1);
  g_checksum_update (sum, (const guchar *) "\x1f", 1);   /* a separator no name contains */
  g_checksum_update (sum, (const guchar *) member, -1);
  g_checksum_get_digest (sum, digest, &len);
  digest[6] = (guint8) (0x80 | (digest[6] & 0x0f));
  digest[8] = (guint8) (0x80 | (digest[8] & 0x3f));
  format (digest, out);
}

char *
at_uuid_v7_new (void)
{
  char buf[AT_UUID_STRING_LEN + 1];

  at_uuid_v7_generate (buf);
  return g_strdup (buf);
}

gboolean
at_uuid_is_valid (const char *str)
{
  if (str == NULL || strlen (str) != AT_UUID_STRING_LEN)
    return FALSE;
  for (int i = 0; i < AT_UUID_STRING_LEN; i++)
    {
      if (i == 8 || i == 13 || i == 18 || i == 23)
        {
          if (str[i] != '-')
            return FALSE;
        }
      else if (!g_ascii_isxdigit (str[i]))
        return FALSE;
    }
  return TRUE;
}
