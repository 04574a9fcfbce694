/* at-demo.c — builds the demo studio: rows first, then the wedding's photos.
 *
 * Photos are rendered on a pool of workers (JPEG encoding is the cost) and
 * cataloged by this thread in batches through the catalog writer, so the
 * disk, the encoder and SQLite overlap. Files are created with O_EXCL: the
 * demo never replaces a file that is already in the library.
 */
#define G_LOG_DOMAIN "atelier-demo"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "at-checksum.h"
#include "at-demo.h"
#include "at-demo-images.h"
#include "at-demo-studio.h"
#include "at-paths.h"
#include "at-uuid.h"

#define PHOTO_WIDTH   640
#define PHOTO_HEIGHT  427
#define BATCH         500
#define BURST         4

typedef struct
{
  const char *make, *model, *serial, *lens, *artist, *tag, *folder;
} Body;

/* Two bodies whose counters both start at IMG_0001: the names collide. */
static const Body bodies[2] = {
  { "Canon", "Canon EOS R5", "032021001234", "RF24-70mm F2.8 L IS USM", "Jonas Berg", "R5", "Jonas_R5" },
  { "Canon", "Canon EOS R6", "083033004321", "RF70-200mm F2.8 L IS USM", "Aiko Tanaka", "R6", "Aiko_R6" },
};

typedef struct
{
  guint    index;
  guint    body;
  guint    counter;
  gint64   utc_ms;      /* capture time */
  /* filled by the worker */
  char    *relpath;
  char    *file_name;
  char    *hash;
  gsize    size;
} Shot;

typedef struct
{
  AtDemoPainter *painter;
  const char    *library;
  const char    *wedding_rel;
  Shot          *shots;
  GAsyncQueue   *done;        /* Shot* rendered, or the sentinel on error */
  GCancellable  *cancellable;
  GMutex         lock;
  GError        *error;       /* first worker error */
} Run;

static const gint64 offset_ms = 2 * 3600 * 1000; /* the wedding is at +02:00 */

static guint
scene_for (gint64 local_ms_of_day)
{
  double h = local_ms_of_day / 3600000.0;

  return h < 10.5 ? 0 : h < 12.0 ? 1 : h < 14.0 ? 2 : h < 16.0 ? 3 : h < 19.0 ? 4 : 5;
}

static gboolean
write_new_file (const char  *path,
                GBytes      *bytes,
                GError     **error)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  int fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot create “%s”: %s"), path, g_strerror (saved));
      return FALSE;
    }
  while (len > 0)
    {
      ssize_t n = write (fd, data, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          close (fd);
          g_unlink (path); /* our own half-written file, never a user's */
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("Writing “%s” failed: %s"), path, g_strerror (saved));
          return FALSE;
        }
      data += n;
      len -= (gsize) n;
    }
  if (close (fd) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Writing “%s” failed: %s"), path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

static void
render_shot (gpointer data,
             gpointer user_data)
{
  Run *run = user_data;
  Shot *shot = data;
  const Body *body = &bodies[shot->body];
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier (AT_DEMO_WEDDING_TZ);
  g_autoptr(GBytes) jpeg = NULL;
  g_autofree char *datetime = NULL;
  g_autofree char *stamp = NULL;
  g_autofree char *abs = NULL;
  char subsec[8];
  gint64 local_ms;
  AtDemoExif exif;

  if (g_cancellable_is_cancelled (run->cancellable))
    goto out;

  utc = g_date_time_new_from_unix_utc (shot->utc_ms / 1000);
  local = g_date_time_to_timezone (utc, tz);
  local_ms = ((shot->utc_ms + offset_ms) % (24 * 3600 * 1000));
  datetime = g_date_time_format (local, "%Y:%m:%d %H:%M:%S");
  stamp = g_date_time_format (local, "%Y%m%d-%H%M%S");
  g_snprintf (subsec, sizeof subsec, "%03d", (int) (shot->utc_ms % 1000));

  exif = (AtDemoExif) {
    .make = body->make, .model = body->model, .serial = body->serial, .lens = body->lens,
    .artist = body->artist, .datetime = datetime, .subsec = subsec, .offset = AT_DEMO_WEDDING_TZ,
  };
  jpeg = at_demo_painter_render (run->painter, scene_for (local_ms),
                                 (guint64) shot->index * 7919u + shot->body, &exif, &error);
  if (jpeg == NULL)
    goto out;

  shot->file_name = g_strdup_printf ("%s-%s_%s_IMG_%04u.jpg", stamp, subsec, body->tag, shot->counter);
  shot->relpath = g_build_filename (run->wedding_rel, body->folder, shot->file_name, NULL);
  abs = g_build_filename (run->library, shot->relpath, NULL);
  shot->hash = at_checksum_bytes (g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg));
  shot->size = g_bytes_get_size (jpeg);
  write_new_file (abs, jpeg, &error);

out:
  if (error != NULL)
    {
      g_mutex_lock (&run->lock);
      if (run->error == NULL)
        run->error = g_steal_pointer (&error);
      g_mutex_unlock (&run->lock);
      g_cancellable_cancel (run->cancellable);
    }
  g_async_queue_push (run->done, shot);
}

typedef struct
{
  const AtDemoKeys *keys;
  Shot            **shots;
  guint             n;
} PhotoBatch;

static gboolean
write_photo_batch (AtSqlConn  *conn,
                   gpointer    user_data,
                   GError    **error)
{
  PhotoBatch *b = user_data;

  for (guint i = 0; i < b->n; i++)
    {
      Shot *s = b->shots[i];
      const Body *body = &bodies[s->body];
      g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (s->utc_ms / 1000);
      g_autofree char *when = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S");
      g_autofree char *capture = g_strdup_printf ("%s.%03dZ", when, (int) (s->utc_ms % 1000));
      g_autofree char *original = g_strdup_printf ("IMG_%04u.JPG", s->counter);
      /* a first pass of culling, as a photographer would leave it */
      guint r = (s->index * 2654435761u) >> 24;
      int rating = r < 6 ? -1 : r < 30 ? 3 : r < 40 ? 4 : r < 44 ? 5 : 0;
      const char *label = r >= 44 && r < 52 ? "green" : r >= 52 && r < 56 ? "red" : "none";
      char photo[AT_UUID_STRING_LEN + 1], file[AT_UUID_STRING_LEN + 1], item[AT_UUID_STRING_LEN + 1];

      at_uuid_v7_generate (photo);
      at_uuid_v7_generate (file);
      at_uuid_member (item, b->keys->raw_album, photo);
      if (!at_sql_exec_bound (conn, error,
            "INSERT INTO photos (id, project_id, ingest_session_id, photographer_id, content_hash, file_size, "
            "original_name, file_name, library_path, file_format, capture_time, capture_subsec, capture_offset, "
            "camera_make, camera_model, body_serial, lens, width, height, rating, color_label, picked) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'jpeg', ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)",
            "tttttlttttitttttiiiti",
            photo, b->keys->wedding, b->keys->card_session[s->body],
            s->body == 0 ? b->keys->lead_photographer : b->keys->second_shooter,
            s->hash, (gint64) s->size, original, s->file_name, s->relpath, capture,
            (int) (s->utc_ms % 1000), AT_DEMO_WEDDING_TZ, body->make, body->model, body->serial,
            body->lens, PHOTO_WIDTH, PHOTO_HEIGHT, rating, label, rating >= 4 ? 1 : 0) ||
          !at_sql_exec_bound (conn, error,
            "INSERT INTO photo_files (id, photo_id, role, file_name, library_path, content_hash, file_size) "
            "VALUES (?1, ?2, 'jpeg', ?3, ?4, ?5, ?6)",
            "tttttl", file, photo, s->file_name, s->relpath, s->hash, (gint64) s->size) ||
          !at_sql_exec_bound (conn, error,
            "INSERT INTO album_items (id, album_id, photo_id, position) VALUES (?1, ?2, ?3, ?4)",
            "ttti", item, b->keys->raw_album, photo, (int) s->index))
        return FALSE;
    }
  return TRUE;
}

typedef struct
{
  const char *library;
  const char *wedding_rel;
  AtDemoKeys *keys;
} StudioArgs;

static gboolean
write_studio (AtSqlConn  *conn,
              gpointer    user_data,
              GError    **error)
{
  StudioArgs *a = user_data;

  return at_demo_studio_write (conn, a->library, a->wedding_rel, a->keys, error);
}

static void
plan_shots (Shot  *shots,
            guint  n)
{
  /* 07:00 to 21:30 local on the wedding day, in bursts of BURST frames */
  g_autoptr(GDateTime) start = g_date_time_new_from_iso8601 (AT_DEMO_WEDDING_DATE "T05:00:00Z", NULL);
  gint64 start_ms = g_date_time_to_unix (start) * 1000;
  gint64 span_ms = (gint64) (14.5 * 3600 * 1000);
  guint n_groups = (n + BURST - 1) / BURST;
  guint counters[2] = { 0, 0 };

  for (guint i = 0; i < n; i++)
    {
      guint group = i / BURST;
      shots[i].index = i;
      shots[i].body = group % 3 == 2 ? 1 : 0;
      counters[shots[i].body] = counters[shots[i].body] % 9999 + 1;
      shots[i].counter = counters[shots[i].body];
      shots[i].utc_ms = start_ms + (span_ms * group) / n_groups + (i % BURST) * 180 + (group * 37) % 100;
    }
}

gboolean
at_demo_generate (AtCatalog          *catalog,
                  const char         *library,
                  guint               n_photos,
                  AtDemoProgressFunc  progress,
                  gpointer            progress_data,
                  GCancellable       *cancellable,
                  AtDemoSummary      *summary,
                  GError            **error)
{
  g_autoptr(GCancellable) run_cancel = g_cancellable_new ();
  g_autoptr(AtDemoPainter) painter = NULL;
  GThreadPool *pool;
  g_autoptr(GPtrArray) batch = g_ptr_array_new ();
  g_autofree Shot *shots = NULL;
  g_autofree char *wedding_rel = NULL;
  g_autofree char *wedding_abs = NULL;
  AtSqlConn *reader;
  AtDemoKeys keys = { { 0 } };
  StudioArgs args;
  gulong cancel_id = 0;
  guint received = 0, written = 0;
  guint64 bytes = 0;
  gboolean ok = TRUE;
  Run run = { 0 };

  g_return_val_if_fail (AT_IS_CATALOG (catalog), FALSE);
  g_return_val_if_fail (library != NULL, FALSE);

  if (!at_paths_check_directory (library, _("library"), error))
    return FALSE;
  if ((reader = at_catalog_get_reader (catalog, error)) == NULL)
    return FALSE;
  if (at_demo_studio_exists (reader, NULL))
    {
      g_set_error (error, AT_CATALOG_ERROR, AT_CATALOG_ERROR_CONSTRAINT,
                   _("The catalog “%s” already holds the demo studio; use a new catalog for another demo."),
                   at_catalog_get_path (catalog));
      return FALSE;
    }

  wedding_rel = g_build_filename ("2026", AT_DEMO_WEDDING_DATE "_Lindqvist-Okafor_wedding", NULL);
  wedding_abs = g_build_filename (library, wedding_rel, NULL);
  for (guint b = 0; b < G_N_ELEMENTS (bodies); b++)
    {
      g_autofree char *dir = g_build_filename (wedding_abs, bodies[b].folder, NULL);
      if (g_mkdir_with_parents (dir, 0755) != 0)
        {
          int saved = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("Cannot create the folder “%s”: %s"), dir, g_strerror (saved));
          return FALSE;
        }
    }

  if ((painter = at_demo_painter_new (PHOTO_WIDTH, PHOTO_HEIGHT, error)) == NULL)
    return FALSE;

  args = (StudioArgs) { .library = library, .wedding_rel = wedding_rel, .keys = &keys };
  if (!at_catalog_write_sync (catalog,
                              "studios,staff,customers,packages,contracts,payments,projects,"
                              "shooting_schedules,schedule_assistants,project_milestones,"
                              "photographer_availability,albums,ingest_sessions",
                              write_studio, &args, error))
    return FALSE;

  shots = g_new0 (Shot, MAX (n_photos, 1));
  plan_shots (shots, n_photos);

  run.painter = painter;
  run.library = library;
  run.wedding_rel = wedding_rel;
  run.shots = shots;
  run.done = g_async_queue_new ();
  run.cancellable = run_cancel;
  g_mutex_init (&run.lock);
  if (cancellable != NULL)
    cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (g_cancellable_cancel),
                                       g_object_ref (run_cancel), g_object_unref);

  pool = g_thread_pool_new (render_shot, &run, (int) CLAMP (g_get_num_processors (), 1, 8), FALSE, NULL);
  for (guint i = 0; i < n_photos; i++)
    g_thread_pool_push (pool, &shots[i], NULL);

  while (received < n_photos)
    {
      Shot *s = g_async_queue_pop (run.done);
      received++;
      if (s->hash != NULL && s->relpath != NULL && !g_cancellable_is_cancelled (run_cancel))
        {
          g_ptr_array_add (batch, s);
          bytes += s->size;
        }
      if (ok && batch->len > 0 && (batch->len >= BATCH || received == n_photos))
        {
          PhotoBatch pb = { &keys, (Shot **) batch->pdata, batch->len };
          g_autoptr(GError) write_error = NULL;

          if (!at_catalog_write_sync (catalog, "photos,photo_files,album_items",
                                      write_photo_batch, &pb, &write_error))
            {
              g_mutex_lock (&run.lock);
              if (run.error == NULL)
                run.error = g_steal_pointer (&write_error);
              g_mutex_unlock (&run.lock);
              g_cancellable_cancel (run_cancel);
              ok = FALSE;
            }
          else
            written += batch->len;
          g_ptr_array_set_size (batch, 0);
          if (progress != NULL)
            progress (written, n_photos, progress_data);
        }
    }
  g_thread_pool_free (g_steal_pointer (&pool), FALSE, TRUE);
  if (cancel_id != 0)
    g_cancellable_disconnect (cancellable, cancel_id);

  if (run.error == NULL && g_cancellable_is_cancelled (run_cancel))
    g_set_error_literal (&run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The demo was cancelled."));

  for (guint i = 0; i < n_photos; i++)
    {
      g_free (shots[i].relpath);
      g_free (shots[i].file_name);
      g_free (shots[i].hash);
    }
  g_async_queue_unref (run.done);
  g_mutex_clear (&run.lock);

  if (run.error != NULL)
    {
      g_propagate_prefixed_error (error, run.error,
                                  _("The demo stopped after cataloging %u of %u photos: "),
                                  written, n_photos);
      return FALSE;
    }

  if (summary != NULL)
    {
      summary->photos = written;
      summary->bytes = bytes;
      summary->wedding_folder = g_steal_pointer (&wedding_abs);
      summary->project_name = g_strdup (AT_DEMO_WEDDING_NAME);
    }
  return TRUE;
}

void
at_demo_summary_clear (AtDemoSummary *summary)
{
  g_clear_pointer (&summary->wedding_folder, g_free);
  g_clear_pointer (&summary->project_name, g_free);
}
