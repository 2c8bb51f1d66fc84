/*
 * arena: a list of malloc'd chunks, newest first, carved up by bumping an
 * offset.  Large requests get a chunk of their own so a 1 MiB CSV field does
 * not waste the rest of a normal chunk.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "util.h"

#define ARENA_MIN_CHUNK	(64 * 1024)
#define ARENA_ALIGN	16

struct arena_chunk {
	struct arena_chunk *next;
	size_t		    size;	/* usable bytes in data[] */
	size_t		    used;
	max_align_t	    data[];
};

void
arena_init(struct arena *a)
{
	a->head = NULL;
	a->chunk_size = ARENA_MIN_CHUNK;
	a->total = 0;
}

void
arena_release(struct arena *a)
{
	struct arena_chunk *c, *next;

	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	arena_init(a);
}

void
arena_adopt(struct arena *a, struct arena *from)
{
	struct arena_chunk *tail;

	if (from->head == NULL)
		return;
	/* Behind a's head, whose free space stays the one used next. */
	for (tail = from->head; tail->next != NULL; tail = tail->next)
		;
	if (a->head != NULL) {
		tail->next = a->head->next;
		a->head->next = from->head;
	} else
		a->head = from->head;
	a->total += from->total;
	arena_init(from);
}

void
arena_reset(struct arena *a)
{
	struct arena_chunk *c, *next;

	if (a->head == NULL)
		return;
	/* The oldest chunk is at the tail; keep it, free the rest. */
	for (c = a->head; c->next != NULL; c = next) {
		next = c->next;
		a->total -= sizeof(*c) + c->size;
		free(c);
	}
	c->used = 0;
	a->head = c;
}

static struct arena_chunk *
newchunk(struct arena *a, size_t need)
{
	struct arena_chunk *c;
	size_t size = a->chunk_size;

	if (need > size / 4) {
		/* Big object: its own chunk, linked behind the head so the
		 * head's free space stays usable. */
		c = xmalloc(sizeof(*c) + need);
		c->size = need;
		c->used = need;
		if (a->head != NULL) {
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = NULL;
			a->head = c;
		}
		a->total += sizeof(*c) + need;
		return c;
	}
	c = xmalloc(sizeof(*c) + size);
	c->size = size;
	c->used = 0;
	c->next = a->head;
	a->head = c;
	a->total += sizeof(*c) + size;
	if (a->chunk_size < 4 * 1024 * 1024)
		a->chunk_size *= 2;
	return c;
}

void *
arena_alloc(struct arena *a, size_t n)
{
	struct arena_chunk *c = a->head;
	size_t off;

	if (n == 0)
		n = 1;
	n = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (c != NULL && c->size - c->used >= n) {
		off = c->used;
		c->used += n;
		return (char *)c->data + off;
	}
	c = newchunk(a, n);
	if (c->used == n && c->size == n)
		return c->data;
	off = c->used;
	c->used += n;
	return (char *)c->data + off;
}

void *
arena_zalloc(struct arena *a, size_t n)
{
	void *p = arena_alloc(a, n);

	memset(p, 0, n);
	return p;
}

void *
arena_realloc(struct arena *a, void *p, size_t old, size_t n)
{
	void *q;

	if (n <= old)
		return p;
	q = arena_alloc(a, n);
	if (old > 0)
		memcpy(q, p, old);
	return q;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	if (n > 0)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *
arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	char small[256];
	va_list cp;
	int n;
	char *p;

	va_copy(cp, ap);
	n = vsnprintf(small, sizeof(small), fmt, cp);
	va_end(cp);
	if (n < 0)
		xdie("arena_vprintf: bad format");
	p = arena_alloc(a, (size_t)n + 1);
	if ((size_t)n < sizeof(small))
		memcpy(p, small, (size_t)n + 1);
	else
		vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}
