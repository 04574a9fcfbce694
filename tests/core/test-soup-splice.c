/* test-soup-splice.c — libsoup's request bodies go to the socket in pieces of
 * AT_SOUP_SPLICE_PIECE once widened (an AtBytesStream's from where they
 * are), arrive whole, and a body whose reading fails is not reported as
 * sent. A SoupServer on loopback takes them. */
#include "config.h"

#include <libsoup/soup.h>

#include "at-bytes-stream.h"
#include "at-soup-splice.h"

/* (send_one's fail_at for an AtBytesStream body) */
#define BYTES G_MAXSIZE

typedef struct
{
  SoupSession *session;   /* one for all, as the S3 client's: connections are kept */
  GUri   *uri;
  gsize   size;      /* of the body to send */
  gsize   fail_at;   /* the body's reading fails past this (0: never) */
  gboolean bytes;    /* the body an AtBytesStream (sent from where it is) */
  /* answers */
  gsize   biggest;   /* of the writes libsoup reported */
  guint   writes;
  guint   status;
  GError *error;
  gint    done;      /* (atomic) */
} Send;

static GBytes *
pattern (gsize size)
{
  guint8 *data = g_malloc (size);

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8) (i * 7 + i / 4099);
  return g_bytes_new_take (data, size);
}

/* The server answers 200 to a body equal to pattern () of its length, and
 * 400 to any other. */
static void
handle (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer data)
{
  g_autoptr(GBytes) got = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autoptr(GBytes) want = pattern (g_bytes_get_size (got));

  soup_server_message_set_status (msg, g_bytes_equal (got, want) ? 200 : 400, NULL);
}

/* An input stream of pattern () that fails past fail_at bytes, as a file
 * whose disk gives up. */
#define TEST_TYPE_FAILING (test_failing_get_type ())
G_DECLARE_FINAL_TYPE (TestFailing, test_failing, TEST, FAILING, GInputStream)

struct _TestFailing
{
  GInputStream parent;
  GBytes      *bytes;
  gsize        at, fail_at;
};

G_DEFINE_TYPE (TestFailing, test_failing, G_TYPE_INPUT_STREAM)

static gssize
failing_read (GInputStream *stream, void *buffer, gsize count, GCancellable *cancellable, GError **error)
{
  TestFailing *self = TEST_FAILING (stream);
  gsize size = g_bytes_get_size (self->bytes);

  if (self->fail_at > 0 && self->at >= self->fail_at)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the disk gave up");
      return -1;
    }
  count = MIN (count, size - self->at);
  memcpy (buffer, (const guint8 *) g_bytes_get_data (self->bytes, NULL) + self->at, count);
  self->at += count;
  return (gssize) count;
}

static void
failing_finalize (GObject *object)
{
  g_bytes_unref (TEST_FAILING (object)->bytes);
  G_OBJECT_CLASS (test_failing_parent_class)->finalize (object);
}

static void
test_failing_class_init (TestFailingClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = failing_finalize;
  G_INPUT_STREAM_CLASS (klass)->read_fn = failing_read;
}

static void
test_failing_init (TestFailing *self)
{
}

static void
wrote (SoupMessage *msg, guint chunk, gpointer data)
{
  Send *s = data;

  s->biggest = MAX (s->biggest, chunk);
  s->writes++;
}

/* A blocking POST from a thread of its own, as the S3 client's senders do. */
static gpointer
send_thread (gpointer data)
{
  Send *s = data;
  g_autoptr(SoupMessage) msg = soup_message_new_from_uri ("POST", s->uri);
  TestFailing *body = g_object_new (TEST_TYPE_FAILING, NULL);
  g_autoptr(GBytes) answer = NULL;

  body->bytes = pattern (s->size);
  body->fail_at = s->fail_at;
  if (s->bytes)
    {
      g_autoptr(GInputStream) in = at_bytes_stream_new (body->bytes);
      g_autofree char *skipped = g_malloc (1000);

      /* (read from, then sought back: libsoup sends a body again so) */
      g_assert_cmpint (g_input_stream_read (in, skipped, 1000, NULL, NULL), ==, 1000);
      g_assert_true (g_seekable_seek (G_SEEKABLE (in), 0, G_SEEK_SET, NULL, NULL));
      soup_message_set_request_body (msg, "application/octet-stream", in, (gssize) s->size);
    }
  else
    soup_message_set_request_body (msg, "application/octet-stream", G_INPUT_STREAM (body), (gssize) s->size);
  g_object_unref (body);
  g_signal_connect (msg, "wrote-body-data", G_CALLBACK (wrote), s);
  at_soup_splice_widen ();
  answer = soup_session_send_and_read (s->session, msg, NULL, &s->error);
  s->status = soup_message_get_status (msg);
  g_atomic_int_set (&s->done, 1);
  g_main_context_wakeup (NULL);
  return NULL;
}

static void
send_one (SoupSession *session, GUri *uri, gsize size, gsize fail_at, Send *s)
{
  GThread *thread;
  gboolean bytes = fail_at == G_MAXSIZE;

  *s = (Send) { .session = session, .uri = uri, .size = size, .fail_at = bytes ? 0 : fail_at, .bytes = bytes };
  thread = g_thread_new ("send", send_thread, s);
  while (!g_atomic_int_get (&s->done))
    g_main_context_iteration (NULL, TRUE);
  g_thread_join (thread);
}

static void
test_wide (void)
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;
  Send s;

  soup_server_add_handler (server, NULL, handle, NULL, NULL);
  g_assert_true (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  uris = soup_server_get_uris (server);

  /* the process's first body: libsoup's class does not exist before it */
  g_assert_false (at_soup_splice_is_wide ());
  send_one (session, uris->data, 3 << 20, 0, &s);
  g_assert_no_error (s.error);
  g_assert_cmpuint (s.status, ==, 200);
  g_assert_cmpuint (s.biggest, <=, 8192);

  /* the next ones go in big pieces, and arrive whole */
  send_one (session, uris->data, 3 << 20, 0, &s);
  g_assert_true (at_soup_splice_is_wide ());
  g_assert_no_error (s.error);
  g_assert_cmpuint (s.status, ==, 200);
  /* (a write takes what the socket has room for: up to a piece, often all) */
  g_assert_cmpuint (s.biggest, >, 8192);
  g_assert_cmpuint (s.biggest, <=, AT_SOUP_SPLICE_PIECE);
  g_assert_cmpuint (s.writes, <, (3 << 20) / 8192 / 4);
  send_one (session, uris->data, 1000003, 0, &s);
  g_assert_no_error (s.error);
  g_assert_cmpuint (s.status, ==, 200);

  /* bytes in memory, sent from where they are: whole, in big writes */
  send_one (session, uris->data, (3 << 20) + 5, BYTES, &s);
  g_assert_no_error (s.error);
  g_assert_cmpuint (s.status, ==, 200);
  g_assert_cmpuint (s.biggest, >, 8192);
  g_assert_cmpuint (s.writes, <, (3 << 20) / 8192 / 4);

  /* a body whose reading fails half-way is not answered as stored */
  send_one (session, uris->data, 3 << 20, 1 << 20, &s);
  g_assert_true (s.error != NULL || s.status != 200);
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/soup-splice/wide", test_wide);
  return g_test_run ();
}
