/* at-s3-xml.c — S3's XML answers: errors (Code, Message), listings
 * (Contents, IsTruncated, NextContinuationToken), multipart answers
 * (UploadId; the Parts of ListParts and NextPartNumberMarker), read with
 * GMarkup; and refusals as AT_S3_ERROR codes. */
#define G_LOG_DOMAIN "atelier-storage"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "at-s3-client-private.h"

/* (g_set_str() is GLib 2.76) */
static void
set_text (char **to, const char *text)
{
  g_free (*to);
  *to = g_strdup (text);
}

static void
xml_start (GMarkupParseContext *context, const char *name, const char **attr_names, const char **attr_values,
           gpointer data, GError **error)
{
  AtS3Xml *x = data;

  g_string_truncate (x->text, 0);
  if ((g_str_equal (name, "Contents") || g_str_equal (name, "Part")) && x->objects != NULL)
    x->current = g_new0 (AtS3Object, 1);
}

static void
xml_end (GMarkupParseContext *context, const char *name, gpointer data, GError **error)
{
  AtS3Xml *x = data;
  const char *t = x->text->str;

  if (g_str_equal (name, "Code"))
    set_text (&x->code, t);
  else if (g_str_equal (name, "Message"))
    set_text (&x->message, t);
  else if (g_str_equal (name, "IsTruncated"))
    x->truncated = g_str_equal (t, "true");
  else if (g_str_equal (name, "UploadId"))
    set_text (&x->upload_id, t);
  else if (g_str_equal (name, "NextContinuationToken") || g_str_equal (name, "NextPartNumberMarker"))
    set_text (&x->token, t);
  else if (x->current != NULL && g_str_equal (name, "PartNumber"))
    x->current->part = (guint) g_ascii_strtoull (t, NULL, 10);
  else if (x->current != NULL && g_str_equal (name, "Key"))
    set_text (&x->current->key, t);
  else if (x->current != NULL && g_str_equal (name, "Size"))
    x->current->size = g_ascii_strtoll (t, NULL, 10);
  else if (x->current != NULL && g_str_equal (name, "ETag"))
    set_text (&x->current->etag, t);
  else if (x->current != NULL && g_str_equal (name, "ChecksumSHA256"))
    set_text (&x->current->sha256, t);
  else if (x->current != NULL && g_str_equal (name, "LastModified"))
    set_text (&x->current->last_modified, t);
  else if (x->current != NULL && (g_str_equal (name, "Contents") || g_str_equal (name, "Part")))
    g_ptr_array_add (x->objects, g_steal_pointer (&x->current));
  g_string_truncate (x->text, 0);
}

static void
xml_text (GMarkupParseContext *context, const char *text, gsize len, gpointer data, GError **error)
{
  g_string_append_len (((AtS3Xml *) data)->text, text, len);
}

static const GMarkupParser xml_parser = { xml_start, xml_end, xml_text, NULL, NULL };

void
_at_s3_xml_clear (AtS3Xml *x)
{
  g_string_free (x->text, TRUE);
  g_free (x->code);
  g_free (x->message);
  g_free (x->token);
  g_free (x->upload_id);
  at_s3_object_free (x->current);
  g_clear_pointer (&x->objects, g_ptr_array_unref);
}

gboolean
_at_s3_xml_parse (GBytes *body, AtS3Xml *x, GError **error)
{
  g_autoptr(GMarkupParseContext) context = g_markup_parse_context_new (&xml_parser, 0, x, NULL);
  gsize len = 0;
  const char *data = body ? g_bytes_get_data (body, &len) : NULL;

  return len == 0 || (g_markup_parse_context_parse (context, data, len, error) &&
                      g_markup_parse_context_end_parse (context, error));
}

/* A refusal as the user can act on it. */
void
_at_s3_set_refusal (GError **error, SoupMessage *msg, GBytes *body)
{
  AtS3Xml x = AT_S3_XML_INIT;
  guint status = soup_message_get_status (msg);
  const char *code, *message;
  int kind;

  _at_s3_xml_parse (body, &x, NULL);
  code = x.code ? x.code : "";
  message = x.message ? x.message : soup_message_get_reason_phrase (msg);
  if (g_str_equal (code, "SignatureDoesNotMatch") || g_str_equal (code, "InvalidAccessKeyId") ||
      g_str_equal (code, "AccessDenied") || status == 401 || (status == 403 && *code == '\0'))
    kind = AT_S3_ERROR_AUTH;
  else if (g_str_equal (code, "NoSuchUpload"))
    kind = AT_S3_ERROR_UPLOAD_GONE;
  else if (g_str_equal (code, "NoSuchBucket") || g_str_equal (code, "NoSuchKey") || status == 404)
    kind = AT_S3_ERROR_NOT_FOUND;
  else if (g_str_equal (code, "RequestTimeTooSkewed"))
    kind = AT_S3_ERROR_CLOCK;
  else if (g_str_equal (code, "BadDigest") || g_str_equal (code, "XAmzContentSHA256Mismatch") ||
           g_str_equal (code, "InvalidDigest"))
    kind = AT_S3_ERROR_INTEGRITY;
  /* busy or slow, not wrong: asked again later (S3 answers a request whose
   * body stalled with 400 RequestTimeout; others throttle with 429) */
  else if (status >= 500 || status == 408 || status == 429 || g_str_equal (code, "SlowDown") ||
           g_str_equal (code, "RequestTimeout") || g_str_equal (code, "TooManyRequests") ||
           g_str_equal (code, "InternalError") || g_str_equal (code, "ServiceUnavailable"))
    kind = AT_S3_ERROR_SERVER;
  else
    kind = AT_S3_ERROR_FAILED;

  switch (kind)
    {
    case AT_S3_ERROR_AUTH:
      g_set_error (error, AT_S3_ERROR, kind, _("The storage server refused the keys (%s): check the access key and secret"),
                   message);
      break;
    case AT_S3_ERROR_NOT_FOUND:
      g_set_error (error, AT_S3_ERROR, kind, g_str_equal (code, "NoSuchBucket")
                   ? _("There is no bucket by that name on the storage server (%s)")
                   : _("There is no such object on the storage server (%s)"), message);
      break;
    case AT_S3_ERROR_UPLOAD_GONE:
      g_set_error (error, AT_S3_ERROR, kind, _("The storage server no longer has this upload’s parts (%s)"), message);
      break;
    case AT_S3_ERROR_CLOCK:
      g_set_error (error, AT_S3_ERROR, kind, _("This computer’s clock is too far from the storage server’s: set the date "
                                               "and time right (%s)"), message);
      break;
    case AT_S3_ERROR_INTEGRITY:
      g_set_error (error, AT_S3_ERROR, kind, _("The storage server received other bytes than were sent (a file changed "
                                               "while uploading?): nothing was stored (%s)"), message);
      break;
    default:
      g_set_error (error, AT_S3_ERROR, kind, _("The storage server answered %u %s"), status, message);
    }
  _at_s3_xml_clear (&x);
}

void
_at_s3_set_transport_error (GError **error, GError *cause)
{
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, cause);
  else
    {
      g_set_error (error, AT_S3_ERROR, AT_S3_ERROR_OFFLINE, _("The storage server cannot be reached: %s"), cause->message);
      g_error_free (cause);
    }
}


gboolean
at_s3_error_stops_all (const GError *error)
{
  return error != NULL && error->domain == AT_S3_ERROR &&
         (error->code == AT_S3_ERROR_OFFLINE || error->code == AT_S3_ERROR_SERVER || error->code == AT_S3_ERROR_AUTH ||
          error->code == AT_S3_ERROR_NOT_FOUND || error->code == AT_S3_ERROR_CLOCK || error->code == AT_S3_ERROR_CONFIG);
}

gboolean
_at_s3_error_is_transient (const GError *error)
{
  return g_error_matches (error, AT_S3_ERROR, AT_S3_ERROR_OFFLINE) ||
         g_error_matches (error, AT_S3_ERROR, AT_S3_ERROR_SERVER);
}
