/*
 * restart: the second start on huge pages (see restart.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "restart.h"
#include "util.h"

#define TUNABLES	"glibc.malloc.hugetlb=1:" \
			"glibc.malloc.top_pad=33554432:" \
			"glibc.malloc.mmap_threshold=33554432"
#define HANDED		"HEARTH_INPUTS"

static char **later_argv;	/* restart_later's */
static int later_cwd = -1;	/* the folder it was started in */
static char *handed;		/* HANDED, in the process started again */

static __attribute__((noinline)) void
scrub(void)
{
	char stack[64 * 1024];

	explicit_bzero(stack, sizeof(stack));
}

void
restart_first(void)
{
	void *volatile first;	/* a pair the compiler cannot take away */

	scrub();
	first = malloc(1);	/* glibc reads the mode now, on a clean stack */
	free(first);
}

bool
restart_again(char **argv)
{
	const char *t = getenv("GLIBC_TUNABLES"), *h = getenv(HANDED), *base;

	if (t == NULL || strcmp(t, TUNABLES) != 0)
		return false;
	/* Ours, not the children's. */
	unsetenv("GLIBC_TUNABLES");
	if (h != NULL)
		handed = xstrdup(h);
	unsetenv(HANDED);
	/* The name ps and top show, which the exec made "exe". */
	base = strrchr(argv[0], '/');
	prctl(PR_SET_NAME, base != NULL ? base + 1 : argv[0]);
	return true;
}

void
restart_now(char **argv)
{
#ifndef __SANITIZE_ADDRESS__
	if (getenv("GLIBC_TUNABLES") != NULL || getenv("LD_PRELOAD") != NULL ||
	    setenv("GLIBC_TUNABLES", TUNABLES, 1) < 0)
		return;
	execv("/proc/self/exe", argv);
	unsetenv("GLIBC_TUNABLES");	/* no /proc: go on as we are */
#else
	(void)argv;
#endif
}

void
restart_later(char **argv)
{
	if ((later_cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC)) >= 0)
		later_argv = argv;
}

void
restart_with(const char *inputs)
{
	int here;

	if (later_argv == NULL ||
	    (here = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return;
	if (fchdir(later_cwd) == 0) {
		if (setenv(HANDED, inputs != NULL ? inputs : "-", 1) == 0)
			restart_now(later_argv);
		unsetenv(HANDED);
		if (fchdir(here) < 0)
			xdie("cannot enter the site again: %s", strerror(errno));
	}
	close(here);
	close(later_cwd);
	later_cwd = -1;
	later_argv = NULL;
}

const char *
restart_handed(void)
{
	return handed;
}
