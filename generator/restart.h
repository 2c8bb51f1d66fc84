/*
 * restart: the commands that build start again once, with glibc's heaps
 * on transparent huge pages.
 *
 * A national build first-touches some 350 MiB.  On a virtual machine each
 * 4 KiB page's first touch traps to the hypervisor: some 90,000 traps, a
 * quarter of a news edit's time (docs/performance.md).  glibc backs its
 * heaps with huge pages, and grows them in steps large enough to use
 * them, when GLIBC_TUNABLES asks; it reads that only as a program starts,
 * so the process executes itself again with it.  A user's own
 * GLIBC_TUNABLES, or a preloaded library (valgrind, a profiler, another
 * allocator), is left alone; so is a sanitized build.
 */
#ifndef HEARTH_RESTART_H
#define HEARTH_RESTART_H

#include <stdbool.h>

/*
 * First in main, before anything allocates: the first allocation reads the
 * kernel's huge-page mode, and glibc 2.36 (Debian 12's) reads it into a
 * stack buffer it does not terminate before comparing it as a string.
 * The byte after it is whatever the stack held there: on about half the
 * starts not a NUL, and glibc then takes huge pages for unsupported and
 * the build first-touches 4 KiB pages (a national news edit 1.8 s instead
 * of 1.2).  Zeroing the stack below main makes that byte a NUL.
 */
void	restart_first(void);

/* Is this the process started again?  Then what was set for it is taken
 * out of the environment its children get. */
bool	restart_again(char **argv);

/* Start again now (check, serve); returns when that is not done. */
void	restart_now(char **argv);

/*
 * A build first checks its output against its inputs, and starts again
 * only when it has work (a build with nothing to do is over sooner than a
 * second start): restart_later keeps argv and the folder it was started
 * in (-C is relative to it); restart_with starts again, handing on the
 * line the output was checked against (NULL: none), so the new process
 * need not take it again.  It returns when it does not start again.  In
 * the process started again, restart_handed is that line ("-": none),
 * else NULL.
 */
void	restart_later(char **argv);
void	restart_with(const char *inputs);
const char *restart_handed(void);

#endif
