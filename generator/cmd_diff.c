/*
 * cmd_diff: what changed in the datasets between two revisions.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "cmd.h"
#include "cmdopt.h"
#include "pipeline.h"
#include "datadiff.h"
#include "dataset.h"
#include "diag.h"
#include "history.h"
#include "load.h"
#include "site.h"
#include "source.h"

/* The datasets of the site at rev.  Returns 0, or -1 after reporting. */
static int
load(const char *rev, struct source *src, struct history *hist,
    struct site *site, struct datapkg *pkg)
{
	struct site_opts opts = { 0 };
	struct load_opts lo = { .rev = rev, .federate = true,
	    .history = true };

	memset(pkg, 0, sizeof(*pkg));
	arena_init(&pkg->arena);
	if (load_site(src, hist, site, &opts, &lo) < 0)
		return -1;
	return datapkg_tables(pkg, site, NULL);
}

int
cmd_diff(int argc, char **argv)
{
	static const char usage[] = N_(
	    "usage: hearth diff [-C DIR] [--json] REV1 REV2\n");
	bool json = false;
	const struct cmdopt opts[] = {
		{ "json", 'j', OPT_FLAG, &json, 0, 0, NULL },
		{ NULL, 0, 0, NULL, 0, 0, NULL },
	};
	char **revs;
	struct source src[2];
	struct history hist[2];
	struct site site[2];
	struct datapkg pkg[2];
	struct tablediff *d;
	struct arena a;
	struct buf b;
	size_t n;
	int rc, i;

	if ((rc = cmdopt_parse(argc, argv, opts, usage, 2, 2, &revs, NULL)) >= 0)
		return rc;
	rc = 1;
	memset(src, 0, sizeof(src));
	memset(pkg, 0, sizeof(pkg));
	arena_init(&a);
	buf_init(&b);
	for (i = 0; i < 2; i++)
		if (load(revs[i], &src[i], &hist[i], &site[i],
		    &pkg[i]) < 0)
			goto out;
	n = datadiff(&d, &pkg[0], &pkg[1], &a);
	if (json)
		datadiff_json(&b, revs[0], revs[1], d, n);
	else {
		buf_printf(&b, "datasets %s -> %s\n", revs[0],
		    revs[1]);
		datadiff_text(&b, d, n);
	}
	fwrite(b.data, 1, b.len, stdout);
	rc = 0;
out:
	for (i = 0; i < 2; i++) {
		datapkg_release(&pkg[i]);
		site_release(&site[i]);
		history_release(&hist[i]);
		source_release(&src[i]);
	}
	buf_release(&b);
	arena_release(&a);
	return rc;
}
