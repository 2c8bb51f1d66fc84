/*
 * A tiny unit-test harness: each check prints nothing when it holds and one
 * "file:line: FAIL ..." line when it does not; main returns the summary.
 */
#ifndef HEARTH_HARNESS_H
#define HEARTH_HARNESS_H

#include <stdio.h>
#include <string.h>

static int h_passed, h_failed;

#define OK(cond) do { \
	if (cond) h_passed++; \
	else { h_failed++; fprintf(stderr, "%s:%d: FAIL %s\n", \
	    __FILE__, __LINE__, #cond); } \
} while (0)

#define INT_EQ(got, want) do { \
	long long g_ = (long long)(got), w_ = (long long)(want); \
	if (g_ == w_) h_passed++; \
	else { h_failed++; fprintf(stderr, "%s:%d: FAIL %s == %lld, got %lld\n", \
	    __FILE__, __LINE__, #got, w_, g_); } \
} while (0)

#define STR_EQ(got, want) do { \
	const char *g_ = (got), *w_ = (want); \
	if (g_ != NULL && w_ != NULL && strcmp(g_, w_) == 0) h_passed++; \
	else { h_failed++; fprintf(stderr, "%s:%d: FAIL %s\n  want: %s\n  got:  %s\n", \
	    __FILE__, __LINE__, #got, w_ ? w_ : "(null)", g_ ? g_ : "(null)"); } \
} while (0)

/* Print "<name>: N passed, N failed" and return the exit status. */
static int
harness_done(const char *name)
{
	printf("%s: %d passed, %d failed\n", name, h_passed, h_failed);
	return h_failed ? 1 : 0;
}

#endif
