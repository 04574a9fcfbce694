/* at-choice-list.h — a GtkDropDown over AtFilterChoice values, shared by
 * the filter and album popovers; and one over the projects, shared by the
 * Transfers popover and the Faces page. */
#pragma once

#include <gtk/gtk.h>

#include "at-core.h"

G_BEGIN_DECLS

/* Fills @list with @any (if not NULL) then every label; selects @keep's row
 * if it is there, else the first. */
void        at_choice_list_fill   (GtkDropDown   *choice,
                                   GtkStringList *list,
                                   const char    *any,
                                   GPtrArray     *values,
                                   const char    *keep);
/* The value behind the selection; NULL for @any's row or nothing. */
const char *at_choice_list_chosen (GtkDropDown   *choice,
                                   gboolean       has_any,
                                   GPtrArray     *values);
gboolean    at_choice_list_select (GtkDropDown   *choice,
                                   gboolean       has_any,
                                   GPtrArray     *values,
                                   const char    *value);

/* Fills @choice with the catalog's projects ("number · name") and @ids
 * (emptied first) with their ids, row for row. */
void        at_choice_list_fill_projects (GtkDropDown *choice,
                                          GPtrArray   *ids,
                                          AtCatalog   *catalog);

G_END_DECLS
