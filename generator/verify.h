/*
 * verify: every commit changes only paths its author owns.
 *
 * Each commit of a range is judged against the owners file as it stood
 * before the commit (in its first parent), so nobody can grant themselves
 * a folder and use it in one commit; a root commit, which sets the rules
 * up, has nothing before it to be judged by.  A merge is judged by what it brings in itself — the paths whose
 * content differs from every parent — since the commits it merges are
 * walked and judged on their own.
 */
#ifndef HEARTH_VERIFY_H
#define HEARTH_VERIFY_H

#include <stddef.h>

struct repo;

/*
 * Check the commits reachable from `to` and not from `since` (NULL: all
 * history).  Prints each violation on stdout as
 * "<commit> <email> <path>: not an owner (owners: ...)".  *violations and
 * *commits are counted.  Returns 0 when the check ran (violations or not),
 * -1 after reporting an error (a bad revision, an owners file with a
 * syntax error, a shallow repository).
 */
int	verify_run(struct repo *r, const char *since, const char *to,
	    size_t *commits, size_t *violations);

#endif
