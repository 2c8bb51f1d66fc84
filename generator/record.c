/*
 * record: conversion and checks.  CSV gives text, JSON and YAML give typed
 * values; both go through checkfield, which yields the one typed form that
 * every later stage sees.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "csvtab.h"
#include "diag.h"
#include "division.h"
#include "jobs.h"
#include "json.h"
#include "record.h"
#include "schema.h"
#include "source.h"
#include "util.h"
#include "value.h"

/* Where a record is being checked, for messages. */
struct where {
	const char	*path;
	int		 line, col;
	bool		 text;	/* values are CSV text to be converted */
};

static void
ferr(const struct where *w, const struct value *v, const struct field *fd,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
ferr(const struct where *w, const struct value *v, const struct field *fd,
    const char *fmt, ...)
{
	struct buf b;
	va_list ap;
	int line = w->line, col = w->col;

	/* YAML values know their own position; CSV and JSON ones share the
	 * record's. */
	if (v != NULL && v->line > line) {
		line = v->line;
		col = v->col;
	} else if (v != NULL && v->line == line && v->col > col)
		col = v->col;
	buf_init(&b);
	buf_printf(&b, _("field \"%s\": "), fd->name);
	va_start(ap, fmt);
	buf_vprintf(&b, _(fmt), ap);
	va_end(ap);
	diag_error(w->path, line, col, "%s", b.data);
	buf_release(&b);
}

void
recordset_init(struct recordset *set, const struct schema *schema)
{
	memset(set, 0, sizeof(*set));
	set->schema = schema;
}

void
recordset_release(struct recordset *set)
{
	free(set->v);
	free(set->tab);
	memset(set, 0, sizeof(*set));
}

void
recordset_take(struct recordset *set, struct recordset *from)
{
	if (from->n == 0)	/* a file of a header alone: no array */
		return;
	xgrow(&set->v, &set->cap, set->n + from->n, sizeof(*set->v));
	memcpy(set->v + set->n, from->v, from->n * sizeof(*set->v));
	set->n += from->n;
	from->n = 0;
}

/* ---- scalar conversions ------------------------------------------------ */

static bool
isdate(const char *s, bool day)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int y, m, d = 1, n = 0;
	size_t len = strlen(s);

	if (len != (day ? 10u : 7u))
		return false;
	for (size_t i = 0; i < len; i++)
		if (i == 4 || i == 7 ? s[i] != '-' :
		    !isdigit((unsigned char)s[i]))
			return false;
	if (day)
		n = sscanf(s, "%4d-%2d-%2d", &y, &m, &d);
	else
		n = sscanf(s, "%4d-%2d", &y, &m) + 1;
	if (n != 3 || y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 ||
	    d > mdays[m - 1])
		return false;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 ||
	    y % 400 == 0)))
		return false;
	return true;
}

static bool
parseint(const char *s, long long *out)
{
	const char *p = s;
	char *end;

	if (*p == '-' || *p == '+')
		p++;
	if (!isdigit((unsigned char)*p))
		return false;
	errno = 0;
	*out = strtoll(s, &end, 10);
	return errno == 0 && *end == '\0';
}

static bool
parsenum(const char *s, double *out, int *decimals)
{
	char *end;
	const char *dot, *exp;
	long frac;

	if (*s == '\0' || isspace((unsigned char)*s))
		return false;
	errno = 0;
	*out = strtod(s, &end);
	if (errno != 0 || *end != '\0' || !isfinite(*out) ||
	    strpbrk(s, "xXnNiI") != NULL)	/* no hex, nan or inf */
		return false;
	/* Decimals as written, the exponent counted: 72449e-5 has five,
	 * like 0.72449; 7.5e1 has none. */
	dot = strchr(s, '.');
	exp = strpbrk(s, "eE");
	frac = dot != NULL ? (long)strspn(dot + 1, "0123456789") : 0;
	if (exp != NULL) {
		long e = strtol(exp + 1, NULL, 10);

		frac = e < -100000 ? 100000 : e > 100000 ? -100000 : frac - e;
	}
	*decimals = frac < 0 ? 0 : frac > 1000 ? 1000 : (int)frac;
	return true;
}

/*
 * The number an editor meant, written as reports print it: "1,094" or
 * "1，094" (thousands grouped) is 1094, and in a number field "72.45%" is
 * 0.7245.  Sets fix to what to write instead; false for any other text.
 */
static bool
numhint(const char *s, bool isint, char *fix, size_t cap)
{
	char digits[64];
	const char *p = s;
	size_t n = 0, len = strlen(s), sl;
	int group = 0, decimals;
	bool first = true, sep = false;
	double d;

	if (!isint && len > 1 && len < sizeof(digits) && s[len - 1] == '%') {
		memcpy(digits, s, len - 1);
		digits[len - 1] = '\0';
		if (!parsenum(digits, &d, &decimals) || decimals > 12)
			return false;
		snprintf(fix, cap, "%.*f", decimals + 2, d / 100);
		return true;
	}
	if (*p == '-')
		digits[n++] = *p++;
	for (; *p != '\0' && *p != '.'; p += sl) {
		sl = 1;
		if (isdigit((unsigned char)*p)) {
			if (n + 1 >= sizeof(digits))
				return false;
			digits[n++] = *p;
			group++;
			continue;
		}
		if (strncmp(p, "\xef\xbc\x8c", 3) == 0)	/* ， */
			sl = 3;
		else if (*p != ',' && *p != ' ')
			return false;
		if (first ? group < 1 || group > 3 : group != 3)
			return false;
		first = false;
		sep = true;
		group = 0;
	}
	if (!sep || group != 3 || (*p == '.' && (isint || !isdigit(
	    (unsigned char)p[1]) || strspn(p + 1, "0123456789") !=
	    strlen(p + 1))))
		return false;
	digits[n] = '\0';
	snprintf(fix, cap, "%s%s", digits, p);
	return true;
}

/* "name = code" of the divisions named name (up to three codes), when an
 * editor wrote a name where a code goes; NULL when none is. */
static const char *
namedcodes(const struct divisions *div, const char *name, char *buf,
    size_t cap)
{
	size_t i, k = 0, len;

	len = (size_t)snprintf(buf, cap, "%s =", name);
	for (i = 0; i < div->n && len < cap; i++) {
		if (strcmp(div->all[i]->name, name) != 0)
			continue;
		len += (size_t)snprintf(buf + len, cap - len, k == 0 ? " %s" :
		    k < 3 ? ", %s" : ", …", div->all[i]->code);
		if (++k > 3)
			break;
	}
	return k > 0 && len < cap ? buf : NULL;
}

/* Text form of a scalar value, for string-like fields given a number. */
static const char *
scalartext(struct arena *a, const struct value *v)
{
	struct buf b;
	const char *s;

	if (v->kind == VAL_STR)
		return v->u.str.s;
	buf_init(&b);
	value_text(&b, v);
	s = arena_strndup(a, b.data ? b.data : "", b.len);
	buf_release(&b);
	return s;
}

static bool
enumok(const struct field *fd, const char *s)
{
	size_t i;

	if (fd->enums == NULL)
		return true;
	for (i = 0; i < fd->nenums; i++)
		if (strcmp(fd->enums[i], s) == 0)
			return true;
	return false;
}

static struct value *
checkstring(struct arena *a, const struct where *w, const struct field *fd,
    const struct value *v)
{
	const char *s;
	size_t n;

	if (v->kind == VAL_ARR || v->kind == VAL_OBJ || v->kind == VAL_BOOL) {
		ferr(w, v, fd, "expected text, found %s",
		    value_kind_name(v->kind));
		return NULL;
	}
	s = scalartext(a, v);
	n = strlen(s);
	if (utf8_count(s, n) > fd->max_length) {
		ferr(w, v, fd, "longer than %zu characters", fd->max_length);
		return NULL;
	}
	if (!enumok(fd, s)) {
		ferr(w, v, fd, "\"%s\" is not one of the allowed values", s);
		return NULL;
	}
	if (fd->format != NULL && strcmp(fd->format, "id") == 0 &&
	    !id_valid(s, 64)) {
		ferr(w, v, fd, "\"%s\" is not a valid id (letters, digits, '-' "
		    "and '_', at most 64)", s);
		return NULL;
	}
	if (fd->format != NULL && strcmp(fd->format, "url") == 0 &&
	    !str_has_prefix(s, "https://") && !str_has_prefix(s, "http://") &&
	    !(s[0] == '/' && s[1] != '/')) {
		ferr(w, v, fd, "\"%s\" is not an http(s) URL or a site path",
		    s);
		return NULL;
	}
	/* A division is judged by its lookup (linking), which knows the
	 * names too: "东县" where a code goes gets its code as a hint. */
	if (fd->type == FT_REF && !id_valid(s, 64)) {
		ferr(w, v, fd, "\"%s\" is not a valid id", s);
		return NULL;
	}
	return value_str_borrow(a, s, n);
}

static struct value *
checknumber(struct arena *a, const struct where *w, const struct field *fd,
    const struct value *v)
{
	double d;
	long long i = 0;
	int decimals = 0;
	bool isint = fd->type == FT_INTEGER;

	if (w->text && v->kind == VAL_STR) {
		if (isint ? !parseint(v->u.str.s, &i) :
		    !parsenum(v->u.str.s, &d, &decimals)) {
			char fix[64];

			if (numhint(v->u.str.s, isint, fix, sizeof(fix)))
				ferr(w, v, fd, "expected %s, found \"%s\": "
				    "write %s", isint ? _("an integer") :
				    _("a number"), v->u.str.s, fix);
			else
				ferr(w, v, fd, "expected %s, found \"%s\"",
				    isint ? _("an integer") : _("a number"),
				    v->u.str.s);
			return NULL;
		}
		if (isint)
			d = (double)i;
	} else if (v->kind == VAL_INT) {
		i = v->u.i;
		d = (double)i;
	} else if (v->kind == VAL_NUM && !isint) {
		d = v->u.num.d;
		if (!isfinite(d)) {	/* 1e999 in JSON */
			ferr(w, v, fd, "number out of range");
			return NULL;
		}
		/* Count decimals by scaling; exact enough for the small
		 * precisions schemas use. */
		for (decimals = 0; decimals < 12; decimals++) {
			double s = d * pow(10, decimals);

			if (fabs(s - nearbyint(s)) < 1e-9 * fmax(1, fabs(s)))
				break;
		}
	} else {
		ferr(w, v, fd, "expected %s, found %s",
		    isint ? _("an integer") : _("a number"),
		    value_kind_name(v->kind));
		return NULL;
	}
	if (fd->has_min && d < fd->min) {
		ferr(w, v, fd, "%g is below the minimum %g", d, fd->min);
		return NULL;
	}
	if (fd->has_max && d > fd->max) {
		ferr(w, v, fd, "%g is above the maximum %g", d, fd->max);
		return NULL;
	}
	if (!isint && fd->precision >= 0 && decimals > fd->precision) {
		ferr(w, v, fd, "%g has more than %d decimals", d,
		    fd->precision);
		return NULL;
	}
	if (isint)
		return value_int(a, i);
	return value_num(a, d, fd->precision);
}

static struct value *
checkitem(struct arena *a, const struct where *w, const struct field *fd,
    const struct value *v, const char *s)
{
	if (s == NULL) {
		if (v->kind == VAL_ARR || v->kind == VAL_OBJ ||
		    v->kind == VAL_NULL) {
			ferr(w, v, fd, "list items must be text, found %s",
			    value_kind_name(v->kind));
			return NULL;
		}
		s = scalartext(a, v);
	}
	if (*s == '\0') {
		ferr(w, v, fd, "empty list item");
		return NULL;
	}
	if (utf8_count(s, strlen(s)) > 200) {
		ferr(w, v, fd, "list item longer than 200 characters");
		return NULL;
	}
	if (!enumok(fd, s)) {
		ferr(w, v, fd, "\"%s\" is not one of the allowed values", s);
		return NULL;
	}
	if (fd->format != NULL && strcmp(fd->format, "tag") == 0 &&
	    !tag_valid(s)) {
		ferr(w, v, fd, "tag \"%s\": tags are at most %d characters, "
		    "without spaces or punctuation", s, TAG_MAX);
		return NULL;
	}
	return value_str(a, s);
}

static struct value *
checklist(struct arena *a, const struct where *w, const struct field *fd,
    const struct value *v)
{
	struct value *out = value_arr(a), *it;
	size_t i;
	bool ok = true;

	if (v->kind == VAL_STR) {
		/* CSV cells hold "a|b|c"; a lone string in YAML is a
		 * one-item list. */
		const char *p = v->u.str.s;

		while (w->text || p == v->u.str.s) {
			const char *bar = w->text ? strchr(p, '|') : NULL;
			size_t n = bar ? (size_t)(bar - p) : strlen(p);
			char *item;

			while (n > 0 && isspace((unsigned char)*p))
				p++, n--;
			while (n > 0 && isspace((unsigned char)p[n - 1]))
				n--;
			item = arena_strndup(a, p, n);
			if ((it = checkitem(a, w, fd, v, item)) == NULL)
				ok = false;
			else
				value_push(a, out, it);
			if (bar == NULL)
				break;
			p = bar + 1;
		}
	} else if (v->kind == VAL_ARR) {
		for (i = 0; i < v->u.arr.len; i++) {
			if ((it = checkitem(a, w, fd, v->u.arr.v[i],
			    NULL)) == NULL)
				ok = false;
			else
				value_push(a, out, it);
		}
	} else {
		ferr(w, v, fd, "expected a list, found %s",
		    value_kind_name(v->kind));
		return NULL;
	}
	return ok ? out : NULL;
}

/* Convert and check one field value; NULL after reporting. */
static struct value *
checkfield(struct arena *a, const struct where *w, const struct field *fd,
    const struct value *v)
{
	struct value *out;

	switch (fd->type) {
	case FT_STRING:
	case FT_REF:
	case FT_DIVISION:
		return checkstring(a, w, fd, v);
	case FT_INTEGER:
	case FT_NUMBER:
		return checknumber(a, w, fd, v);
	case FT_BOOLEAN:
		if (w->text && v->kind == VAL_STR) {
			if (strcmp(v->u.str.s, "true") == 0)
				return value_bool(a, true);
			if (strcmp(v->u.str.s, "false") == 0)
				return value_bool(a, false);
		} else if (v->kind == VAL_BOOL)
			return value_bool(a, v->u.b);
		ferr(w, v, fd, "expected true or false");
		return NULL;
	case FT_DATE:
	case FT_YEARMONTH:
		if (v->kind != VAL_STR || !isdate(v->u.str.s,
		    fd->type == FT_DATE)) {
			struct buf b;

			buf_init(&b);
			value_text(&b, v);
			ferr(w, v, fd, "expected a date %s, found \"%s\"",
			    fd->type == FT_DATE ? "YYYY-MM-DD" : "YYYY-MM",
			    b.data ? b.data : "");
			buf_release(&b);
			return NULL;
		}
		out = value_str(a, v->u.str.s);
		return out;
	case FT_LIST:
		return checklist(a, w, fd, v);
	}
	return NULL;
}

/* ---- one record ---------------------------------------------------------- */

static bool
isempty(const struct value *v, bool text)
{
	return v == NULL || v->kind == VAL_NULL ||
	    (text && v->kind == VAL_STR && v->u.str.len == 0);
}

static struct record *
checkrecord(struct recordset *set, struct arena *a, const struct value *raw,
    const struct where *w, const char *id, const char *owner)
{
	const struct schema *s = set->schema;
	/* To size, keyed by the schema's names: a national site has 41,352
	 * station records. */
	struct value *fields = value_obj_n(a, s->nfields), *v;
	struct record *r;
	size_t i;
	bool ok = true;

	/* Unknown keys are errors: a misspelt field would otherwise vanish
	 * from the page without a word. */
	for (i = 0; i < raw->u.obj.len; i++)
		if (schema_field(s, raw->u.obj.m[i].key) < 0) {
			const struct value *u = raw->u.obj.m[i].val;

			diag_error(w->path, u->line > w->line ? u->line :
			    w->line, u->line > w->line ? u->col : w->col,
			    "unknown field \"%s\" for a %s record",
			    raw->u.obj.m[i].key, s->name);
			ok = false;
		}
	for (i = 0; i < s->nfields; i++) {
		const struct field *fd = &s->fields[i];
		const struct value *in = value_get(raw, fd->name);

		if ((int)i == s->pk && isempty(in, w->text) && id != NULL)
			in = value_str(a, id);
		if (isempty(in, w->text)) {
			if (fd->required) {
				diag_error(w->path, w->line, w->col,
				    "missing required field \"%s\"", fd->name);
				ok = false;
			}
			value_append(a, fields, fd->name, value_null(a));
			continue;
		}
		if ((v = checkfield(a, w, fd, in)) == NULL) {
			ok = false;
			continue;
		}
		v->line = in->line > 0 ? in->line : w->line;
		v->col = in->line > 0 ? in->col : w->col;
		value_append(a, fields, fd->name, v);
	}
	/* lower_bounds-style lists name fields of this record. */
	for (i = 0; ok && i < s->nfields; i++) {
		const struct field *fd = &s->fields[i];
		const struct value *l = value_get(fields, fd->name);
		size_t j;

		if (!fd->item_fields || l == NULL || l->kind != VAL_ARR)
			continue;
		for (j = 0; j < l->u.arr.len; j++)
			if (schema_field(s, l->u.arr.v[j]->u.str.s) < 0) {
				ferr(w, l, fd, "\"%s\" is not a field of %s",
				    l->u.arr.v[j]->u.str.s, s->name);
				ok = false;
			}
	}
	if (!ok)
		return NULL;
	r = arena_zalloc(a, sizeof(*r));
	r->schema = s;
	r->fields = fields;
	r->id = value_get_str(fields, s->fields[s->pk].name);
	r->path = w->path;
	r->line = w->line;
	r->col = w->col;
	r->owner = owner;
	xgrow(&set->v, &set->cap, set->n + 1, sizeof(*set->v));
	set->v[set->n++] = r;
	return r;
}

struct record *
record_add(struct recordset *set, struct arena *a, const struct value *raw,
    const char *path, int line, int col, const char *id, const char *owner)
{
	struct where w = { path, line, col, false };

	return checkrecord(set, a, raw, &w, id, owner);
}

static int
loadcsv(struct recordset *set, struct arena *a, const struct sfile *f,
    const char *owner)
{
	struct arena scratch;
	struct csvtab t;
	size_t i, j;
	int rc = 0;

	if (csvtab_parse(&t, a, f->path, f->data, f->len) < 0)
		return -1;
	if (t.n == 0) {
		diag_error(f->path, 1, 1, "expected a header row naming the "
		    "fields");
		return -1;
	}
	for (j = 0; j < t.rows[0].n; j++)
		for (i = 0; i < j; i++)
			if (strcmp(t.rows[0].fields[i],
			    t.rows[0].fields[j]) == 0) {
				diag_error(f->path, 1, 1, "column \"%s\" appears "
				    "twice in the header", t.rows[0].fields[j]);
				return -1;
			}
	/* A row as read is checked into the record, which keeps its texts
	 * (they are the table's) but none of its values: those are made in
	 * a scratch arena, used again for each row.  41,352 stations' rows
	 * would take 40 MiB of the site's memory otherwise. */
	arena_init(&scratch);
	for (i = 1; i < t.n; i++) {
		const struct csvrow *row = &t.rows[i];
		struct value *raw = value_obj_n(&scratch, row->n);
		struct where w = { f->path, row->line, 1, true };

		/* The header's names are distinct (checked above). */
		for (j = 0; j < row->n; j++) {
			struct value *cell = value_str_borrow(&scratch,
			    row->fields[j], strlen(row->fields[j]));

			cell->line = row->line;
			cell->col = 1;
			value_append(&scratch, raw, t.rows[0].fields[j], cell);
		}
		if (checkrecord(set, a, raw, &w, NULL, owner) == NULL)
			rc = -1;
		arena_reset(&scratch);
	}
	arena_release(&scratch);
	return rc;
}

static int
loadjson(struct recordset *set, struct arena *a, const struct sfile *f,
    const char *owner)
{
	struct value *arr;
	size_t i;
	int rc;

	rc = json_parse_array(a, f->path, f->data, f->len, &arr);
	if (arr == NULL)
		return -1;
	for (i = 0; i < arr->u.arr.len; i++) {
		const struct value *el = arr->u.arr.v[i];
		struct where w = { f->path, el->line, el->col, false };

		if (el->kind != VAL_OBJ) {
			diag_error(f->path, el->line, el->col, "expected a "
			    "record (an object), found %s",
			    value_kind_name(el->kind));
			rc = -1;
			continue;
		}
		if (checkrecord(set, a, el, &w, NULL, owner) == NULL)
			rc = -1;
	}
	return rc;
}

int
record_load(struct recordset *set, struct arena *a, const struct sfile *f,
    const char *owner)
{
	if (str_has_suffix(f->path, ".csv"))
		return loadcsv(set, a, f, owner);
	if (str_has_suffix(f->path, ".json"))
		return loadjson(set, a, f, owner);
	diag_error(f->path, 0, 0, "records must be .csv or .json files");
	return -1;
}

/* ---- cross-record checks ------------------------------------------------- */

struct record *
record_find(const struct recordset *set, const char *id)
{
	size_t h;

	if (set->tabcap == 0)
		return NULL;
	for (h = hash_str(id, strlen(id)) & (set->tabcap - 1);
	    set->tab[h] != NULL; h = (h + 1) & (set->tabcap - 1))
		if (strcmp(set->tab[h]->id, id) == 0)
			return set->tab[h];
	return NULL;
}

static int
index_set(struct recordset *set)
{
	size_t i, h, cap = 16;
	int rc = 0;

	while (cap < set->n * 2)
		cap *= 2;
	free(set->tab);
	set->tab = xcalloc(cap, sizeof(*set->tab));
	set->tabcap = cap;
	for (i = 0; i < set->n; i++) {
		struct record *r = set->v[i], *old;

		if ((old = record_find(set, r->id)) != NULL) {
			diag_error(r->path, r->line, r->col, "duplicate %s id "
			    "\"%s\" (first defined at %s:%d)", set->schema->name,
			    r->id, old->path, old->line);
			rc = -1;
			continue;
		}
		for (h = hash_str(r->id, strlen(r->id)) & (cap - 1);
		    set->tab[h] != NULL; h = (h + 1) & (cap - 1))
			;
		set->tab[h] = r;
	}
	return rc;
}

static const struct recordset *
findset(const struct recordset *sets, size_t nsets, const char *name)
{
	size_t i;

	for (i = 0; i < nsets; i++)
		if (strcmp(sets[i].schema->name, name) == 0)
			return &sets[i];
	return NULL;
}

/* Divisions of a level in d, d itself included (a province's counties:
 * a few hundred at most, so a walk is cheap). */
static long
countlevel(const struct division *d, enum div_level level)
{
	long n = 0;
	size_t i;

	if (d->level == level)
		return 1;
	if (d->level >= level)
		return 0;
	for (i = 0; i < d->nchildren; i++)
		n += countlevel(d->children[i], level);
	return n;
}

/* The value of a check term (see struct check), or false when the record
 * does not have it. */
static bool
termvalue(const struct record *r, const struct divisions *div,
    const char *term, double *out)
{
	const char *dot = strchr(term, '.');
	const struct value *v;
	const struct division *d;
	char field[65];

	if (dot == NULL)
		return record_num(r, term, out);
	snprintf(field, sizeof(field), "%.*s", (int)(dot - term), term);
	if ((v = record_get(r, field)) == NULL ||
	    (d = division_find(div, v->u.str.s)) == NULL)
		return false;
	*out = strcmp(dot, ".townships") == 0 ? (double)d->townships :
	    (double)countlevel(d, strcmp(dot, ".counties") == 0 ? DIV_COUNTY :
	    DIV_PREFECTURE);
	return true;
}

/* Figures that must agree with each other (schema checks). */
static int
checkfigures(const struct record *r, const struct divisions *div)
{
	const struct schema *s = r->schema;
	struct where w = { r->path, r->line, r->col, false };
	size_t i;
	int rc = 0;

	for (i = 0; i < s->nchecks; i++) {
		const struct check *k = &s->checks[i];
		const struct field *fd = &s->fields[schema_field(s, k->field)];
		double got, num, den = 1, want;

		if (k->at_most) {
			if (!termvalue(r, div, k->field, &got) ||
			    !termvalue(r, div, k->num, &num) || got <= num)
				continue;
			ferr(&w, record_get(r, k->field), fd, "%g is more than "
			    "%s = %g: not possible", got, k->num, num);
			rc = -1;
			continue;
		}
		if (!termvalue(r, div, k->field, &got) ||
		    !termvalue(r, div, k->num, &num) ||
		    (k->den != NULL && !termvalue(r, div, k->den, &den)) ||
		    den == 0)
			continue;
		want = num / den;
		if (fabs(got - want) <= k->tolerance + 1e-12)
			continue;
		if (k->den != NULL)
			ferr(&w, record_get(r, k->field), fd, "%g does not agree "
			    "with %s / %s = %g / %g = %.6g (tolerance %g)", got,
			    k->num, k->den, num, den, want, k->tolerance);
		else
			ferr(&w, record_get(r, k->field), fd, "%g does not agree "
			    "with %s = %g (tolerance %g)", got, k->num, want,
			    k->tolerance);
		rc = -1;
	}
	return rc;
}

/* Is record t of county own: from its folder, or naming only divisions
 * inside it (a province-wide record, a campaign, is not)? */
static bool
of_county(const struct record *t, const struct division *own,
    const struct divisions *div)
{
	const struct schema *s = t->schema;
	bool inside = false;
	size_t i;

	if (t->owner != NULL)
		return strcmp(t->owner, own->code) == 0;
	for (i = 0; i < s->nfields; i++) {
		const char *code;
		const struct division *d;

		if (s->fields[i].type != FT_DIVISION ||
		    (code = record_str(t, s->fields[i].name)) == NULL)
			continue;
		if ((d = division_find(div, code)) == NULL ||
		    !division_within(d, own))
			return false;
		inside = true;
	}
	return inside;
}

bool
record_is_draft(const struct record *r)
{
	const struct value *d = record_get(r, "draft");

	return d != NULL && d->kind == VAL_BOOL && d->u.b;
}

static int
linkrecord(const struct record *r, const struct recordset *sets,
    size_t nsets, const struct divisions *div, bool drafts)
{
	const struct schema *s = r->schema;
	struct where w = { r->path, r->line, r->col, false };
	bool owned = false;
	size_t i;
	int rc = 0;

	for (i = 0; i < s->nfields; i++) {
		const struct field *fd = &s->fields[i];
		const struct value *v = value_get(r->fields, fd->name);
		const struct recordset *target;
		const struct record *tr;
		struct division *d, *in, *own;

		if (v == NULL || v->kind != VAL_STR)
			continue;
		if (fd->type == FT_REF) {
			target = findset(sets, nsets, fd->ref);
			if (target == NULL) {
				ferr(&w, v, fd, "refers to record type \"%s\", "
				    "which has no schema", fd->ref);
				rc = -1;
			} else if ((tr = record_find(target, v->u.str.s)) ==
			    NULL) {
				ferr(&w, v, fd, "no %s record has id \"%s\"",
				    fd->ref, v->u.str.s);
				rc = -1;
			} else if (!drafts && record_is_draft(tr) &&
			    !record_is_draft(r)) {
				/* The published data would name a row that
				 * is not published. */
				ferr(&w, v, fd, "%s \"%s\" is a draft, not "
				    "published: publish it first, or leave "
				    "the field empty", fd->ref, v->u.str.s);
				rc = -1;
			} else if (r->owner != NULL &&
			    (own = division_find(div, r->owner)) != NULL &&
			    !of_county(tr, own, div)) {
				/* A county's records speak of its county:
				 * they may not set another county's station
				 * figures or a province's campaign. */
				ferr(&w, v, fd, "a record in the folder of "
				    "county %s may refer only to records of "
				    "that county, not to %s \"%s\"", r->owner,
				    fd->ref, v->u.str.s);
				rc = -1;
			}
			continue;
		}
		if (fd->type != FT_DIVISION)
			continue;
		d = division_find(div, v->u.str.s);
		if (d == NULL) {
			char hint[200];
			const char *named = namedcodes(div, v->u.str.s, hint,
			    sizeof(hint));

			if (named != NULL)
				ferr(&w, v, fd, "unknown division code \"%s\": "
				    "write the code, not the name (%s)",
				    v->u.str.s, named);
			else
				ferr(&w, v, fd, "unknown division code \"%s\"",
				    v->u.str.s);
			rc = -1;
			continue;
		}
		if (fd->level != DIV_NONE && d->level != fd->level) {
			ferr(&w, v, fd, "%s is a %s (%s), expected a %s",
			    d->code, division_level_text(d->level), d->name,
			    division_level_text(fd->level));
			rc = -1;
			continue;
		}
		if (fd->within != NULL) {
			const char *wc = value_get_str(r->fields, fd->within);

			in = wc != NULL ? division_find(div, wc) : NULL;
			if (in != NULL && !division_within(d, in)) {
				ferr(&w, v, fd, "%s %s (%s) is not in %s %s "
				    "(%s)", division_level_text(d->level),
				    d->code, d->name,
				    division_level_text(in->level), in->code,
				    in->name);
				rc = -1;
			}
		}
		/* Records from a county's folder may speak only of that
		 * county (or of the province around it). */
		if (r->owner != NULL) {
			own = division_find(div, r->owner);
			if (own != NULL && !division_within(d, own) &&
			    !division_within(own, d)) {
				ferr(&w, v, fd, "a record in the folder of "
				    "county %s may not refer to %s %s (%s)",
				    r->owner, division_level_text(d->level),
				    d->code, d->name);
				rc = -1;
			} else if (own != NULL && division_within(d, own))
				owned = true;
		}
	}
	if (r->owner != NULL && rc == 0 && !owned) {
		diag_error(r->path, r->line, r->col, "a %s record in the folder "
		    "of county %s must name that county or one of its "
		    "townships", s->name, r->owner);
		rc = -1;
	}
	return rc;
}

/* The checks of LINK_CHUNK records, a job of record_link's pass on
 * every thread; they change nothing, so a pass that met a problem is
 * simply run again in order. */
#define LINK_CHUNK	512

struct linkpass {
	const struct recordset	*sets;
	size_t			 nsets;
	const struct divisions	*div;
	bool			 drafts;
	const struct record	**all;	/* every record, in order */
	size_t			 n;
	atomic_bool		 failed;
};

/* The checks of record i, on whichever thread. */
static int
linkone(const struct linkpass *p, size_t i)
{
	return record_relink(p->all[i], p->sets, p->nsets, p->div,
	    p->drafts);
}

static void
linkjob(size_t job, int worker, void *ud)
{
	struct linkpass *p = ud;
	size_t i, end = (job + 1) * LINK_CHUNK;

	(void)worker;
	for (i = job * LINK_CHUNK; i < end && i < p->n; i++)
		if (linkone(p, i) < 0)
			atomic_store(&p->failed, true);
}

int
record_link(struct recordset *sets, size_t nsets, const struct divisions *div,
    bool drafts, int jobs)
{
	struct linkpass p = { sets, nsets, div, drafts, NULL, 0, false };
	size_t i, j;
	int rc = 0;

	for (i = 0; i < nsets; i++)
		if (index_set(&sets[i]) < 0)
			rc = -1;
	for (i = 0; i < nsets; i++)
		p.n += sets[i].n;
	p.all = xcalloc(p.n + 1, sizeof(*p.all));
	for (i = p.n = 0; i < nsets; i++)
		for (j = 0; j < sets[i].n; j++)
			p.all[p.n++] = sets[i].v[j];
	if (!jobs_run_quiet((p.n + LINK_CHUNK - 1) / LINK_CHUNK, jobs,
	    linkjob, &p) || atomic_load(&p.failed))
		for (i = 0; i < p.n; i++)
			if (linkone(&p, i) < 0)
				rc = -1;
	free(p.all);
	return rc;
}

int
record_relink(const struct record *r, const struct recordset *sets,
    size_t nsets, const struct divisions *div, bool drafts)
{
	return linkrecord(r, sets, nsets, div, drafts) < 0 ||
	    checkfigures(r, div) < 0 ? -1 : 0;
}

void
record_replace(struct recordset *set, size_t i, struct record *r)
{
	const struct record *old = set->v[i];
	size_t h;

	set->v[i] = r;
	if (set->tabcap == 0)	/* not indexed yet */
		return;
	for (h = hash_str(old->id, strlen(old->id)) & (set->tabcap - 1);
	    set->tab[h] != NULL; h = (h + 1) & (set->tabcap - 1))
		if (set->tab[h] == old) {
			set->tab[h] = r;
			break;
		}
}

void
record_insert(struct recordset *set, size_t i, struct record *r)
{
	size_t h;

	xgrow(&set->v, &set->cap, set->n + 1, sizeof(*set->v));
	memmove(&set->v[i + 1], &set->v[i], (set->n - i) * sizeof(*set->v));
	set->v[i] = r;
	set->n++;
	if (set->tabcap == 0)	/* not indexed yet */
		return;
	if (set->n * 2 > set->tabcap) {
		index_set(set);	/* no id twice: nothing to report */
		return;
	}
	for (h = hash_str(r->id, strlen(r->id)) & (set->tabcap - 1);
	    set->tab[h] != NULL; h = (h + 1) & (set->tabcap - 1))
		continue;
	set->tab[h] = r;
}

void
record_remove(struct recordset *set, size_t i)
{
	memmove(&set->v[i], &set->v[i + 1], (set->n - i - 1) *
	    sizeof(*set->v));
	set->n--;
	if (set->tabcap > 0)	/* open addressing: indexed again */
		index_set(set);
}

/* ---- accessors ----------------------------------------------------------- */

const struct value *
record_get(const struct record *r, const char *field)
{
	const struct value *v = value_get(r->fields, field);

	return v != NULL && v->kind != VAL_NULL ? v : NULL;
}

const char *
record_str(const struct record *r, const char *field)
{
	return value_get_str(r->fields, field);
}

bool
record_num(const struct record *r, const char *field, double *out)
{
	const struct value *v = record_get(r, field);

	if (v == NULL || (v->kind != VAL_INT && v->kind != VAL_NUM))
		return false;
	*out = v->kind == VAL_INT ? (double)v->u.i : v->u.num.d;
	return true;
}

long long
record_int(const struct record *r, const char *field, long long fallback)
{
	const struct value *v = record_get(r, field);

	if (v == NULL)
		return fallback;
	if (v->kind == VAL_INT)
		return v->u.i;
	if (v->kind == VAL_NUM)
		return (long long)v->u.num.d;
	return fallback;
}

bool
record_is_lower_bound(const struct record *r, const char *field)
{
	const struct value *l = record_get(r, "lower_bounds");
	size_t i;

	if (l == NULL || l->kind != VAL_ARR)
		return false;
	for (i = 0; i < l->u.arr.len; i++)
		if (strcmp(l->u.arr.v[i]->u.str.s, field) == 0)
			return true;
	return false;
}
