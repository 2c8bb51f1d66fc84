/*
 * division: four CSV files, one per level, each row naming its parent.
 * Townships are counted upwards; for provinces whose townships are not
 * listed, provinces.csv carries the count.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "csvtab.h"
#include "diag.h"
#include "division.h"
#include "source.h"
#include "util.h"

struct level_file {
	const char	*path;
	enum div_level	 level;
	const char	*parent_col;	/* NULL for provinces */
};

static const struct level_file files[] = {
	{ "content/reference/divisions/provinces.csv", DIV_PROVINCE, NULL },
	{ "content/reference/divisions/prefectures.csv", DIV_PREFECTURE,
	    "province" },
	{ "content/reference/divisions/counties.csv", DIV_COUNTY,
	    "prefecture" },
	{ "content/reference/divisions/townships.csv", DIV_TOWNSHIP,
	    "county" },
};

static int
cmpdiv(const void *x, const void *y)
{
	return strcmp((*(struct division *const *)x)->code,
	    (*(struct division *const *)y)->code);
}

struct division *
division_find(const struct divisions *d, const char *code)
{
	size_t lo = 0, hi = d->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(d->all[mid]->code, code);

		if (c == 0)
			return d->all[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int
division_within(const struct division *d, const struct division *ancestor)
{
	for (; d != NULL; d = d->parent)
		if (d == ancestor)
			return 1;
	return 0;
}

struct division *
division_up(struct division *d, enum div_level level)
{
	for (; d != NULL; d = d->parent)
		if (d->level == level)
			return d;
	return NULL;
}

const char *
division_level_name(enum div_level level)
{
	switch (level) {
	case DIV_PROVINCE: return "province";
	case DIV_PREFECTURE: return "prefecture";
	case DIV_COUNTY: return "county";
	case DIV_TOWNSHIP: return "township";
	default: return "none";
	}
}

const char *
division_level_text(enum div_level level)
{
	switch (level) {
	case DIV_PROVINCE: return _("province");
	case DIV_PREFECTURE: return _("prefecture");
	case DIV_COUNTY: return _("county");
	case DIV_TOWNSHIP: return _("township");
	default: return _("no level");
	}
}

enum div_level
division_level_parse(const char *name)
{
	enum div_level l;

	for (l = DIV_PROVINCE; l <= DIV_TOWNSHIP; l++)
		if (strcmp(name, division_level_name(l)) == 0)
			return l;
	return DIV_NONE;
}

/* Read one level's rows; parents are resolved once every level is in the
 * sorted table. */
static int
readlevel(struct divisions *d, size_t *cap, struct arena *a,
    const struct source *src, const struct level_file *lf)
{
	const struct sfile *f = source_get(src, lf->path);
	struct csvtab t;
	int ccode, cname, cparent = -1, ctowns = -1, ckind, rc = 0;
	size_t i;

	if (f == NULL)
		return 0;
	if (csvtab_parse(&t, a, f->path, f->data, f->len) < 0)
		return -1;
	ccode = csvtab_column(&t, "code");
	cname = csvtab_column(&t, "name");
	if (lf->parent_col != NULL)
		cparent = csvtab_column(&t, lf->parent_col);
	else
		ctowns = csvtab_column(&t, "townships");
	ckind = csvtab_column(&t, "kind");
	if (ccode < 0 || cname < 0 || (lf->parent_col != NULL && cparent < 0)) {
		diag_error(f->path, 1, 1, "expected columns code,name%s%s",
		    lf->parent_col ? "," : "",
		    lf->parent_col ? lf->parent_col : "");
		return -1;
	}
	for (i = 1; i < t.n; i++) {
		const struct csvrow *r = &t.rows[i];
		struct division *v = arena_zalloc(a, sizeof(*v));

		v->code = r->fields[ccode];
		v->name = r->fields[cname];
		v->level = lf->level;
		v->path = f->path;
		v->line = r->line;
		v->parent_code = cparent >= 0 ? r->fields[cparent] : NULL;
		v->zone = ckind >= 0 && strcmp(r->fields[ckind], "zone") == 0;
		if (!id_valid(v->code, 32)) {
			diag_error(f->path, r->line, 1, "invalid division code "
			    "\"%s\"", v->code);
			rc = -1;
			continue;
		}
		if (ctowns >= 0 && r->fields[ctowns][0] != '\0') {
			const char *tw = r->fields[ctowns];
			char *end;

			errno = 0;
			v->townships = strtol(tw, &end, 10);
			if (*end != '\0' || errno != 0 || v->townships < 0 ||
			    v->townships > 1000000) {
				diag_error(f->path, r->line, 1, "townships "
				    "\"%s\" is not a count from 0 to 1000000",
				    tw);
				rc = -1;
				continue;
			}
		}
		xgrow(&d->all, cap, d->n + 1, sizeof(*d->all));
		d->all[d->n++] = v;
	}
	return rc;
}

/* Townships inside v, from its listed children. */
static long
count(const struct division *v)
{
	long n = 0;
	size_t i;

	for (i = 0; i < v->nchildren; i++)
		n += v->children[i]->townships;
	return n;
}

int
division_load(struct divisions *d, struct arena *a, const struct source *src)
{
	size_t i, cap = 0;
	struct division **all;
	int rc = 0;
	enum div_level lvl;

	memset(d, 0, sizeof(*d));
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (readlevel(d, &cap, a, src, &files[i]) < 0)
			rc = -1;
	/* The table moves into the arena, the owner of everything else. */
	all = arena_alloc(a, (d->n + 1) * sizeof(*all));
	if (d->n > 0) {
		memcpy(all, d->all, d->n * sizeof(*all));
		qsort(all, d->n, sizeof(*all), cmpdiv);
	}
	free(d->all);
	d->all = all;
	for (i = 1; i < d->n; i++)
		if (strcmp(d->all[i - 1]->code, d->all[i]->code) == 0) {
			diag_error(d->all[i]->path, d->all[i]->line, 1,
			    "division code %s is already defined at %s:%d",
			    d->all[i]->code, d->all[i - 1]->path,
			    d->all[i - 1]->line);
			rc = -1;
		}

	/* Link each division to its parent, then count children and
	 * townships bottom-up (the table is sorted, and a child's code
	 * extends its parent's, but links are made by lookup, not by
	 * prefix, so odd codes still work). */
	for (i = 0; i < d->n; i++) {
		struct division *v = d->all[i], *p;

		if (v->parent_code == NULL)
			continue;
		p = division_find(d, v->parent_code);
		if (p == NULL || p->level != v->level - 1) {
			diag_error(v->path, v->line, 1, "%s %s: parent %s is "
			    "not a known %s", division_level_text(v->level),
			    v->code, v->parent_code,
			    division_level_text(v->level - 1));
			rc = -1;
			continue;
		}
		v->parent = p;
		p->nchildren++;
	}
	for (i = 0; i < d->n; i++) {
		struct division *v = d->all[i];

		if (v->nchildren > 0)
			v->children = arena_alloc(a, v->nchildren *
			    sizeof(*v->children));
		v->nchildren = 0;
		if (v->level == DIV_PROVINCE)
			d->nprovinces++;
	}
	d->provinces = arena_alloc(a, (d->nprovinces + 1) * sizeof(*all));
	d->nprovinces = 0;
	for (i = 0; i < d->n; i++) {
		struct division *v = d->all[i];

		if (v->level == DIV_PROVINCE)
			d->provinces[d->nprovinces++] = v;
		if (v->parent != NULL)
			v->parent->children[v->parent->nchildren++] = v;
	}
	/* Count townships level by level from the bottom; a division with
	 * no listed children keeps the count its file gave (provinces.csv
	 * covers provinces whose townships are not listed). */
	for (lvl = DIV_TOWNSHIP; lvl >= DIV_PROVINCE; lvl--)
		for (i = 0; i < d->n; i++) {
			struct division *v = d->all[i];

			if (v->level != lvl)
				continue;
			if (lvl == DIV_TOWNSHIP)
				v->townships = 1;
			else if (v->nchildren > 0)
				v->townships = count(v);
		}
	return rc;
}
