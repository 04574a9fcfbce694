/* at-photo-filter.c — AtPhotoFilter to a WHERE clause.
 *
 * The clause is built from fixed fragments only; every value the user typed
 * is a bound parameter, so the statement can be prepared and cached.
 */
#define G_LOG_DOMAIN "atelier-library"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "at-photo-filter.h"
#include "at-sql.h"

void
at_photo_filter_init (AtPhotoFilter *filter)
{
  memset (filter, 0, sizeof *filter);
}

void
at_photo_filter_clear (AtPhotoFilter *filter)
{
  g_clear_pointer (&filter->album, g_free);
  g_clear_pointer (&filter->person, g_free);
  g_clear_pointer (&filter->body_serial, g_free);
  g_clear_pointer (&filter->project, g_free);
  g_clear_pointer (&filter->text, g_free);
  g_clear_pointer (&filter->date_from, g_free);
  g_clear_pointer (&filter->date_to, g_free);
}

/* @dest (empty) gets copies of everything in @src. */
void
at_photo_filter_copy (AtPhotoFilter       *dest,
                      const AtPhotoFilter *src)
{
  *dest = *src;
  dest->album = g_strdup (src->album);
  dest->person = g_strdup (src->person);
  dest->body_serial = g_strdup (src->body_serial);
  dest->project = g_strdup (src->project);
  dest->text = g_strdup (src->text);
  dest->date_from = g_strdup (src->date_from);
  dest->date_to = g_strdup (src->date_to);
}

char *
at_photo_filter_parse_date (const char *text,
                            GError    **error)
{
  unsigned year = 0, month = 0, day = 0;
  char end = 0;

  if (text != NULL && sscanf (text, "%4u-%2u-%2u%c", &year, &month, &day, &end) == 3 && strlen (text) == 10 &&
      g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year))
    return g_strdup (text);
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, _("“%s” is not a date like 2026-06-13"),
               text ? text : "");
  return NULL;
}

/* Each condition in the order at_photo_filter_bind() binds it. */
char *
at_photo_filter_where (const AtPhotoFilter *f,
                       int                  first,
                       int                 *n_params)
{
  GString *sql = g_string_new ("WHERE p.deleted_at IS NULL");
  int n = first;

  if (f->rating_min > 0)
    g_string_append_printf (sql, " AND p.rating >= ?%d", n++);
  if (f->has_label)
    g_string_append_printf (sql, " AND p.color_label = ?%d", n++);
  if (f->has_flag)
    switch (f->flag)
      {
      case AT_FLAG_PICKED:   g_string_append (sql, " AND p.picked = 1"); break;
      case AT_FLAG_REJECTED: g_string_append (sql, " AND p.rating = -1"); break;
      case AT_FLAG_NONE:
      default:               g_string_append (sql, " AND p.picked = 0 AND p.rating >= 0"); break;
      }
  if (f->album != NULL)
    {
      g_string_append_printf (sql, " AND p.id IN (SELECT i.photo_id FROM album_items i JOIN albums a ON a.id = i.album_id "
                                   "WHERE i.present = 1 AND i.deleted_at IS NULL AND a.deleted_at IS NULL "
                                   "AND (a.id = ?%d OR a.name = ?%d))", n, n);
      n++;
    }
  if (f->person != NULL)
    {
      /* only what a person confirmed: a suggestion is not a name */
      g_string_append_printf (sql, " AND p.id IN (SELECT fa.photo_id FROM faces fa JOIN face_tags t ON t.face_id = fa.id "
                                   "JOIN people pe ON pe.id = t.person_id WHERE t.review_state = 'confirmed' "
                                   "AND t.deleted_at IS NULL AND fa.deleted_at IS NULL AND pe.deleted_at IS NULL "
                                   "AND (pe.id = ?%d OR pe.display_name = ?%d))", n, n);
      n++;
    }
  if (f->body_serial != NULL)
    g_string_append_printf (sql, " AND p.body_serial = ?%d", n++);
  if (f->project != NULL)
    {
      g_string_append_printf (sql, " AND p.project_id IN (SELECT id FROM projects WHERE id = ?%d OR name = ?%d "
                                   "OR project_number = ?%d)", n, n, n);
      n++;
    }
  if (f->text != NULL && g_utf8_strlen (f->text, -1) >= 3)
    /* the trigram index: the text as one quoted phrase */
    g_string_append_printf (sql, " AND p.rowid IN (SELECT rowid FROM photo_search WHERE photo_search MATCH "
                                 "'\"' || replace(?%d, '\"', '\"\"') || '\"')", n++);
  else if (f->text != NULL)
    {
      /* shorter than a trigram: every row is looked at */
      g_string_append_printf (sql, " AND (p.file_name LIKE '%%' || ?%d || '%%' OR p.original_name LIKE '%%' || ?%d || '%%' "
                                   "OR p.id IN (SELECT k.photo_id FROM photo_keywords k WHERE k.present = 1 "
                                   "AND k.keyword LIKE '%%' || ?%d || '%%'))", n, n, n);
      n++;
    }
  /* the range in UTC, a day wider each side, walks the capture index; the
   * camera's own date (UTC plus the recorded offset) decides */
  if (f->date_from != NULL)
    {
      g_string_append_printf (sql, " AND p.capture_time >= date(?%d, '-1 day') AND "
                                   "date(p.capture_time, coalesce(p.capture_offset, '+00:00')) >= ?%d", n, n);
      n++;
    }
  if (f->date_to != NULL)
    {
      g_string_append_printf (sql, " AND p.capture_time < date(?%d, '+2 days') AND "
                                   "date(p.capture_time, coalesce(p.capture_offset, '+00:00')) <= ?%d", n, n);
      n++;
    }
  *n_params = n - first;
  return g_string_free (sql, FALSE);
}

void
at_photo_filter_bind (const AtPhotoFilter *f,
                      sqlite3_stmt        *stmt,
                      int                  first)
{
  int n = first;

  if (f->rating_min > 0)
    sqlite3_bind_int (stmt, n++, f->rating_min);
  if (f->has_label)
    at_sql_bind_text (stmt, n++, at_label_to_string (f->label));
  if (f->album != NULL)
    at_sql_bind_text (stmt, n++, f->album);
  if (f->person != NULL)
    at_sql_bind_text (stmt, n++, f->person);
  if (f->body_serial != NULL)
    at_sql_bind_text (stmt, n++, f->body_serial);
  if (f->project != NULL)
    at_sql_bind_text (stmt, n++, f->project);
  if (f->text != NULL)
    at_sql_bind_text (stmt, n++, f->text);
  if (f->date_from != NULL)
    at_sql_bind_text (stmt, n++, f->date_from);
  if (f->date_to != NULL)
    at_sql_bind_text (stmt, n++, f->date_to);
}

gboolean
at_photo_filter_equal (const AtPhotoFilter *a,
                       const AtPhotoFilter *b)
{
  return a->rating_min == b->rating_min && a->has_label == b->has_label && (!a->has_label || a->label == b->label) &&
         a->has_flag == b->has_flag && (!a->has_flag || a->flag == b->flag) &&
         g_strcmp0 (a->album, b->album) == 0 && g_strcmp0 (a->person, b->person) == 0 &&
         g_strcmp0 (a->body_serial, b->body_serial) == 0 &&
         g_strcmp0 (a->project, b->project) == 0 && g_strcmp0 (a->text, b->text) == 0 &&
         g_strcmp0 (a->date_from, b->date_from) == 0 && g_strcmp0 (a->date_to, b->date_to) == 0;
}
