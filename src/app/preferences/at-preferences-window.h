/* at-preferences-window.h — library, backup and catalog locations. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define AT_TYPE_PREFERENCES_WINDOW (at_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (AtPreferencesWindow, at_preferences_window, AT, PREFERENCES_WINDOW, AdwPreferencesWindow)

AtPreferencesWindow *at_preferences_window_new (GSettings *settings);

G_END_DECLS
