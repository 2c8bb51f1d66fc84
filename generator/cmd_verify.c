/*
 * cmd_verify: check the ownership of every commit in a range.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "diag.h"
#include "repo.h"
#include "verify.h"

static void
usage(FILE *fp)
{
	fputs("usage: hearth verify [-C DIR] [--since REV] [--rev REV]\n", fp);
}

int
cmd_verify(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "rev", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *since = NULL, *rev = "HEAD";
	struct repo *r = NULL;
	size_t commits = 0, violations = 0;
	int c, rc = 1;

	while ((c = getopt_long(argc, argv, "C:s:r:h", longopts, NULL)) != -1)
		switch (c) {
		case 'C':
			dir = optarg;
			break;
		case 's':
			since = optarg;
			break;
		case 'r':
			rev = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (cmd_enter(dir) < 0)
		return 1;
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
