/* at-sync-client.h — one sync of a catalog with the central server: push
 * what changed here, pull what changed elsewhere. Blocking: call it from a
 * worker thread or the CLI. */
#pragma once

#include "at-catalog.h"
#include "at-pg.h"

G_BEGIN_DECLS

typedef struct
{
  guint    pushed;        /* fields in the batch the server merged */
  guint    pulled;        /* fields read from the server's feed */
  guint    applied;       /* of those, written here (newer than what was here) */
  guint    pending;       /* fields still to push afterwards */
  guint    conflicts;     /* pulled values kept aside: they clash with a row here on a unique key */
  gboolean recovered;     /* a batch whose answer was lost had been merged */
  gboolean reregistered;  /* the catalog was older than the server knew (a restored backup), or a copy */
  gboolean resent_all;    /* the server had lost changes it had taken, or is another (restored from a
                           * backup, moved): everything this catalog holds went again, and the feed
                           * was read again */
  gboolean read_again;    /* the server's feed was behind this catalog's place in it (the server moved or
                           * put back): it was read again from the start */
  gint64   clock_behind_s; /* this computer's clock is this far behind the server's (0: within five minutes) */
  guint    settled;       /* values kept aside before (a unique key's clash) that came in this time */
  guint    held_back;     /* others' changes the server has taken that wait behind a transaction still open
                           * there (up to 1,000 a project), which the feed does not pass */
  guint64  fence;         /* that transaction's id: the same from one sync to the next, it is a long one */
} AtSyncReport;

char      *at_sync_clock_behind_text (const AtSyncReport *report);
GPtrArray *at_sync_list_conflicts    (AtCatalog          *catalog,
                                      GError            **error);

gboolean at_sync_once (AtCatalog     *catalog,
                       const char    *url,
                       AtSyncReport  *report,
                       GCancellable  *cancellable,
                       GError       **error);

/* Tests break the link at named points ("copy", "before-commit",
 * "after-commit", "pull-apply", and "mid-apply" inside the page's catalog
 * transaction) to prove nothing is lost or doubled; returning TRUE makes
 * that point fail as a dead link would. */
typedef gboolean (*AtSyncFaultFunc) (const char *point,
                                     gpointer    data);
void     at_sync_set_fault_func (AtSyncFaultFunc func,
                                 gpointer        data);
/* Tests: how far off this computer's clock is, as the push sees it (the
 * capture triggers read SQLite's clock; a test moves their clock itself). */
void     at_sync_set_clock_offset (gint64 ms);
/* The negative control of the convergence test, never for use: pull with a
 * plain sequence cursor (no xid fence), which skips late commits. */
void     at_sync_set_plain_cursor (gboolean plain);

G_END_DECLS
