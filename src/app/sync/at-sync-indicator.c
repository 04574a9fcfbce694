/* at-sync-indicator.c — AtSyncIndicator: an icon and a few words, kept in
 * step with an AtSyncService (the same words as the Sync page's status). */
#define G_LOG_DOMAIN "atelier"

#include "config.h"

#include <glib/gi18n.h>

#include "at-sync-indicator.h"
#include "at-sync-page.h"

struct _AtSyncIndicator
{
  GtkButton      parent_instance;
  GtkImage      *icon;
  GtkLabel      *label;
  AtSyncService *service;
};

G_DEFINE_FINAL_TYPE (AtSyncIndicator, at_sync_indicator, GTK_TYPE_BUTTON)

static void
update (AtSyncIndicator *self)
{
  const char *icon = NULL;
  g_autofree char *text = at_sync_state_describe (self->service, &icon);
  AtSyncState state = at_sync_service_get_state (self->service);

  gtk_image_set_from_icon_name (self->icon, icon);
  gtk_label_set_label (self->label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), at_sync_service_get_last_error (self->service)
                                                  ? at_sync_service_get_last_error (self->service)
                                                  : at_sync_service_get_kept_aside (self->service) > 0
                                                  ? _("The Sync page says what clashes, and what to do")
                                                  : NULL);
  if (state == AT_SYNC_STATE_ERROR)
    gtk_widget_add_css_class (GTK_WIDGET (self), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "error");
}

void
at_sync_indicator_set_service (AtSyncIndicator *self,
                               AtSyncService   *service)
{
  g_return_if_fail (AT_IS_SYNC_INDICATOR (self));

  if (self->service != NULL)
    g_signal_handlers_disconnect_by_data (self->service, self);
  g_set_object (&self->service, service);
  gtk_widget_set_visible (GTK_WIDGET (self), service != NULL);
  if (service == NULL)
    return;
  g_signal_connect_swapped (service, "notify::state", G_CALLBACK (update), self);
  g_signal_connect_swapped (service, "notify::pending", G_CALLBACK (update), self);
  g_signal_connect_swapped (service, "notify::kept-aside", G_CALLBACK (update), self);
  g_signal_connect_swapped (service, "finished", G_CALLBACK (update), self);
  update (self);
}

const char *
at_sync_indicator_get_text (AtSyncIndicator *self)
{
  g_return_val_if_fail (AT_IS_SYNC_INDICATOR (self), NULL);
  return gtk_label_get_label (self->label);
}

static void
at_sync_indicator_dispose (GObject *object)
{
  AtSyncIndicator *self = AT_SYNC_INDICATOR (object);

  if (self->service != NULL)
    g_signal_handlers_disconnect_by_data (self->service, self);
  g_clear_object (&self->service);
  G_OBJECT_CLASS (at_sync_indicator_parent_class)->dispose (object);
}

static void
at_sync_indicator_class_init (AtSyncIndicatorClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = at_sync_indicator_dispose;
}

static void
at_sync_indicator_init (AtSyncIndicator *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  self->icon = GTK_IMAGE (gtk_image_new ());
  self->label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->label), "caption");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->icon));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->label));
  gtk_button_set_child (GTK_BUTTON (self), box);
  gtk_widget_add_css_class (GTK_WIDGET (self), "flat");
  gtk_actionable_set_detailed_action_name (GTK_ACTIONABLE (self), "win.section::sync");
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}
