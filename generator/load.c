/*
 * load: the loading stage (see load.h).
 */
#include <string.h>

#include "diag.h"
#include "federate.h"
#include "load.h"
#include "repo.h"

int
load_site(struct source *src, struct history *hist, struct site *site,
    struct site_opts *opts, const struct load_opts *o)
{
	const char *root = o->root != NULL ? o->root : ".";
	double t = diag_now();
	int rc;

	memset(hist, 0, sizeof(*hist));
	memset(site, 0, sizeof(*site));
	rc = o->rev != NULL ? source_load_rev(src, root, o->rev) :
	    source_load_dir(src, root, opts->jobs);
	if (rc == 0 && o->federate && federate(src) < 0)
		rc = -1;
	diag_lap("read", &t);
	if (rc == 0 && o->history && history_load(hist, src) < 0)
		rc = -1;
	if (o->history)
		diag_lap("history", &t);
	opts->history = o->history ? hist : NULL;
	if (rc == 0 && site_load(site, src, opts) < 0)
		rc = -1;
	/* A revision that a release tag names publishes its data as that
	 * release: the tag is read here, with the rest of git. */
	if (rc == 0 && src->from_rev && src->repo != NULL)
		site->release_tag = repo_tag_at(src->repo, &src->commit,
		    site->cfg.data.release_tags, &site->arena);
	diag_lap("model", &t);
	return rc;
}

void
load_release(struct source *src, struct history *hist, struct site *site)
{
	site_release(site);
	history_release(hist);
	source_release(src);
}
