/* at-faces-page-private.h — what the Faces page's files share: the queue
 * and verdicts (at-faces-page.c), scanning and the engine
 * (at-faces-page-scan.c). */
#pragma once

#include "at-face-group-row.h"
#include "at-faces-page.h"

G_BEGIN_DECLS

struct _AtFacesPage
{
  AdwBin          parent_instance;
  GtkDropDown    *project_dropdown;
  GtkSwitch      *processing_switch;
  GtkLabel       *status_label;
  GtkProgressBar *progress;
  GtkWidget      *scan_button;
  GtkStack       *stack;
  AdwStatusPage  *missing_page;
  GtkWidget      *suggestions_title;
  GtkListBox     *suggestions_list;
  GtkWidget      *groups_title;
  GtkListBox     *groups_list;

  AtCatalog      *catalog;
  GSettings      *settings;
  char           *library;
  char           *cache_dir;
  AtFaceEngine   *engine;       /* loaded when first needed: ~50 MB of weights */
  char           *models;
  gboolean        engine_asked;  /* loading, loaded or failed */
  AtXmpWriter    *xmp_writer;
  AtFaceReviewSnapshot *undo;   /* the last verdict, undone by Ctrl+Z */
  GPtrArray      *undo_photos;   /* sidecars get the confirmed names; NULL: none written */
  GPtrArray      *project_ids;
  GCancellable   *cancellable;
  GHashTable     *crops;        /* face id -> GdkTexture, of the faces shown */
  AtFaceGroupRow *current;      /* the row last picked in */
  gboolean        busy;          /* a verdict on its way */
  guint           reading;       /* queue reads on their way */
  guint           last_read;     /* the newest read's number: an older one's lists are stale */
  gboolean        tell_left;     /* the next read's lists say in the status what is left */
  gboolean        updating;
  guint           look_id;
  guint           n_rows[2];
  guint           n_waiting;     /* suggestions shown */
};

/* Reads the queue again, on a worker; the rows follow when it is read. */
void _at_faces_page_reload           (AtFacesPage *self);
void _at_faces_page_load_projects    (AtFacesPage *self);
void _at_faces_page_project_selected (AtFacesPage *self);
void _at_faces_page_processing       (AtFacesPage *self);
/* Loads the engine once, on a worker, unless it is (being) loaded; a scan
 * follows when photos wait for one. */
void _at_faces_page_ensure_engine    (AtFacesPage *self);
void _at_faces_page_catalog_changed  (AtCatalog   *catalog,
                                      const char  *table,
                                      AtFacesPage *self);

G_END_DECLS
