/* at-s3-client-objects.c — AtS3Client's other object requests: GET into a
 * file (with Range), HEAD, DELETE, bucket creation and ListObjectsV2. */
#define G_LOG_DOMAIN "atelier-storage"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "at-s3-client-private.h"

/* ---- GET ---- */

typedef struct
{
  char  *key;
  GFile *file;
  GFile *partial;
  goffset from, to;    /* to < 0: the whole object */
} Get;

static void
get_free (gpointer data)
{
  Get *g = data;

  g_free (g->key);
  g_object_unref (g->file);
  g_object_unref (g->partial);
  g_free (g);
}

/* Body to file in large reads (GIO's splice moves 8 KiB at a time),
 * counting into @got what is written. @link_broke: the read failed, not
 * the disk. */
static gboolean
copy_body (GInputStream *in, GOutputStream *out, goffset *got, gboolean *link_broke, GCancellable *cancellable,
           GError **error)
{
  g_autofree guint8 *buffer = g_malloc (1 << 20);
  gssize n;

  while ((n = g_input_stream_read (in, buffer, 1 << 20, cancellable, error)) > 0)
    {
      if (!g_output_stream_write_all (out, buffer, (gsize) n, NULL, cancellable, error))
        return FALSE;
      *got += n;
    }
  *link_broke = n < 0;
  return n == 0 && g_output_stream_close (out, cancellable, error);
}

/* Whether a 206's Content-Range begins at @offset. */
static gboolean
starts_at (SoupMessage *msg, goffset offset)
{
  goffset start = -1, end = -1, total = -1;

  return soup_message_headers_get_content_range (soup_message_get_response_headers (msg), &start, &end, &total) &&
         start == offset;
}

/* One try: the bytes from @g->from + @got on, appended to the partial
 * file. @etag: the object's, from the first answer; a try after it asks
 * for that object only (If-Match), so that a resumed file is not made of
 * two. */
static gboolean
get_once (AtS3Client *self, Get *g, goffset *got, char **etag, GCancellable *cancellable, GError **error)
{
  gboolean ranged = g->to >= 0 || *got > 0, link_broke = FALSE;
  g_autofree char *range = NULL;
  AtS3Pair extra[2];
  guint n_extra = 0, status;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GInputStream) in = NULL;
  g_autoptr(GFileOutputStream) out = NULL;
  GError *cause = NULL;

  if (ranged)
    {
      range = g->to >= 0 ? g_strdup_printf ("bytes=%" G_GINT64_FORMAT "-%" G_GINT64_FORMAT, (gint64) (g->from + *got),
                                            (gint64) g->to)
                         : g_strdup_printf ("bytes=%" G_GINT64_FORMAT "-", (gint64) (g->from + *got));
      extra[n_extra++] = (AtS3Pair) { "range", range };
    }
  if (*etag != NULL)
    extra[n_extra++] = (AtS3Pair) { "if-match", *etag };
  if ((msg = _at_s3_request_new (self, "GET", g->key, NULL, 0, AT_S3_EMPTY_SHA256, extra, n_extra, error)) == NULL)
    return FALSE;
  if ((in = soup_session_send (self->session, msg, cancellable, &cause)) == NULL)
    {
      _at_s3_set_transport_error (error, cause);
      return FALSE;
    }
  status = soup_message_get_status (msg);
  if (status == SOUP_STATUS_PRECONDITION_FAILED)
    {
      g_set_error (error, AT_S3_ERROR, AT_S3_ERROR_CHANGED,
                   _("The object changed on the storage server while it was downloading: download it again"));
      return FALSE;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_autoptr(GBytes) body = g_input_stream_read_bytes (in, 65536, cancellable, NULL);

      _at_s3_set_refusal (error, msg, body);
      return FALSE;
    }
  /* a server or cache that ignores Range sends the whole object with 200:
   * not to be saved as the bytes asked for; but when the whole object was
   * asked for (a resume), it is taken from its start */
  if (ranged && status != SOUP_STATUS_PARTIAL_CONTENT && g->to < 0)
    *got = 0;
  else if (ranged && (status != SOUP_STATUS_PARTIAL_CONTENT || !starts_at (msg, g->from + *got)))
    {
      g_set_error (error, AT_S3_ERROR, AT_S3_ERROR_FAILED,
                   _("The storage server sent other bytes than were asked for (it answered %u)"), status);
      return FALSE;
    }
  if (*etag == NULL)
    *etag = g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (msg), "ETag"));
  out = *got == 0 ? g_file_replace (g->partial, NULL, FALSE, G_FILE_CREATE_NONE, cancellable, error)
                  : g_file_append_to (g->partial, G_FILE_CREATE_NONE, cancellable, error);
  if (out == NULL)
    return FALSE;
  if (!copy_body (in, G_OUTPUT_STREAM (out), got, &link_broke, cancellable, &cause))
    {
      /* a broken link is tried again from where it broke; the disk's own
       * troubles stand as they are */
      if (link_broke)
        _at_s3_set_transport_error (error, cause);
      else
        g_propagate_error (error, cause);
      return FALSE;
    }
  return TRUE;
}

/* The whole GET on a thread, blocking, as uploads are sent (see
 * send_thread in at-s3-client.c): a download runs at the disk's and the
 * link's speed, not the main loop's. A transient failure (the link, 5xx,
 * SlowDown) is tried again after the client's backoff, from the byte where
 * it stopped. */
static void
get_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  AtS3Client *self = source;
  Get *g = data;
  GError *error = NULL;
  g_autofree char *etag = NULL;
  goffset got = 0;

  for (guint attempt = 0; !get_once (self, g, &got, &etag, cancellable, &error); attempt++)
    {
      guint pause;

      if (!_at_s3_error_is_transient (error) || attempt + 1 >= self->attempts ||
          (pause = _at_s3_backoff_ms (self, attempt), !_at_s3_sleep (pause, cancellable)))
        {
          g_file_delete (g->partial, NULL, NULL);
          if (g_cancellable_is_cancelled (cancellable))
            {
              g_clear_error (&error);
              g_cancellable_set_error_if_cancelled (cancellable, &error);
            }
          g_task_return_error (task, error);
          return;
        }
      g_debug ("GET %s failed after %" G_GOFFSET_FORMAT " bytes (%s): again in %u ms", g->key, got, error->message, pause);
      g_clear_error (&error);
      /* only a strong ETag says the bytes to come are of the same object
       * (If-Match): without one, from the start again */
      if (etag == NULL || g_str_has_prefix (etag, "W/"))
        {
          got = 0;
          g_clear_pointer (&etag, g_free);
        }
    }
  if (!g_file_move (g->partial, g->file, G_FILE_COPY_OVERWRITE, cancellable, NULL, NULL, &error))
    {
      g_file_delete (g->partial, NULL, NULL);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

void
at_s3_client_get_file (AtS3Client          *self,
                       const char          *key,
                       goffset              from,
                       goffset              to,
                       GFile               *file,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Get *g = g_new0 (Get, 1);
  g_autofree char *name = g_strconcat (g_file_peek_path (file), ".part", NULL);

  g->key = g_strdup (key);
  g->file = g_object_ref (file);
  g->partial = g_file_new_for_path (name);
  g->from = to >= 0 ? from : 0;
  g->to = to;
  g_task_set_source_tag (task, at_s3_client_get_file);
  g_task_set_task_data (task, g, get_free);
  g_task_run_in_thread (task, get_thread);
  g_object_unref (task);
}

gboolean
at_s3_client_get_file_finish (AtS3Client    *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- HEAD, DELETE, bucket ---- */

void
at_s3_client_head (AtS3Client          *self,
                   const char          *key,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  _at_s3_call_plain (self, "HEAD", key, NULL, 0, cancellable, callback, user_data);
}

AtS3Object *
at_s3_client_head_finish (AtS3Client    *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = _at_s3_call_finish (self, result, &msg, error);
  SoupMessageHeaders *h;
  AtS3Object *o;

  if (body == NULL)
    return NULL;
  h = soup_message_get_response_headers (msg);
  o = g_new0 (AtS3Object, 1);
  /* the path is /bucket/key, encoded */
  o->key = g_uri_unescape_string (g_uri_get_path (soup_message_get_uri (msg)) + strlen (self->bucket) + 2, NULL);
  o->size = soup_message_headers_get_content_length (h);
  o->etag = g_strdup (soup_message_headers_get_one (h, "ETag"));
  o->last_modified = g_strdup (soup_message_headers_get_one (h, "Last-Modified"));
  return o;
}

void
at_s3_client_delete (AtS3Client          *self,
                     const char          *key,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  _at_s3_call_plain (self, "DELETE", key, NULL, 0, cancellable, callback, user_data);
}

gboolean
at_s3_client_delete_finish (AtS3Client    *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_autoptr(GBytes) body = _at_s3_call_finish (self, result, NULL, error);

  return body != NULL;
}

/* A bucket that is ours already is what was asked for. */
static void
bucket_done (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  GError *cause = NULL, *error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &cause);
  AtS3Xml x = AT_S3_XML_INIT;

  if (body == NULL)
    _at_s3_set_transport_error (&error, cause);
  else if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (msg)) &&
           !(_at_s3_xml_parse (body, &x, NULL) && g_strcmp0 (x.code, "BucketAlreadyOwnedByYou") == 0))
    _at_s3_set_refusal (&error, msg, body);
  _at_s3_xml_clear (&x);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_bytes_new (NULL, 0), (GDestroyNotify) g_bytes_unref);
}

void
at_s3_client_create_bucket (AtS3Client          *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(SoupMessage) msg = _at_s3_request_new (self, "PUT", NULL, NULL, 0, AT_S3_EMPTY_SHA256, NULL, 0, NULL);

  g_task_set_source_tag (task, at_s3_client_create_bucket);
  g_task_set_task_data (task, g_object_ref (msg), g_object_unref);
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, cancellable, bucket_done, task);
}

gboolean
at_s3_client_create_bucket_finish (AtS3Client    *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_autoptr(GBytes) body = g_task_propagate_pointer (G_TASK (result), error);

  return body != NULL;
}

/* ---- ListObjectsV2, and ListParts of a multipart upload ---- */

typedef struct
{
  char      *prefix;     /* objects */
  char      *key;        /* parts */
  char      *upload_id;
  char      *token;      /* where the next page begins */
  GPtrArray *objects;
} List;

static void
list_free (gpointer data)
{
  List *l = data;

  g_free (l->prefix);
  g_free (l->key);
  g_free (l->upload_id);
  g_free (l->token);
  g_ptr_array_unref (l->objects);
  g_free (l);
}

static void list_next (GTask *task);

static void
list_page (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  List *l = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(GBytes) body = _at_s3_call_finish (AT_S3_CLIENT (source), result, NULL, &error);
  AtS3Xml x = AT_S3_XML_INIT;

  x.objects = g_ptr_array_ref (l->objects);
  if (body == NULL || !_at_s3_xml_parse (body, &x, &error))
    {
      _at_s3_xml_clear (&x);
      g_task_return_error (task, error);
      return;
    }
  g_clear_pointer (&l->token, g_free);
  if (x.truncated && x.token == NULL)
    {
      /* (what follows could not be asked for: a listing cut short is not the list) */
      _at_s3_xml_clear (&x);
      g_task_return_new_error (task, AT_S3_ERROR, AT_S3_ERROR_FAILED,
                               _("The storage server cut the listing short without saying where it goes on"));
      return;
    }
  if (x.truncated)
    {
      l->token = g_steal_pointer (&x.token);
      _at_s3_xml_clear (&x);
      list_next (g_steal_pointer (&task));
      return;
    }
  _at_s3_xml_clear (&x);
  g_task_return_pointer (task, g_ptr_array_ref (l->objects), (GDestroyNotify) g_ptr_array_unref);
}

static void
list_next (GTask *task)
{
  AtS3Client *self = g_task_get_source_object (task);
  List *l = g_task_get_task_data (task);
  AtS3Pair query[3] = { { "list-type", "2" }, { "prefix", l->prefix } };
  guint n = 2;

  if (l->upload_id != NULL)
    {
      query[0] = (AtS3Pair) { "uploadId", l->upload_id };
      n = 1;
      if (l->token != NULL)
        query[n++] = (AtS3Pair) { "part-number-marker", l->token };
      _at_s3_call_plain (self, "GET", l->key, query, n, g_task_get_cancellable (task), list_page, task);
      return;
    }
  if (l->token != NULL)
    query[n++] = (AtS3Pair) { "continuation-token", l->token };
  _at_s3_call_plain (self, "GET", NULL, query, n, g_task_get_cancellable (task), list_page, task);
}

void
at_s3_client_list (AtS3Client          *self,
                   const char          *prefix,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  List *l = g_new0 (List, 1);

  l->prefix = g_strdup (prefix ? prefix : "");
  l->objects = g_ptr_array_new_with_free_func ((GDestroyNotify) at_s3_object_free);
  g_task_set_source_tag (task, at_s3_client_list);
  g_task_set_task_data (task, l, list_free);
  list_next (task);
}

GPtrArray *
at_s3_client_list_finish (AtS3Client    *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
at_s3_client_multipart_list_parts (AtS3Client          *self,
                                   const char          *key,
                                   const char          *upload_id,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  List *l = g_new0 (List, 1);

  l->key = g_strdup (key);
  l->upload_id = g_strdup (upload_id);
  l->objects = g_ptr_array_new_with_free_func ((GDestroyNotify) at_s3_object_free);
  g_task_set_source_tag (task, at_s3_client_multipart_list_parts);
  g_task_set_task_data (task, l, list_free);
  list_next (task);
}

GPtrArray *
at_s3_client_multipart_list_parts_finish (AtS3Client    *self,
                                          GAsyncResult  *result,
                                          GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

