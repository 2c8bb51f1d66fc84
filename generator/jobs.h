/*
 * jobs: run n independent jobs on a fixed number of threads.
 *
 * Jobs are handed out by an atomic counter, so any thread may take any job;
 * callers make output independent of the schedule by giving each job its own
 * slot for results.  worker is 0..nthreads-1, for per-thread scratch state.
 */
#ifndef HEARTH_JOBS_H
#define HEARTH_JOBS_H

#include <stdbool.h>
#include <stddef.h>

typedef void (*jobs_fn)(size_t job, int worker, void *ud);

/* Online processors (at least 1). */
int	jobs_ncpu(void);

/* Run fn(0..n-1) on nthreads threads (the caller's thread is one of them);
 * returns when all are done. */
void	jobs_run(size_t n, int nthreads, jobs_fn fn, void *ud);

/*
 * Run fn as jobs_run does, with diagnostics muted (diag.h), for work whose
 * problems must read as they do on one thread, in order: true when none
 * was raised.  False when one was, or when nothing ran (one thread, or a
 * probe muting them already): the caller then does the work in order.
 */
bool	jobs_run_quiet(size_t n, int nthreads, jobs_fn fn, void *ud);

#endif
