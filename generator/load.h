/*
 * load: the loading stage, the one way the site is read — by every
 * command and for every version rebuilt from history: its files (the
 * worktree or a git revision), the federated county repositories, the
 * history (who changed what, when) and the model.  Everything is read and
 * checked here, every error of every file reported; after it the model is
 * frozen and no stage reads a file of the site again.
 */
#ifndef HEARTH_LOAD_H
#define HEARTH_LOAD_H

#include <stdbool.h>

#include "history.h"
#include "site.h"
#include "source.h"

struct load_opts {
	const char	*root;		/* the site's folder; NULL: "." */
	const char	*rev;		/* a git revision, or NULL: worktree */
	bool		 federate;	/* mount hearth.yaml's sources: */
	bool		 history;	/* walk the history (dates, authors) */
};

/*
 * Load into src, hist and site (released with load_release whatever the
 * result); opts holds the model's options (drafts), and gets the history.
 * With o->rev, the model knows the release tag at that revision
 * (site.release_tag).  Returns 0, or -1 after reporting.
 */
int	load_site(struct source *src, struct history *hist, struct site *site,
	    struct site_opts *opts, const struct load_opts *o);
void	load_release(struct source *src, struct history *hist,
	    struct site *site);

#endif
