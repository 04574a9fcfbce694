/* at-ingest-template.c — naming templates.
 *
 * Tokens: {date} 20260613, {time} 143205, {subsec} .120 (milliseconds),
 * {year} {month} {day} {hour} {minute} {second}, {eventdate} 2026-06-13
 * (the event day, which starts at day_start_hour so a reception past
 * midnight stays on its wedding day), {original} IMG_0001, {seq} 0001 (per
 * session), {dayseq} 0001 (per event day), {model}, {serial}, {job}.
 * {job} expands to "_CODE" when there is a job code and to "" otherwise.
 *
 * A file template must single out one capture: it needs {seq}, or
 * {original} with {serial}, the date and {time}, or the full time to the
 * millisecond with {serial}. Collisions are still possible across sessions
 * and are handled when files are published (a suffix, never an overwrite).
 */
#define G_LOG_DOMAIN "atelier-ingest"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "at-ingest-error.h"
#include "at-ingest-template.h"

static const char *const tokens[] = {
  "date", "time", "subsec", "year", "month", "day", "hour", "minute", "second",
  "eventdate", "original", "seq", "dayseq", "model", "serial", "job",
};

static gboolean
known_token (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (tokens); i++)
    if (g_str_equal (tokens[i], name))
      return TRUE;
  return FALSE;
}

/* Lists the tokens of @tmpl; FALSE with @error on unknown or unclosed ones. */
static gboolean
parse_tokens (const char  *tmpl,
              GHashTable  *found,
              const char  *what,
              GError     **error)
{
  for (const char *p = tmpl; *p; p++)
    {
      const char *close;
      g_autofree char *name = NULL;

      if (*p == '}')
        {
          g_set_error (error, AT_INGEST_ERROR, AT_INGEST_ERROR_BAD_TEMPLATE,
                       _("The %s template “%s” has a “}” without its “{”."), what, tmpl);
          return FALSE;
        }
      if (*p != '{')
        continue;
      close = strchr (p, '}');
      if (close == NULL)
        {
          g_set_error (error, AT_INGEST_ERROR, AT_INGEST_ERROR_BAD_TEMPLATE,
                       _("The %s template “%s” has a “{” that is never closed."), what, tmpl);
          return FALSE;
        }
      name = g_strndup (p + 1, (gsize) (close - p - 1));
      if (!known_token (name))
        {
          g_set_error (error, AT_INGEST_ERROR, AT_INGEST_ERROR_BAD_TEMPLATE,
                       _("The %s template “%s” uses {%s}, which Atelier does not know."), what, tmpl, name);
          return FALSE;
        }
      g_hash_table_add (found, g_steal_pointer (&name));
      p = close;
    }
  return TRUE;
}

gboolean
at_ingest_template_validate (const char  *file_template,
                             const char  *folder_template,
                             GError     **error)
{
  g_autoptr(GHashTable) f = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) d = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gboolean has_date;

  if (file_template == NULL || *file_template == '\0')
    {
      g_set_error_literal (error, AT_INGEST_ERROR, AT_INGEST_ERROR_BAD_TEMPLATE,
                           _("The file name template is empty."));
      return FALSE;
    }
  if (strchr (file_template, '/') != NULL)
    {
      g_set_error (error, AT_INGEST_ERROR, AT_INGEST_ERROR_BAD_TEMPLATE,
                   _("The file name template “%s” contains “/”; put folders in the folder template."),
                   file_template);
      return FALSE;
    }
  if (!parse_tokens (file_template, f, _("file name"), error) ||
      !parse_tokens (folder_template ? folder_template : "", d, _("folder"), error))
    return FALSE;
  if (folder_template != NULL && (g_str_has_prefix (folder_template, "/") || strstr (folder_template, "..")))
    {
      g_set_error (error, AT_INGEST_ERROR, AT_INGEST_ERROR_BAD_TEMPLATE,
                   _("The folder template “%s” must stay inside the library (no leading “/” or “..”)."),
                   folder_template);
      return FALSE;
    }

  has_date = g_hash_table_contains (f, "date") || g_hash_table_contains (d, "date") ||
             g_hash_table_contains (d, "eventdate") || g_hash_table_contains (f, "eventdate") ||
             (g_hash_table_contains (f, "year") && g_hash_table_contains (f, "month") &&
              g_hash_table_contains (f, "day"));
  /* A file number recurs only after 9999 frames (never within a second);
   * a serial tells bodies apart; the date the days. */
  if (g_hash_table_contains (f, "seq") ||
      (g_hash_table_contains (f, "dayseq") && has_date) ||
      (g_hash_table_contains (f, "original") && g_hash_table_contains (f, "serial") &&
       g_hash_table_contains (f, "time") && has_date) ||
      (g_hash_table_contains (f, "time") && g_hash_table_contains (f, "subsec") &&
       g_hash_table_contains (f, "serial") && has_date))
    return TRUE;

  g_set_error (error, AT_INGEST_ERROR, AT_INGEST_ERROR_BAD_TEMPLATE,
               _("The file name template “%s” can give two photos the same name: two cameras both "
                 "number their files IMG_0001, and counters restart after 9999. Add {seq}, or use "
                 "{original} with {serial}, {date} and {time}, or {time}{subsec} with {serial} and {date}."),
               file_template);
  return FALSE;
}

/* Makes text safe as one path component on ext4, exFAT and NTFS alike. */
char *
at_ingest_sanitize_component (const char *text)
{
  GString *out = g_string_new (NULL);

  if (text == NULL)
    return g_string_free (out, FALSE);
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char_validated (p, -1);
      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_c (out, '_');
          continue;   /* not UTF-8: step one byte */
        }
      if (c < 0x20 || c == 0x7f || strchr ("/\\:*?\"<>|", (int) c) != NULL)
        g_string_append_c (out, '_');
      else if (c == ' ')
        g_string_append_c (out, '-');
      else
        g_string_append_unichar (out, c);
    }
  /* trailing dots and spaces are not allowed on Windows file systems */
  while (out->len > 0 && (out->str[out->len - 1] == '.' || out->str[out->len - 1] == '-'))
    g_string_truncate (out, out->len - 1);
  return g_string_free (out, FALSE);
}

char *
at_ingest_template_expand (const char              *tmpl,
                           const AtTemplateContext *ctx)
{
  g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc (ctx->local_unix);
  g_autoptr(GDateTime) event = g_date_time_add_hours (t, -ctx->day_start_hour);
  GString *out = g_string_new (NULL);

  for (const char *p = tmpl; *p; p++)
    {
      const char *close;
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;

      if (*p != '{' || (close = strchr (p, '}')) == NULL)
        {
          g_string_append_c (out, *p);
          continue;
        }
      name = g_strndup (p + 1, (gsize) (close - p - 1));
      p = close;
      if (g_str_equal (name, "date"))           value = g_date_time_format (t, "%Y%m%d");
      else if (g_str_equal (name, "time"))      value = g_date_time_format (t, "%H%M%S");
      else if (g_str_equal (name, "subsec"))    value = g_strdup_printf (".%03d", ctx->subsec_ms);
      else if (g_str_equal (name, "year"))      value = g_date_time_format (t, "%Y");
      else if (g_str_equal (name, "month"))     value = g_date_time_format (t, "%m");
      else if (g_str_equal (name, "day"))       value = g_date_time_format (t, "%d");
      else if (g_str_equal (name, "hour"))      value = g_date_time_format (t, "%H");
      else if (g_str_equal (name, "minute"))    value = g_date_time_format (t, "%M");
      else if (g_str_equal (name, "second"))    value = g_date_time_format (t, "%S");
      else if (g_str_equal (name, "eventdate")) value = g_date_time_format (event, "%Y-%m-%d");
      else if (g_str_equal (name, "original"))  value = at_ingest_sanitize_component (ctx->original);
      else if (g_str_equal (name, "seq"))       value = g_strdup_printf ("%04u", ctx->seq);
      else if (g_str_equal (name, "dayseq"))    value = g_strdup_printf ("%04u", ctx->dayseq);
      else if (g_str_equal (name, "model"))     value = at_ingest_sanitize_component (ctx->model ? ctx->model : "unknown");
      else if (g_str_equal (name, "serial"))    value = at_ingest_sanitize_component (ctx->serial ? ctx->serial : "0");
      else if (g_str_equal (name, "job"))
        {
          g_autofree char *job = at_ingest_sanitize_component (ctx->job);
          value = *job ? g_strconcat ("_", job, NULL) : g_strdup ("");
        }
      if (value != NULL)
        g_string_append (out, value);
    }
  return g_string_free (out, FALSE);
}
