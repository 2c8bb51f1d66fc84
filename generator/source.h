/*
 * source: the site's input files, read from a directory or from a git
 * revision (libgit2, no checkout) into memory once, so every later stage
 * reads from one sorted table and never touches the disk itself.
 *
 * Only hearth.yaml and the trees content/, themes/ and plugins/ are read.
 * What the site lacks of hearth's own files comes from hearth's data
 * directory (source_datadir): the national reference as a whole when the
 * site has no content/reference/, and each file of themes/default/ the
 * site does not have itself, so a site overrides either with its own.
 * Hidden files are skipped.  A symlink is followed only when it resolves
 * inside the site; one pointing outside is an error, so content cannot pull
 * in /etc/passwd.
 */
#ifndef HEARTH_SOURCE_H
#define HEARTH_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "arena.h"
#include "repo.h"

#define SOURCE_MAX_FILE	(32L * 1024 * 1024)

struct sfile {
	const char	*path;	/* relative to the root, '/'-separated */
	const char	*data;	/* contents, NUL-terminated after len */
	size_t		 len;
	time_t		 mtime;	/* worktree: file time; revision: commit */
	/* Set by history_load: the last commit that changed the file. */
	time_t		 lastmod;
	const char	*author;
	bool		 committed;	/* lastmod is a commit's */
	bool		 shipped;	/* from hearth's data directory */
};

struct source {
	struct arena	 arena;	/* owns paths and contents */
	struct sfile	*files;	/* sorted by path (strcmp) */
	size_t		 n, cap;
	char		*root;	/* the site directory */
	struct repo	*repo;	/* the repository holding the site, or NULL */
	bool		 from_rev;	/* read from a revision, not the
					   worktree */
	bool		 has_commit;
	struct commit	 commit;	/* the revision built, or HEAD */
};

/* What a site is read from: these names of its folder, nothing else. */
#define SOURCE_NROOTS	4
extern const char *const source_roots[SOURCE_NROOTS];

/* Read the site at root, on jobs threads (0 or 1: the caller's alone).
 * Returns 0, or -1 after reporting every unreadable file; release with
 * source_release either way. */
int	source_load_dir(struct source *out, const char *root, int jobs);

/* Read the site at root as it is in revision rev of its repository.
 * Returns 0, or -1 after reporting (no repository, no such revision, a
 * corrupt one). */
int	source_load_rev(struct source *out, const char *root, const char *rev);

/*
 * Add the files of another tree under mount ("content/counties/522702/"):
 * every blob of commit c of repository r below its roots, as if it were in
 * the site.  A path the site already has is an error (two owners for one
 * file).  Returns 0 or -1 (reported).
 */
int	source_mount(struct source *src, struct repo *r, const struct commit *c,
	    const char *mount, const char *label);
void	source_release(struct source *src);

/*
 * A fingerprint of the site at root without reading it: every input's
 * path, size, mode, inode and times (to the nanosecond), mixed so the
 * order files are met in does not matter; stamped on jobs threads.  Equal
 * fingerprints mean the worktree has not changed (a build skips its work
 * then).
 */
unsigned long long source_fingerprint(const char *root, int jobs);

/* The same stamps, entry by entry (released with source_stamps_free). */
struct source_stamps;
struct source_stamps *source_stamps(const char *root, int jobs);
void	source_stamps_free(struct source_stamps *s);

/* What differs between two stampings: files changed, added and removed
 * (the paths are the stampings', which must outlive them). */
struct source_changes {
	const char	**changed, **added, **removed;
	size_t		  nchanged, nadded, nremoved;
};
/*
 * The files whose stamps differ between was and now, those now has that
 * was lacks and those was has that now lacks, into *out (released with
 * source_changes_free): 0, or -1 when an entry became or ceased to be a
 * folder, or a file could not be stamped.  Folders count by what they
 * hold.
 */
int	source_stamps_changed(struct source_stamps *was,
	    struct source_stamps *now, struct source_changes *out);
void	source_changes_free(struct source_changes *c);

/* Read the worktree's file at path again, in place of what src holds of
 * it (and redate it when no commit dated it); the table does not move.
 * Returns 0, or -1 when it is not a file src read from the worktree, or
 * cannot be read as the load would (reported as the load would). */
int	source_reread(struct source *src, const char *path);

/* Read the worktree's file at path, which src lacks, into the table as
 * the load reads it (below a root, no hidden part, no link on the way);
 * the entries after it move.  Returns 0, or -1 when src has the path or
 * reads a revision, or it is no such file. */
int	source_add(struct source *src, const char *path);
/* Take the file at path out of the table (a file removed from the
 * worktree); the entries after it move.  Returns 0, or -1 when src has
 * no such file of the worktree's. */
int	source_remove(struct source *src, const char *path);
/* hearth's data directory, where the default theme, the national
 * reference and the new-site files are: build/share/hearth beside an
 * uninstalled binary, PREFIX/share/hearth beside an installed one (or as
 * configured).  NULL when there is none. */
const char *source_datadir(void);

/* The file at path, or NULL. */
const struct sfile *source_get(const struct source *src, const char *path);

/* The files under directory prefix ("content/news/", trailing slash) as a
 * contiguous run: returns the count and sets *first. */
size_t	source_under(const struct source *src, const char *prefix,
	    const struct sfile **first);

#endif
