/* at-choice-list.c — rows of a GtkDropDown mapped to AtFilterChoice values. */
#include "config.h"

#include "at-choice-list.h"

void
at_choice_list_fill (GtkDropDown   *choice,
                     GtkStringList *list,
                     const char    *any,
                     GPtrArray     *values,
                     const char    *keep)
{
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  g_auto(GStrv) labels = NULL;
  guint first = any != NULL ? 1 : 0;
  guint selected = 0;

  if (any != NULL)
    g_strv_builder_add (b, any);
  for (guint i = 0; i < values->len; i++)
    {
      AtFilterChoice *c = g_ptr_array_index (values, i);
      g_strv_builder_add (b, c->label);
      if (g_strcmp0 (c->value, keep) == 0)
        selected = i + first;
    }
  labels = g_strv_builder_end (b);
  gtk_string_list_splice (list, 0, g_list_model_get_n_items (G_LIST_MODEL (list)), (const char *const *) labels);
  gtk_drop_down_set_selected (choice, selected);
}

const char *
at_choice_list_chosen (GtkDropDown *choice,
                       gboolean     has_any,
                       GPtrArray   *values)
{
  guint i = gtk_drop_down_get_selected (choice);
  guint first = has_any ? 1 : 0;

  if (values == NULL || i == GTK_INVALID_LIST_POSITION || i < first || i - first >= values->len)
    return NULL;
  return ((AtFilterChoice *) g_ptr_array_index (values, i - first))->value;
}

gboolean
at_choice_list_select (GtkDropDown *choice,
                       gboolean     has_any,
                       GPtrArray   *values,
                       const char  *value)
{
  for (guint i = 0; values != NULL && i < values->len; i++)
    if (g_str_equal (((AtFilterChoice *) g_ptr_array_index (values, i))->value, value))
      {
        gtk_drop_down_set_selected (choice, i + (has_any ? 1 : 0));
        return TRUE;
      }
  return FALSE;
}

void
at_choice_list_fill_projects (GtkDropDown *choice,
                              GPtrArray   *ids,
                              AtCatalog   *catalog)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) projects = at_sync_list_projects (catalog, &error);
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);

  g_ptr_array_set_size (ids, 0);
  for (guint i = 0; projects != NULL && i < projects->len; i++)
    {
      AtSyncProject *p = projects->pdata[i];
      g_autofree char *label = g_strdup_printf ("%s · %s", p->number, p->name);

      gtk_string_list_append (names, label);
      g_ptr_array_add (ids, g_strdup (p->id));
    }
  if (projects == NULL)
    g_warning ("projects not listed: %s", error->message);
  gtk_drop_down_set_model (choice, G_LIST_MODEL (names));
}
