/* at-face-review.h — what a person decides about a suggestion or a group.
 * Only confirmed tags count elsewhere (the Library's person filter, XMP).
 *   pending -> confirmed (confirm), -> rejected (reject: never suggested
 *   again), or to another person (reassign: the suggestion rejected, the
 *   chosen person confirmed by hand).
 * Two faces of one photo are never tagged as the same person. A face
 * confirmed as someone without active biometric consent keeps its tag but
 * loses its embedding. */
#pragma once

#include "at-catalog.h"

G_BEGIN_DECLS

typedef enum {
  AT_FACE_CONFIRM,
  AT_FACE_REJECT,
} AtFaceVerdict;

/* @person: the suggestion's person for a verdict on it (NULL: the face's
 * pending suggestion), or, confirming, anyone (id or name): a reassignment. */
gboolean at_face_review            (AtCatalog      *catalog,
                                    const char     *face_id,
                                    const char     *person,
                                    AtFaceVerdict   verdict,
                                    GError        **error);
/* Confirms every face of a group as @person (id or name; created when
 * @create and there is none): naming a group creates its person. @tagged:
 * faces tagged (a face whose photo already shows the person is left). */
gboolean at_face_review_cluster    (AtCatalog      *catalog,
                                    const char     *cluster_id,
                                    const char     *person,
                                    gboolean        create,
                                    guint          *tagged,
                                    GError        **error);

/* What the faces' tags, embeddings and groups were before a verdict, to
 * undo it. */
typedef struct _AtFaceReviewSnapshot AtFaceReviewSnapshot;

/* @face_ids, or every face of @cluster_id. Blocking (a read). */
AtFaceReviewSnapshot *at_face_review_snapshot       (AtCatalog             *catalog,
                                                     const char *const     *face_ids,
                                                     const char            *cluster_id,
                                                     GError               **error);
/* Puts the faces back as they were. Blocking (a catalog write). */
gboolean              at_face_review_restore        (AtCatalog             *catalog,
                                                     AtFaceReviewSnapshot  *snapshot,
                                                     GError               **error);
void                  at_face_review_snapshot_free  (AtFaceReviewSnapshot  *snapshot);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtFaceReviewSnapshot, at_face_review_snapshot_free)

G_END_DECLS
