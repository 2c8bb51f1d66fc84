/*
 * history: when each source file last changed, and who changed it, from
 * one walk of the repository's history for the whole site (not one log per
 * file).  Pages show it as "last updated", the sitemap as lastmod, county
 * brand pages list their folder's recent changes.
 */
#ifndef HEARTH_HISTORY_H
#define HEARTH_HISTORY_H

#include <stddef.h>

#include "arena.h"
#include "repo.h"

struct source;

struct change {
	struct commit	 c;
	const char	**paths;	/* site paths it changed, sorted */
	size_t		 npaths;
};

struct history {
	struct arena	 arena;
	struct change	*changes;	/* newest first */
	size_t		 n, cap;
};

/*
 * Walk the history of the revision src was read from (or HEAD) and set
 * every file's lastmod and author.  Files no commit explains (a worktree's
 * new files) keep their file time.  Outside a repository nothing is walked.
 * A shallow repository is an error when building a revision and a warning
 * (file times are used) for a worktree.  Returns 0, or -1 after reporting.
 */
int	history_load(struct history *h, struct source *src);
void	history_release(struct history *h);

/* Up to max of the newest changes touching a path under prefix. */
size_t	history_recent(const struct history *h, const char *prefix,
	    const struct change **out, size_t max);

#endif
