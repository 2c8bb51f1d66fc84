/*
 * deps: what a build's outputs are made of, in parts, so that a rebuild
 * can keep the published outputs whose parts did not change.
 *
 * The inputs are split into the news items (content/news/), the files of
 * station records, the revision the site is read at (its history), and
 * the rest (every other file read, hearth's own shipped files, the tags,
 * the options, this binary).  Each part is digested with SHA-256 over every
 * path and byte read, and the day and author each file's pages show (the
 * history's, in a repository: so a page of a file no commit touched
 * follows no commit), so the digest says exactly what the model was made
 * of.  What is derived
 * from every part and shown on every page (the data date, the site's last
 * change) is in the rest.  The view says which parts each page
 * reads (view_reads); the writer keeps, with the published tree, the
 * digests it was built from.  A page whose parts all have the digests of
 * the published tree is that tree's page, byte for byte, and is kept
 * without being computed again.
 */
#ifndef HEARTH_DEPS_H
#define HEARTH_DEPS_H

#include <stdbool.h>
#include <stddef.h>

#include <stdint.h>

struct site;
struct source;

enum {
	DEP_NEWS = 1 << 0,	/* content/news/ but the items' bodies */
	DEP_BODIES = 1 << 1,	/* the news items' bodies */
	DEP_REST = 1 << 2,	/* everything else */
	DEP_STATIONS = 1 << 3,	/* the files of station records */
	DEP_HISTORY = 1 << 4,	/* the revision: the data pages,
				   a county's recent changes */
	DEP_ALL = DEP_NEWS | DEP_BODIES | DEP_REST | DEP_STATIONS |
	    DEP_HISTORY
};

struct deps {
	/* "news:<hex> bodies:<hex> stations:<hex> history:<hex> rest:<hex>" */
	char	line[400];
	/* For names of cache entries: the news as listed, the stations and
	 * the rest (the maps; the data tables, whose files name of the
	 * revision only their source commit), and the rest alone (a data
	 * file's all but its rows and that commit). */
	char	news[65];
	char	places[65];
	char	frame[65];
};

/* Digest the parts of the site s read into src; drafts is the option,
 * extra (len bytes) what else the model holds that no file says (the
 * values plugins' records hooks gave). */
void	deps_digest(struct deps *d, const struct source *src,
	    const struct site *s, bool drafts, const char *extra, size_t len);

/* The digests of the news as listed, of the stations and the rest, and
 * of the rest alone (64 hex digits). */
const char *deps_news(const struct deps *d);
const char *deps_places(const struct deps *d);
const char *deps_frame(const struct deps *d);

/* This program (its version and the digest of its binary), as 64 hex
 * digits: for cache entries that follow no part but the program. */
const char *deps_self(void);

/* A page's own input (a news item's body) as a key, never 0 nor
 * UINT64_MAX (write.h). */
uint64_t deps_key(const char *text, size_t len);

/* The parts whose digests differ from published (a line deps_digest
 * made for the published tree; NULL or unreadable: every part). */
unsigned deps_changed(const struct deps *d, const char *published);

#endif
