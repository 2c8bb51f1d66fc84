/*
 * cmd_check: `hearth check`, a build that writes nothing: the whole
 * pipeline runs (plugins, shortcodes, every template render, the checks
 * of every output) with a writer that only checks paths, so check and
 * build report the same errors.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "diag.h"
#include "jobs.h"
#include "pipeline.h"

static void
usage(FILE *fp)
{
	fputs("usage: hearth check [-C DIR] [--rev REV] [--drafts] [--jobs N] "
	    "[--quiet|--verbose]\n", fp);
}

int
cmd_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "rev", required_argument, NULL, 'r' },
		{ "drafts", no_argument, NULL, 'D' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct pipeline_opts po = { .out = "public", .dry = true,
	    .jobs = jobs_ncpu() };
	struct pipeline_stats st;
	const char *dir = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "C:j:qvh", longopts, NULL)) != -1)
		switch (c) {
		case 'C':
			dir = optarg;
			break;
		case 'r':
			po.rev = optarg;
			break;
		case 'D':
			po.drafts = true;
			break;
		case 'j':
			po.jobs = atoi(optarg);
			if (po.jobs < 1 || po.jobs > 256) {
				fprintf(stderr, "hearth: --jobs must be 1..256\n");
				return 2;
			}
			break;
		case 'q':
			diag_set_verbosity(0);
			break;
		case 'v':
			diag_set_verbosity(2);
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
	if (pipeline_run(&po, &st) < 0 || diag_errors() > 0) {
		fprintf(stderr, "hearth: %d error%s\n", diag_errors(),
		    diag_errors() == 1 ? "" : "s");
		return 1;
	}
	diag_info("no errors (%zu pages, %zu files checked)", st.pages,
	    st.files);
	return 0;
}
