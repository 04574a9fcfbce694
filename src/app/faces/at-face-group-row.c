/* at-face-group-row.c — AtFaceGroupRow: a title (the person, or "Unnamed
 * group"), what to do, and the faces as 96-pixel crops. The crops are cut
 * on a worker thread from the cached previews, each shown as soon as it is
 * cut; until then a face shows an empty frame. The page keeps the crops of the faces it shows: the rows
 * it makes again after each decision cut only the faces new to it. */
#define G_LOG_DOMAIN "atelier"

#include "config.h"

#include <glib/gi18n.h>

#include "at-face-group-row.h"

#define CROP 96

struct _AtFaceGroupRow
{
  GtkListBoxRow  parent_instance;
  GtkLabel      *title_label;
  GtkLabel      *subtitle_label;
  GtkWidget     *confirm_button;
  GtkMenuButton *name_button;
  GtkPopover    *name_popover;
  GtkEntry      *name_entry;
  GtkFlowBox    *flow;
  GPtrArray     *items;
  GPtrArray     *pictures;
  char          *cache_dir;
  char          *library;
  GHashTable    *crops;       /* face id -> GdkTexture, the page's */
  GArray        *to_cut;      /* indexes of the items not in it */
  GCancellable  *cancellable;
};

G_DEFINE_FINAL_TYPE (AtFaceGroupRow, at_face_group_row, GTK_TYPE_LIST_BOX_ROW)

enum { CONFIRM_ALL, NAMED, PICKED, ACTIVATED, N_SIGNALS };
static guint signals[N_SIGNALS];

gboolean
at_face_group_row_is_group (AtFaceGroupRow *self)
{
  return ((AtFaceItem *) self->items->pdata[0])->cluster_id != NULL;
}

GPtrArray *
at_face_group_row_get_items (AtFaceGroupRow *self)
{
  return self->items;
}

AtFaceItem *
at_face_group_row_get_selected (AtFaceGroupRow *self)
{
  g_autoptr(GList) selected = gtk_flow_box_get_selected_children (self->flow);

  if (selected == NULL)
    return self->items->len > 0 ? self->items->pdata[0] : NULL;
  return self->items->pdata[gtk_flow_box_child_get_index (selected->data)];
}

void
at_face_group_row_select_first (AtFaceGroupRow *self,
                                gboolean        grab_focus)
{
  GtkFlowBoxChild *first = gtk_flow_box_get_child_at_index (self->flow, 0);

  if (first == NULL)
    return;
  gtk_flow_box_select_child (self->flow, first);
  if (grab_focus)
    gtk_widget_grab_focus (GTK_WIDGET (first));
}

void
at_face_group_row_ask_name (AtFaceGroupRow *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->name_entry), "");
  gtk_menu_button_popup (self->name_button);
  gtk_widget_grab_focus (GTK_WIDGET (self->name_entry));
}

static void
confirm_all_cb (AtFaceGroupRow *self)
{
  g_signal_emit (self, signals[CONFIRM_ALL], 0);
}

static void
name_activate_cb (AtFaceGroupRow *self)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_entry))));

  if (*name == '\0')
    return;
  gtk_popover_popdown (self->name_popover);
  g_signal_emit (self, signals[NAMED], 0, name);
}

static void
selection_cb (AtFaceGroupRow *self)
{
  g_signal_emit (self, signals[PICKED], 0);
}

/* Enter on a face (the flow box takes the key) */
static void
activated_cb (AtFaceGroupRow *self, GtkFlowBoxChild *child)
{
  gtk_flow_box_select_child (self->flow, child);
  g_signal_emit (self, signals[ACTIVATED], 0);
}

/* ---- crops ---- */

/* One face's crop, on its way to the window. */
typedef struct
{
  AtFaceGroupRow *row;
  guint           at;      /* the item's index */
  GBytes         *crop;
} Cut;

static void
cut_free (gpointer data)
{
  Cut *cut = data;

  g_object_unref (cut->row);
  g_bytes_unref (cut->crop);
  g_free (cut);
}

static gboolean
show_cut (gpointer data)
{
  Cut *cut = data;
  AtFaceGroupRow *self = cut->row;
  GdkTexture *texture;

  if (g_cancellable_is_cancelled (self->cancellable) || g_bytes_get_size (cut->crop) != CROP * CROP * 3)
    return G_SOURCE_REMOVE;
  texture = gdk_memory_texture_new (CROP, CROP, GDK_MEMORY_R8G8B8, cut->crop, CROP * 3);
  gtk_picture_set_paintable (self->pictures->pdata[cut->at], GDK_PAINTABLE (texture));
  g_hash_table_replace (self->crops, g_strdup (((AtFaceItem *) self->items->pdata[cut->at])->face_id), texture);
  return G_SOURCE_REMOVE;
}

/* Each crop goes to the window as soon as it is cut: a group of hundreds
 * of faces shows its first ones at once, not all of them after the last. */
static void
crops_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  AtFaceGroupRow *self = source;

  for (guint i = 0; i < self->to_cut->len && !g_cancellable_is_cancelled (cancellable); i++)
    {
      guint at = g_array_index (self->to_cut, guint, i);
      AtFaceItem *item = self->items->pdata[at];
      g_autofree char *preview = at_preview_path (self->cache_dir, item->content_hash, AT_PREVIEW_LARGE);
      g_autofree char *original = g_build_filename (self->library, item->library_path, NULL);
      g_autoptr(GError) error = NULL;
      GBytes *crop = at_face_crop (g_file_test (preview, G_FILE_TEST_IS_REGULAR) ? preview : original, item->box, CROP,
                                   &error);
      Cut *cut;

      if (crop == NULL)
        {
          g_debug ("no crop of face %s: %s", item->face_id, error->message);
          continue;
        }
      cut = g_new0 (Cut, 1);
      cut->row = g_object_ref (self);
      cut->at = at;
      cut->crop = crop;
      g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, show_cut, cut, cut_free);
    }
  g_task_return_boolean (task, TRUE);
}

guint
at_face_group_row_get_n_cut (AtFaceGroupRow *self)
{
  return self->to_cut->len;
}

AtFaceGroupRow *
at_face_group_row_new (GPtrArray  *items,
                       const char *cache_dir,
                       const char *library,
                       GHashTable *crops)
{
  AtFaceGroupRow *self = g_object_new (AT_TYPE_FACE_GROUP_ROW, NULL);
  AtFaceItem *first = items->pdata[0];
  g_autoptr(GTask) task = NULL;

  self->items = g_ptr_array_ref (items);
  self->cache_dir = g_strdup (cache_dir);
  self->library = g_strdup (library);
  self->crops = g_hash_table_ref (crops);
  if (first->cluster_id != NULL)
    {
      gtk_label_set_label (self->title_label, _("Unnamed group"));
      gtk_label_set_label (self->subtitle_label,
                           g_dngettext (GETTEXT_PACKAGE, "One face alike. Name it to tag it.",
                                        "These faces look alike. Name them to tag them all.", items->len));
      gtk_widget_set_visible (self->confirm_button, FALSE);
    }
  else
    {
      g_autofree char *subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u face suggested · Enter confirms, "
                                                                "Delete rejects, N names someone else",
                                                                "%u faces suggested · Enter confirms, Delete rejects, "
                                                                "N names someone else", items->len), items->len);
      gtk_label_set_label (self->title_label, first->person_name);
      gtk_label_set_label (self->subtitle_label, subtitle);
      gtk_menu_button_set_label (self->name_button, _("_Someone Else…"));
    }
  for (guint i = 0; i < items->len; i++)
    {
      AtFaceItem *item = items->pdata[i];
      GtkWidget *picture = gtk_picture_new ();
      GtkWidget *frame = gtk_frame_new (NULL);

      gtk_widget_set_size_request (picture, CROP, CROP);
      gtk_picture_set_can_shrink (GTK_PICTURE (picture), FALSE);
      gtk_frame_set_child (GTK_FRAME (frame), picture);
      if (item->cluster_id == NULL)
        {
          g_autofree char *tip = g_strdup_printf (_("%s? Distance %.2f"), item->person_name, item->distance);
          gtk_widget_set_tooltip_text (frame, tip);
        }
      gtk_flow_box_append (self->flow, frame);
      g_ptr_array_add (self->pictures, picture);
      if (g_hash_table_contains (crops, item->face_id))
        gtk_picture_set_paintable (GTK_PICTURE (picture), g_hash_table_lookup (crops, item->face_id));
      else
        g_array_append_val (self->to_cut, i);
    }
  self->cancellable = g_cancellable_new ();
  if (self->to_cut->len > 0)
    {
      task = g_task_new (self, self->cancellable, NULL, NULL);
      g_task_run_in_thread (task, crops_thread);
    }
  return self;
}

static void
at_face_group_row_dispose (GObject *object)
{
  AtFaceGroupRow *self = AT_FACE_GROUP_ROW (object);

  g_cancellable_cancel (self->cancellable);
  G_OBJECT_CLASS (at_face_group_row_parent_class)->dispose (object);
}

static void
at_face_group_row_finalize (GObject *object)
{
  AtFaceGroupRow *self = AT_FACE_GROUP_ROW (object);

  g_clear_object (&self->cancellable);
  g_ptr_array_unref (self->items);
  g_ptr_array_unref (self->pictures);
  g_free (self->cache_dir);
  g_free (self->library);
  g_hash_table_unref (self->crops);
  g_array_unref (self->to_cut);
  G_OBJECT_CLASS (at_face_group_row_parent_class)->finalize (object);
}

static void
at_face_group_row_class_init (AtFaceGroupRowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = at_face_group_row_dispose;
  G_OBJECT_CLASS (klass)->finalize = at_face_group_row_finalize;
  signals[CONFIRM_ALL] = g_signal_new ("confirm-all", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                       G_TYPE_NONE, 0);
  signals[NAMED] = g_signal_new ("named", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                 1, G_TYPE_STRING);
  signals[PICKED] = g_signal_new ("picked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                  0);
  signals[ACTIVATED] = g_signal_new ("activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                     G_TYPE_NONE, 0);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/faces/at-face-group-row.ui");
  gtk_widget_class_bind_template_child (widget_class, AtFaceGroupRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, AtFaceGroupRow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, AtFaceGroupRow, confirm_button);
  gtk_widget_class_bind_template_child (widget_class, AtFaceGroupRow, name_button);
  gtk_widget_class_bind_template_child (widget_class, AtFaceGroupRow, name_popover);
  gtk_widget_class_bind_template_child (widget_class, AtFaceGroupRow, name_entry);
  gtk_widget_class_bind_template_child (widget_class, AtFaceGroupRow, flow);
  gtk_widget_class_bind_template_callback (widget_class, confirm_all_cb);
  gtk_widget_class_bind_template_callback (widget_class, name_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, selection_cb);
  gtk_widget_class_bind_template_callback (widget_class, activated_cb);
}

static void
at_face_group_row_init (AtFaceGroupRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->pictures = g_ptr_array_new ();
  self->to_cut = g_array_new (FALSE, FALSE, sizeof (guint));
}
