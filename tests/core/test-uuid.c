/* test-uuid.c — UUIDv7 format, version bits, ordering and uniqueness. */
#include "config.h"

#include "at-test-util.h"

static void
test_format (void)
{
  g_autofree char *id = at_uuid_v7_new ();

  g_assert_true (at_uuid_is_valid (id));
  g_assert_cmpint (id[14], ==, '7');                       /* version 7 */
  g_assert_true (strchr ("89ab", id[19]) != NULL);         /* RFC variant */
  g_assert_false (at_uuid_is_valid ("not-a-uuid"));
  g_assert_false (at_uuid_is_valid ("0192f0c2-6e1f-7abc-8def-0123456789a"));
}

static void
test_monotonic_and_unique (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *prev = at_uuid_v7_new ();

  for (int i = 0; i < 20000; i++)
    {
      char *id = at_uuid_v7_new ();
      g_assert_cmpstr (prev, <, id);
      g_assert_false (g_hash_table_contains (seen, id));
      g_hash_table_add (seen, g_strdup (id));
      g_free (prev);
      prev = id;
    }
}

static void
test_timestamp (void)
{
  g_autofree char *id = at_uuid_v7_new ();
  g_autofree char *hex = g_strndup (id, 8);
  g_autofree char *hex2 = g_strndup (id + 9, 4);
  guint64 ms = (g_ascii_strtoull (hex, NULL, 16) << 16) | g_ascii_strtoull (hex2, NULL, 16);
  gint64 now = g_get_real_time () / 1000;

  g_assert_cmpint (ABS ((gint64) ms - now), <, 5000);
}

/* A set member's key is the same wherever it is made, and differs by member. */
static void
test_member (void)
{
  char a[AT_UUID_STRING_LEN + 1], b[AT_UUID_STRING_LEN + 1], c[AT_UUID_STRING_LEN + 1];

  at_uuid_member (a, "photo-1", "Ceremony");
  at_uuid_member (b, "photo-1", "Ceremony");
  at_uuid_member (c, "photo-1", "Reception");
  g_assert_cmpstr (a, ==, b);
  g_assert_cmpstr (a, !=, c);
  g_assert_true (at_uuid_is_valid (a));
  g_assert_cmpint (a[14], ==, '8');
  /* "ab" + "c" is not "a" + "bc" */
  at_uuid_member (b, "ab", "c");
  at_uuid_member (c, "a", "bc");
  g_assert_cmpstr (b, !=, c);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/uuid/format", test_format);
  g_test_add_func ("/uuid/monotonic-unique", test_monotonic_and_unique);
  g_test_add_func ("/uuid/timestamp", test_timestamp);
  g_test_add_func ("/uuid/member", test_member);
  return g_test_run ();
}
