/*
 * buf: a growable byte buffer, the one way text is assembled (pages, JSON,
 * CSV, SVG).  The buffer owns its memory; buf_detach hands it to the caller.
 * Escaping for each output language lives here so every stage escapes the
 * same way.
 */
#ifndef HEARTH_BUF_H
#define HEARTH_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct buf {
	char   *data;	/* always NUL-terminated once anything was added */
	size_t	len;
	size_t	cap;
};

void	buf_init(struct buf *b);
void	buf_release(struct buf *b);
void	buf_reset(struct buf *b);		/* len = 0, memory kept */
void	buf_grow(struct buf *b, size_t extra);

/* Give the caller the data (free() it); the buffer is left empty. */
char   *buf_detach(struct buf *b, size_t *len);

void	buf_put(struct buf *b, const void *p, size_t n);
void	buf_puts(struct buf *b, const char *s);
/* Is s one of the NUL-terminated strings b holds end to end? */
/* Inline: the writers of JSON, CSV and pages put a byte at a time. */
static inline void
buf_putc(struct buf *b, char c)
{
	if (b->len + 2 > b->cap)
		buf_grow(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}

bool	buf_has_str(const struct buf *b, const char *s);
void	buf_printf(struct buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	buf_vprintf(struct buf *b, const char *fmt, va_list ap);

/* Text and attribute values for HTML and XML: & < > " ' escaped, and the
 * characters XML 1.0 forbids (C0 controls but tab, LF, CR; U+FFFE, U+FFFF)
 * dropped, so no text can make an XML output ill-formed. */
void	buf_put_html(struct buf *b, const char *s, size_t n);
/* A JSON string literal, quotes included; non-ASCII kept as UTF-8, and
 * "</" written as "<\/" so the result is safe inside <script>. */
void	buf_put_json_str(struct buf *b, const char *s, size_t n);
/* A URL path: unreserved bytes and '/' kept, the rest %XX-encoded. */
void	buf_put_url_path(struct buf *b, const char *s, size_t n);
/* A CSV field (RFC 4180): quoted when it holds , " CR or LF. */
void	buf_put_csv(struct buf *b, const char *s, size_t n);

/* An integer in decimal, as "%lld" prints it but without printf's cost
 * (numbers are written by the million: postings, table cells). */
void	buf_put_int(struct buf *b, long long v);
/* An integer with thousands separators: 20000 -> "20,000". */
void	buf_put_int_grouped(struct buf *b, long long v);
/* A double in the shortest form that reads back exactly. */
void	buf_put_double(struct buf *b, double v);
/* A double rounded to decimals places, byte for byte as "%.*f" prints
 * it, without printf's cost where the rounding is clear (coordinates and
 * figures are written by the million). */
void	buf_put_fixed(struct buf *b, double v, int decimals);

/* The whole file at path, NUL-terminated, from malloc (len may be NULL),
 * or NULL when it cannot be read. */
char	*buf_read_file(const char *path, size_t *len);

#endif
