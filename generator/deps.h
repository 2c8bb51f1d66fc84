/*
 * deps: what a build's outputs are made of, in parts, so that a rebuild
 * can keep the published outputs whose parts did not change.
 *
 * The inputs are split into the news items (content/news/) and the rest
 * (every other file read, hearth's own shipped files, the revision and
 * tags the history comes from, the options, this binary).  Each part is
 * digested with SHA-256 over every path and byte read, so the digest says
 * exactly what the model was made of.  The view says which parts each page
 * reads (view_reads); the writer keeps, with the published tree, the
 * digests it was built from.  A page whose parts all have the digests of
 * the published tree is that tree's page, byte for byte, and is kept
 * without being computed again.
 */
#ifndef HEARTH_DEPS_H
#define HEARTH_DEPS_H

#include <stdbool.h>
#include <stddef.h>

struct source;

enum {
	DEP_NEWS = 1 << 0,	/* content/news/ */
	DEP_REST = 1 << 1,	/* everything else */
	DEP_ALL = DEP_NEWS | DEP_REST
};

struct deps {
	char	line[160];	/* "news:<hex> rest:<hex>" */
};

/* Digest the parts of the site read into src; drafts is the option,
 * extra (len bytes) what else the model holds that no file says (the
 * values plugins' records hooks gave). */
void	deps_digest(struct deps *d, const struct source *src, bool drafts,
	    const char *extra, size_t len);

/* The digest of the part that is not the news (64 hex digits). */
const char *deps_rest(const struct deps *d);

/* The parts whose digests differ from published (a line deps_digest
 * made for the published tree; NULL or unreadable: every part). */
unsigned deps_changed(const struct deps *d, const char *published);

#endif
