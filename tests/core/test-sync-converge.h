/* test-sync-converge.h — the convergence test and its workers. */
#pragma once

/* The worker: this program run as
 * --worker CATALOG URL SEED STEPS FAULT_PCT PLAIN; its exit status. */
int converge_worker (char **argv);
