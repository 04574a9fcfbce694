/* at-face-match.h — suggesting who a face is, and grouping the faces no
 * one is suggested for.
 *
 * Matching: a face's distance to a person is the least to any of their
 * references (approved selfies, and faces confirmed as them, the 20 most
 * recent), for people whose consent is active. Within @strong of the best,
 * and @margin closer than the runner-up: a strong suggestion; within
 * @weak: a weak one; beyond: unknown. A face is never suggested as a person
 * it was rejected as, nor as one already tagged in the same photo; every
 * suggestion waits for a person to confirm it.
 *
 * Clustering (DBSCAN-style, incremental, Immich's way): a face not in a
 * group joins the group of its nearest neighbour within @eps; with no such
 * group, it and its ungrouped neighbours found a new group when they are
 * at least @min_faces; otherwise it waits. A group never holds two faces
 * of one photo. */
#pragma once

#include "at-catalog.h"

G_BEGIN_DECLS

typedef struct
{
  double strong;     /* 0.45 */
  double margin;     /* 0.05 */
  double weak;       /* 0.55 */
  double eps;        /* 0.50 */
  guint  min_faces;  /* 3 */
} AtFaceThresholds;

#define AT_FACE_THRESHOLDS_INIT { 0.45, 0.05, 0.55, 0.50, 3 }

/* Suggestions for every face not tagged or waiting; @strong: how many of
 * @suggested are strong. Blocking (one catalog write). */
gboolean at_face_match             (AtCatalog              *catalog,
                                    const AtFaceThresholds *thresholds,
                                    guint                  *suggested,
                                    guint                  *strong,
                                    GError                **error);
/* Groups the unknown faces; @grouped: faces that joined a group now.
 * Blocking (one catalog write). */
gboolean at_face_cluster           (AtCatalog              *catalog,
                                    const AtFaceThresholds *thresholds,
                                    guint                  *grouped,
                                    GError                **error);
/* The clustering itself: @labels[i] >= 0 is a face's group (kept), -1 none
 * yet; new groups take the next free numbers. @photo[i]: faces of one
 * photo never share a group. */
void     at_face_cluster_vectors   (const float            *vectors,
                                    const int              *photo,
                                    guint                   n,
                                    double                  eps,
                                    guint                   min_faces,
                                    int                    *labels);

G_END_DECLS
