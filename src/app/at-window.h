/* at-window.h — the main window: sidebar of sections, one page each. */
#pragma once

#include <adwaita.h>

#include "at-application.h"

G_BEGIN_DECLS

#define AT_TYPE_WINDOW (at_window_get_type ())
G_DECLARE_FINAL_TYPE (AtWindow, at_window, AT, WINDOW, AdwApplicationWindow)

AtWindow   *at_window_new             (AtApplication *app,
                                       AtCatalog     *catalog);
void        at_window_set_section     (AtWindow      *self,
                                       const char    *section);
const char *at_window_get_section     (AtWindow      *self);
AtSyncService *at_window_get_sync_service (AtWindow *self);
GtkWidget  *at_window_get_section_page (AtWindow     *self,
                                        const char   *section);
const char *at_window_get_subtitle    (AtWindow      *self);
void        at_window_show_error      (AtWindow      *self,
                                       const char    *heading,
                                       const char    *body);
void        at_window_check_library   (AtWindow      *self);
void        at_window_refresh_counts  (AtWindow      *self);

/* The sections, in sidebar order. */
const char *const *at_window_list_sections (guint *n_sections);

G_END_DECLS
