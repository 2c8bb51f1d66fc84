/*
 * cmd_check: `hearth check`, a build that writes nothing: the whole
 * pipeline runs (plugins, shortcodes, every template render, the checks
 * of every output) with a writer that only checks paths, so check and
 * build report the same errors.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "cmdopt.h"
#include "diag.h"
#include "jobs.h"
#include "pipeline.h"

static const char usage[] = N_(
    "usage: hearth check [-C DIR] [--rev REV] [--drafts] [--jobs N] "
    "[--quiet|--verbose]\n");

int
cmd_check(int argc, char **argv)
{
	struct pipeline_opts po = { .out = "public", .dry = true,
	    .jobs = jobs_ncpu() };
	const struct cmdopt opts[] = {
		{ "rev", 0, OPT_STR, &po.rev, 0, 0, NULL },
		{ "drafts", 0, OPT_FLAG, &po.drafts, 0, 0, NULL },
		{ "jobs", 'j', OPT_INT, &po.jobs, 1, 256, NULL },
		{ NULL, 0, 0, NULL, 0, 0, NULL },
	};
	struct pipeline_stats st;
	int rc;

	if ((rc = cmdopt_parse(argc, argv, opts, usage, 0, 0, NULL, NULL)) >= 0)
		return rc;
	if (pipeline_run(&po, &st) < 0 || diag_errors() > 0) {
		fprintf(stderr, ngettext("hearth: %d error\n",
		    "hearth: %d errors\n", diag_errors()), diag_errors());
		return 1;
	}
	diag_info("no errors (%zu pages, %zu files checked)", st.pages,
	    st.files);
	return 0;
}
