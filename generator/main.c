/*
 * main: look the subcommand up in a table and run it.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "cmd.h"
#include "diag.h"
#include "repo.h"

struct command {
	const char	*name;
	int		(*fn)(int, char **);
	const char	*help;
	bool		 builds;	/* makes the model: see hugeheap */
};

static const struct command commands[] = {
	{ "build", cmd_build, N_("build the site into public/"), true },
	{ "check", cmd_check, N_("check content without writing anything"),
	    true },
	{ "verify", cmd_verify, N_("check that every commit touches only paths "
	    "its signer owns"), false },
	{ "hooks", cmd_hooks, N_("install a pre-receive hook that verifies "
	    "every push"), false },
	{ "new", cmd_new, N_("start a site, or a news item: content/news/<slug>/index.md"),
	    false },
	{ "diff", cmd_diff, N_("what changed in the datasets between two "
	    "revisions"), false },
	{ "serve", cmd_serve, N_("build, serve on localhost, rebuild and "
	    "reload on every change"), true },
};

/*
 * A national build first-touches some 350 MiB.  On a virtual machine each
 * 4 KiB page's first touch traps to the hypervisor: some 90,000 traps, a
 * quarter of a news edit's time (docs/performance.md).  glibc backs its
 * heaps with transparent huge pages, and grows them in steps large enough
 * to use them, when GLIBC_TUNABLES asks; it reads that only as a program
 * starts, so the commands that build re-execute themselves once with it.
 * A user's own GLIBC_TUNABLES, or a preloaded library (valgrind, a
 * profiler, another allocator), is left alone; so is a sanitized build.
 */
#define TUNABLES	"glibc.malloc.hugetlb=1:" \
			"glibc.malloc.top_pad=33554432:" \
			"glibc.malloc.mmap_threshold=33554432"

static void
hugeheap(char **argv)
{
#ifndef __SANITIZE_ADDRESS__
	const char *t = getenv("GLIBC_TUNABLES"), *base;

	if (t != NULL) {
		if (strcmp(t, TUNABLES) == 0) {	/* ours: not the children's */
			unsetenv("GLIBC_TUNABLES");
			/* The name ps and top show, which the exec made "exe". */
			base = strrchr(argv[0], '/');
			prctl(PR_SET_NAME, base != NULL ? base + 1 : argv[0]);
		}
		return;
	}
	if (getenv("LD_PRELOAD") != NULL ||
	    setenv("GLIBC_TUNABLES", TUNABLES, 1) < 0)
		return;
	execv("/proc/self/exe", argv);
	unsetenv("GLIBC_TUNABLES");	/* no /proc: go on as we are */
#else
	(void)argv;
#endif
}

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

			if (commands[i].builds)
				hugeheap(argv);
			repo_init();
			rc = commands[i].fn(argc - 1, argv + 1);
			repo_shutdown();
			return rc;
		}
	fprintf(stderr, _("hearth: unknown command \"%s\"\n"), argv[1]);
	usage(stderr);
	return 2;
}
