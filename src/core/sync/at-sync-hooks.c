/* at-sync-hooks.c — what tests set to prove sync under faults: a link that
 * breaks at a named point, a plain sequence cursor (the negative control
 * of the convergence test), a clock set wrong. None is set in the
 * application or atelier-cli.
 */
#define G_LOG_DOMAIN "atelier-sync"

#include "config.h"

#include <sys/socket.h>

#include <glib/gi18n-lib.h>

#include "at-sync-client-private.h"

static AtSyncFaultFunc fault_func;
static gpointer fault_data;
static gboolean plain_cursor;
static gint64 clock_offset_ms;

void
at_sync_set_clock_offset (gint64 ms)
{
  clock_offset_ms = ms;
}

gint64
_at_sync_clock_offset (void)
{
  return clock_offset_ms;
}

void
at_sync_set_plain_cursor (gboolean plain)
{
  plain_cursor = plain;
}

gboolean
_at_sync_plain_cursor (void)
{
  return plain_cursor;
}

void
at_sync_set_fault_func (AtSyncFaultFunc func,
                        gpointer        data)
{
  fault_func = func;
  fault_data = data;
}

gboolean
_at_sync_fault (const char *point, PGconn *conn, GError **error)
{
  if (fault_func == NULL || !fault_func (point, fault_data))
    return FALSE;
  if (conn != NULL)
    {
      /* as a cable pulled: the socket goes, the server sees the session die */
      shutdown (PQsocket (conn), SHUT_RDWR);
    }
  g_set_error (error, AT_SYNC_ERROR, AT_SYNC_ERROR_OFFLINE, _("The link to the server broke (%s)"), point);
  return TRUE;
}
