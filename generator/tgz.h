/*
 * tgz: a tar.gz made one file at a time.
 *
 * Each file (its ustar header, its bytes and the padding) is compressed on
 * its own, as raw deflate blocks that end on a byte boundary with a fresh
 * dictionary (a full flush), and the pieces are laid end to end inside one
 * gzip member whose CRC-32 is combined from theirs.  So making the archive
 * needs one file's bytes at a time, each piece is cached by what it holds
 * (a build that changed one file compresses one file), and every reader
 * sees an ordinary single-member .tar.gz (readers that stop after a first
 * member exist).  A large file's piece is itself a list of pieces, cut
 * where its bytes say (tgz.c), so a small edit of it recompresses little.
 * The files of a table kept as published go in as one run, itself cached
 * as a piece (tgz_add_run).  The header carries no name and time 0, so
 * the bytes depend only on the files.
 */
#ifndef HEARTH_TGZ_H
#define HEARTH_TGZ_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

struct tgz_laid;
struct evp_md_ctx_st;

struct tgz {
	struct buf	 out;
	char		*dir;		/* every name is under it */
	long long	 mtime;		/* of every file */
	void		*z;		/* raw deflate, reset per piece */
	unsigned long	 crc;		/* of everything so far */
	unsigned long long total;	/* bytes before compression */
	bool		 running;	/* laying a run (tgz_add_run) */
	unsigned long	 runcrc;	/* of the run so far */
	struct evp_md_ctx_st *ident;	/* of the files so far (tgz_ident) */
	/* Deferred (tgz_defer): the pieces in order, those made now in out,
	 * the cached ones read by tgz_finish. */
	bool		 defer;
	struct tgz_laid	*laid;
	size_t		 nlaid, caplaid, ncached;
};

/* A file of a run: its name, length and SHA-256 (hex). */
struct tgz_file {
	const char	*name;
	size_t		 len;
	const char	*sha256;
};

void	tgz_init(struct tgz *t, const char *dir, long long mtime);

/* Add the file dir/name with len bytes whose SHA-256 (hex) is sha256.
 * data may be NULL when tgz_has says its piece is cached; -1 (nothing
 * added) when it is not, else 0. */
int	tgz_add(struct tgz *t, const char *name, const void *data,
	    size_t len, const char *sha256);

/* Make the piece of that file ready in the cache, as tgz_add to an
 * archive of dir and mtime would: a thread that made the file compresses
 * it beside the others, and adding it then only lays the piece. */
void	tgz_warm(const char *dir, long long mtime, const char *name,
	    const void *data, size_t len, const char *sha256);

/* Is the piece of that file cached (so it can be added without data)? */
bool	tgz_has(const struct tgz *t, const char *name, size_t len,
	    const char *sha256);

/* Add the n files, in order, as tgz_add would with data NULL, from one
 * cached piece of them all when there is one (made and cached from their
 * own pieces when there is not): 0, or -1 when a piece is missing
 * (nothing added). */
int	tgz_add_run(struct tgz *t, const struct tgz_file *f, size_t n);

/* Can they be added so? */
bool	tgz_has_run(const struct tgz *t, const struct tgz_file *f,
	    size_t n);

/* Read cached pieces only when the archive is finished: one whose
 * files are all as published (tgz_ident) is then kept unread.  Set
 * before the first file is added. */
void	tgz_defer(struct tgz *t);

/* What the archive's bytes follow from, once its last file is added:
 * its folder, time and files (name, length, SHA-256), in order, and how
 * it is compressed.  Ends the count; the archive is then finished or
 * released. */
void	tgz_ident(struct tgz *t, char out[65]);

/* End the archive; returns its bytes (from malloc, the caller's) and
 * frees the rest of t.  NULL when a deferred piece left the cache since
 * it was added. */
char	*tgz_finish(struct tgz *t, size_t *len);

/* The same into the empty file fd, on the way taking its length and
 * SHA-256 (hex), with no more of it in memory than a piece's buffer: 0,
 * or -1 when a write failed or a piece left the cache, with t as it was
 * (for tgz_finish or tgz_release). */
int	tgz_finish_fd(struct tgz *t, int fd, size_t *len, char sha256[65]);

/* Give up an unfinished archive. */
void	tgz_release(struct tgz *t);

#endif
