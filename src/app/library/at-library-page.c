/* at-library-page.c — AtLibraryPage: the photo grid, or an empty state.
 *
 * Model chain: AtPhotoList (pages rows from SQLite) → GtkMultiSelection →
 * GtkGridView, so the grid only ever asks for the rows it shows.
 *
 * Culling: the "library.*" actions (at-library-page-actions.c), bound to
 * the keys photographers know (0–5 stars, 6–9 colour labels, P pick, X
 * reject, U unflag, Ctrl+Z undo, Shift+Ctrl+Z redo), act on the selection
 * through AtCulling: the cells show the change at once, the catalog gets
 * it behind.
 */
#define G_LOG_DOMAIN "atelier"

#include "config.h"

#include <glib/gi18n.h>

#include "at-library-page-private.h"
#include "at-toast.h"


enum { PROP_0, PROP_AUTO_ADVANCE, N_PROPS };
static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (AtLibraryPage, at_library_page, ADW_TYPE_BIN)

/* A right click opens the culling menu (Purple lives there) over the
 * selection; a click on an unselected photo selects it first. */
static void
secondary_click_cb (GtkGestureClick *gesture,
                    int              n_press,
                    double           x,
                    double           y,
                    AtLibraryPage   *self)
{
  GtkWidget *grid = GTK_WIDGET (self->grid);
  GtkWidget *picked = gtk_widget_pick (grid, x, y, GTK_PICK_DEFAULT);
  graphene_point_t at;

  for (; picked != NULL && picked != grid; picked = gtk_widget_get_parent (picked))
    if (AT_IS_PHOTO_CELL (picked))
      {
        guint position = at_photo_cell_get_position (AT_PHOTO_CELL (picked));
        if (position != GTK_INVALID_LIST_POSITION && !gtk_selection_model_is_selected (self->selection, position))
          gtk_selection_model_select_item (self->selection, position, TRUE);
        break;
      }
  if (!gtk_widget_compute_point (grid, GTK_WIDGET (self), &GRAPHENE_POINT_INIT (x, y), &at))
    return;
  gtk_popover_set_pointing_to (GTK_POPOVER (self->photo_popover), &(GdkRectangle) { (int) at.x, (int) at.y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->photo_popover));
}

static gboolean
value_to_int (GBinding     *binding,
              const GValue *from,
              GValue       *to,
              gpointer      data)
{
  g_value_set_int (to, (int) g_value_get_double (from));
  return TRUE;
}

/* Rows inserted before a cell move it without a new bind. */
static void
position_changed_cb (GtkListItem *item)
{
  GtkWidget *cell = gtk_list_item_get_child (item);

  if (cell != NULL)
    at_photo_cell_set_position (AT_PHOTO_CELL (cell), gtk_list_item_get_position (item));
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          AtLibraryPage            *self)
{
  GtkWidget *cell = at_photo_cell_new (self->loader);

  /* the size slider reaches every cell the grid makes, now and later */
  g_object_bind_property_full (self->size_adjustment, "value", cell, "thumbnail-size", G_BINDING_SYNC_CREATE,
                               value_to_int, NULL, NULL, NULL);
  gtk_list_item_set_child (item, cell);
  g_signal_connect (item, "notify::position", G_CALLBACK (position_changed_cb), NULL);
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item,
         gpointer                  user_data)
{
  at_photo_cell_set_photo (AT_PHOTO_CELL (gtk_list_item_get_child (item)),
                           gtk_list_item_get_item (item));
  at_photo_cell_set_position (AT_PHOTO_CELL (gtk_list_item_get_child (item)), gtk_list_item_get_position (item));
}

static void
unbind_cb (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  at_photo_cell_set_photo (AT_PHOTO_CELL (gtk_list_item_get_child (item)), NULL);
}

void
_at_library_page_update_stack (AtLibraryPage *self)
{
  guint n = self->photos ? g_list_model_get_n_items (G_LIST_MODEL (self->photos)) : 0;
  g_autofree char *count = NULL;

  /* an empty catalog says how to fill it; an empty filter result how to widen it */
  gtk_stack_set_visible_child_name (self->stack, n > 0 || self->filtered ? "grid" : "empty");
  if (g_str_equal (gtk_stack_get_visible_child_name (self->results_stack), "photos") ||
      g_str_equal (gtk_stack_get_visible_child_name (self->results_stack), "no-match") || n == 0)
    gtk_stack_set_visible_child_name (self->results_stack, n > 0 ? "photos" : "no-match");
  count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u photo", "%u photos", n), n);
  gtk_label_set_label (self->count_label, count);
}

/* The filter bar, read into an AtPhotoFilter for the list. */
static void
filter_changed_cb (AtLibraryPage *self)
{
  static const AtFlag flags[] = { AT_FLAG_NONE, AT_FLAG_PICKED, AT_FLAG_REJECTED, AT_FLAG_NONE };
  static const AtPhotoSort sorts[] = { AT_PHOTO_SORT_CAPTURE_TIME, AT_PHOTO_SORT_NAME, AT_PHOTO_SORT_RATING };
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  guint label = gtk_drop_down_get_selected (self->label_filter);
  guint flag = gtk_drop_down_get_selected (self->flag_filter);
  guint sort = gtk_drop_down_get_selected (self->sort_order);
  g_autofree char *more = NULL;
  AtPhotoFilter filter;
  guint n_more;

  if (self->photos == NULL)
    return;
  at_photo_filter_init (&filter);
  filter.rating_min = (int) MIN (gtk_drop_down_get_selected (self->rating_filter), 5);
  /* the list: Any, Red … Purple, No Label */
  filter.has_label = label > 0 && label != GTK_INVALID_LIST_POSITION;
  filter.label = label >= 1 && label <= 5 ? (AtLabel) label : AT_LABEL_NONE;
  filter.has_flag = flag > 0 && flag < G_N_ELEMENTS (flags);
  filter.flag = filter.has_flag ? flags[flag] : AT_FLAG_NONE;
  filter.text = text != NULL && *text != '\0' ? g_strdup (text) : NULL;
  at_filter_popover_fill (self->filter_popover, &filter);
  n_more = at_filter_popover_get_n_active (self->filter_popover);
  more = n_more > 0 ? g_strdup_printf (_("_More (%u)"), n_more) : g_strdup (_("_More"));
  gtk_menu_button_set_label (self->more_filters_button, more);
  self->filtered = filter.rating_min > 0 || filter.has_label || filter.has_flag || filter.text != NULL || n_more > 0;
  at_photo_list_set_sort (self->photos, sort < G_N_ELEMENTS (sorts) ? sorts[sort] : AT_PHOTO_SORT_CAPTURE_TIME);
  at_photo_list_set_filter (self->photos, &filter);
  at_photo_filter_clear (&filter);
  _at_library_page_update_stack (self);
}

static void
clear_filters_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  AtLibraryPage *self = AT_LIBRARY_PAGE (widget);

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_drop_down_set_selected (self->rating_filter, 0);
  gtk_drop_down_set_selected (self->label_filter, 0);
  gtk_drop_down_set_selected (self->flag_filter, 0);
  at_filter_popover_clear (self->filter_popover);
  filter_changed_cb (self);
}

void
_at_library_page_toast (AtLibraryPage *self,
                        const char    *text)
{
  at_toast_show (GTK_WIDGET (self), text);
}

AtFilterPopover *
at_library_page_get_filter_popover (AtLibraryPage *self)
{
  g_return_val_if_fail (AT_IS_LIBRARY_PAGE (self), NULL);
  return self->filter_popover;
}

/* New albums and cameras since the last look. */
static void
filter_popover_show_cb (AtLibraryPage *self)
{
  if (self->photos != NULL)
    at_filter_popover_reload (self->filter_popover, at_photo_list_get_catalog (self->photos));
}

static void
album_popover_show_cb (AtLibraryPage *self)
{
  if (self->photos != NULL)
    at_album_popover_reload (self->album_popover, at_photo_list_get_catalog (self->photos), NULL);
}

AtAlbumPopover *
at_library_page_get_album_popover (AtLibraryPage *self)
{
  g_return_val_if_fail (AT_IS_LIBRARY_PAGE (self), NULL);
  return self->album_popover;
}

static void
culling_changed_cb (AtCulling     *culling,
                    char         **ids,
                    AtCullState   *states,
                    AtLibraryPage *self)
{
  at_photo_list_apply_states (self->photos, (const char *const *) ids, states);
  if (self->xmp_writer != NULL)
    at_xmp_writer_queue (self->xmp_writer, (const char *const *) ids);
}

/* A write that failed (a full disk) is said, and the grid goes back to
 * what the catalog holds. */
static void
culling_written_cb (AtCulling     *culling,
                    char         **ids,
                    const GError  *error,
                    AtLibraryPage *self)
{
  at_photo_list_states_written (self->photos, (const char *const *) ids, error == NULL);
  if (error != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Ratings, labels and picks were not saved: %s"), error->message);
      at_toast_show (GTK_WIDGET (self), text);
    }
}

/* Culling decisions reach sidecars through @writer from now on. */
void
at_library_page_set_xmp_writer (AtLibraryPage *self,
                                AtXmpWriter   *writer)
{
  g_return_if_fail (AT_IS_LIBRARY_PAGE (self));
  g_set_object (&self->xmp_writer, writer);
}

AtXmpWriter *
at_library_page_get_xmp_writer (AtLibraryPage *self)
{
  g_return_val_if_fail (AT_IS_LIBRARY_PAGE (self), NULL);
  return self->xmp_writer;
}

static void
history_changed_cb (AtLibraryPage *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "library.undo", self->culling && at_culling_can_undo (self->culling));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "library.redo", self->culling && at_culling_can_redo (self->culling));
}

/**
 * at_library_page_set_catalog:
 * @library: (nullable): the library folder, to make thumbnails the cache lacks
 */
void
at_library_page_set_catalog (AtLibraryPage *self,
                             AtCatalog     *catalog,
                             const char    *library)
{
  g_return_if_fail (AT_IS_LIBRARY_PAGE (self));
  g_return_if_fail (AT_IS_CATALOG (catalog));

  if (self->photos != NULL)
    g_signal_handlers_disconnect_by_data (self->photos, self);
  if (self->culling != NULL)
    g_signal_handlers_disconnect_by_data (self->culling, self);
  g_clear_object (&self->photos);
  g_clear_object (&self->culling);
  g_clear_object (&self->selection);
  g_set_object (&self->loader, NULL);
  self->loader = at_thumbnail_loader_new (library, NULL);
  g_free (self->library);
  self->library = g_strdup (library);
  self->photos = at_photo_list_new (catalog);
  self->culling = at_culling_new (catalog);
  g_signal_connect_swapped (self->photos, "notify::n-items", G_CALLBACK (_at_library_page_update_stack), self);
  g_signal_connect (self->culling, "changed", G_CALLBACK (culling_changed_cb), self);
  g_signal_connect (self->culling, "written", G_CALLBACK (culling_written_cb), self);
  g_signal_connect_swapped (self->culling, "notify::can-undo", G_CALLBACK (history_changed_cb), self);
  g_signal_connect_swapped (self->culling, "notify::can-redo", G_CALLBACK (history_changed_cb), self);
  self->selection = GTK_SELECTION_MODEL (gtk_multi_selection_new (G_LIST_MODEL (g_object_ref (self->photos))));
  gtk_grid_view_set_model (self->grid, self->selection);
  at_filter_popover_reload (self->filter_popover, catalog);
  at_album_popover_reload (self->album_popover, catalog, NULL);
  filter_changed_cb (self);
  _at_library_page_update_stack (self);
  history_changed_cb (self);
}

AtCulling *
at_library_page_get_culling (AtLibraryPage *self)
{
  g_return_val_if_fail (AT_IS_LIBRARY_PAGE (self), NULL);
  return self->culling;
}

GListModel *
at_library_page_get_photos (AtLibraryPage *self)
{
  g_return_val_if_fail (AT_IS_LIBRARY_PAGE (self), NULL);
  return G_LIST_MODEL (self->photos);
}

GtkGridView *
at_library_page_get_grid (AtLibraryPage *self)
{
  g_return_val_if_fail (AT_IS_LIBRARY_PAGE (self), NULL);
  return self->grid;
}

static void
at_library_page_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  AtLibraryPage *self = AT_LIBRARY_PAGE (object);

  switch (prop_id)
    {
    case PROP_AUTO_ADVANCE: g_value_set_boolean (value, self->auto_advance); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
at_library_page_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  AtLibraryPage *self = AT_LIBRARY_PAGE (object);

  switch (prop_id)
    {
    case PROP_AUTO_ADVANCE:
      if (self->auto_advance != g_value_get_boolean (value))
        {
          self->auto_advance = g_value_get_boolean (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
at_library_page_dispose (GObject *object)
{
  AtLibraryPage *self = AT_LIBRARY_PAGE (object);

  if (self->photos != NULL)
    g_signal_handlers_disconnect_by_data (self->photos, self);
  if (self->culling != NULL)
    g_signal_handlers_disconnect_by_data (self->culling, self);
  g_clear_object (&self->photos);
  g_clear_object (&self->culling);
  g_clear_object (&self->selection);
  g_clear_object (&self->loader);
  g_clear_object (&self->xmp_writer);
  g_clear_pointer (&self->library, g_free);
  g_clear_pointer (&self->photo_popover, gtk_widget_unparent);
  g_clear_handle_id (&self->columns_idle, g_source_remove);
  g_cancellable_cancel (self->chips_cancellable);
  g_clear_object (&self->chips_cancellable);
  /* AdwBin unparents its child itself; disposing the template too would
   * unparent it twice. */
  G_OBJECT_CLASS (at_library_page_parent_class)->dispose (object);
}

/* GtkGridView keeps 30 rows of max-columns items bound, whatever fits: with
 * 16 it decoded 500 thumbnails (140 MB at 100k photos) for a window that
 * shows 30. So max-columns follows what the width can hold (with one to
 * spare: the grid itself still picks how many fit). */
static gboolean
apply_columns (gpointer data)
{
  AtLibraryPage *self = data;

  self->columns_idle = 0;
  gtk_grid_view_set_max_columns (self->grid, self->columns);
  return G_SOURCE_REMOVE;
}

static void
update_columns (AtLibraryPage *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int size = (int) gtk_adjustment_get_value (self->size_adjustment);
  guint columns;

  if (width <= 0)
    return;
  columns = CLAMP ((guint) (width / (size + 16)) + 1, 2, 24);
  if (columns == self->columns)
    return;
  self->columns = columns;
  /* not from inside size_allocate: the change queues a resize */
  if (self->columns_idle == 0)
    self->columns_idle = g_idle_add_full (G_PRIORITY_HIGH_IDLE, apply_columns, self, NULL);
}

static void
at_library_page_size_allocate (GtkWidget *widget,
                               int        width,
                               int        height,
                               int        baseline)
{
  GTK_WIDGET_CLASS (at_library_page_parent_class)->size_allocate (widget, width, height, baseline);
  update_columns (AT_LIBRARY_PAGE (widget));
}

static void
at_library_page_class_init (AtLibraryPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = at_library_page_dispose;
  widget_class->size_allocate = at_library_page_size_allocate;
  object_class->get_property = at_library_page_get_property;
  object_class->set_property = at_library_page_set_property;
  properties[PROP_AUTO_ADVANCE] = g_param_spec_boolean ("auto-advance", NULL, NULL, FALSE,
                                                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                                                        G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/library/at-library-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AtLibraryPage, stack);
  gtk_widget_class_bind_template_child (widget_class, AtLibraryPage, grid);
  gtk_widget_class_bind_template_child (widget_class, AtLibraryPage, results_stack);
  gtk_widget_class_bind_template_child (widget_class, AtLibraryPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, AtLibraryPage, rating_filter);
  gtk_widget_class_bind_template_child (widget_class, AtLibraryPage, label_filter);
  gtk_widget_class_bind_template_child (widget_class, AtLibraryPage, flag_filter);
  gtk_widget_class_bind_template_child (widget_class, AtLibraryPage, sort_order);
  gtk_widget_class_bind_template_child (widget_class, AtLibraryPage, more_filters_button);
  gtk_widget_class_bind_template_child (widget_class, AtLibraryPage, filter_popover);
  gtk_widget_class_bind_template_child (widget_class, AtLibraryPage, album_popover);
  gtk_widget_class_bind_template_child (widget_class, AtLibraryPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, AtLibraryPage, loupe);
  gtk_widget_class_bind_template_child (widget_class, AtLibraryPage, compare_view);
  gtk_widget_class_bind_template_child (widget_class, AtLibraryPage, keyword_entry);
  gtk_widget_class_bind_template_child (widget_class, AtLibraryPage, keyword_chips);
  gtk_widget_class_bind_template_child (widget_class, AtLibraryPage, keyword_chips_title);
  gtk_widget_class_bind_template_child (widget_class, AtLibraryPage, size_adjustment);
  gtk_widget_class_bind_template_child (widget_class, AtLibraryPage, photo_menu);
  gtk_widget_class_bind_template_callback (widget_class, filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, filter_popover_show_cb);
  gtk_widget_class_bind_template_callback (widget_class, album_popover_show_cb);
  _at_library_page_install_actions (widget_class);
  _at_library_page_setup_keywords (widget_class);
  gtk_widget_class_install_action (widget_class, "library.clear-filters", NULL, clear_filters_action);
}

static void
at_library_page_init (AtLibraryPage *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  g_type_ensure (AT_TYPE_LOUPE);
  g_type_ensure (AT_TYPE_COMPARE_VIEW);
  g_type_ensure (AT_TYPE_FILTER_POPOVER);
  g_type_ensure (AT_TYPE_ALBUM_POPOVER);
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (self->grid, "activate", G_CALLBACK (_at_library_page_open_loupe_at), self);
  {
    GtkGesture *click = gtk_gesture_click_new ();
    gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
    g_signal_connect (click, "pressed", G_CALLBACK (secondary_click_cb), self);
    gtk_widget_add_controller (GTK_WIDGET (self->grid), GTK_EVENT_CONTROLLER (click));
    self->photo_popover = gtk_popover_menu_new_from_model (self->photo_menu);
    gtk_popover_set_has_arrow (GTK_POPOVER (self->photo_popover), FALSE);
    gtk_widget_set_halign (self->photo_popover, GTK_ALIGN_START);
    gtk_widget_set_parent (self->photo_popover, GTK_WIDGET (self));
  }
  _at_library_page_set_loupe_actions (self, FALSE);
  _at_library_page_setup_albums (self);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), NULL);
  gtk_grid_view_set_factory (self->grid, factory);
  g_signal_connect_swapped (self->size_adjustment, "value-changed", G_CALLBACK (update_columns), self);
}
