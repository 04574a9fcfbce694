/* at-ingest-scan.h — finding a card's media and grouping each capture's files. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  char       *path;      /* absolute */
  char       *relpath;   /* relative to the source root */
  char       *stem;      /* file name without extension */
  char       *ext;       /* lower-case extension without the dot, "" if none */
  const char *role;      /* raw, jpeg, heif, video, xmp, audio, thumbnail */
  guint64     size;
  gint64      mtime;     /* seconds since the epoch */
} AtSourceFile;

/* RAW + JPEG + sidecars that share a folder and a name share one fate. */
typedef struct
{
  char         *key;      /* folder + stem, case-folded */
  GPtrArray    *files;    /* AtSourceFile*, primary first */
  AtSourceFile *primary;  /* the file that stands for the capture */
} AtCaptureGroup;

void        at_capture_group_free (AtCaptureGroup *group);
const char *at_ingest_role_for_extension (const char *ext);
GPtrArray  *at_ingest_scan        (const char     *source,
                                   GCancellable   *cancellable,
                                   GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtCaptureGroup, at_capture_group_free)

G_END_DECLS
