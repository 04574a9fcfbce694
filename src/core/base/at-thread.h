/* at-thread.h — a worker thread that yields to the ones a person waits on. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Lowers this thread's own scheduling priority by @increment (nice), once;
 * for threads of an exclusive pool: the setting stays with the thread. */
void at_thread_be_nice (int increment);

G_END_DECLS
