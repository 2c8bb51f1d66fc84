#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "util.h"

void
buf_init(struct buf *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
}

void
buf_release(struct buf *b)
{
	free(b->data);
	buf_init(b);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

void
buf_grow(struct buf *b, size_t extra)
{
	size_t need = b->len + extra + 1, n;

	if (need <= b->cap)
		return;
	n = b->cap ? b->cap : 256;
	while (n < need)
		n *= 2;
	b->data = xrealloc(b->data, n);
	b->cap = n;
}

char *
buf_detach(struct buf *b, size_t *len)
{
	char *p;

	if (b->data == NULL)
		buf_grow(b, 0), b->data[0] = '\0';
	p = b->data;
	if (len != NULL)
		*len = b->len;
	buf_init(b);
	return p;
}

void
buf_put(struct buf *b, const void *p, size_t n)
{
	buf_grow(b, n);
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_puts(struct buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

bool
buf_has_str(const struct buf *b, const char *s)
{
	const char *p;

	for (p = b->data; p != NULL && p < b->data + b->len;
	    p += strlen(p) + 1)
		if (strcmp(p, s) == 0)
			return true;
	return false;
}


void
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		xdie("buf_printf: bad format");
	buf_grow(b, (size_t)n);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void
buf_put_html(struct buf *b, const char *s, size_t n)
{
	size_t i, run = 0, skip;

	buf_grow(b, n);
	for (i = 0; i < n; i++) {
		const unsigned char c = (unsigned char)s[i];
		const char *rep = "";

		skip = 1;
		switch (c) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		case 0xef:
			/* U+FFFE and U+FFFF: not characters in XML. */
			if (i + 2 < n && (unsigned char)s[i + 1] == 0xbf &&
			    ((unsigned char)s[i + 2] & 0xfe) == 0xbe) {
				skip = 3;
				break;
			}
			continue;
		default:
			/* Control characters XML 1.0 forbids (a vertical tab
			 * in a station name, a form feed in a body) are
			 * dropped: every HTML and XML file hearth writes
			 * stays well-formed whatever the text. */
			if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r')
				continue;
			break;
		}
		buf_put(b, s + run, i - run);
		buf_puts(b, rep);
		i += skip - 1;
		run = i + 1;
	}
	buf_put(b, s + run, n - run);
}

void
buf_put_json_str(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, run = 0;

	buf_grow(b, n + 2);
	buf_putc(b, '"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char u[6] = { '\\', 'u', '0', '0' };
		const char *rep;
		size_t len = 2;

		/* Runs of bytes that stand for themselves go in whole. */
		if (c >= 0x20 && c != '"' && c != '\\' && (c != '/' || i == 0 ||
		    s[i - 1] != '<'))
			continue;
		switch (c) {
		case '"': rep = "\\\""; break;
		case '\\': rep = "\\\\"; break;
		case '/': rep = "\\/"; break;
		case '\n': rep = "\\n"; break;
		case '\r': rep = "\\r"; break;
		case '\t': rep = "\\t"; break;
		default:
			u[4] = hex[c >> 4], u[5] = hex[c & 15];
			rep = u, len = 6;
		}
		buf_put(b, s + run, i - run);
		buf_put(b, rep, len);
		run = i + 1;
	}
	buf_put(b, s + run, n - run);
	buf_putc(b, '"');
}

void
buf_put_url_path(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.' || c == '~' || c == '/')
			buf_putc(b, (char)c);
		else {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };
			buf_put(b, e, 3);
		}
	}
}

void
buf_put_csv(struct buf *b, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
			break;
	if (i == n) {
		buf_put(b, s, n);
		return;
	}
	buf_putc(b, '"');
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			buf_putc(b, '"');
		buf_putc(b, s[i]);
	}
	buf_putc(b, '"');
}

/* v's sign onto b, and its digits into tmp (24 bytes, filled from the
 * end); returns where the digits start. */
static char *
intdigits(struct buf *b, long long v, char *tmp)
{
	char *s = tmp + 24;
	unsigned long long u = (unsigned long long)v;

	if (v < 0) {
		buf_putc(b, '-');
		u = 0ULL - u;
	}
	do {
		*--s = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	return s;
}

void
buf_put_int(struct buf *b, long long v)
{
	char tmp[24], *s = intdigits(b, v, tmp);

	buf_put(b, s, (size_t)(tmp + sizeof(tmp) - s));
}

void
buf_put_int_grouped(struct buf *b, long long v)
{
	char tmp[24], *s = intdigits(b, v, tmp);
	int n = (int)(tmp + sizeof(tmp) - s), i;

	for (i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			buf_putc(b, ',');
		buf_putc(b, s[i]);
	}
}

void
buf_put_double(struct buf *b, double v)
{
	char tmp[40];
	int prec;

	if (!isfinite(v)) {
		buf_puts(b, "null");
		return;
	}
	/* The magnitude first: casting a double beyond long long's range is
	 * undefined. */
	if (fabs(v) < 1e15 && v == (double)(long long)v) {
		buf_printf(b, "%lld", (long long)v);
		return;
	}
	for (prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, v);
		if (strtod(tmp, NULL) == v)
			break;
	}
	buf_puts(b, tmp);
}

void
buf_put_fixed(struct buf *b, double v, int decimals)
{
	static const double scale[] = { 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
	    1e8, 1e9 };
	char tmp[48], *p = tmp + sizeof(tmp);
	unsigned long long n, ip, fp;
	double y, whole, frac;
	int i;

	/* y is v scaled, off the exact product by at most half an ulp
	 * (every scale is exact), so y * 2^-52 bounds how far the rounding
	 * could be misjudged; within that of a half (exact halves too,
	 * which printf rounds to even), printf decides. */
	if (!isfinite(v) || decimals < 0 || decimals > 9 ||
	    (y = fabs(v) * scale[decimals]) >= 0x1p50 ||
	    fabs((frac = y - (whole = floor(y))) - 0.5) <= y * 0x1p-52) {
		buf_printf(b, "%.*f", decimals < 0 ? 0 : decimals, v);
		return;
	}
	n = (unsigned long long)whole + (frac > 0.5);
	ip = n / (unsigned long long)scale[decimals];
	fp = n % (unsigned long long)scale[decimals];
	for (i = 0; i < decimals; i++) {
		*--p = (char)('0' + fp % 10);
		fp /= 10;
	}
	if (decimals > 0)
		*--p = '.';
	do {
		*--p = (char)('0' + ip % 10);
		ip /= 10;
	} while (ip > 0);
	if (signbit(v))		/* as printf: "-0.00" for -0.001 */
		*--p = '-';
	buf_put(b, p, (size_t)(tmp + sizeof(tmp) - p));
}

char *
buf_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char chunk[65536];
	size_t n;

	if (f == NULL)
		return NULL;
	buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_put(&b, chunk, n);
	if (ferror(f)) {
		fclose(f);
		buf_release(&b);
		return NULL;
	}
	fclose(f);
	if (b.data == NULL)
		buf_put(&b, "", 0);
	return buf_detach(&b, len);
}
