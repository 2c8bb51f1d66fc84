/*
 * cmd_check: everything a build checks, nothing written.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "dataset.h"
#include "diag.h"
#include "history.h"
#include "out.h"
#include "plugin.h"
#include "site.h"
#include "source.h"
#include "template.h"

int
cmd_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct site_opts opts = { .drafts = true };
	struct source src;
	struct history hist;
	struct site site;
	struct datapkg data;
	struct tmpl_set *set;
	const char *dir = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "C:h", longopts, NULL)) != -1)
		switch (c) {
		case 'C':
			dir = optarg;
			break;
		case 'h':
			puts("usage: hearth check [-C DIR]");
			return 0;
		default:
			fputs("usage: hearth check [-C DIR]\n", stderr);
			return 2;
		}
	if (cmd_enter(dir) < 0)
		return 1;
	memset(&data, 0, sizeof(data));
	arena_init(&data.arena);
	if (cmd_load(&src, &hist, &site, &opts, NULL) == 0 &&
	    (set = out_page_theme(&site, &src)) != NULL) {
		struct plugin_host *plugins = NULL;

		/* Plugins run their top level and records hooks, which is
		 * where they check the records they care about. */
		if (plugin_host_new(&plugins, &site, &src) == 0) {
			plugin_set_theme(plugins, set);
			if (plugin_records(plugins) == 0)
				datapkg_build(&data, &site);
		}
		plugin_host_free(plugins);
		tmpl_set_free(set);
	}
	datapkg_release(&data);
	site_release(&site);
	history_release(&hist);
	source_release(&src);
	if (diag_errors() > 0) {
		fprintf(stderr, "hearth: %d error%s\n", diag_errors(),
		    diag_errors() == 1 ? "" : "s");
		return 1;
	}
	diag_info("no errors");
	return 0;
}
