/* at-face-queue.h — what waits for a person on the Faces page: the
 * suggestions, by person, closest first, and the groups of unknown faces,
 * largest first; and a face's crop for showing it. */
#pragma once

#include "at-catalog.h"

G_BEGIN_DECLS

typedef struct
{
  char   *face_id;
  char   *photo_id;
  char   *content_hash;
  char   *library_path;
  double  box[4];        /* x, y, w, h relative to the photo */
  char   *person_id;     /* the suggestion's (NULL in a group) */
  char   *person_name;
  char   *cluster_id;    /* the group's (NULL for a suggestion) */
  double  distance;      /* to the person, for a suggestion */
} AtFaceItem;

void        at_face_item_free         (AtFaceItem  *item);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtFaceItem, at_face_item_free)

/* Pending suggestions: people ordered by their closest face, each
 * person's faces closest first (AtFaceItem *). */
GPtrArray  *at_face_queue_suggestions (AtCatalog   *catalog,
                                       GError     **error);
/* Faces in groups, largest group first. */
GPtrArray  *at_face_queue_groups      (AtCatalog   *catalog,
                                       GError     **error);
/* Both lists, read on a worker thread with its own reader: a queue of
 * thousands of faces is not read on the window's thread. */
void        at_face_queue_read_async  (AtCatalog            *catalog,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
gboolean    at_face_queue_read_finish (GAsyncResult         *result,
                                       GPtrArray           **suggestions,
                                       GPtrArray           **groups,
                                       GError              **error);
/* How many photos of projects with face processing on are not scanned. */
gint64      at_face_queue_unscanned   (AtCatalog   *catalog);

/* The face in @image (its box relative, widened by a third around it) as
 * @size x @size 8-bit RGB, rows of @size * 3 bytes. */
GBytes     *at_face_crop              (const char   *image,
                                       const double *box,
                                       int           size,
                                       GError      **error);

G_END_DECLS
