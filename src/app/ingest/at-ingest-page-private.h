/* at-ingest-page-private.h — AtIngestPage's state, shared by its files:
 * at-ingest-page.c (the object and the running view) and
 * at-ingest-page-setup.c (sources, destination, templates, clocks). */
#pragma once

#include "at-ingest-page.h"

G_BEGIN_DECLS

struct _AtIngestPage
{
  AdwBin          parent_instance;

  AtCatalog      *catalog;
  GSettings      *settings;
  AtCardMonitor  *monitor;
  char           *library;
  char           *cache_dir;
  GListStore     *landed;
  GCancellable   *cancellable;
  gboolean        running;
  gboolean        stopped_early;     /* the last import did not finish: Import resumes it */
  gint64          started;
  char           *result;
  GPtrArray      *running_sources;   /* AtIngestSource* */

  GtkStack       *stack;
  GtkListBox     *sources_list;
  AdwActionRow   *library_row;
  AdwActionRow   *backup_row;
  AdwEntryRow    *project_row;
  AdwEntryRow    *template_row;
  AdwEntryRow    *folder_template_row;
  AdwActionRow   *example_row;
  GtkButton      *start_button;
  GtkWidget      *clocks_group;
  GtkListBox     *clocks_list;
  GHashTable     *clock_offsets;     /* body serial -> gint64 seconds (boxed) */
  GtkLabel       *running_title;
  GtkProgressBar *progress_bar;
  GtkLabel       *progress_label;
  GtkGridView    *landed_grid;
  GtkWidget      *problems_scroller;
  GtkListBox     *problems_list;
  GtkWidget      *cancel_button;
  GtkWidget      *done_button;
  GtkWidget      *eject_button;
  GtkWidget      *resume_button;
};

GPtrArray *_at_ingest_page_active_sources (AtIngestPage *self);
void       _at_ingest_page_update_start   (AtIngestPage *self);
void       _at_ingest_page_template_changed (AtIngestPage *self);
void       _at_ingest_page_add_folder_clicked (AtIngestPage *self);
void       _at_ingest_page_bind_sources   (AtIngestPage *self);
void       _at_ingest_page_update_destinations (AtIngestPage *self);

G_END_DECLS
