/* at-face-group-row.h — one row of the Faces page: the faces suggested as
 * one person, or one group of unknown faces, as crops to pick from. */
#pragma once

#include <gtk/gtk.h>

#include "at-core.h"

G_BEGIN_DECLS

#define AT_TYPE_FACE_GROUP_ROW (at_face_group_row_get_type ())
G_DECLARE_FINAL_TYPE (AtFaceGroupRow, at_face_group_row, AT, FACE_GROUP_ROW, GtkListBoxRow)

/* @items: AtFaceItem of one person's suggestions or one group (kept);
 * the crops are taken from @crops (face id -> GdkTexture), else cut from
 * the previews in @cache_dir (else the originals in @library) on a worker
 * and added to it. */
AtFaceGroupRow *at_face_group_row_new          (GPtrArray      *items,
                                                const char     *cache_dir,
                                                const char     *library,
                                                GHashTable     *crops);
/* How many of its faces it had to cut (not in @crops). */
guint           at_face_group_row_get_n_cut    (AtFaceGroupRow *self);
gboolean        at_face_group_row_is_group     (AtFaceGroupRow *self);
GPtrArray      *at_face_group_row_get_items    (AtFaceGroupRow *self);
/* The face picked in the row (the first if none is), or NULL. */
AtFaceItem     *at_face_group_row_get_selected (AtFaceGroupRow *self);
void            at_face_group_row_select_first (AtFaceGroupRow *self,
                                                gboolean        grab_focus);
/* Opens the popover that names the group, or reassigns the picked face. */
void            at_face_group_row_ask_name     (AtFaceGroupRow *self);

G_END_DECLS
