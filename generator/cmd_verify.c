/*
 * cmd_verify: check the ownership of every commit in a range.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "cmdopt.h"
#include "diag.h"
#include "repo.h"
#include "verify.h"

static const char usage[] =
    "usage: hearth verify [-C DIR] [--since REV] [--rev REV]\n";

int
cmd_verify(int argc, char **argv)
{
	const char *since = NULL, *rev = "HEAD";
	const struct cmdopt opts[] = {
		{ "since", 's', OPT_STR, &since, 0, 0, NULL },
		{ "rev", 'r', OPT_STR, &rev, 0, 0, NULL },
		{ NULL, 0, 0, NULL, 0, 0, NULL },
	};
	struct repo *r = NULL;
	size_t commits = 0, violations = 0;
	int c, rc;

	if ((rc = cmdopt_parse(argc, argv, opts, usage, 0, 0, NULL, NULL)) >= 0)
		return rc;
	rc = 1;
	if ((c = repo_open(&r, ".")) == 0)
		diag_error(".", 0, 0, "not in a git repository");
	if (c <= 0)
		return 1;
	if (verify_run(r, since, rev, &commits, &violations) == 0) {
		fprintf(stderr, "hearth: verified %zu commit%s: %zu violation%s\n",
		    commits, commits == 1 ? "" : "s", violations,
		    violations == 1 ? "" : "s");
		rc = violations > 0 ? 1 : 0;
	}
	repo_free(r);
	return rc;
}
