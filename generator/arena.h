/*
 * arena: bump allocation for objects that share one lifetime.
 *
 * The site model lives in one per-build arena and is released in one call;
 * each page render uses a scratch arena that is reset between pages.  Memory
 * is never freed piecemeal, so nothing allocated here needs its own free.
 * Out of memory aborts the program (see util.h): callers never see NULL.
 */
#ifndef HEARTH_ARENA_H
#define HEARTH_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *head;	/* newest chunk; allocation happens here */
	size_t		    chunk_size;	/* default size of the next chunk */
	size_t		    total;	/* bytes obtained from malloc, for stats */
};

/* Set up an empty arena; no memory is taken until the first allocation. */
void	arena_init(struct arena *a);

/* Free every chunk; the arena may be used again after arena_init. */
void	arena_release(struct arena *a);

/* Take every chunk of from, which is left empty as after arena_init: what
 * a worker thread made in an arena of its own lives as long as a. */
void	arena_adopt(struct arena *a, struct arena *from);

/* Keep the first chunk, drop the rest: cheap reuse for per-page scratch. */
void	arena_reset(struct arena *a);

/* n bytes aligned for any type, uninitialised / zeroed. */
void   *arena_alloc(struct arena *a, size_t n);
void   *arena_zalloc(struct arena *a, size_t n);

/* Grow a block obtained from this arena (old contents copied; the old block
 * is simply abandoned). */
void   *arena_realloc(struct arena *a, void *p, size_t old, size_t n);

/* NUL-terminated copies. */
char   *arena_strdup(struct arena *a, const char *s);
char   *arena_strndup(struct arena *a, const char *s, size_t n);
char   *arena_printf(struct arena *a, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
char   *arena_vprintf(struct arena *a, const char *fmt, va_list ap);

#endif
