/* at-filter-choices.h — what a filter bar can offer: the catalog's camera
 * bodies, projects, albums and people, each as a value for AtPhotoFilter and a label. */
#pragma once

#include "at-catalog.h"

G_BEGIN_DECLS

typedef struct
{
  char *value;   /* what AtPhotoFilter takes: a serial number or an id */
  char *label;   /* what a person reads */
} AtFilterChoice;

typedef struct
{
  GPtrArray *bodies;     /* of AtFilterChoice, by serial */
  GPtrArray *projects;   /* newest event first */
  GPtrArray *albums;     /* by project, newest first, then name */
  GPtrArray *people;     /* people with a confirmed face, by name */
} AtFilterChoices;

AtFilterChoices *at_filter_choices_load (AtSqlConn       *conn,
                                         GError         **error);
void             at_filter_choices_free (AtFilterChoices *choices);
/* The same, on a worker thread with its own reader. */
void             at_filter_choices_load_async  (AtCatalog           *catalog,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
AtFilterChoices *at_filter_choices_load_finish (GAsyncResult        *result,
                                                GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtFilterChoices, at_filter_choices_free)

G_END_DECLS
