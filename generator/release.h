/*
 * release: the site's tagged releases, rebuilt from git.
 *
 * Every tag matching the release pattern (hearth.yaml data.release_tags,
 * default "v*") whose commit is in the history of the revision built is
 * read from the object database and its datasets are made again, so that
 * /data/v/<tag>/ can always be published, and consecutive releases are
 * compared for the data changelog (/data/changes/, /data/changes.json).
 * A release that no longer builds with this version of hearth is skipped
 * with a warning.
 */
#ifndef HEARTH_RELEASE_H
#define HEARTH_RELEASE_H

#include <stddef.h>

#include "arena.h"
#include "dataset.h"
#include "datadiff.h"
#include "history.h"
#include "site.h"
#include "source.h"

struct release {
	const char	*tag;		/* NULL for a dated version */
	struct source	 src;
	struct history	 hist;		/* empty: releases need no dates */
	struct site	 site;
	struct datapkg	 pkg;
};

/* Changes between two versions ("v1" -> "v2"). */
struct changeset {
	const char	*from, *to;
	const char	*date;		/* of the newer one, YYYY-MM-DD */
	struct tablediff *tables;
	size_t		 ntables;
};

struct releases {
	struct arena	 arena;
	struct release	**v;		/* releases oldest first, then
					   dated versions oldest first */
	size_t		 n;
	struct changeset *changes;	/* newest first */
	size_t		 nchanges;
	char		*json;		/* /data/changes.json */
	size_t		 jsonlen;
	const struct dsink *sink;	/* where each version's files go */
	int		 rc;		/* -1 once the sink failed */
};

/*
 * Rebuild the releases of the site src was read from, and compare each
 * with the one before; when the current build (cur, version current) is
 * not itself a release, it is compared with the last one too.  Outside a
 * repository, or with no tags, there is nothing to do.  Each version's
 * files go to sink once it is known to build (NULL keeps them).  Returns
 * 0, or -1 after reporting.
 */
int	releases_load(struct releases *out, const struct source *src,
	    const struct datapkg *cur, const struct dsink *sink);
void	releases_release(struct releases *r);

/* The JSON Schema of changes.json. */
extern const char releases_schema[];

#endif
