/* test-s3-memory.c — memory for upload bodies: reused while uploads go on,
 * bounded, and given back to the system once idle. */
#include "config.h"

#include <string.h>

#include "at-s3-memory.h"

#define MIB ((gsize) 1 << 20)

static void
test_reuse (void)
{
  gsize capacity = 0, again = 0;
  guint8 *memory = at_s3_memory_take (25000000, &capacity);
  guint8 *second;
  GBytes *bytes;

  g_assert_nonnull (memory);
  g_assert_cmpuint (capacity, >=, 25000000);
  g_assert_cmpuint (capacity % (2 * MIB), ==, 0);
  g_assert_cmpuint ((guintptr) memory % (2 * MIB), ==, 0);
  memset (memory, 0xa5, 25000000);
  g_assert_cmpuint (at_s3_memory_spares (), ==, 0);
  at_s3_memory_give (memory, capacity);
  g_assert_cmpuint (at_s3_memory_spares (), ==, 1);

  /* a smaller body takes it, as it was left */
  second = at_s3_memory_take (20000000, &again);
  g_assert_true (second == memory);
  g_assert_cmpuint (again, ==, capacity);
  g_assert_cmpuint (second[19999999], ==, 0xa5);
  g_assert_cmpuint (at_s3_memory_spares (), ==, 0);

  /* a bigger one gets new memory */
  memory = at_s3_memory_take (capacity + 1, &again);
  g_assert_true (memory != second);
  at_s3_memory_give (memory, again);

  /* bytes give their memory back when freed */
  bytes = at_s3_memory_bytes (second, capacity, 1000);
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, 1000);
  g_assert_cmpuint (at_s3_memory_spares (), ==, 1);
  g_bytes_unref (bytes);
  g_assert_cmpuint (at_s3_memory_spares (), ==, 2);
}

static void
test_bounded (void)
{
  guint8 *memory[10];
  gsize capacity[10];

  /* ten buffers back at once, of growing sizes: a few wait, the biggest */
  for (guint i = 0; i < 10; i++)
    memory[i] = at_s3_memory_take ((i + 1) * 4 * MIB, &capacity[i]);
  for (guint i = 0; i < 10; i++)
    at_s3_memory_give (memory[i], capacity[i]);
  g_assert_cmpuint (at_s3_memory_spares (), <=, 6);
  for (guint i = 10; i-- > 6;)
    {
      gsize got = 0;
      guint8 *again = at_s3_memory_take (capacity[i], &got);

      g_assert_true (again == memory[i]);
      at_s3_memory_give (again, got);
    }

  /* and no more than 256 MB wait: of two 200 MB buffers, one */
  for (guint i = 0; i < 2; i++)
    memory[i] = at_s3_memory_take (200 * MIB, &capacity[i]);
  for (guint i = 0; i < 2; i++)
    at_s3_memory_give (memory[i], capacity[i]);
  {
    gsize got = 0;
    guint8 *again = at_s3_memory_take (200 * MIB, &got), *other;
    guint spares = at_s3_memory_spares ();

    g_assert_true (again == memory[0] || again == memory[1]);
    /* (the other went back to the system: nothing waiting holds 200 MB) */
    other = at_s3_memory_take (200 * MIB, &capacity[2]);
    g_assert_cmpuint (at_s3_memory_spares (), ==, spares);
    at_s3_memory_give (again, got);
    at_s3_memory_give (other, capacity[2]);
  }
}

static gboolean
count_down (gpointer data)
{
  int *left = data;

  return --*left > 0 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static void
test_idle_given_back (void)
{
  gsize capacity = 0;
  int left = 100;   /* tenths of a second: a loaded machine runs late */

  at_s3_memory_give (at_s3_memory_take (MIB, &capacity), capacity);
  g_assert_cmpuint (at_s3_memory_spares (), >, 0);
  g_timeout_add (100, count_down, &left);
  while (left > 0 && at_s3_memory_spares () > 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (at_s3_memory_spares (), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* in this order: each starts from what the one before left */
  g_test_add_func ("/s3/memory/reuse", test_reuse);
  g_test_add_func ("/s3/memory/bounded", test_bounded);
  g_test_add_func ("/s3/memory/idle-given-back", test_idle_given_back);
  return g_test_run ();
}
