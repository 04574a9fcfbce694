/* at-thread.c — thread niceness. Linux applies setpriority() with a
 * thread id to that thread alone, so preview makers can run behind the
 * copy, or the grid's main thread, on a two-core laptop. */
#include "config.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "at-thread.h"

void
at_thread_be_nice (int increment)
{
  static __thread gboolean done;

  if (done)
    return;
  setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), increment);
  done = TRUE;
}
