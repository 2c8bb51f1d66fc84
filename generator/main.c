/*
 * main: look the subcommand up in a table and run it.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "diag.h"
#include "repo.h"
#include "restart.h"

struct command {
	const char	*name;
	int		(*fn)(int, char **);
	const char	*help;
	int		 builds;	/* makes the model: restart.h */
};

/* When a command starts again on huge pages (restart.h): never, first
 * thing, or once it knows it has work (a build that finds its output up
 * to date ends without a second start). */
enum { NO, FIRST, LATER };

static const struct command commands[] = {
	{ "build", cmd_build, N_("build the site into public/"), LATER },
	{ "check", cmd_check, N_("check content without writing anything"),
	    FIRST },
	{ "verify", cmd_verify, N_("check that every commit touches only paths "
	    "its signer owns"), NO },
	{ "hooks", cmd_hooks, N_("install a pre-receive hook that verifies "
	    "every push"), NO },
	{ "new", cmd_new, N_("start a site, or a news item: content/news/<slug>/index.md"),
	    NO },
	{ "diff", cmd_diff, N_("what changed in the datasets between two "
	    "revisions"), NO },
	{ "serve", cmd_serve, N_("build, serve on localhost, rebuild and "
	    "reload on every change"), FIRST },
};

static void
usage(FILE *fp)
{
	size_t i;

	fputs(_("usage: hearth <command> [options]\n\ncommands:\n"), fp);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(fp, "  %-7s %s\n", commands[i].name,
		    _(commands[i].help));
	fputs(_("\nRun 'hearth <command> --help' for a command's options.\n"),
	    fp);
}

int
main(int argc, char **argv)
{
	size_t i;

	restart_first();	/* before anything allocates */
	diag_locale();
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		puts("hearth " HEARTH_VERSION);
		return 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0) {
			int rc;

			bool again = restart_again(argv);

			if (commands[i].builds == FIRST && !again)
				restart_now(argv);
			if (commands[i].builds == LATER && !again)
				restart_later(argv);
			rc = commands[i].fn(argc - 1, argv + 1);
			repo_shutdown();
			return rc;
		}
	fprintf(stderr, _("hearth: unknown command \"%s\"\n"), argv[1]);
	usage(stderr);
	return 2;
}
