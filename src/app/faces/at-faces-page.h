/* at-faces-page.h — the Faces section: switching face processing on for a
 * project, scanning with progress, and the review queue (suggestions by
 * person, closest first; groups of faces alike) with the keyboard. */
#pragma once

#include <adwaita.h>

#include "at-core.h"

G_BEGIN_DECLS

#define AT_TYPE_FACES_PAGE (at_faces_page_get_type ())
G_DECLARE_FINAL_TYPE (AtFacesPage, at_faces_page, AT, FACES_PAGE, AdwBin)

/* @settings: the distances matching and grouping use; @models: the face
 * models' folder (NULL: the default). */
void     at_faces_page_setup       (AtFacesPage *self,
                                    AtCatalog   *catalog,
                                    GSettings   *settings,
                                    const char  *library,
                                    const char  *models);
/* Sidecars that get the names a person confirms (NULL: none). */
void     at_faces_page_set_xmp_writer (AtFacesPage *self,
                                       AtXmpWriter *writer);
/* Scans what is left, then matches and groups. */
void     at_faces_page_scan        (AtFacesPage *self);
gboolean at_faces_page_is_busy     (AtFacesPage *self);
/* The keyboard on the first face waiting (Enter, Delete, Shift+Enter, N). */
void     at_faces_page_focus_queue (AtFacesPage *self);
/* Why faces cannot be found (the models missing or altered), or NULL. */
const char *at_faces_page_get_problem (AtFacesPage *self);
/* (for the tests) rows of suggestions and of groups shown */
guint    at_faces_page_get_n_rows  (AtFacesPage *self,
                                    gboolean     groups);

G_END_DECLS
