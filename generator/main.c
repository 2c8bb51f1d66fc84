/*
 * main: look the subcommand up in a table and run it.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "repo.h"

struct command {
	const char	*name;
	int		(*fn)(int, char **);
	const char	*help;
};

static const struct command commands[] = {
	{ "build", cmd_build, "build the site into public/" },
	{ "check", cmd_check, "check content without writing anything" },
	{ "verify", cmd_verify, "check that every commit touches only paths "
	    "its signer owns" },
	{ "hooks", cmd_hooks, "install a pre-receive hook that verifies "
	    "every push" },
	{ "diff", cmd_diff, "what changed in the datasets between two "
	    "revisions" },
	{ "serve", cmd_serve, "build, serve on localhost, rebuild and reload "
	    "on every change" },
};

static void
usage(FILE *fp)
{
	size_t i;

	fputs("usage: hearth <command> [options]\n\ncommands:\n", fp);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(fp, "  %-7s %s\n", commands[i].name, commands[i].help);
	fputs("\nRun 'hearth <command> --help' for a command's options.\n", fp);
}

int
main(int argc, char **argv)
{
	size_t i;

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

			repo_init();
			rc = commands[i].fn(argc - 1, argv + 1);
			repo_shutdown();
			return rc;
		}
	fprintf(stderr, "hearth: unknown command \"%s\"\n", argv[1]);
	usage(stderr);
	return 2;
}
