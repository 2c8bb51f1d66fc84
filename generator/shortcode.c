/*
 * shortcode: a scanner over the Markdown text, line by line, to know
 * where fenced code blocks are; the arguments are a tiny language of their
 * own (name, then key=value with optional double quotes).
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "shortcode.h"
#include "util.h"
#include "value.h"

static int
isname(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static int
isspace_(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int
shortcode_parse(struct shortcode_call *c, struct arena *a, const char *path,
    int line, int col, const char *s, size_t n)
{
	size_t i = 0, k;
	struct buf v;

	memset(c, 0, sizeof(*c));
	c->path = path;
	c->line = line;
	c->col = col;
	c->args = value_obj(a);
	while (i < n && isspace_(s[i]))
		i++;
	for (k = i; i < n && isname(s[i]); i++)
		;
	if (i == k || i - k > 64) {
		diag_error(path, line, col, "a shortcode starts with its name "
		    "(letters, digits, '-' and '_')");
		return -1;
	}
	c->name = arena_strndup(a, s + k, i - k);
	buf_init(&v);
	for (;;) {
		char *key;

		while (i < n && isspace_(s[i]))
			i++;
		if (i >= n)
			break;
		for (k = i; i < n && isname(s[i]); i++)
			;
		if (i == k || i >= n || s[i] != '=' || i - k > 64) {
			diag_error(path, line, col, "shortcode %s: expected "
			    "key=value arguments", c->name);
			buf_release(&v);
			return -1;
		}
		key = arena_strndup(a, s + k, i - k);
		i++;
		buf_reset(&v);
		if (i < n && s[i] == '"') {
			for (i++; i < n && s[i] != '"'; i++) {
				if (s[i] == '\\' && i + 1 < n)
					i++;
				buf_putc(&v, s[i]);
			}
			if (i >= n) {
				diag_error(path, line, col, "shortcode %s: "
				    "unterminated quoted value", c->name);
				buf_release(&v);
				return -1;
			}
			i++;
		} else
			for (; i < n && !isspace_(s[i]) && s[i] != '"'; i++)
				buf_putc(&v, s[i]);
		if (value_get(c->args, key) != NULL) {
			diag_error(path, line, col, "shortcode %s: argument "
			    "\"%s\" given twice", c->name, key);
			buf_release(&v);
			return -1;
		}
		value_set(a, c->args, key, value_strn(a, v.data ? v.data : "",
		    v.len));
	}
	buf_release(&v);
	return 0;
}

/* Does the line at p open or close a fence?  Returns its character. */
static char
fence(const char *p, const char *end)
{
	int spaces = 0, n = 0;
	char c;

	while (p < end && *p == ' ' && spaces < 4)
		p++, spaces++;
	if (p >= end || (*p != '`' && *p != '~') || spaces > 3)
		return 0;
	c = *p;
	while (p < end && *p == c)
		p++, n++;
	return n >= 3 ? c : 0;
}

int
shortcode_expand(struct buf *out, struct arena *a, const char *path,
    int line0, const char *text, size_t len, shortcode_fn fn, void *ud,
    struct shortcode_html **html, size_t *nhtml)
{
	const char *p = text, *end = text + len;
	unsigned long nonce = hash_str(text, len) & 0xffffffffUL;
	size_t cap = 0, count = 0;
	char infence = 0;
	int line = line0, rc = 0;
	struct buf res;

	*html = NULL;
	*nhtml = 0;
	buf_init(&res);
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *q = p, *open;
		char f;

		if (eol == NULL)
			eol = end;
		f = fence(p, eol);
		if (f != 0 && (infence == 0 || infence == f))
			infence = infence ? 0 : f;
		if (f != 0 || infence != 0) {
			buf_put(out, p, (size_t)(eol - p));
			goto next;
		}
		while ((open = memmem(q, (size_t)(eol - q), "{{<", 3)) != NULL) {
			const char *close, *in = open + 3;
			int col = (int)utf8_count(p, (size_t)(open - p)) + 1;
			int literal = 0;
			struct shortcode_call c;
			bool ishtml = false;

			buf_put(out, q, (size_t)(open - q));
			if (in < eol && in[0] == '/' && in + 1 < eol && in[1] == '*')
				literal = 1;
			close = memmem(in, (size_t)(eol - in), ">}}", 3);
			if (close == NULL) {
				diag_error(path, line, col, "shortcode is not "
				    "closed with \">}}\" on the same line");
				rc = -1;
				q = eol;
				break;
			}
			if (literal) {
				/* A commented-out shortcode: written, not
				 * expanded. */
				const char *body = in + 2, *stop = close;

				if (stop - body >= 2 && stop[-1] == '/' &&
				    stop[-2] == '*')
					stop -= 2;
				buf_puts(out, "{{<");
				buf_put(out, body, (size_t)(stop - body));
				buf_puts(out, ">}}");
				q = close + 3;
				continue;
			}
			q = close + 3;
			if (++count > SHORTCODE_MAX) {
				diag_error(path, line, col, "more than %d "
				    "shortcodes", SHORTCODE_MAX);
				rc = -1;
				break;
			}
			if (shortcode_parse(&c, a, path, line, col, in,
			    (size_t)(close - in)) < 0) {
				rc = -1;
				continue;
			}
			buf_reset(&res);
			if (fn(ud, &c, &res, &ishtml) < 0) {
				rc = -1;
				continue;
			}
			if (!ishtml) {
				buf_put(out, res.data ? res.data : "", res.len);
				continue;
			}
			xgrow(html, &cap, *nhtml + 1, sizeof(**html));
			(*html)[*nhtml].marker = arena_printf(a, "hearthsc%08lx"
			    "x%zux", nonce, *nhtml);
			(*html)[*nhtml].html = arena_strndup(a,
			    res.data ? res.data : "", res.len);
			buf_puts(out, (*html)[*nhtml].marker);
			(*nhtml)++;
		}
		buf_put(out, q, (size_t)(eol - q));
next:
		if (eol < end)
			buf_putc(out, '\n');
		p = eol < end ? eol + 1 : end;
		line++;
	}
	/* The list moves into the arena: one owner. */
	if (*nhtml > 0) {
		struct shortcode_html *h = arena_alloc(a, *nhtml * sizeof(*h));

		memcpy(h, *html, *nhtml * sizeof(*h));
		free(*html);
		*html = h;
	}
	buf_release(&res);
	return rc;
}
