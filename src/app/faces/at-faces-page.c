/* at-faces-page.c — AtFacesPage (see at-faces-page.h): the review queue and
 * the verdicts. Every verdict is a catalog write on a worker; the queue is
 * read again after it (a row showing the same faces as before is kept,
 * and the crops of the faces shown are reused), and the photos' sidecars
 * get the names. (Scanning,
 * the engine and the project switch: at-faces-page-scan.c.) */
#define G_LOG_DOMAIN "atelier"

#include "config.h"

#include <glib/gi18n.h>

#include "at-face-group-row.h"
#include "at-faces-page-private.h"
#include "at-toast.h"


G_DEFINE_FINAL_TYPE (AtFacesPage, at_faces_page, ADW_TYPE_BIN)

/* (a verdict on its way, or the queue being read after one: the rows
 * shown may still hold a face already decided on) */
gboolean
at_faces_page_is_busy (AtFacesPage *self)
{
  return self->busy || self->reading > 0;
}

guint
at_faces_page_get_n_rows (AtFacesPage *self,
                          gboolean     groups)
{
  return self->n_rows[groups ? 1 : 0];
}

/* ---- verdicts, on a worker ---- */

typedef enum { OP_CONFIRM, OP_REJECT, OP_CONFIRM_ALL, OP_NAME_FACE, OP_NAME_GROUP, OP_UNDO } OpKind;

typedef struct
{
  OpKind     kind;
  GPtrArray *faces;     /* face ids */
  GPtrArray *photos;    /* their photos' ids, for the sidecars */
  char      *person;
  char      *cluster;
  guint      done;
  AtFaceReviewSnapshot *before;   /* what undoes it (OP_UNDO: what it puts back) */
} Op;

static void
op_free (gpointer data)
{
  Op *op = data;

  g_ptr_array_unref (op->faces);
  g_ptr_array_unref (op->photos);
  g_clear_pointer (&op->before, at_face_review_snapshot_free);
  g_free (op->person);
  g_free (op->cluster);
  g_free (op);
}

static void
op_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  AtFacesPage *self = source;
  Op *op = data;
  GError *error = NULL;
  gboolean ok = TRUE;

  if (op->kind == OP_UNDO)
    {
      ok = at_face_review_restore (self->catalog, op->before, &error);
      op->done = ok;
    }
  else
    {
      /* (an array of ids with its NULL, for the snapshot) */
      g_autoptr(GPtrArray) ids = g_ptr_array_copy (op->faces, NULL, NULL);
      /* (a copy keeps the free function: these are borrowed) */
      g_ptr_array_set_free_func (ids, NULL);
      g_ptr_array_add (ids, NULL);
      if ((op->before = at_face_review_snapshot (self->catalog, (const char *const *) ids->pdata,
                                                 op->kind == OP_NAME_GROUP ? op->cluster : NULL, &error)) == NULL)
        ok = FALSE;
    }
  if (op->kind == OP_NAME_GROUP && ok)
    ok = at_face_review_cluster (self->catalog, op->cluster, op->person, TRUE, &op->done, &error);
  else if (op->kind != OP_UNDO)
    for (guint i = 0; ok && i < op->faces->len; i++)
      {
        g_autofree char *person = NULL;

        if (op->kind == OP_NAME_FACE && (person = at_face_person_ensure (self->catalog, op->person, &error)) == NULL)
          ok = FALSE;
        else
          ok = at_face_review (self->catalog, op->faces->pdata[i], person,
                               op->kind == OP_REJECT ? AT_FACE_REJECT : AT_FACE_CONFIRM, &error);
        op->done += ok;
      }
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void undo_last (AtFacesPage *self);

static void
op_done (GObject *source, GAsyncResult *result, gpointer data)
{
  AtFacesPage *self = AT_FACES_PAGE (source);
  Op *op = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  AdwToast *toast;

  self->busy = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      at_toast_show (GTK_WIDGET (self), error->message);
      _at_faces_page_reload (self);
      return;
    }
  if (self->xmp_writer != NULL)
    {
      g_autoptr(GPtrArray) ids = g_ptr_array_copy (op->photos, NULL, NULL);
      g_ptr_array_set_free_func (ids, NULL);
      g_ptr_array_add (ids, NULL);
      at_xmp_writer_queue (self->xmp_writer, (const char *const *) ids->pdata);
    }
  if (op->kind == OP_UNDO)
    message = g_strdup (_("Undone"));
  else if (op->kind == OP_REJECT)
    message = g_strdup (_("Not them: this face will not be suggested as them again"));
  else if (op->person != NULL)
    message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u face tagged as %s", "%u faces tagged as %s", op->done),
                               op->done, op->person);
  else
    message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u face confirmed", "%u faces confirmed", op->done),
                               op->done);
  /* what undoes it, by the toast's button or Ctrl+Z */
  g_clear_pointer (&self->undo, at_face_review_snapshot_free);
  g_clear_pointer (&self->undo_photos, g_ptr_array_unref);
  if (op->kind != OP_UNDO)
    {
      self->undo = g_steal_pointer (&op->before);
      self->undo_photos = g_ptr_array_ref (op->photos);
    }
  toast = at_toast_new (message);
  if (self->undo != NULL)
    {
      adw_toast_set_button_label (toast, _("_Undo"));
      g_signal_connect_object (toast, "button-clicked", G_CALLBACK (undo_last), self, G_CONNECT_SWAPPED);
    }
  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
  else
    g_object_unref (toast);
  /* (the last scan's summary gives way to what is left) */
  self->tell_left = TRUE;
  _at_faces_page_reload (self);
}

/* @row: where the faces are, for their photos */
static void
run_op (AtFacesPage *self, AtFaceGroupRow *row, OpKind kind, GPtrArray *faces, const char *person, const char *cluster)
{
  g_autoptr(GTask) task = NULL;
  Op *op = g_new0 (Op, 1);
  GPtrArray *items = at_face_group_row_get_items (row);

  op->photos = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < items->len; i++)
    {
      AtFaceItem *item = items->pdata[i];
      if (kind == OP_NAME_GROUP || g_ptr_array_find_with_equal_func (faces, item->face_id, g_str_equal, NULL))
        g_ptr_array_add (op->photos, g_strdup (item->photo_id));
    }
  op->kind = kind;
  op->faces = faces;
  op->person = g_strdup (person);
  op->cluster = g_strdup (cluster);
  self->busy = TRUE;
  task = g_task_new (self, self->cancellable, op_done, NULL);
  g_task_set_task_data (task, op, op_free);
  g_task_run_in_thread (task, op_thread);
}

static void
undo_last (AtFacesPage *self)
{
  g_autoptr(GTask) task = NULL;
  Op *op;

  if (at_faces_page_is_busy (self) || self->undo == NULL)
    return;
  op = g_new0 (Op, 1);
  op->kind = OP_UNDO;
  op->faces = g_ptr_array_new ();
  op->photos = g_steal_pointer (&self->undo_photos);
  op->before = g_steal_pointer (&self->undo);
  self->busy = TRUE;
  task = g_task_new (self, self->cancellable, op_done, NULL);
  g_task_set_task_data (task, op, op_free);
  g_task_run_in_thread (task, op_thread);
}

static void
undo_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  undo_last (AT_FACES_PAGE (widget));
}

static GPtrArray *
one_face (const char *id)
{
  GPtrArray *faces = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (faces, g_strdup (id));
  return faces;
}

static void
confirm_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  AtFacesPage *self = AT_FACES_PAGE (widget);
  AtFaceItem *item;

  if (at_faces_page_is_busy (self) || self->current == NULL || (item = at_face_group_row_get_selected (self->current)) == NULL)
    return;
  if (at_face_group_row_is_group (self->current))
    at_face_group_row_ask_name (self->current);
  else
    run_op (self, self->current, OP_CONFIRM, one_face (item->face_id), NULL, NULL);
}

static void
reject_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  AtFacesPage *self = AT_FACES_PAGE (widget);
  AtFaceItem *item;

  if (at_faces_page_is_busy (self) || self->current == NULL || at_face_group_row_is_group (self->current) ||
      (item = at_face_group_row_get_selected (self->current)) == NULL)
    return;
  run_op (self, self->current, OP_REJECT, one_face (item->face_id), NULL, NULL);
}

static void
confirm_all (AtFacesPage *self, AtFaceGroupRow *row)
{
  GPtrArray *items = at_face_group_row_get_items (row);
  GPtrArray *faces = g_ptr_array_new_with_free_func (g_free);

  if (at_faces_page_is_busy (self) || at_face_group_row_is_group (row))
    {
      g_ptr_array_unref (faces);
      return;
    }
  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add (faces, g_strdup (((AtFaceItem *) items->pdata[i])->face_id));
  run_op (self, row, OP_CONFIRM_ALL, faces, NULL, NULL);
}

static void
confirm_all_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  AtFacesPage *self = AT_FACES_PAGE (widget);

  if (self->current != NULL)
    confirm_all (self, self->current);
}

static void
name_action (GtkWidget *widget, const char *name, GVariant *parameter)
{
  AtFacesPage *self = AT_FACES_PAGE (widget);

  if (self->current != NULL)
    at_face_group_row_ask_name (self->current);
}

static void
row_named_cb (AtFaceGroupRow *row, const char *person, AtFacesPage *self)
{
  AtFaceItem *item = at_face_group_row_get_selected (row);

  if (at_faces_page_is_busy (self) || item == NULL)
    return;
  if (at_face_group_row_is_group (row))
    run_op (self, row, OP_NAME_GROUP, g_ptr_array_new (), person, item->cluster_id);
  else
    run_op (self, row, OP_NAME_FACE, one_face (item->face_id), person, NULL);
}

static void
row_picked_cb (AtFaceGroupRow *row, AtFacesPage *self)
{
  self->current = row;
}

static void
row_activated_cb (AtFaceGroupRow *row, AtFacesPage *self)
{
  self->current = row;
  confirm_action (GTK_WIDGET (self), NULL, NULL);
}

/* ---- the queue ---- */

/* What a row shows: the same key, the same row. */
static char *
run_key (GPtrArray *items)
{
  GString *key = g_string_new (NULL);

  for (guint i = 0; i < items->len; i++)
    {
      AtFaceItem *item = items->pdata[i];

      g_string_append_printf (key, "%s\x1f%s\x1f%s\x1f%s\x1f%.4f\x1e", item->face_id, item->person_id ? item->person_id : "",
                              item->person_name ? item->person_name : "", item->cluster_id ? item->cluster_id : "",
                              item->distance);
    }
  return g_string_free (key, FALSE);
}

/* The rows of @list leave it, into @rows (their key -> the row). */
static void
take_rows (GtkListBox *list, GHashTable *rows)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    {
      if (AT_IS_FACE_GROUP_ROW (child))
        g_hash_table_replace (rows, run_key (at_face_group_row_get_items (AT_FACE_GROUP_ROW (child))), g_object_ref (child));
      gtk_list_box_remove (list, child);
    }
}

/* One row per run of items with the same person (or group); their face
 * ids go in @shown. A row of @old that shows the same faces comes back
 * as it was (a decision changes one row or two: making them all again, a
 * thousand faces' worth, stopped the window at every key). */
static guint
fill (AtFacesPage *self, GtkListBox *list, GPtrArray *items, GHashTable *shown, GHashTable *old)
{
  guint rows = 0;

  for (guint i = 0; i < items->len;)
    {
      AtFaceItem *first = items->pdata[i];
      g_autoptr(GPtrArray) run = g_ptr_array_new_with_free_func ((GDestroyNotify) at_face_item_free);
      g_autofree char *key = NULL;
      g_autofree char *was_key = NULL;
      AtFaceGroupRow *row = NULL;

      while (i < items->len)
        {
          AtFaceItem *item = items->pdata[i];
          if (g_strcmp0 (item->person_id, first->person_id) != 0 || g_strcmp0 (item->cluster_id, first->cluster_id) != 0)
            break;
          /* (moved: the array below owns it now) */
          g_ptr_array_add (run, items->pdata[i]);
          items->pdata[i++] = NULL;
        }
      key = run_key (run);
      if (g_hash_table_steal_extended (old, key, (gpointer *) &was_key, (gpointer *) &row))
        {
          gtk_list_box_append (list, GTK_WIDGET (row));
          g_object_unref (row);
        }
      else
        {
          row = at_face_group_row_new (run, self->cache_dir, self->library, self->crops);
          g_signal_connect_object (row, "named", G_CALLBACK (row_named_cb), self, 0);
          g_signal_connect_object (row, "picked", G_CALLBACK (row_picked_cb), self, 0);
          g_signal_connect_object (row, "activated", G_CALLBACK (row_activated_cb), self, 0);
          g_signal_connect_object (row, "confirm-all", G_CALLBACK (confirm_all), self, G_CONNECT_SWAPPED);
          gtk_list_box_append (list, GTK_WIDGET (row));
        }
      /* (the row's own items: a row kept has its own, the same as these) */
      for (guint k = 0; k < at_face_group_row_get_items (row)->len; k++)
        g_hash_table_add (shown, ((AtFaceItem *) g_ptr_array_index (at_face_group_row_get_items (row), k))->face_id);
      rows++;
    }
  return rows;
}

static gboolean
not_in (gpointer key, gpointer value, gpointer set)
{
  return !g_hash_table_contains (set, key);
}

static void
tell_left (AtFacesPage *self)
{
  g_autofree char *review = self->n_waiting == 0 ? g_strdup (_("Nothing to review"))
                            : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u face to review", "%u faces to review",
                                                            self->n_waiting), self->n_waiting);
  g_autofree char *groups = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u group of faces alike",
                                                          "%u groups of faces alike", self->n_rows[1]), self->n_rows[1]);
  g_autofree char *left = self->n_rows[1] > 0 ? g_strdup_printf ("%s · %s", review, groups) : g_strdup (review);

  gtk_label_set_label (self->status_label, left);
}

/* The rows as @suggestions and @groups say (taken). */
static void
show_queue (AtFacesPage *self, GPtrArray *suggestions, GPtrArray *groups)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root ? gtk_root_get_focus (root) : NULL;
  /* (the keyboard stays where it was unless it was here) */
  gboolean had_focus = focus != NULL && (focus == GTK_WIDGET (self) || gtk_widget_is_ancestor (focus, GTK_WIDGET (self)));
  /* (the rows shown: those not kept go at the end) */
  g_autoptr(GHashTable) old = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);

  self->current = NULL;
  take_rows (self->suggestions_list, old);
  take_rows (self->groups_list, old);
  /* fill() takes the items it shows */
  g_ptr_array_set_free_func (suggestions, NULL);
  g_ptr_array_set_free_func (groups, NULL);
  self->n_waiting = suggestions->len;
  {
    /* (the crops of faces no longer shown go) */
    g_autoptr(GHashTable) shown = g_hash_table_new (g_str_hash, g_str_equal);

    self->n_rows[0] = fill (self, self->suggestions_list, suggestions, shown, old);
    self->n_rows[1] = fill (self, self->groups_list, groups, shown, old);
    g_hash_table_foreach_remove (self->crops, not_in, shown);
  }
  gtk_widget_set_visible (self->suggestions_title, self->n_rows[0] > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->suggestions_list), self->n_rows[0] > 0);
  gtk_widget_set_visible (self->groups_title, self->n_rows[1] > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->groups_list), self->n_rows[1] > 0);
  if (self->engine != NULL || self->n_rows[0] + self->n_rows[1] > 0)
    gtk_stack_set_visible_child_name (self->stack, self->n_rows[0] + self->n_rows[1] > 0 ? "queue" : "empty");
  /* the next face to decide on, under the keyboard */
  {
    GtkListBoxRow *first = gtk_list_box_get_row_at_index (self->n_rows[0] ? self->suggestions_list : self->groups_list, 0);
    if (first != NULL)
      {
        self->current = AT_FACE_GROUP_ROW (first);
        at_face_group_row_select_first (self->current, had_focus);
      }
  }
  if (self->tell_left)
    tell_left (self);
  self->tell_left = FALSE;
}

typedef struct
{
  AtFacesPage *page;   /* (owned) */
  guint        number;
} Read;

static void
queue_read (GObject *source, GAsyncResult *result, gpointer data)
{
  Read *read = data;
  g_autoptr(AtFacesPage) self = read->page;
  g_autoptr(GPtrArray) suggestions = NULL;
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok = at_face_queue_read_finish (result, &suggestions, &groups, &error);
  gboolean newest = read->number == self->last_read;

  g_free (read);
  self->reading--;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || !newest)
    return;
  if (!ok)
    {
      at_toast_show (GTK_WIDGET (self), error->message);
      return;
    }
  show_queue (self, suggestions, groups);
}

void
_at_faces_page_reload (AtFacesPage *self)
{
  Read *read = g_new0 (Read, 1);

  read->page = g_object_ref (self);
  read->number = ++self->last_read;
  self->reading++;
  at_face_queue_read_async (self->catalog, self->cancellable, queue_read, read);
}

const char *
at_faces_page_get_problem (AtFacesPage *self)
{
  g_return_val_if_fail (AT_IS_FACES_PAGE (self), NULL);
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "missing") != 0)
    return NULL;
  return adw_status_page_get_description (self->missing_page);
}

void
at_faces_page_set_xmp_writer (AtFacesPage *self,
                              AtXmpWriter *writer)
{
  g_return_if_fail (AT_IS_FACES_PAGE (self));
  g_set_object (&self->xmp_writer, writer);
}

void
at_faces_page_focus_queue (AtFacesPage *self)
{
  g_return_if_fail (AT_IS_FACES_PAGE (self));
  if (self->current != NULL)
    at_face_group_row_select_first (self->current, TRUE);
}

void
at_faces_page_setup (AtFacesPage *self,
                     AtCatalog   *catalog,
                     GSettings   *settings,
                     const char  *library,
                     const char  *models)
{
  g_return_if_fail (AT_IS_FACES_PAGE (self));
  g_set_object (&self->catalog, catalog);
  g_set_object (&self->settings, settings);
  g_free (self->library);
  self->library = g_strdup (library);
  _at_faces_page_load_projects (self);
  _at_faces_page_project_selected (self);
  _at_faces_page_reload (self);
  g_signal_connect_object (catalog, "changed", G_CALLBACK (_at_faces_page_catalog_changed), self, 0);
  g_free (self->models);
  self->models = g_strdup (models);
  /* the weights load when the page is shown, or when photos wait for a scan */
  if (gtk_widget_get_mapped (GTK_WIDGET (self)) || at_face_queue_unscanned (catalog) > 0)
    _at_faces_page_ensure_engine (self);
}

static void
at_faces_page_dispose (GObject *object)
{
  AtFacesPage *self = AT_FACES_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->look_id, g_source_remove);
  G_OBJECT_CLASS (at_faces_page_parent_class)->dispose (object);
}

static void
at_faces_page_finalize (GObject *object)
{
  AtFacesPage *self = AT_FACES_PAGE (object);

  g_clear_object (&self->catalog);
  g_clear_object (&self->settings);
  g_clear_object (&self->engine);
  g_clear_object (&self->xmp_writer);
  g_clear_pointer (&self->undo, at_face_review_snapshot_free);
  g_clear_pointer (&self->undo_photos, g_ptr_array_unref);
  g_clear_object (&self->cancellable);
  g_ptr_array_unref (self->project_ids);
  g_free (self->library);
  g_free (self->cache_dir);
  g_free (self->models);
  g_hash_table_unref (self->crops);
  G_OBJECT_CLASS (at_faces_page_parent_class)->finalize (object);
}

static void
at_faces_page_class_init (AtFacesPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = at_faces_page_dispose;
  G_OBJECT_CLASS (klass)->finalize = at_faces_page_finalize;
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/faces/at-faces-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AtFacesPage, project_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AtFacesPage, processing_switch);
  gtk_widget_class_bind_template_child (widget_class, AtFacesPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, AtFacesPage, progress);
  gtk_widget_class_bind_template_child (widget_class, AtFacesPage, scan_button);
  gtk_widget_class_bind_template_child (widget_class, AtFacesPage, stack);
  gtk_widget_class_bind_template_child (widget_class, AtFacesPage, missing_page);
  gtk_widget_class_bind_template_child (widget_class, AtFacesPage, suggestions_title);
  gtk_widget_class_bind_template_child (widget_class, AtFacesPage, suggestions_list);
  gtk_widget_class_bind_template_child (widget_class, AtFacesPage, groups_title);
  gtk_widget_class_bind_template_child (widget_class, AtFacesPage, groups_list);
  gtk_widget_class_bind_template_callback_full (widget_class, "scan_clicked_cb", G_CALLBACK (at_faces_page_scan));
  gtk_widget_class_bind_template_callback_full (widget_class, "project_selected_cb",
                                                G_CALLBACK (_at_faces_page_project_selected));
  gtk_widget_class_bind_template_callback_full (widget_class, "processing_cb", G_CALLBACK (_at_faces_page_processing));
  gtk_widget_class_install_action (widget_class, "faces.confirm", NULL, confirm_action);
  gtk_widget_class_install_action (widget_class, "faces.reject", NULL, reject_action);
  gtk_widget_class_install_action (widget_class, "faces.confirm-all", NULL, confirm_all_action);
  gtk_widget_class_install_action (widget_class, "faces.name", NULL, name_action);
  gtk_widget_class_install_action (widget_class, "faces.undo", NULL, undo_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "faces.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "faces.reject", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_BackSpace, 0, "faces.reject", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_SHIFT_MASK, "faces.confirm-all", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_SHIFT_MASK, "faces.confirm-all", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, 0, "faces.name", NULL);
}

static void
at_faces_page_init (AtFacesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self, "map", G_CALLBACK (_at_faces_page_ensure_engine), NULL);
  self->project_ids = g_ptr_array_new_with_free_func (g_free);
  self->cancellable = g_cancellable_new ();
  self->cache_dir = at_preview_default_cache_dir ();
  self->crops = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  gtk_widget_set_sensitive (self->scan_button, FALSE);
}
