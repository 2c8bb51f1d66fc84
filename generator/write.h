/*
 * write: the only stage that touches the output directory.
 *
 * A build writes into a fresh staging directory beside the output
 * ("public.staging.<pid>"); writer_commit swaps it into place in one
 * rename (renameat2 RENAME_EXCHANGE), then deletes the old tree.  Readers
 * of the output see the old site or the new one, never a mix, and a failed
 * or killed build leaves the old site byte for byte as it was.
 */
#ifndef HEARTH_WRITE_H
#define HEARTH_WRITE_H

#include <stddef.h>

struct writer;

/* Start a build for the output directory outdir (created at commit if it
 * does not exist).  Leftover staging directories of dead builds are
 * removed.  Returns 0, or -1 after reporting. */
int	writer_open(struct writer **out, const char *outdir);

/*
 * Write one file at relpath (relative, '/'-separated, no "." or ".."
 * segments) in the staging tree, creating folders as needed.  Safe to call
 * from several threads.  Returns 0, or -1 after reporting (bad path, disk
 * full, ...).
 */
int	writer_put(struct writer *w, const char *relpath, const void *data,
	    size_t len);

/* The directory this build will replace (it may not exist yet). */
const char *writer_published(const struct writer *w);

/*
 * Put the existing file from (an absolute or cwd-relative path) into the
 * staging tree at relpath: a hard link when the filesystem allows, else a
 * copy.  For files kept from earlier builds (old dataset versions).
 * Returns 0, or -1 after reporting.
 */
int	writer_link(struct writer *w, const char *relpath, const char *from);

/* Give the file already written at existing a second name, relpath (a
 * hard link in the staging tree: the same bytes are not written twice).
 * Returns 0, or -1 after reporting. */
int	writer_alias(struct writer *w, const char *relpath, const char *existing);

/* Swap the staging tree into place and remove the old one; frees w.
 * Returns 0, or -1 after reporting (the old site is then untouched). */
int	writer_commit(struct writer *w);

/* Remove the staging tree; frees w. */
void	writer_abort(struct writer *w);

/* Files and bytes written so far. */
size_t	writer_files(const struct writer *w);
size_t	writer_bytes(const struct writer *w);

/* Remove a directory tree (no symlinks followed).  Returns 0 or -1. */
int	rmtree(const char *path);

#endif
