/* Running independent jobs on several threads. */
#ifndef ENVDOCTOR_CLI_PARALLEL_H
#define ENVDOCTOR_CLI_PARALLEL_H

#include <stdbool.h>
#include <stddef.h>

/* Runs fn(ctx, i, worker) for every i in [0, n) on up to `workers` threads
 * (the caller's among them); returns when all are done. `worker` numbers
 * the thread a job runs on, from 0 (the caller's) to workers - 1: jobs with
 * the same number run one after the other, never at the same time. Each
 * job must touch only its own data and its worker's. `progress`, when set,
 * is called on the caller's thread now and then with the number of jobs
 * done so far. */
void cli_parallel(size_t n, unsigned workers, void (*fn)(void *ctx, size_t i, unsigned worker),
                  void *ctx, void (*progress)(void *ctx, size_t done, size_t n));

/* The number of processors this process may run on (at least 1). */
unsigned cli_cpu_count(void);

#endif
