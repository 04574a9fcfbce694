/* at-photo-filter.h — which photos a view or a command wants, as bound SQL. */
#pragma once

#include <sqlite3.h>

#include "at-culling.h"

G_BEGIN_DECLS

typedef struct
{
  int      rating_min;    /* 0: any (rejected photos too); 1..5: at least that many stars */
  gboolean has_label;
  AtLabel  label;
  gboolean has_flag;
  AtFlag   flag;
  char    *album;         /* album name or id */
  char    *person;        /* person id or name: photos with a face confirmed as them */
  char    *body_serial;
  char    *project;       /* project id, name or number */
  char    *text;          /* in the file name or a keyword */
  char    *date_from;     /* YYYY-MM-DD, the camera's local date; inclusive */
  char    *date_to;       /* YYYY-MM-DD, inclusive */
} AtPhotoFilter;

void  at_photo_filter_init  (AtPhotoFilter *filter);
void  at_photo_filter_clear (AtPhotoFilter *filter);
void  at_photo_filter_copy  (AtPhotoFilter       *dest,
                             const AtPhotoFilter *src);
/* A calendar date as YYYY-MM-DD (a real day), or NULL with a message. */
char *at_photo_filter_parse_date (const char *text,
                                  GError    **error);
gboolean at_photo_filter_equal (const AtPhotoFilter *a,
                                const AtPhotoFilter *b);
/* "WHERE ..." for `photos p`, every value a parameter from @first on;
 * returns the number of parameters it takes. */
char *at_photo_filter_where (const AtPhotoFilter *filter,
                             int                  first,
                             int                 *n_params);
void  at_photo_filter_bind  (const AtPhotoFilter *filter,
                             sqlite3_stmt        *stmt,
                             int                  first);

G_END_DECLS
