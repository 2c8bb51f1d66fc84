/*
 * site: the in-memory model of one build.
 *
 * site_load reads every input through the earlier stages (config, divisions,
 * schemas, records, news, county folders), checks them, and derives what
 * pages and datasets share: areas (published provinces and their counties)
 * with their stations and coverage, news by tag and province, the latest
 * report of each area.  Everything lives in the site's arena and is
 * read-only once site_load returns, so outputs may read it from any thread.
 *
 * Well-known record types give the model its shape (docs/content.md):
 * station (county, township, kind), report (area, date, stations ...),
 * service_stats (area, station), campaign, action (campaign), initiative,
 * and news (front matter of content/news/.../NAME.md).
 */
#ifndef HEARTH_SITE_H
#define HEARTH_SITE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "arena.h"
#include "config.h"
#include "division.h"
#include "record.h"
#include "schema.h"
#include "ui.h"

struct geo_layer;
struct geo_shape;
struct source;
struct area;

/* When something last changed, and who changed it (from git history; the
 * file time outside a repository).  when is 0 when unknown. */
struct stamp {
	time_t		 when;
	const char	*author;	/* NULL when unknown */
};

struct news {
	struct record	*rec;		/* front matter, as a news record */
	const char	*slug;		/* file base name, or the folder's of
					   an index.md: URL /news/<slug>/ */
	const char	*path;
	const char	*bundle;	/* "content/news/<slug>/" when the item
					   is that folder's index.md: the
					   files beside it are published with
					   it; else NULL */
	const char	*title;
	const char	*date;		/* YYYY-MM-DD */
	const char	*body;		/* Markdown, points into the source */
	size_t		 body_len;
	int		 body_line;
	struct area	*province;	/* NULL if none or not published */
	struct area	*county;
	bool		 draft;
	size_t		 idx;		/* position in site.news (published) */
	struct stamp	 changed;	/* of its file */
};

/* A county's own page, content/counties/<code>/index.md. */
struct brand {
	struct record	*rec;		/* front matter, as a brand record */
	const char	*path;
	const char	*title;
	const char	*body;
	size_t		 body_len;
	int		 body_line;
	struct area	*county;
	bool		 own_template;	/* content/counties/<code>/
					   brand.mustache exists */
	struct stamp	 changed;	/* of its county folder */
};

/* A published province, or a county of one. */
struct area {
	struct division	*div;
	struct area	*province;	/* for counties */
	struct area	**counties;	/* for provinces, by code */
	size_t		 ncounties;
	struct record	**stations;	/* by id */
	size_t		 nstations;
	long		 covered;	/* townships with a township station */
	struct record	**reports;	/* by date, newest first */
	size_t		 nreports;
	struct record	**stats;	/* service_stats of the area */
	size_t		 nstats;
	struct news	**news;		/* newest first */
	size_t		 nnews;
	struct brand	*brand;
	/* The last change a page of the area shows: of its stations and
	 * reports, and for a county of its folder too. */
	struct stamp	 changed;
};

/* A province's tile on the national overview
 * (content/reference/province-tiles.csv). */
struct tile {
	const char	*code;
	const char	*name;		/* short name on the tile */
	int		 row, col;
};

struct tag {
	const char	*name;
	struct news	**news;		/* newest first */
	size_t		 n;
};

struct site {
	struct arena	 arena;		/* owns everything below but ... */
	struct arena	 lists;		/* ... news, tags and the areas'
					   news: site_refront makes them
					   again */
	const struct source *src;	/* borrowed until site_release */
	struct config	 cfg;
	struct ui	 ui;		/* the theme's words */
	struct divisions div;
	struct schema	*schemas;	/* sorted by name */
	size_t		 nschemas;
	struct recordset *sets;		/* parallel to schemas */
	struct news	**news;		/* published, newest first */
	size_t		 nnews;
	struct tag	*tags;		/* sorted by name */
	size_t		 ntags;
	struct area	*provinces;	/* in hearth.yaml order */
	size_t		 nprovinces;
	struct area	**counties;	/* every county of those, by code */
	size_t		 ncounties;
	struct brand	**brands;	/* by county code */
	size_t		 nbrands;
	struct geo_layer **geo;		/* boundaries, parallel to provinces;
					   NULL where a province has none */
	const char	**alias_from;	/* polygon codes of replaced counties */
	const char	**alias_to;	/* ... and the counties they became */
	size_t		 naliases;
	const char	*build_date;	/* data as of: the newest date of any
					   published record but news items,
					   YYYY-MM-DD */
	bool		 asof_news;	/* ... taken from the news items, as
					   no other record has a date */
	struct stamp	 changed;	/* the newest change under content/ */
	const char	*release_tag;	/* the release tag at the revision
					   loaded, or NULL (load.c) */
	struct tile	*tiles;		/* in file order; none without the
					   file */
	size_t		 ntiles;
	const struct history *history;	/* borrowed from the caller */
	bool		 drafts;	/* site_opts' */
};

struct site_opts {
	bool		 drafts;	/* publish drafts too */
	const struct history *history;	/* borrowed; may be NULL */
	int		 jobs;		/* threads that parse the files (0:
					   the caller's alone) */
};

/* Load and check the site in src.  Returns 0, or -1 after reporting every
 * problem found; release with site_release either way. */
int	site_load(struct site *out, const struct source *src,
	    const struct site_opts *opts);
void	site_release(struct site *s);

/* The record set of a type, or NULL when the site has no such schema. */
/*
 * The news item of file was (what src held of it) was read again
 * (source_reread): take its new body when every byte before the body is
 * as it was, so nothing else of the model can differ.  Returns 0, or -1
 * when the file is no published item or more than its body changed (the
 * model must then be read again).  For hearth serve's held model alone
 * (hold.h): the model is frozen for every build.
 */
struct sfile;
int	site_rebody(struct site *s, const struct sfile *was);

/*
 * The same for an item whose front matter changed: check it as the load
 * does and take it, with the lists it puts the item in (the news, its
 * province's and county's, its tags'), or takes it out of (made a
 * draft); a draft is published, or edited still a draft, the same way.
 * Returns 0, or -1 (the model must then be read again) when it is no
 * item, its front matter has an error, a record that names it would
 * fail the build now (a report naming a draft), a plugin's records hook
 * was given it, as it was or as it is (given, the caller's: whatever
 * the hook gave may follow from it), or the site's data date moved (the
 * data's version may be named by it).  The caller then makes its view
 * of the site again.
 */
typedef bool site_given_fn(const void *ud, const struct record *r);
int	site_refront(struct site *s, const struct sfile *was,
	    site_given_fn *given, const void *ud);

/*
 * The same for a news item's file that src lacked and source_add read: a
 * file of its own (no item's folder), checked as the load checks it and
 * put in the lists.  Returns 0, or -1 (the model must then be read
 * again) for anything else, an error, a draft a build would not publish,
 * an item a plugin's records hook would be given (given), or when the
 * data date moved.
 */
int	site_addnews(struct site *s, const char *path, site_given_fn *given,
	    const void *ud);

/*
 * The same for a news item's file that source_remove took away: the item
 * (a file of its own, published or a draft) out of the records and the
 * lists.  Returns 0, or -1 (the model must then be read again) when it
 * was no such item, a record names it, a plugin's records hook was given
 * it, or the data date moved.
 */
int	site_removenews(struct site *s, const char *path,
	    site_given_fn *given, const void *ud);

/*
 * The same for a file of records other than news (stations, campaigns,
 * reports...): its records taken when they are the same records (ids,
 * in the same order), each in the area it was in (a station's county, a
 * report's area), a draft or not as before, and checked as the load
 * checks them; a station may change its township and dates, any other
 * record none of its division codes and dates.  The areas' lists
 * follow, and the coverage and last changes their pages show.  Returns
 * 0, or -1 (the model must be read again) when it is no file of records,
 * or for anything more, or when the data date moved.  given: as for
 * site_refront.
 */
int	site_rerecords(struct site *s, const struct sfile *was,
	    site_given_fn *given, const void *ud);

/*
 * The same for a county's brand page (content/counties/<code>/index.md):
 * its front matter checked as the load checks it, for the same county,
 * and taken with its text.  Returns 0, or -1 (the model must be read
 * again) when it is no brand page of the model, for an error, or when
 * the data date moved.  (No records hook is given a brand page.)
 */
int	site_rebrand(struct site *s, const struct sfile *was);

const struct recordset *site_records(const struct site *s, const char *type);

/* The published province or county with this code, or NULL. */
struct area *site_area(const struct site *s, const char *code);

/* The boundary shapes of a county: its own polygon, or the polygons of
 * the counties it replaced (content/reference/boundaries/aliases.csv).
 * Fills out with up to max shapes and returns how many there are. */
size_t	site_shapes(const struct site *s, const char *county,
	    const struct geo_shape **out, size_t max);

#endif
