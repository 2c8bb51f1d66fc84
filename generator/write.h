/*
 * write: the only stage that touches the output directory.
 *
 * A build brings a spare tree beside the output (".public.spare") up to
 * date, writing only the files whose bytes changed, and writer_commit
 * swaps it with the output in one rename (renameat2 RENAME_EXCHANGE); the
 * old site becomes the next spare.  Readers see the old site or the new
 * one, never a mix, and a failed or killed build leaves the published site
 * byte for byte as it was.  See write.c for the manifests that make this
 * safe, and for the record each tree holds of its files
 * (".hearth-manifest"), which makes a tree restored alone usable.
 */
#ifndef HEARTH_WRITE_H
#define HEARTH_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct writer;

/* Start a build for the output directory outdir (created at commit if it
 * does not exist); one build at a time per output (a lock file).  Returns
 * 0, or -1 after reporting. */
int	writer_open(struct writer **out, const char *outdir);

/* The lists of files beside the trees at outdir (77,000 lines each at
 * national scale) read on a thread of their own, started before the site
 * is read; writer_open_ahead takes what was read where the file is still
 * the one read, else reads it itself.  The caller frees a after
 * writer_open_ahead, or instead of it. */
struct writer_ahead;
struct writer_ahead *writer_ahead(const char *outdir);
int	writer_open_ahead(struct writer **out, const char *outdir,
	    struct writer_ahead *a);
void	writer_ahead_free(struct writer_ahead *a);

/*
 * Write one file at relpath (relative, '/'-separated, no "." or ".."
 * segments) in the staging tree, creating folders as needed.  Safe to call
 * from several threads.  Returns 0, or -1 after reporting (bad path, disk
 * full, ...).
 */
int	writer_put(struct writer *w, const char *relpath, const void *data,
	    size_t len);

/* The same for a file made of an input of its own besides the tree's
 * (a news item's page and its body; deps.h): key, never 0, is kept in
 * the manifest, and writer_keep keeps the file only with the same key. */
int	writer_put_key(struct writer *w, const char *relpath, const void *data,
	    size_t len, uint64_t key);

/* writer_put of data, or when data is NULL of the len bytes of the open
 * file fd, from its start, read in pieces (a large file is never held in
 * memory whole); sha256, when not NULL, the SHA-256 (64 hex digits) the
 * caller has made of those very bytes: the writer's own hash is taken
 * from it, not made again. */
int	writer_put_known(struct writer *w, const char *relpath,
	    const void *data, int fd, size_t len, const char *sha256);

/* A new file for bytes the caller makes by name (a database: SQLite
 * opens its file by name) or writes itself (the data archive), on the
 * spare's file system but outside the tree, its path in path: writer_put_known of its descriptor moves it
 * into the tree rather than copying it.  The writer removes what was not
 * moved when it is freed.  -1 when there is none (a dry writer, a folder
 * that cannot be made): make it elsewhere. */
int	writer_scratch(struct writer *w, char *path, size_t size);

/* A writer for `hearth check`: every put is checked as a build checks it
 * (paths, a file written twice) and nothing is written or read; commit
 * only frees it.  outdir is where a build would publish. */
int	writer_open_dry(struct writer **out, const char *outdir);

/* Give the file already written at existing a second name, relpath (a
 * hard link in the staging tree: the same bytes are not written twice).
 * Returns 0, or -1 after reporting. */
int	writer_alias(struct writer *w, const char *relpath, const char *existing);

/*
 * What the tree being built is made of (a line deps.h makes; kept in its
 * manifest), and what the published tree was made of, by its manifest
 * (NULL: not known, or a dry writer).
 */
void	writer_inputs(struct writer *w, const char *inputs);
const char *writer_published_inputs(const struct writer *w);

/*
 * Keep the published tree's file at relpath, as its manifest lists it, in
 * the tree being built, instead of making it again: for a file the caller
 * knows is made of the same inputs (and of the same own input, key; 0 for
 * none; WRITER_SAME_KEY when the caller knows that input did not change
 * either, whatever the key was).  Returns 0; -1 (nothing reported)
 * when the published tree does not hold it as its manifest says, so it
 * must be made; -2 after reporting.  Safe to call from several threads.
 */
int	writer_keep(struct writer *w, const char *relpath, uint64_t key);
#define WRITER_SAME_KEY	UINT64_MAX

/* Could writer_keep keep relpath, a file of size bytes, made of the same
 * inputs, its own included (WRITER_SAME_KEY)?  With sha256 (64 hex
 * digits), only if the published file was put with that SHA-256
 * (writer_put_known).  (It may still fail, if the published tree is
 * altered in between.) */
bool	writer_keepable(struct writer *w, const char *relpath, size_t size,
	    const char *sha256);

/* writer_keep of a file writer_keepable allowed: 0, or -1 after reporting
 * (the published tree changed since, or keeping failed). */
int	writer_keep_known(struct writer *w, const char *relpath);

/* The size of relpath as the published tree's manifest lists it (after
 * writer_keep kept it: its size in this tree). */
size_t	writer_published_size(struct writer *w, const char *relpath);

/* The own input's key relpath was put with in the published tree
 * (writer_put_key), as its manifest lists it; 0 for none. */
uint64_t writer_published_key(struct writer *w, const char *relpath);

/*
 * Does the published tree hold exactly the files its manifest lists,
 * unaltered (or, restored without hearth's side files, those its record
 * lists, each read)?  With the same inputs (writer_published_inputs),
 * it is what this build would make: writer_leave then ends the build.
 */
bool	writer_published_whole(struct writer *w);

/* End a build whose output is the published tree as it is: nothing is
 * swapped or written but the manifests beside the trees; frees w.
 * Returns 0, or -1 after reporting. */
int	writer_leave(struct writer *w);

/* Finish the staging tree and swap it into place; frees w.  Returns 0, or
 * -1 after reporting (the old site is then untouched). */
int	writer_commit(struct writer *w);

/* Give up: the published site is untouched, the spare is left to be
 * started afresh; frees w. */
void	writer_abort(struct writer *w);

/* Files and bytes the build produced so far, and how many files had to
 * be written (the rest were already there, unchanged). */
size_t	writer_files(const struct writer *w);
size_t	writer_bytes(const struct writer *w);
size_t	writer_written(const struct writer *w);
size_t	writer_kept(const struct writer *w);	/* by writer_keep */

/*
 * The inputs of the last build published at outdir (a fingerprint the
 * caller makes): writer_uptodate is true when fp matches it and the
 * published tree is intact (it has its manifest); writer_record notes fp
 * after a build published.
 */
bool	writer_uptodate(const char *outdir, const char *fp);
void	writer_record(const char *outdir, const char *fp);
/* The fp last recorded (the caller frees it), or NULL. */
char	*writer_recorded(const char *outdir);

#endif
