/*
 * stopwatch OUT CMD...: run CMD and write "wall user sys maxrss_kb" to OUT
 * (seconds to the microsecond, kilobytes); exit with CMD's status.
 *
 * GNU time gives the wall time in hundredths of a second, and timing it
 * from the shell adds the shell's fork and time's own start (10 ms here):
 * both too coarse for a build that finds nothing to do.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	struct rusage ru;
	double t0, t1;
	int status;
	pid_t pid;
	FILE *out;

	if (argc < 3) {
		fprintf(stderr, "usage: stopwatch OUT CMD...\n");
		return 2;
	}
	t0 = now();
	if ((pid = fork()) < 0) {
		perror("stopwatch: fork");
		return 2;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		perror(argv[2]);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("stopwatch: wait4");
		return 2;
	}
	t1 = now();
	if ((out = fopen(argv[1], "w")) == NULL) {
		perror(argv[1]);
		return 2;
	}
	fprintf(out, "%.6f %.6f %.6f %ld\n", t1 - t0,
	    (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6,
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6,
	    ru.ru_maxrss);
	fclose(out);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
