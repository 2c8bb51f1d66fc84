/*
 * csvtab: libcsv reports fields and row ends through callbacks but no
 * positions, so the text is fed one line at a time; a row starts on the line
 * being fed when its first field arrives, less the newlines inside that
 * field.
 */
#include <iconv.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "arena.h"
#include "csvtab.h"
#include "diag.h"
#include "util.h"

struct state {
	struct arena	*a;
	const char	*path;
	struct csvtab	*t;
	size_t		 cap;
	const char	**cur;		/* fields of the row being read */
	size_t		 ncur, capcur;
	int		 line;		/* line being fed */
	int		 rowline;
	int		 failed;
};

static void
onfield(void *s, size_t n, void *ud)
{
	struct state *st = ud;
	const char *p = s != NULL ? s : "";
	size_t i;

	if (st->ncur == 0) {
		st->rowline = st->line;
		for (i = 0; i < n; i++)
			if (p[i] == '\n')
				st->rowline--;
	}
	if (st->ncur >= CSVTAB_MAX_FIELDS) {
		if (!st->failed)
			diag_error(st->path, st->rowline, 1, "more than %d "
			    "fields in a row", CSVTAB_MAX_FIELDS);
		st->failed = 1;
		return;
	}
	xgrow(&st->cur, &st->capcur, st->ncur + 1, sizeof(*st->cur));
	st->cur[st->ncur++] = arena_strndup(st->a, p, n);
}

static void
onrow(int term, void *ud)
{
	struct state *st = ud;
	struct csvrow *r;

	if (st->ncur == 0)
		return;
	if (st->t->n >= CSVTAB_MAX_ROWS) {
		if (!st->failed)
			diag_error(st->path, st->rowline, 1, "more than %d "
			    "rows", CSVTAB_MAX_ROWS);
		st->failed = 1;
		st->ncur = 0;
		return;
	}
	if (st->t->n > 0 && st->ncur != st->t->rows[0].n) {
		diag_error(st->path, st->rowline, 1, "row has %zu fields, the "
		    "header has %zu", st->ncur, st->t->rows[0].n);
		st->failed = 1;
		st->ncur = 0;
		return;
	}
	xgrow(&st->t->rows, &st->cap, st->t->n + 1, sizeof(*st->t->rows));
	r = &st->t->rows[st->t->n++];
	r->n = st->ncur;
	r->line = st->rowline;
	r->fields = arena_alloc(st->a, st->ncur * sizeof(*r->fields));
	memcpy(r->fields, st->cur, st->ncur * sizeof(*r->fields));
	st->ncur = 0;
}

/* Is text, not UTF-8, whole Chinese text in GBK (GB18030)?  Offices'
 * spreadsheets save "CSV" in the system's code page: a hint names the
 * fix.  iconv converts; at least one CJK ideograph must come out, so
 * Latin-1 bytes that happen to pair up are not called GBK. */
static bool
looks_gbk(const char *text, size_t len)
{
	iconv_t cd = iconv_open("UTF-8", "GB18030");
	char *in = (char *)text, *buf, *out;
	size_t inleft = len, cap = len * 2 + 4, outleft = cap, i;
	bool ok = false;

	if (cd == (iconv_t)-1)
		return false;
	buf = out = xmalloc(cap);
	if (iconv(cd, &in, &inleft, &out, &outleft) != (size_t)-1 &&
	    inleft == 0)
		for (i = 0; i + 2 < cap - outleft && !ok; i++)
			ok = (unsigned char)buf[i] >= 0xe4 &&
			    (unsigned char)buf[i] <= 0xe9;
	free(buf);
	iconv_close(cd);
	return ok;
}

int
csvtab_parse(struct csvtab *out, struct arena *a, const char *path,
    const char *text, size_t len)
{
	struct csv_parser p;
	struct state st;
	const char *s = text, *end = text + len;
	struct csvrow *rows;
	size_t bad;
	int line, col, rc = -1;

	memset(out, 0, sizeof(*out));
	memset(&st, 0, sizeof(st));
	st.a = a;
	st.path = path;
	st.t = out;
	if (!utf8_valid(text, len, &bad)) {
		text_position(text, bad, &line, &col);
		if (text[bad] == '\0')
			diag_error(path, line, col, "NUL byte in CSV");
		else if (looks_gbk(text, len))
			diag_error(path, line, col, "invalid UTF-8 in CSV: the "
			    "file looks like GBK, which Excel and WPS write as "
			    "\"CSV\" on Chinese Windows; save it again as "
			    "\"CSV UTF-8\"");
		else
			diag_error(path, line, col, "invalid UTF-8 in CSV");
		return -1;
	}
	if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
		xdie("csv_init failed");
	for (st.line = 1; s < end; st.line++) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl != NULL ? (size_t)(nl - s) + 1 : (size_t)(end - s);

		if (csv_parse(&p, s, n, onfield, onrow, &st) != n) {
			diag_error(path, st.line, 1, csv_error(&p) == CSV_EPARSE ?
			    N_("malformed CSV: a quote inside an unquoted field, "
			    "or text after a closing quote") :
			    N_("malformed CSV: %s"),
			    csv_strerror(csv_error(&p)));
			goto out;
		}
		s += n;
	}
	if (csv_fini(&p, onfield, onrow, &st) != 0) {
		/* At the row the open field belongs to, when a field of it
		 * came before; else the end of the file. */
		diag_error(path, st.ncur > 0 ? st.rowline : st.line - 1 > 0 ?
		    st.line - 1 : 1, 1, "malformed CSV: unterminated quoted "
		    "field");
		goto out;
	}
	if (!st.failed)
		rc = 0;
out:
	csv_free(&p);
	/* Keep the rows in the arena so the table has a single owner. */
	rows = arena_alloc(a, (out->n ? out->n : 1) * sizeof(*rows));
	if (out->n > 0)
		memcpy(rows, out->rows, out->n * sizeof(*rows));
	free(out->rows);
	out->rows = rows;
	free(st.cur);
	return rc;
}

int
csvtab_column(const struct csvtab *t, const char *name)
{
	size_t i;

	if (t->n == 0)
		return -1;
	for (i = 0; i < t->rows[0].n; i++)
		if (strcmp(t->rows[0].fields[i], name) == 0)
			return (int)i;
	return -1;
}
