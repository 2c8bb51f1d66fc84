/*
 * source: the site's input files, read from a directory (or, later, from a
 * git revision) into memory once, so every later stage reads from one
 * sorted table and never touches the disk itself.
 *
 * Only hearth.yaml and the trees content/, themes/ and plugins/ are read.
 * Hidden files are skipped.  A symlink is followed only when it resolves
 * inside the site; one pointing outside is an error, so content cannot pull
 * in /etc/passwd.
 */
#ifndef HEARTH_SOURCE_H
#define HEARTH_SOURCE_H

#include <stddef.h>
#include <time.h>

#include "arena.h"

#define SOURCE_MAX_FILE	(32L * 1024 * 1024)

struct sfile {
	const char	*path;	/* relative to the root, '/'-separated */
	const char	*data;	/* contents, NUL-terminated after len */
	size_t		 len;
	time_t		 mtime;
};

struct source {
	struct arena	 arena;	/* owns paths and contents */
	struct sfile	*files;	/* sorted by path (strcmp) */
	size_t		 n, cap;
	char		*root;	/* the site directory */
};

/* Read the site at root.  Returns 0, or -1 after reporting every unreadable
 * file; release with source_release either way. */
int	source_load_dir(struct source *out, const char *root);
void	source_release(struct source *src);

/* The file at path, or NULL. */
const struct sfile *source_get(const struct source *src, const char *path);

/* The files under directory prefix ("content/news/", trailing slash) as a
 * contiguous run: returns the count and sets *first. */
size_t	source_under(const struct source *src, const char *prefix,
	    const struct sfile **first);

#endif
