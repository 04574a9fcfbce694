/* at-compare-view.c — AtCompareView: a loupe per photo, two across or two by
 * two, for choosing between frames of the same moment.
 *
 * Zoom and pan are shared: when the user moves one pane, the others follow
 * to the same place (as fractions of each photo, so a portrait and a
 * landscape frame of the same size line up). One pane is active; the page
 * sends the culling keys to its photo, and the arrows move the focus.
 */
#define G_LOG_DOMAIN "atelier"

#include "config.h"

#include "at-compare-view.h"

struct _AtCompareView
{
  GtkWidget  parent_instance;
  GtkGrid   *grid;
  AtLoupe   *panes[AT_COMPARE_VIEW_MAX_PANES];
  guint      n_panes;
  guint      active;
  gboolean   syncing;
};

G_DEFINE_FINAL_TYPE (AtCompareView, at_compare_view, GTK_TYPE_WIDGET)

static void
view_changed_cb (AtLoupe       *loupe,
                 AtCompareView *self)
{
  gboolean zoomed;
  double cx, cy;

  if (self->syncing)
    return;
  self->syncing = TRUE;
  at_loupe_get_view (loupe, &zoomed, &cx, &cy);
  for (guint i = 0; i < self->n_panes; i++)
    if (self->panes[i] != loupe)
      at_loupe_set_view (self->panes[i], zoomed, cx, cy);
  self->syncing = FALSE;
}

void
at_compare_view_set_active (AtCompareView *self,
                            guint          index)
{
  g_return_if_fail (AT_IS_COMPARE_VIEW (self));

  if (index >= self->n_panes)
    return;
  for (guint i = 0; i < self->n_panes; i++)
    if (i == index)
      gtk_widget_add_css_class (GTK_WIDGET (self->panes[i]), "active");
    else
      gtk_widget_remove_css_class (GTK_WIDGET (self->panes[i]), "active");
  self->active = index;
  gtk_widget_grab_focus (GTK_WIDGET (self->panes[index]));
}

static void
pane_pressed_cb (GtkGestureClick *gesture,
                 int              n_press,
                 double           x,
                 double           y,
                 AtCompareView   *self)
{
  GtkWidget *pane = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));

  for (guint i = 0; i < self->n_panes; i++)
    if (GTK_WIDGET (self->panes[i]) == pane)
      at_compare_view_set_active (self, i);
}

static void
clear_panes (AtCompareView *self)
{
  for (guint i = 0; i < self->n_panes; i++)
    {
      at_loupe_set_photo (self->panes[i], NULL, NULL, NULL);
      gtk_grid_remove (self->grid, GTK_WIDGET (self->panes[i]));
      self->panes[i] = NULL;
    }
  self->n_panes = 0;
  self->active = 0;
}

/**
 * at_compare_view_set_photos:
 * @n_photos: 2 shows them side by side, 3 or 4 two by two; more are not shown
 *
 * Every pane starts at the whole photo; the first is active.
 */
void
at_compare_view_set_photos (AtCompareView     *self,
                            AtPhoto *const    *photos,
                            guint              n_photos,
                            AtThumbnailLoader *loader,
                            const char        *library)
{
  g_return_if_fail (AT_IS_COMPARE_VIEW (self));

  clear_panes (self);
  self->n_panes = MIN (n_photos, AT_COMPARE_VIEW_MAX_PANES);
  for (guint i = 0; i < self->n_panes; i++)
    {
      AtLoupe *pane = AT_LOUPE (at_loupe_new ());
      GtkGesture *click = gtk_gesture_click_new ();

      /* the capture phase: the pane becomes active before it zooms or pans */
      gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
      g_signal_connect (click, "pressed", G_CALLBACK (pane_pressed_cb), self);
      gtk_widget_add_controller (GTK_WIDGET (pane), GTK_EVENT_CONTROLLER (click));
      g_signal_connect (pane, "view-changed", G_CALLBACK (view_changed_cb), self);
      gtk_widget_add_css_class (GTK_WIDGET (pane), "compare-pane");
      at_loupe_set_compact (pane, TRUE);
      gtk_grid_attach (self->grid, GTK_WIDGET (pane), (int) (i % 2), (int) (i / 2), 1, 1);
      self->panes[i] = pane;
      at_loupe_set_photo (pane, photos[i], loader, library);
    }
  if (self->n_panes > 0)
    at_compare_view_set_active (self, 0);
}

guint
at_compare_view_get_n_panes (AtCompareView *self)
{
  g_return_val_if_fail (AT_IS_COMPARE_VIEW (self), 0);
  return self->n_panes;
}

AtLoupe *
at_compare_view_get_pane (AtCompareView *self,
                          guint          index)
{
  g_return_val_if_fail (AT_IS_COMPARE_VIEW (self), NULL);
  return index < self->n_panes ? self->panes[index] : NULL;
}

guint
at_compare_view_get_active (AtCompareView *self)
{
  g_return_val_if_fail (AT_IS_COMPARE_VIEW (self), 0);
  return self->active;
}

AtPhoto *
at_compare_view_get_active_photo (AtCompareView *self)
{
  g_return_val_if_fail (AT_IS_COMPARE_VIEW (self), NULL);
  return self->n_panes > 0 ? at_loupe_get_photo (self->panes[self->active]) : NULL;
}

static void
at_compare_view_dispose (GObject *object)
{
  AtCompareView *self = AT_COMPARE_VIEW (object);

  if (self->grid != NULL)
    clear_panes (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), AT_TYPE_COMPARE_VIEW);
  G_OBJECT_CLASS (at_compare_view_parent_class)->dispose (object);
}

static void
at_compare_view_class_init (AtCompareViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = at_compare_view_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "compare");
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/library/at-compare-view.ui");
  gtk_widget_class_bind_template_child (widget_class, AtCompareView, grid);
}

static void
at_compare_view_init (AtCompareView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
at_compare_view_new (void)
{
  return g_object_new (AT_TYPE_COMPARE_VIEW, NULL);
}
