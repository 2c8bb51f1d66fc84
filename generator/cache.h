/*
 * cache: derived bytes kept between builds under .hearth/cache/ of the
 * site, by a name that says what they were derived from.
 *
 * The cache is never an input in its own right: everything in it can be
 * made again from the site and its git history, so it can be thrown away
 * at any time and a build without it gives the same bytes, only slower.
 * Files are written to a temporary name and renamed, never through a
 * link.  `hearth check`, which writes nothing, turns writes off (the cache
 * is still read).
 */
#ifndef HEARTH_CACHE_H
#define HEARTH_CACHE_H

#include <stdbool.h>
#include <stddef.h>

void	cache_writes(bool on);
bool	cache_writable(void);

/* The bytes cached as name (letters, digits, '-', '.' and '_'), from
 * malloc and NUL-terminated, or NULL when there are none. */
char	*cache_get(const char *name, size_t *len);

/* The same bytes mapped read-only, not NUL-terminated, NULL for none
 * or an empty entry; for cache_unmap.  A large entry read once costs no
 * copy and no fresh memory to zero.  Entries are replaced by rename,
 * never rewritten in place, so the mapping holds what was read. */
const char *cache_map(const char *name, size_t *len);
void	cache_unmap(const char *bytes, size_t len);
/* Is there an entry name (a regular file)?  Counts as reading it. */
bool	cache_has(const char *name);

/* Count name as read without reading it: its bytes reached the build
 * inside another entry's (an archive's run of pieces), and a later
 * build may need it alone. */
void	cache_keep(const char *name);

/* The entry name open for reading (a regular file; its size in *len),
 * or -1.  Counts as reading it. */
int	cache_open(const char *name, size_t *len);

/* Keep len bytes as name (nothing when writes are off or it fails: a
 * cache that cannot be written is only slower); cache_put_fd copies them
 * from the start of the open file fd. */
void	cache_put(const char *name, const void *data, size_t len);
void	cache_put_fd(const char *name, int fd, size_t len);

/* The same with the bytes fill writes to the open file fd (returning 0,
 * or -1 to keep nothing): an entry written as it is made, never held
 * whole. */
void	cache_put_with(const char *name, int (*fill)(int fd, void *ud),
	    void *ud);

/* Remove the entries whose names start with one of the n prefixes and
 * that this process neither read nor wrote: what a build no longer
 * needs.  A prefix none of whose entries this process asked for is left
 * alone: a build that kept what they make (the repaired polygons of a
 * table kept as published, say) says nothing of whether the next build
 * needs them.  Remove too every entry whose name starts with one of the
 * m retired prefixes: what an earlier version cached and this one never
 * reads.  One listing of the cache for all of them. */
void	cache_prune(const char *const prefixes[], size_t n,
	    const char *const retired[], size_t m);

#endif
