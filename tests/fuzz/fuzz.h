/*
 * What the libFuzzer targets share: quiet diagnostics and reading the
 * repository's own files once at start-up.
 *
 * Errors are expected outcomes for most inputs, so the messages diag prints
 * go to /dev/null: the stdio stream stderr is pointed there, while the
 * sanitizers and libFuzzer keep writing to file descriptor 2 (they do not
 * use that stream), so their reports still show.  The messages are still
 * formatted, so a bad format argument is still caught.  Set
 * HEARTH_FUZZ_DIAG=1 to see them when replaying an input.
 *
 * Targets that read repository files (schemas, divisions) find them
 * relative to HEARTH_ROOT, or the current directory (the repository root,
 * where tests/fuzz/run.sh and fuzz.mk run them).
 */
#ifndef HEARTH_FUZZ_H
#define HEARTH_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "util.h"

int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline void
fuzz_quiet(void)
{
	FILE *null;

	diag_set_verbosity(0);
	if (getenv("HEARTH_FUZZ_DIAG") != NULL)
		return;
	if ((null = fopen("/dev/null", "w")) != NULL)
		stderr = null;
}

/* A repository file as a malloc'd, NUL-terminated string; exits when it
 * cannot be read (the target is useless without it). */
static inline char *
fuzz_slurp(const char *rel, size_t *len)
{
	const char *root = getenv("HEARTH_ROOT");
	char path[4096];
	FILE *f;
	char *p;
	long n;

	snprintf(path, sizeof(path), "%s/%s", root != NULL ? root : ".", rel);
	if ((f = fopen(path, "rb")) == NULL || fseek(f, 0, SEEK_END) != 0 ||
	    (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		fprintf(stdout, "fuzz: cannot read %s (run from the "
		    "repository root or set HEARTH_ROOT)\n", path);
		exit(2);
	}
	p = xmalloc((size_t)n + 1);
	if (fread(p, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stdout, "fuzz: cannot read %s\n", path);
		exit(2);
	}
	fclose(f);
	p[n] = '\0';
	*len = (size_t)n;
	return p;
}

/* The input as a NUL-terminated copy (sfile data and cJSON want one). */
static inline char *
fuzz_text(const uint8_t *data, size_t size)
{
	char *s = xmalloc(size + 1);

	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
