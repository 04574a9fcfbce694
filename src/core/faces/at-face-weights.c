/* at-face-weights.c — see at-face-weights.h.
 *
 * A manifest lists the tensors in the order they lie in the .bin, each
 * prod(shape) values of its stored type: uint8 quantised (v = q * scale +
 * min), or raw float32. (The SSD's int32 graph constants are skipped.)
 */
#define G_LOG_DOMAIN "atelier-faces"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "at-face-weights.h"

G_DEFINE_QUARK (at-face-error-quark, at_face_error)

/* @vladmandic/face-api 1.7.15: the files this code was checked against */
static const struct
{
  const char *file;
  const char *sha256;
} pinned[] = {
  { "ssd_mobilenetv1_model-weights_manifest.json", "888f744dffbc84f5f060d1f8427d9742341943a2dfaaf9205d10029b7e7a2955" },
  { "ssd_mobilenetv1_model.bin", "2835640602d53718aa6ae9a42896327eaa21beefed056c218d32ca7d79e1e2f8" },
  { "face_landmark_68_model-weights_manifest.json", "ca4886639f86e99b39fed0c155f81b63317225773bd9616716e887b0153389c9" },
  { "face_landmark_68_model.bin", "4611ef65c87d836d03d684b30eec4d195d8b219fa1dd58fc58945831c6b9299b" },
  { "face_recognition_model-weights_manifest.json", "cbaffa501b0b9275a12b63357a6843e7e30c054e1c9151e1a5f879b26e32986b" },
  { "face_recognition_model.bin", "b413e420d6840b2775fba32008db6f3cddb07d485967fb42cfcf379c16a8c589" },
};

typedef struct
{
  float *values;
  gsize  count;
} Tensor;

struct _AtFaceWeights
{
  char       *model;
  GHashTable *tensors;   /* name -> Tensor */
  char       *problem;   /* the first tensor asked for that was not right */
};

static void
tensor_free (gpointer data)
{
  Tensor *t = data;

  g_free (t->values);
  g_free (t);
}

char *
at_face_models_dir (void)
{
  const char *env = g_getenv ("ATELIER_FACE_MODELS");
  g_autofree char *installed = g_build_filename (AT_DATADIR, "atelier", "faces", NULL);

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  if (g_file_test (installed, G_FILE_TEST_IS_DIR))
    return g_steal_pointer (&installed);
  return g_build_filename (AT_SOURCE_DIR, "data", "faces", "node_modules", "@vladmandic", "face-api", "model", NULL);
}

/* The file's bytes, if it is the pinned one. */
static GBytes *
read_pinned (const char *dir, const char *name, GError **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) cause = NULL;
  g_autofree char *sum = NULL;
  char *data = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &data, &length, &cause))
    {
      g_set_error (error, AT_FACE_ERROR, AT_FACE_ERROR_MISSING,
                   _("The face models are not installed (%s): run scripts/setup, or set ATELIER_FACE_MODELS"),
                   cause->message);
      return NULL;
    }
  sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data, length);
  for (guint i = 0; i < G_N_ELEMENTS (pinned); i++)
    if (g_str_equal (pinned[i].file, name))
      {
        if (g_str_equal (pinned[i].sha256, sum))
          return g_bytes_new_take (data, length);
        break;
      }
  g_free (data);
  g_set_error (error, AT_FACE_ERROR, AT_FACE_ERROR_CORRUPT,
               _("The face model “%s” is not the one Atelier knows (its SHA-256 is %s): install it again with "
                 "scripts/setup"), path, sum);
  return NULL;
}

static gsize
count_of (JsonArray *shape)
{
  gsize n = 1;

  for (guint i = 0; shape != NULL && i < json_array_get_length (shape); i++)
    n *= (gsize) json_array_get_int_element (shape, i);
  return n;
}

AtFaceWeights *
at_face_weights_load (const char  *dir,
                      const char  *model,
                      GError     **error)
{
  g_autofree char *manifest_name = g_strdup_printf ("%s-weights_manifest.json", model);
  g_autofree char *bin_name = g_strdup_printf ("%s.bin", model);
  g_autoptr(GBytes) manifest = read_pinned (dir, manifest_name, error);
  g_autoptr(GBytes) bin = manifest ? read_pinned (dir, bin_name, error) : NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(AtFaceWeights) self = NULL;
  JsonNode *root;
  const guint8 *at, *end;
  gsize size;

  if (bin == NULL)
    return NULL;
  if (!json_parser_load_from_data (parser, g_bytes_get_data (manifest, NULL), (gssize) g_bytes_get_size (manifest), error))
    return NULL;
  root = json_parser_get_root (parser);
  at = g_bytes_get_data (bin, &size);
  end = at + size;
  self = g_new0 (AtFaceWeights, 1);
  self->model = g_strdup (model);
  self->tensors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, tensor_free);
  for (guint g = 0; JSON_NODE_HOLDS_ARRAY (root) && g < json_array_get_length (json_node_get_array (root)); g++)
    {
      JsonObject *group = json_array_get_object_element (json_node_get_array (root), g);
      JsonArray *weights = json_object_get_array_member (group, "weights");

      for (guint i = 0; weights != NULL && i < json_array_get_length (weights); i++)
        {
          JsonObject *w = json_array_get_object_element (weights, i);
          JsonObject *q = json_object_has_member (w, "quantization") ? json_object_get_object_member (w, "quantization")
                                                                       : NULL;
          gsize n = count_of (json_object_get_array_member (w, "shape"));
          const char *dtype = json_object_get_string_member_with_default (w, "dtype", "float32");
          const char *stored = q ? json_object_get_string_member_with_default (q, "dtype", "") : dtype;
          gsize bytes = g_str_equal (stored, "uint8") ? n : n * 4;
          Tensor *t;

          if (!g_str_equal (stored, "uint8") && !g_str_equal (stored, "float32") && !g_str_equal (stored, "int32"))
            {
              g_set_error (error, AT_FACE_ERROR, AT_FACE_ERROR_CORRUPT, _("The face model %s stores %s as %s"), model,
                           json_object_get_string_member (w, "name"), stored);
              return NULL;
            }
          if ((gsize) (end - at) < bytes)
            {
              g_set_error (error, AT_FACE_ERROR, AT_FACE_ERROR_CORRUPT, _("The face model %s is shorter than its manifest"),
                           model);
              return NULL;
            }
          if (g_str_equal (dtype, "float32"))
            {
              t = g_new (Tensor, 1);
              t->count = n;
              t->values = g_new (float, n);
              if (g_str_equal (stored, "uint8"))
                {
                  float scale = (float) json_object_get_double_member (q, "scale");
                  float min = (float) json_object_get_double_member (q, "min");
                  for (gsize k = 0; k < n; k++)
                    t->values[k] = at[k] * scale + min;
                }
              else
                memcpy (t->values, at, n * 4);
              g_hash_table_insert (self->tensors, g_strdup (json_object_get_string_member (w, "name")), t);
            }
          at += bytes;
        }
    }
  return g_steal_pointer (&self);
}

void
at_face_weights_free (AtFaceWeights *self)
{
  if (self == NULL)
    return;
  g_free (self->model);
  g_hash_table_unref (self->tensors);
  g_free (self->problem);
  g_free (self);
}

const float *
at_face_weights_get (AtFaceWeights *self,
                     const char    *name,
                     gsize          count)
{
  Tensor *t = g_hash_table_lookup (self->tensors, name);

  if (t != NULL && t->count == count)
    return t->values;
  if (self->problem == NULL)
    self->problem = t ? g_strdup_printf ("%s has %" G_GSIZE_FORMAT " values, not %" G_GSIZE_FORMAT, name, t->count, count)
                      : g_strdup_printf ("%s is missing", name);
  return NULL;
}

gboolean
at_face_weights_check (AtFaceWeights  *self,
                       GError        **error)
{
  if (self->problem == NULL)
    return TRUE;
  g_set_error (error, AT_FACE_ERROR, AT_FACE_ERROR_CORRUPT, _("The face model %s does not fit: %s"), self->model,
               self->problem);
  return FALSE;
}
