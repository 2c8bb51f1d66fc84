/*
 * terms: the words of a text as hearth's search sees them (see terms.h).
 */
#include <stddef.h>
#include <stdint.h>

#include "terms.h"

/* Code point at s (valid UTF-8 assumed: content is checked on load) and
 * its length. */
static uint32_t
decode(const unsigned char *s, size_t *len)
{
	if (s[0] < 0x80) {
		*len = 1;
		return s[0];
	}
	if (s[0] < 0xe0) {
		*len = 2;
		return ((uint32_t)(s[0] & 0x1f) << 6) | (s[1] & 0x3f);
	}
	if (s[0] < 0xf0) {
		*len = 3;
		return ((uint32_t)(s[0] & 0x0f) << 12) |
		    ((uint32_t)(s[1] & 0x3f) << 6) | (s[2] & 0x3f);
	}
	*len = 4;
	return ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3f) << 12) |
	    ((uint32_t)(s[2] & 0x3f) << 6) | (s[3] & 0x3f);
}

static int
iscjk(uint32_t c)
{
	return (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) ||
	    (c >= 0xf900 && c <= 0xfaff) || (c >= 0x20000 && c <= 0x2fa1f);
}

static int
isword(uint32_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

void
terms_each(const char *text, size_t n, char *lower, terms_fn fn, void *ud)
{
	const unsigned char *p = (const unsigned char *)text;
	const unsigned char *end = p + n;

	while (p < end) {
		size_t l;
		uint32_t c = decode(p, &l);

		if (p + l > end)
			break;
		if (iscjk(c)) {
			const unsigned char *q = p, *prev = NULL;
			size_t lq, runs = 0;

			while (q < end && iscjk(decode(q, &lq)) && q + lq <= end) {
				if (prev != NULL)
					fn((const char *)prev,
					    (size_t)(q + lq - prev), ud);
				prev = q;
				q += lq;
				runs++;
			}
			if (runs == 1)
				fn((const char *)p, (size_t)(q - p), ud);
			p = q;
		} else if (isword(c)) {
			char *w = lower + (p - (const unsigned char *)text);
			size_t len = 0;

			while (p < end && *p < 0x80 && isword(*p)) {
				if (len < 64)
					w[len++] = (char)(*p >= 'A' &&
					    *p <= 'Z' ? *p + 32 : *p);
				p++;
			}
			fn(w, len, ud);
		} else
			p += l;
	}
}
