/*
 * cmd_verify: check the ownership of every commit in a range; record the
 * range as verified.
 */
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "cmd.h"
#include "cmdopt.h"
#include "diag.h"
#include "repo.h"
#include "verify.h"

static const char usage[] = N_(
    "usage: hearth verify [-C DIR] [--since REV | --all] [--rev REV] "
    "[--record]\n");

int
cmd_verify(int argc, char **argv)
{
	const char *since = NULL, *rev = "HEAD";
	bool all = false, record = false;
	const struct cmdopt opts[] = {
		{ "since", 's', OPT_STR, &since, 0, 0, NULL },
		{ "rev", 'r', OPT_STR, &rev, 0, 0, NULL },
		{ "all", 0, OPT_FLAG, &all, 0, 0, NULL },
		{ "record", 0, OPT_FLAG, &record, 0, 0, NULL },
		{ NULL, 0, 0, NULL, 0, 0, NULL },
	};
	struct verify_range vr;
	struct commit tip;
	struct repo *r = NULL;
	struct arena a;
	size_t commits = 0, violations = 0;
	int c, rc;

	if ((rc = cmdopt_parse(argc, argv, opts, usage, 0, 0, NULL, NULL)) >= 0)
		return rc;
	if (all && since != NULL) {
		fputs(usage, stderr);
		return 2;
	}
	if ((c = repo_open(&r, ".")) == 0)
		diag_error(".", 0, 0, "not in a git repository");
	if (c <= 0)
		return 1;
	rc = 1;
	arena_init(&a);
	if (repo_resolve(r, rev, &tip, &a) < 0)
		goto out;
	memset(&vr, 0, sizeof(vr));
	vr.to = tip.id;
	if (since != NULL) {
		vr.hide[vr.nhide++] = vr.base = since;
		vr.label = arena_printf(&a, _("since %s"), since);
	} else if (all)
		vr.label = N_("all history");
	else
		verify_default(r, tip.id, &vr, &a);
	fprintf(stderr, _("hearth: verifying the commits of %s: %s\n"), rev,
	    _(vr.label));
	if (verify_run(r, &vr, &commits, &violations) == 0) {
		/* TRANSLATORS: the line reads "hearth: verified 3 commits:
		 * 1 violation". */
		fprintf(stderr, ngettext("hearth: verified %zu commit",
		    "hearth: verified %zu commits", commits), commits);
		fprintf(stderr, ngettext(": %zu violation\n",
		    ": %zu violations\n", violations), violations);
		rc = violations > 0 ? 1 : 0;
		if (rc == 0 && record && repo_ref_write(r, VERIFIED_REF,
		    tip.id, "hearth verify") < 0)
			rc = 1;
	}
out:
	arena_release(&a);
	repo_free(r);
	return rc;
}
