/* at-landed-photo.c — AtLandedPhoto: a name and a thumbnail path. */
#include "config.h"

#include "at-landed-photo.h"

struct _AtLandedPhoto
{
  GObject  parent_instance;
  char    *file_name;
  char    *thumbnail;
};

G_DEFINE_FINAL_TYPE (AtLandedPhoto, at_landed_photo, G_TYPE_OBJECT)

static void
at_landed_photo_finalize (GObject *object)
{
  AtLandedPhoto *self = AT_LANDED_PHOTO (object);

  g_free (self->file_name);
  g_free (self->thumbnail);
  G_OBJECT_CLASS (at_landed_photo_parent_class)->finalize (object);
}

static void
at_landed_photo_class_init (AtLandedPhotoClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = at_landed_photo_finalize;
}

static void
at_landed_photo_init (AtLandedPhoto *self)
{
}

AtLandedPhoto *
at_landed_photo_new (const char *file_name,
                     const char *thumbnail)
{
  AtLandedPhoto *self = g_object_new (AT_TYPE_LANDED_PHOTO, NULL);

  self->file_name = g_strdup (file_name);
  self->thumbnail = g_strdup (thumbnail);
  return self;
}

const char *
at_landed_photo_get_file_name (AtLandedPhoto *self)
{
  return self->file_name;
}

const char *
at_landed_photo_get_thumbnail (AtLandedPhoto *self)
{
  return self->thumbnail;
}
