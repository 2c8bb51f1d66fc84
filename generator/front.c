#include <string.h>

#include "diag.h"
#include "front.h"
#include "source.h"
#include "util.h"
#include "value.h"
#include "yamlval.h"

/* Length of the line at p (without its newline) and of its newline. */
static size_t
linelen(const char *p, const char *end, size_t *nl)
{
	const char *q = memchr(p, '\n', (size_t)(end - p));
	size_t n = q != NULL ? (size_t)(q - p) : (size_t)(end - p);

	*nl = q != NULL ? 1 : 0;
	if (n > 0 && p[n - 1] == '\r') {
		n--;
		(*nl)++;
	}
	return n;
}

static int
isfence(const char *p, size_t n, int closing)
{
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	return (n == 3 && memcmp(p, "---", 3) == 0) ||
	    (closing && n == 3 && memcmp(p, "...", 3) == 0);
}

int
front_parse(struct front *out, struct arena *a, const struct sfile *f)
{
	const char *p = f->data, *end = f->data + f->len, *yaml;
	size_t n, nl, bad;
	int line = 1, l, c;

	memset(out, 0, sizeof(*out));
	if (!utf8_valid(f->data, f->len, &bad)) {
		text_position(f->data, bad, &l, &c);
		diag_error(f->path, l, c, f->data[bad] == '\0' ?
		    N_("NUL byte in text") : N_("invalid UTF-8"));
		return -1;
	}
	/* A UTF-8 byte order mark is tolerated: editors on Windows add it. */
	if (f->len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	n = linelen(p, end, &nl);
	if (!isfence(p, n, 0)) {
		diag_error(f->path, 1, 1, "expected front matter: a first line "
		    "\"---\", then YAML, then \"---\"");
		return -1;
	}
	p += n + nl;
	yaml = p;
	line++;
	for (;;) {
		if (p >= end) {
			diag_error(f->path, line, 1, "front matter is not "
			    "closed: expected a line \"---\"");
			return -1;
		}
		n = linelen(p, end, &nl);
		if (isfence(p, n, 1))
			break;
		p += n + nl;
		line++;
	}
	if (yamlval_parse(a, f->path, yaml, (size_t)(p - yaml), 2,
	    &out->meta) < 0)
		return -1;
	if (out->meta->kind != VAL_OBJ) {
		diag_error(f->path, out->meta->line, out->meta->col,
		    "front matter must be a mapping of keys to values");
		return -1;
	}
	p += n + nl;
	out->body = p;
	out->body_len = (size_t)(end - p);
	out->body_line = line + 1;
	return 0;
}
