/*
 * view_data: the open-data pages — the catalogue, each dataset's page
 * (dictionary, preview, downloads with sizes and checksums, how to cite,
 * versions) and the changes between releases — from the data package the
 * dataset stage made, so a page and the file it describes cannot disagree.
 */
#include <math.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "buf.h"
#include "dataset.h"
#include "datadiff.h"
#include "diag.h"
#include "json.h"
#include "map.h"
#include "record.h"
#include "release.h"
#include "schema.h"
#include "site.h"
#include "util.h"
#include "value.h"
#include "view_int.h"

/* ==== open data ========================================================= */

static char *
sizetext(struct view *v, struct arena *a, size_t n)
{
	if (n < 1024)
		return UIF(DATA_BYTES, "n", arena_printf(a, "%zu", n));
	if (n < 1024 * 1024)
		return arena_printf(a, "%.1f KB", n / 1024.0);
	return arena_printf(a, "%.1f MB", n / 1048576.0);
}

static const char *
filelabel(struct view *v, const struct dfile *f)
{
	switch (f->kind) {
	case DF_JSON: return "JSON";
	case DF_CSV: return UI(DATA_CSV);
	case DF_EXCEL: return UI(DATA_EXCEL);
	case DF_GEOJSON: return "GeoJSON";
	case DF_SCHEMA: return "JSON Schema";
	case DF_TABLESCHEMA: return "Table Schema";
	case DF_ARCHIVE: return UI(DATA_ARCHIVE);
	case DF_XLSX: return UI(DATA_XLSX);
	default: return f->path;
	}
}

static struct value *
download(struct view *v, struct arena *a, const struct dfile *f,
    const char *version)
{
	struct value *o = value_obj(a);

	value_set_str(a, o, "label", filelabel(v, f));
	value_set_str(a, o, "path", f->path);
	value_set(a, o, "url", value_str(a, vw_href(v, a, arena_printf(a,
	    "data/%s", f->path))));
	value_set(a, o, "version_url", value_str(a, vw_href(v, a, arena_printf(a,
	    "data/v/%s/%s", version, f->path))));
	value_set_str(a, o, "mediatype", f->mediatype);
	value_set_int(a, o, "bytes", (long long)f->len);
	value_set(a, o, "size_text", value_str(a, sizetext(v, a, f->len)));
	value_set_str(a, o, "sha256", f->sha256);
	return o;
}

/* A field's rules for the data dictionary, in the theme's words. */
static const char *
constraints(struct view *v, struct arena *a, const struct field *fd)
{
	const char *part[8];
	struct buf b;
	size_t i, n = 0;
	char *s;

	if (fd->required)
		part[n++] = UI(DICT_REQUIRED);
	if (fd->type == FT_DIVISION)
		part[n++] = UIF(DICT_DIVISION, "level",
		    fd->level == DIV_PROVINCE ? UI(LEVEL_PROVINCE) :
		    fd->level == DIV_PREFECTURE ? UI(LEVEL_PREFECTURE) :
		    fd->level == DIV_COUNTY ? UI(LEVEL_COUNTY) :
		    fd->level == DIV_TOWNSHIP ? UI(LEVEL_TOWNSHIP) :
		    UI(LEVEL_ANY));
	if (fd->type == FT_REF)
		part[n++] = UIF(DICT_REF, "type", fd->ref);
	if (fd->has_min)
		part[n++] = UIF(DICT_MIN, "n", arena_printf(a, "%g", fd->min));
	if (fd->has_max)
		part[n++] = UIF(DICT_MAX, "n", arena_printf(a, "%g", fd->max));
	if (fd->precision >= 0)
		part[n++] = UIF(DICT_DECIMALS, "n", arena_printf(a, "%d",
		    fd->precision));
	if (fd->type == FT_LIST)
		part[n++] = UI(DICT_LIST);
	if (fd->enums != NULL) {
		buf_init(&b);
		for (i = 0; i < fd->nenums; i++)
			buf_printf(&b, "%s%s", i > 0 ?
			    UI(DICT_VALUE_SEPARATOR) : "", fd->enums[i]);
		part[n++] = UIF(DICT_VALUES, "values", b.data ? b.data : "");
		buf_release(&b);
	}
	buf_init(&b);
	for (i = 0; i < n; i++)
		buf_printf(&b, "%s%s", i > 0 ? UI(DICT_SEPARATOR) : "",
		    part[i]);
	s = arena_strndup(a, b.data ? b.data : "", b.len);
	buf_release(&b);
	return s;
}

/* JSON for a <script> element: '<', '>' and '&' (which JSON only has
 * inside strings) become \u escapes, so no text can end the element or
 * open a comment in it. */
struct value *
vw_scriptjson(struct arena *a, const struct buf *json)
{
	struct buf b;
	struct value *out;
	size_t i;

	buf_init(&b);
	for (i = 0; i < json->len; i++)
		switch (json->data[i]) {
		case '<': buf_puts(&b, "\\u003c"); break;
		case '>': buf_puts(&b, "\\u003e"); break;
		case '&': buf_puts(&b, "\\u0026"); break;
		default: buf_putc(&b, json->data[i]);
		}
	out = value_html(a, b.data ? b.data : "", b.len);
	buf_release(&b);
	return out;
}

/* schema.org Dataset, for search engines and dataset search tools. */
static struct value *
schemaorg(struct view *v, struct arena *a, const struct table *t)
{
	const struct config *c = &v->s->cfg;
	const struct datapkg *p = v->data;
	struct value *o = value_obj(a), *dist = value_arr(a), *lic;
	struct buf b;
	size_t i;

	value_set_str(a, o, "@context", "https://schema.org/");
	value_set_str(a, o, "@type", "Dataset");
	value_set_str(a, o, "name", t->schema->title ? t->schema->title :
	    t->name);
	if (t->schema->title_en != NULL)
		value_set_str(a, o, "alternateName", t->schema->title_en);
	value_set_str(a, o, "description", t->schema->description ?
	    t->schema->description : t->name);
	value_set(a, o, "url", value_strf(a, "%sdata/%s/", c->base_url,
	    t->name));
	value_set(a, o, "identifier", value_strf(a, "%s/%s", p->name,
	    t->name));
	value_set_str(a, o, "version", p->version);
	value_set_str(a, o, "dateModified", p->as_of);
	value_set_str(a, o, "inLanguage", c->language);
	if (c->licence_url != NULL)
		value_set_str(a, o, "license", c->licence_url);
	if (c->publisher != NULL) {
		lic = value_obj(a);
		value_set_str(a, lic, "@type", "GovernmentOrganization");
		value_set_str(a, lic, "name", c->publisher);
		value_set(a, o, "creator", lic);
	}
	if (t->date_min != NULL)
		value_set(a, o, "temporalCoverage", value_strf(a, "%s/%s",
		    t->date_min, t->date_max));
	lic = value_arr(a);
	for (i = 0; i < v->s->nprovinces; i++) {
		struct value *pl = value_obj(a);

		value_set_str(a, pl, "@type", "Place");
		value_set_str(a, pl, "name", v->s->provinces[i].div->name);
		value_push(a, lic, pl);
	}
	value_set(a, o, "spatialCoverage", lic);
	for (i = 0; i < t->nfiles; i++) {
		const struct dfile *f = &p->files[t->files[i]];
		struct value *d;

		if (f->kind != DF_JSON && f->kind != DF_CSV &&
		    f->kind != DF_GEOJSON)
			continue;
		d = value_obj(a);
		value_set_str(a, d, "@type", "DataDownload");
		value_set_str(a, d, "encodingFormat", f->mediatype);
		value_set(a, d, "contentUrl", value_strf(a, "%sdata/%s",
		    c->base_url, f->path));
		value_set(a, d, "contentSize", value_strf(a, "%zu B", f->len));
		value_set(a, d, "sha256", value_str(a, f->sha256));
		value_push(a, dist, d);
	}
	value_set(a, o, "distribution", dist);
	buf_init(&b);
	json_write(&b, o, -1);
	o = vw_scriptjson(a, &b);
	buf_release(&b);
	return o;
}

struct ver {
	const char	*name;
	const char	*as_of;
};

/* Newest data first; between versions of the same day, by name. */
static int
cmpver(const void *x, const void *y)
{
	const struct ver *a = x, *b = y;
	int c = strcmp(b->as_of, a->as_of);

	return c != 0 ? c : strcmp(b->name, a->name);
}

/* Every version of file: the current one first, then the others, newest
 * data first (a release's data-as-of date, a dated version's own). */
static struct value *
versionlist(struct view *v, struct arena *a, const char *file)
{
	const struct datapkg *p = v->data;
	const struct releases *rs = v->releases;
	struct value *arr = value_arr(a);
	struct ver *vs = arena_alloc(a, (p->nversions + 1) * sizeof(*vs));
	size_t i, k, n = 0;

	for (i = 0; i < p->nversions; i++) {
		if (strcmp(p->versions[i], p->version) == 0)
			continue;
		vs[n].name = p->versions[i];
		vs[n].as_of = p->versions[i];
		for (k = 0; rs != NULL && k < rs->n; k++)
			if (strcmp(rs->v[k]->pkg.version, p->versions[i]) == 0)
				vs[n].as_of = rs->v[k]->pkg.as_of;
		n++;
	}
	qsort(vs, n, sizeof(*vs), cmpver);
	for (i = 0; i <= n; i++) {
		const char *name = i == 0 ? p->version : vs[i - 1].name;
		struct value *o = value_obj(a);

		value_set_str(a, o, "version", name);
		value_set(a, o, "url", value_str(a, vw_href(v, a, arena_printf(a,
		    "data/v/%s/%s", name, file))));
		value_set_bool(a, o, "current", i == 0);
		value_push(a, arr, o);
	}
	return arr;
}

/* Why the stations dataset has fewer rows than the headline figures:
 * its records against the stations the provinces' latest reports count.
 * NULL when no province has reported a count. */
static const char *
stationscope(struct view *v, struct arena *a, const struct table *t)
{
	const struct site *s = v->s;
	long long total = 0;
	bool lower = false;
	struct buf b;
	const char *out;
	size_t i;

	buf_init(&b);
	for (i = 0; i < s->nprovinces; i++) {
		const struct area *p = &s->provinces[i];
		const struct record *r = p->nreports > 0 ? p->reports[0] : NULL;
		long long n = r != NULL ? record_int(r, "stations", -1) : -1;
		bool lb = r != NULL && record_is_lower_bound(r, "stations");

		if (n < 0)
			continue;
		if (b.len > 0)
			buf_puts(&b, UI(DATA_SCOPE_SEPARATOR));
		buf_puts(&b, UIF(DATA_SCOPE_PART, "area", p->div->name, "n",
		    vw_grouped(a, n, lb)));
		total += n;
		lower |= lb;
	}
	out = b.len == 0 ? NULL : UIF(DATA_SCOPE_STATIONS, "published",
	    vw_grouped(a, (long long)t->nrows, 0), "reported", vw_grouped(a,
	    total, lower), "detail", b.data);
	buf_release(&b);
	return out;
}

void
vw_datasetpage(struct view *v, struct arena *a, struct value *ctx,
    const struct table *t)
{
	const struct datapkg *p = v->data;
	const struct schema *s = t->schema;
	const struct config *c = &v->s->cfg;
	const struct value *cat = value_get(s->raw, "catalog");
	struct value *o = value_obj(a), *dict = value_arr(a), *dl = value_arr(a);
	struct value *head = value_arr(a), *rows = value_arr(a), *zh;
	size_t i, j, n = t->nrows < 10 ? t->nrows : 10;
	const char *freq = value_get_str(cat, "update_frequency");
	const char *prov = value_get_str(cat, "provenance");

	value_set_str(a, o, "name", t->name);
	value_set_str(a, o, "title", s->title ? s->title : t->name);
	value_set(a, o, "title_en", vw_str(a, s->title_en));
	value_set(a, o, "description", vw_str(a, s->description));
	value_set(a, o, "provenance", vw_str(a, prov));
	value_set(a, o, "scope", vw_str(a, value_get_str(cat, "scope")));
	value_set(a, o, "scope_en", vw_str(a, value_get_str(cat, "scope_en")));
	value_set(a, o, "scope_figures", vw_str(a, strcmp(s->name, "station")
	    == 0 ? stationscope(v, a, t) : NULL));
	value_set(a, o, "provenance_en", vw_str(a, value_get_str(cat,
	    "provenance_en")));
	value_set_int(a, o, "nrows", (long long)t->nrows);
	value_set(a, o, "nrows_text", value_str(a, vw_grouped(a,
	    (long long)t->nrows, 0)));
	value_set(a, o, "date_min_text", vw_str(a, vw_date(v, a, t->date_min)));
	value_set(a, o, "date_max_text", vw_str(a, vw_date(v, a, t->date_max)));
	value_set(a, o, "citation", value_str(a, UIF(CITATION, "publisher",
	    c->publisher ? c->publisher : c->title, "title", s->title ?
	    s->title : t->name, "version", p->version, "url", arena_printf(a,
	    "%sdata/v/%s/%s.json", c->base_url, p->version, t->name), "licence", c->licence_id ?
	    c->licence_id : UI(CITATION_NO_LICENCE))));
	for (i = 0; i < s->nfields; i++) {
		const struct field *fd = &s->fields[i];
		struct value *f = value_obj(a);

		value_set_str(a, f, "name", fd->name);
		value_set(a, f, "title", vw_str(a, fd->title));
		value_set(a, f, "title_en", vw_str(a, fd->title_en));
		value_set_str(a, f, "type", schema_type_name(fd->type));
		value_set(a, f, "unit", vw_str(a, fd->unit));
		value_set_str(a, f, "constraints", constraints(v, a, fd));
		value_set(a, f, "description", vw_str(a, fd->description));
		value_push(a, dict, f);
		value_push(a, head, value_str(a, fd->name));
	}
	for (i = 0; i < n; i++) {
		struct value *cells = value_arr(a);
		struct buf b;

		buf_init(&b);
		for (j = 0; j < s->nfields; j++) {
			const struct value *c2 = value_get(t->rows[i],
			    s->fields[j].name);
			size_t k;

			buf_reset(&b);
			if (c2 != NULL && c2->kind == VAL_ARR)
				for (k = 0; k < c2->u.arr.len; k++) {
					if (k > 0)
						buf_putc(&b, '|');
					value_text(&b, c2->u.arr.v[k]);
				}
			else
				value_text(&b, c2);
			value_push(a, cells, value_strn(a, b.data ? b.data : "",
			    b.len));
		}
		buf_release(&b);
		value_push(a, rows, cells);
	}
	value_set(a, o, "dictionary", dict);
	value_set(a, o, "preview_head", head);
	value_set(a, o, "preview", rows);
	value_set_bool(a, o, "preview_partial", t->nrows > n);
	value_set_int(a, o, "preview_count", (long long)n);
	for (i = 0; i < t->nfiles; i++) {
		const struct dfile *f = &p->files[t->files[i]];

		if (f->kind != DF_SLICE_JSON && f->kind != DF_SLICE_CSV)
			value_push(a, dl, download(v, a, f, p->version));
	}
	value_set(a, o, "downloads", dl);
	value_set_bool(a, o, "has_slices", strcmp(t->name, "stations") == 0);
	for (i = 0; i < v->s->ncounties; i++)
		if (v->s->counties[i]->nstations > 0) {
			value_set(a, o, "example_slice", vw_link(v, a,
			    v->s->counties[i]->div->name, arena_printf(a,
			    "data/counties/%s/stations.json",
			    v->s->counties[i]->div->code)));
			break;
		}
	value_set(a, o, "versions", versionlist(v, a, arena_printf(a, "%s.json",
	    t->name)));
	value_set(a, o, "jsonld", schemaorg(v, a, t));
	/* The government catalogue's core items, mapped in docs/data.md. */
	zh = value_arr(a);
	{
		const char *const labels[] = { UI(GB_NAME), UI(GB_CODE),
		    UI(GB_PROVIDER), UI(GB_SUMMARY), UI(GB_CATEGORY),
		    UI(GB_FORMAT), UI(GB_FREQUENCY), UI(GB_DATE),
		    UI(GB_OPENNESS) };
		const char *vals[9];

		vals[0] = s->title ? s->title : t->name;
		vals[1] = arena_printf(a, "%s/%s", p->name, t->name);
		vals[2] = c->publisher;
		vals[3] = s->description;
		vals[4] = value_get_str(cat, "category");
		vals[5] = t->geometry ? UI(GB_FORMATS_GEO) : UI(GB_FORMATS);
		vals[6] = freq != NULL ? freq : UI(GB_FREQUENCY_DEFAULT);
		vals[7] = vw_date(v, a, p->as_of);
		vals[8] = value_get_str(cat, "open_type");
		if (vals[4] == NULL)
			vals[4] = UI(GB_CATEGORY_DEFAULT);
		if (vals[8] == NULL)
			vals[8] = UI(GB_OPENNESS_DEFAULT);
		for (i = 0; i < 9; i++) {
			struct value *e = value_obj(a);

			value_set_str(a, e, "label", labels[i]);
			value_set(a, e, "value", vw_str(a, vals[i]));
			value_push(a, zh, e);
		}
	}
	value_set(a, o, "catalogue", zh);
	value_set(a, ctx, "dataset", o);
}

void
vw_datapage(struct view *v, struct arena *a, struct value *ctx)
{
	const struct datapkg *p = v->data;
	struct value *sets = value_arr(a), *pkg = value_arr(a);
	size_t i;

	for (i = 0; i < p->ntables; i++) {
		const struct table *t = &p->tables[i];
		struct value *o = value_obj(a);

		value_set_str(a, o, "name", t->name);
		value_set_str(a, o, "title", t->schema->title ? t->schema->title :
		    t->name);
		value_set(a, o, "description", vw_str(a, t->schema->description));
		value_set(a, o, "url", value_str(a, vw_href(v, a, arena_printf(a,
		    "data/%s/", t->name))));
		value_set(a, o, "nrows_text", value_str(a, vw_grouped(a,
		    (long long)t->nrows, 0)));
		value_set(a, o, "json", value_str(a, vw_href(v, a, arena_printf(a,
		    "data/%s.json", t->name))));
		value_set(a, o, "csv", value_str(a, vw_href(v, a, arena_printf(a,
		    "data/%s.csv", t->name))));
		value_set_bool(a, o, "geo", t->geometry != NULL);
		value_set(a, o, "geojson", value_str(a, vw_href(v, a,
		    arena_printf(a, "data/%s.geojson", t->name))));
		value_push(a, sets, o);
	}
	for (i = 0; i < p->nfiles; i++)
		if (p->files[i].kind == DF_META || p->files[i].kind ==
		    DF_ARCHIVE || p->files[i].kind == DF_DATABASE)
			value_push(a, pkg, download(v, a, &p->files[i],
			    p->version));
	value_set(a, ctx, "datasets", sets);
	value_set(a, ctx, "package", pkg);
	value_set_str(a, ctx, "version", p->version);
	value_set(a, ctx, "versions", versionlist(v, a, ""));
}

/* The guide for journalists: what the catalogue page has, and the names
 * its examples use (the database, a dataset, its frozen URL). */
void
vw_guidepage(struct view *v, struct arena *a, struct value *ctx)
{
	const struct datapkg *p = v->data;
	const struct config *c = &v->s->cfg;
	const struct table *t = datapkg_table(p, "stations");
	struct value *db = value_null(a), *ex = value_obj(a);
	size_t i;

	vw_datapage(v, a, ctx);
	for (i = 0; i < p->nfiles; i++)
		if (p->files[i].kind == DF_DATABASE)
			db = download(v, a, &p->files[i], p->version);
	value_set(a, ctx, "database", db);
	if (t == NULL)
		t = &p->tables[0];
	value_set_str(a, ex, "name", t->name);
	value_set_str(a, ex, "title", t->schema->title != NULL ?
	    t->schema->title : t->name);
	value_set(a, ex, "csv", value_strf(a, "%sdata/%s.csv", c->base_url,
	    t->name));
	value_set(a, ex, "json", value_strf(a, "%sdata/%s.json", c->base_url,
	    t->name));
	value_set(a, ex, "frozen", value_strf(a, "%sdata/v/%s/%s.csv",
	    c->base_url, p->version, t->name));
	value_set(a, ex, "xlsx", value_str(a, vw_href(v, a, arena_printf(a,
	    "data/%s.xlsx", t->name))));
	value_set(a, ex, "page", value_str(a, vw_href(v, a, arena_printf(a,
	    "data/%s/", t->name))));
	value_set(a, ctx, "example", ex);
	value_set_str(a, ctx, "package_name", p->name);
	value_set(a, ctx, "base_url", value_str(a, c->base_url));
	value_set(a, ctx, "changes", value_str(a, vw_href(v, a,
	    "data/changes/")));
	value_set(a, ctx, "sums", value_str(a, vw_href(v, a,
	    "data/SHA256SUMS")));
}

/* The data changelog: for each pair of versions, per dataset, the records
 * added, removed and changed (with the fields that changed). */
void
vw_changespage(struct view *v, struct arena *a, struct value *ctx)
{
	const struct releases *rs = v->releases;
	struct value *sets = value_arr(a);
	size_t i, j, k, f;

	for (i = 0; rs != NULL && i < rs->nchanges; i++) {
		const struct changeset *c = &rs->changes[i];
		struct value *o = value_obj(a), *tabs = value_arr(a);

		value_set_str(a, o, "from", c->from);
		value_set_str(a, o, "to", c->to);
		value_set(a, o, "date_text", vw_str(a, vw_date(v, a, c->date)));
		for (j = 0; j < c->ntables; j++) {
			const struct tablediff *d = &c->tables[j];
			const struct table *tab;
			struct value *t, *rows;

			if (d->n == 0)
				continue;
			t = value_obj(a);
			rows = value_arr(a);
			value_set_str(a, t, "name", d->name);
			tab = v->data != NULL ? datapkg_table(v->data, d->name) :
			    NULL;
			value_set(a, t, "title", vw_str(a, tab != NULL &&
			    tab->schema->title != NULL ? tab->schema->title :
			    NULL));
			value_set_int(a, t, "added", (long long)d->added);
			value_set_int(a, t, "removed", (long long)d->removed);
			value_set_int(a, t, "changed", (long long)d->changed);
			for (k = 0; k < d->n; k++) {
				const struct rowchange *r = &d->rows[k];
				struct value *ro = value_obj(a), *fs = value_arr(a);
				int fi;

				value_set_str(a, ro, "id", r->id);
				value_set_str(a, ro, "kind", r->kind == ROW_ADDED ?
				    UI(CHANGE_ADDED) : r->kind == ROW_REMOVED ?
				    UI(CHANGE_REMOVED) : UI(CHANGE_CHANGED));
				for (f = 0; f < r->nfields; f++) {
					struct value *fo = value_obj(a);
					struct buf b;

					buf_init(&b);
					value_set_str(a, fo, "field", r->fields[f]);
					fi = tab != NULL ? schema_field(tab->schema,
					    r->fields[f]) : -1;
					value_set(a, fo, "title", vw_str(a, fi >= 0 ?
					    tab->schema->fields[fi].title : NULL));
					value_text(&b, value_get(r->before,
					    r->fields[f]));
					value_set(a, fo, "before", value_strn(a,
					    b.data ? b.data : "", b.len));
					buf_reset(&b);
					value_text(&b, value_get(r->after,
					    r->fields[f]));
					value_set(a, fo, "after", value_strn(a,
					    b.data ? b.data : "", b.len));
					buf_release(&b);
					value_push(a, fs, fo);
				}
				value_set(a, ro, "fields", fs);
				value_push(a, rows, ro);
			}
			value_set(a, t, "rows", rows);
			value_push(a, tabs, t);
		}
		value_set(a, o, "datasets", tabs);
		value_push(a, sets, o);
	}
	value_set(a, ctx, "changes", sets);
	value_set(a, ctx, "json", value_str(a, vw_href(v, a,
	    "data/changes.json")));
	value_set_bool(a, ctx, "has_json", rs != NULL && rs->json != NULL);
}


/* A version's landing page: what it is, its files with sizes and
 * checksums at their frozen URLs, and where its changes are told. */
/* What changed in a version: per dataset, the records added, removed and
 * changed since the version before it in data order (the newest whose
 * data is older), under "diff", and that version's name, "diff_from". */
static void
versiondiff(struct view *v, struct arena *a, struct value *ctx,
    const struct datapkg *pk)
{
	const struct releases *rs = v->releases;
	const struct datapkg *prev = NULL, *q;
	struct value *arr = value_arr(a);
	struct tablediff *d = NULL;
	size_t i, n;

	for (i = 0; pk != NULL && rs != NULL && i <= rs->n; i++) {
		q = i < rs->n ? &rs->v[i]->pkg : v->data;
		if (q != pk && strcmp(q->as_of, pk->as_of) < 0 &&
		    (prev == NULL || strcmp(q->as_of, prev->as_of) > 0))
			prev = q;
	}
	value_set(a, ctx, "diff_from", vw_str(a, prev != NULL ?
	    prev->version : NULL));
	n = prev != NULL ? datadiff(&d, prev, pk, a) : 0;
	for (i = 0; i < n; i++) {
		const struct table *t = datapkg_table(pk, d[i].name);
		struct value *o;

		if (d[i].n == 0)
			continue;
		o = value_obj(a);
		value_set_str(a, o, "name", d[i].name);
		value_set_str(a, o, "title", t != NULL && t->schema->title ?
		    t->schema->title : d[i].name);
		value_set_int(a, o, "added", (long long)d[i].added);
		value_set_int(a, o, "removed", (long long)d[i].removed);
		value_set_int(a, o, "changed", (long long)d[i].changed);
		value_push(a, arr, o);
	}
	value_set(a, ctx, "diff", arr);
}

void
vw_versionpage(struct view *v, struct arena *a, struct value *ctx,
    const char *version)
{
	const struct datapkg *p = v->data, *pk = NULL;
	const struct releases *rs = v->releases;
	struct value *files = value_arr(a);
	const char *tag = NULL;
	size_t i;
	bool changed = false;

	if (strcmp(version, p->version) == 0)
		pk = p;
	for (i = 0; pk == NULL && rs != NULL && i < rs->n; i++)
		if (strcmp(rs->v[i]->pkg.version, version) == 0) {
			pk = &rs->v[i]->pkg;
			tag = rs->v[i]->tag;
		}
	value_set_str(a, ctx, "version", version);
	value_set_bool(a, ctx, "current", pk == p);
	value_set_bool(a, ctx, "release", tag != NULL);
	value_set(a, ctx, "as_of_text", vw_str(a, pk != NULL ?
	    vw_date(v, a, pk->as_of) : NULL));
	for (i = 0; pk != NULL && i < pk->nfiles; i++) {
		const struct dfile *f = &pk->files[i];
		struct value *o;

		if (f->kind == DF_SLICE_JSON || f->kind == DF_SLICE_CSV)
			continue;
		o = value_obj(a);
		value_set_str(a, o, "path", f->path);
		value_set(a, o, "url", value_str(a, vw_href(v, a, arena_printf(a,
		    "data/v/%s/%s", version, f->path))));
		value_set(a, o, "size_text", value_str(a, sizetext(v, a,
		    f->len)));
		value_set_str(a, o, "sha256", f->sha256);
		value_push(a, files, o);
	}
	value_set(a, ctx, "files", files);
	versiondiff(v, a, ctx, pk);
	for (i = 0; rs != NULL && i < rs->nchanges; i++)
		if (strcmp(rs->changes[i].to, version) == 0)
			changed = true;
	value_set_bool(a, ctx, "has_changes", changed);
	value_set(a, ctx, "changes", value_str(a, vw_href(v, a,
	    "data/changes/")));
	value_set(a, ctx, "versions", versionlist(v, a, ""));
}

/* ==== the data behind a page ============================================ */

/*
 * One entry of a page's "data behind this page": a dataset, which of its
 * rows the page's figures come from (those whose field is value; all of
 * them when field is NULL; a slice's rows are those of area value) and
 * where to download them — the dataset's
 * files, or a slice's (slice "provinces/52") when the rows are exactly
 * one.  Adds nothing (NULL) when the site publishes no such dataset.
 */
struct value *
vw_datarows(struct view *v, struct arena *a, struct value *list,
    const char *dataset, const char *field, const char *value, long long n,
    const char *slice)
{
	const struct table *t = datapkg_table(v->data, dataset);
	struct value *o;
	const char *rows;
	size_t i;

	if (t == NULL || n <= 0)
		return NULL;
	o = value_obj(a);
	value_set_str(a, o, "name", t->name);
	value_set_str(a, o, "title", t->schema->title != NULL ?
	    t->schema->title : t->name);
	value_set(a, o, "url", value_str(a, vw_href(v, a, arena_printf(a,
	    "data/%s/", t->name))));
	if (field == NULL && slice != NULL)
		rows = UIF(DATA_ROWS_SLICE, "area", value, "n",
		    vw_grouped(a, n, 0));
	else if (field == NULL)
		rows = UIF(DATA_ROWS_ALL, "n", vw_grouped(a, n, 0));
	else if (n == 1)
		rows = UIF(DATA_ROW, "field", field, "value", value);
	else
		rows = UIF(DATA_ROWS, "field", field, "value", value, "n",
		    vw_grouped(a, n, 0));
	value_set_str(a, o, "rows", rows);
	value_set(a, o, "csv", value_null(a));
	value_set(a, o, "json", value_null(a));
	value_set(a, o, "xlsx", value_null(a));
	if (slice != NULL) {
		value_set(a, o, "csv", value_str(a, vw_href(v, a, arena_printf(a,
		    "data/%s/%s.csv", slice, t->name))));
		value_set(a, o, "json", value_str(a, vw_href(v, a,
		    arena_printf(a, "data/%s/%s.json", slice, t->name))));
	} else {
		/* Every table has the three whole files, named after it
		 * (dataset.c), whether made or kept: a page links them
		 * before they are made (out_page_preview). */
		const char *const key[3] = { "csv", "json", "xlsx" };

		for (i = 0; i < 3; i++)
			value_set(a, o, key[i], value_str(a, vw_href(v, a,
			    arena_printf(a, "data/%s.%s", t->name, key[i]))));
	}
	value_push(a, list, o);
	return o;
}

/* The rows of the records a page cites (its own, or those its shortcodes
 * read), one entry per dataset and id. */
void
vw_datarecord(struct view *v, struct arena *a, struct value *list,
    const struct record *r)
{
	const struct schema *sc = r->schema;
	struct value *e;
	size_t i;

	if (sc->dataset == NULL || sc->pk < 0)
		return;
	for (i = 0; i < list->u.arr.len; i++) {	/* cited twice: once */
		const char *id = value_get_str(list->u.arr.v[i], "id");

		if (id != NULL && strcmp(id, r->id) == 0 && strcmp(value_get_str(
		    list->u.arr.v[i], "name"), sc->dataset) == 0)
			return;
	}
	e = vw_datarows(v, a, list, sc->dataset, sc->fields[sc->pk].name,
	    r->id, 1, NULL);
	if (e != NULL)
		value_set_str(a, e, "id", r->id);
}
