/* bench-faces.c — faces found in photos by AtFaceEngine, for
 * bench/faces.sh: bench-faces THREADS IMAGE...
 * Every photo is read (decoded, turned upright) and scanned (detector,
 * landmarks, chip, descriptor) by one of THREADS workers; prints the
 * photos, the faces, the wall time (models loaded before the clock starts)
 * and the photos a second. */
#include "config.h"

#include "at-core.h"

typedef struct
{
  AtFaceEngine *engine;
  GMutex        lock;
  GCond         done;
  guint         left;
  guint         faces;
  gboolean      failed;
} Run;

static void
scan_one (gpointer data, gpointer user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;
  int w, h;
  g_autoptr(GPtrArray) faces = at_face_engine_scan_file (run->engine, data, &w, &h, &error);

  g_mutex_lock (&run->lock);
  if (faces == NULL)
    {
      g_printerr ("bench-faces: %s\n", error->message);
      run->failed = TRUE;
    }
  else
    run->faces += faces->len;
  if (--run->left == 0)
    g_cond_signal (&run->done);
  g_mutex_unlock (&run->lock);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtFaceEngine) engine = NULL;
  GThreadPool *pool;
  Run run = { 0 };
  int threads;
  gint64 start;
  double seconds;

  if (argc < 3 || (threads = atoi (argv[1])) < 1)
    {
      g_printerr ("usage: bench-faces THREADS IMAGE...\n");
      return 2;
    }
  if (!at_vips_init (&error) || (engine = at_face_engine_new (NULL, &error)) == NULL)
    {
      g_printerr ("bench-faces: %s\n", error->message);
      return 1;
    }
  run.engine = engine;
  run.left = argc - 2;
  g_mutex_init (&run.lock);
  g_cond_init (&run.done);
  pool = g_thread_pool_new (scan_one, &run, threads, TRUE, NULL);
  start = g_get_monotonic_time ();
  g_mutex_lock (&run.lock);
  for (int i = 2; i < argc; i++)
    g_thread_pool_push (pool, argv[i], NULL);
  while (run.left > 0)
    g_cond_wait (&run.done, &run.lock);
  g_mutex_unlock (&run.lock);
  seconds = (g_get_monotonic_time () - start) / 1e6;
  g_thread_pool_free (pool, FALSE, TRUE);
  g_print ("%d photos, %u faces, %.0f ms, %.2f photos/s\n", argc - 2, run.faces, seconds * 1000, (argc - 2) / seconds);
  return run.failed ? 1 : 0;
}
