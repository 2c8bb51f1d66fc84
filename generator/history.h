/*
 * history: when each source file last changed, and who changed it, from
 * one walk of the repository's history for the whole site (not one log per
 * file).  Pages show it as "last updated", the sitemap as lastmod, county
 * brand pages list their folder's recent changes: only those proven by the
 * signature of one of the folder's owners (content/SIGNERS), since
 * anything else in a commit is typed by whoever made it.
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
	const char	*signer;	/* proven principals, or NULL */
};

struct owners;

struct history {
	struct arena	 arena;
	struct change	*changes;	/* newest first */
	size_t		 n, cap;
	struct owners	*owners;	/* the site's OWNERS, or NULL */
};

/* Brand pages list this many changes, checking at most twice as many. */
#define HISTORY_RECENT	10

/*
 * Walk the history of the revision src was read from (or HEAD) and set
 * every file's lastmod and author.  Files no commit explains (a worktree's
 * new files) keep their file time.  Outside a repository nothing is walked.
 * A shallow repository is an error when building a revision and a warning
 * (file times are used) for a worktree.  Returns 0, or -1 after reporting.
 */
int	history_load(struct history *h, struct source *src);
void	history_release(struct history *h);

/* Up to max of the newest changes touching a path under the county folder
 * prefix ("content/counties/522702/") signed by one of its owners. */
size_t	history_recent(const struct history *h, const char *prefix,
	    const struct change **out, size_t max);

#endif
