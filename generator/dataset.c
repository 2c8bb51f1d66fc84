/*
 * dataset: tables from the site model, and their files.
 *
 * Record tables reuse the records' own field mappings (already typed and in
 * schema order).  The derived tables, counties and provinces, are described
 * by built-in schemas below, so their columns, titles and types are
 * documented and validated exactly like those of the record types.
 */
#include <dirent.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cache.h"
#include "dataset.h"
#include "deps.h"
#include "diag.h"
#include "geo.h"
#include "geovalid.h"
#include "jobs.h"
#include "json.h"
#include "record.h"
#include "repo.h"
#include "schema.h"
#include "site.h"
#include "source.h"
#include "util.h"
#include "value.h"

static const char counties_schema[] =
    "title: 县（市、区）社工站覆盖\n"
    "title_en: Station coverage by county\n"
    "description: 已发布省份的每个县（市、区）：参考区划中的乡镇（街道）数、"
    "已发布的社工站记录数、有社工站的乡镇（街道）数和覆盖率。\n"
    "dataset: counties\n"
    "primary_key: code\n"
    "catalog:\n"
    "  category: 社会服务\n"
    "  update_frequency: 随站点记录更新\n"
    "  provenance: 乡镇（街道）数取自参考区划；社工站数与覆盖率由已发布的社工站"
    "记录计算，覆盖率 = 有社工站的乡镇（街道）数 ÷ 乡镇（街道）数。\n"
    "  provenance_en: Townships from the reference divisions; stations and "
    "coverage computed from the published station records (coverage = "
    "townships with a station / townships).\n"
    "fields:\n"
    "  - {name: code, type: division, level: county, title: 区划代码, "
    "title_en: Code}\n"
    "  - {name: name, type: string, title: 名称, title_en: Name}\n"
    "  - {name: prefecture, type: division, level: prefecture, "
    "title: 所属市（州）, title_en: Prefecture}\n"
    "  - {name: province, type: division, level: province, title: 所属省份, "
    "title_en: Province}\n"
    "  - {name: townships, type: integer, minimum: 0, unit: 个, "
    "title: 乡镇（街道）数, title_en: Townships}\n"
    "  - {name: stations, type: integer, minimum: 0, unit: 个, "
    "title: 已发布社工站, title_en: Stations published}\n"
    "  - {name: townships_covered, type: integer, minimum: 0, unit: 个, "
    "title: 有社工站的乡镇（街道）, title_en: Townships with a station}\n"
    "  - {name: coverage, type: number, minimum: 0, maximum: 1, precision: 4, "
    "format: percent, title: 覆盖率, title_en: Coverage, description: "
    "有社工站的乡镇（街道）数 ÷ 乡镇（街道）数}\n";

static const char provinces_schema[] =
    "title: 省级社工站建设进展\n"
    "title_en: Station progress by province\n"
    "description: 已发布省份的最新报告数据，以及按参考区划重新计算的覆盖率和"
    "本站已发布记录的覆盖情况。\n"
    "dataset: provinces\n"
    "primary_key: code\n"
    "catalog:\n"
    "  category: 社会服务\n"
    "  update_frequency: 随进展报告更新\n"
    "  provenance: 报告数据取自各省最新进展报告（见 reports）；计算覆盖率 = "
    "报告建站数 ÷ 参考区划中的乡镇（街道）数。\n"
    "  provenance_en: Reported figures from each province's latest report "
    "(see reports); computed coverage = stations reported / townships of the "
    "reference divisions.\n"
    "fields:\n"
    "  - {name: code, type: division, level: province, title: 区划代码, "
    "title_en: Code}\n"
    "  - {name: name, type: string, title: 名称, title_en: Name}\n"
    "  - {name: prefectures, type: integer, minimum: 0, unit: 个, "
    "title: 市（州）数, title_en: Prefectures}\n"
    "  - {name: counties, type: integer, minimum: 0, unit: 个, "
    "title: 县（市、区）数, title_en: Counties}\n"
    "  - {name: townships, type: integer, minimum: 0, unit: 个, "
    "title: 乡镇（街道）数, title_en: Townships}\n"
    "  - {name: report, type: ref, ref: report, title: 最新报告, "
    "title_en: Latest report}\n"
    "  - {name: report_date, type: date, title: 报告截至日期, "
    "title_en: Report as of}\n"
    "  - {name: stations_reported, type: integer, minimum: 0, unit: 个, "
    "title: 报告建站数, title_en: Stations reported}\n"
    "  - {name: coverage_reported, type: number, minimum: 0, maximum: 1, "
    "precision: 4, format: percent, title: 报告覆盖率, "
    "title_en: Coverage reported}\n"
    "  - {name: coverage_computed, type: number, minimum: 0, maximum: 1, "
    "precision: 4, format: percent, title: 计算覆盖率, "
    "title_en: Coverage computed, description: 报告建站数 ÷ 乡镇（街道）数}\n"
    "  - {name: social_workers, type: integer, minimum: 0, unit: 名, "
    "title: 驻站社会工作者, title_en: Social workers}\n"
    "  - {name: volunteers, type: integer, minimum: 0, unit: 名, "
    "title: 驻站志愿者, title_en: Volunteers}\n"
    "  - {name: prefectures_covered, type: integer, minimum: 0, unit: 个, "
    "title: 全覆盖的市（州）, title_en: Prefectures fully covered}\n"
    "  - {name: counties_covered, type: integer, minimum: 0, unit: 个, "
    "title: 全覆盖的县（市、区）, title_en: Counties fully covered}\n"
    "  - {name: stations_published, type: integer, minimum: 0, unit: 个, "
    "title: 已发布社工站记录, title_en: Stations published}\n"
    "  - {name: townships_covered, type: integer, minimum: 0, unit: 个, "
    "title: 已发布记录覆盖的乡镇（街道）, title_en: Townships covered by "
    "published stations}\n"
    "  - {name: lower_bounds, type: list, items: fields, title: 下限字段, "
    "title_en: Lower bounds, description: 列出的字段表示“以上”}\n";

/* ==== the package's file list ========================================== */

/* Add a file made now (data, handed to the sink) or kept as published
 * (data NULL, sha256 known: its archive piece comes from the cache). */
static size_t
addfile(struct datapkg *p, const char *path, char *data, size_t len,
    const char *sha256, enum dfile_kind kind, const char *mediatype,
    const char *format, int table)
{
	struct dfile *f;

	xgrow(&p->files, &p->cap, p->nfiles + 1, sizeof(*p->files));
	f = &p->files[p->nfiles];
	memset(f, 0, sizeof(*f));
	f->path = arena_strdup(&p->arena, path);
	f->data = data;
	f->fd = -1;
	f->len = len;
	f->kind = kind;
	f->mediatype = mediatype;
	f->format = format;
	f->table = table;
	if (sha256 != NULL)
		memcpy(f->sha256, sha256, sizeof(f->sha256));
	else
		sha256_hex(data, len, f->sha256);
	if (p->bulking && kind != DF_DATABASE &&	/* the same data again */
	    tgz_add(&p->bulk, path, data, len, f->sha256) < 0) {
		diag_error(path, 0, 0, "the data archive's piece of this file "
		    "left the cache during the build");
		p->sinkrc = -1;
	}
	if (data != NULL && p->sink != NULL &&
	    p->sink->put(p->sink->ud, p, f) < 0)
		p->sinkrc = -1;
	if (table >= 0) {
		struct table *t = &p->tables[table];

		/* Doubling: an arena cannot free, and the stations table
		 * has a file per county. */
		if (t->nfiles == t->capfiles) {
			size_t cap = t->capfiles == 0 ? 8 : 2 * t->capfiles;

			t->files = arena_realloc(&p->arena, t->files,
			    t->nfiles * sizeof(*t->files),
			    cap * sizeof(*t->files));
			t->capfiles = cap;
		}
		t->files[t->nfiles++] = p->nfiles;
	}
	return p->nfiles++;
}

size_t
datapkg_add(struct datapkg *p, const char *path, char *data, size_t len,
    enum dfile_kind kind, const char *mediatype, const char *format,
    int table)
{
	return addfile(p, path, data, len, NULL, kind, mediatype, format,
	    table);
}

size_t
datapkg_add_fd(struct datapkg *p, const char *path, int fd, size_t len,
    const char *sha256, enum dfile_kind kind, const char *mediatype,
    const char *format)
{
	struct dfile *f;
	size_t i;

	i = addfile(p, path, NULL, len, sha256, kind, mediatype, format, -1);
	f = &p->files[i];
	f->fd = fd;
	if (p->sink != NULL && p->sink->put(p->sink->ud, p, f) < 0)
		p->sinkrc = -1;
	return i;
}

size_t
datapkg_add_kept(struct datapkg *p, const char *path, size_t len,
    const char *sha256, enum dfile_kind kind, const char *mediatype,
    const char *format)
{
	bool bulking = p->bulking;
	size_t i;

	p->bulking = false;
	i = addfile(p, path, NULL, len, sha256, kind, mediatype, format, -1);
	p->bulking = bulking;
	return i;
}

const struct dfile *
datapkg_file(const struct datapkg *p, const char *path)
{
	size_t i;

	for (i = 0; i < p->nfiles; i++)
		if (strcmp(p->files[i].path, path) == 0)
			return &p->files[i];
	return NULL;
}

const struct table *
datapkg_table(const struct datapkg *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->ntables; i++)
		if (strcmp(p->tables[i].name, name) == 0)
			return &p->tables[i];
	return NULL;
}

static size_t
addbuf(struct datapkg *p, const char *path, struct buf *b,
    enum dfile_kind kind, const char *mediatype, const char *format,
    int table)
{
	size_t len;
	char *data = buf_detach(b, &len);

	return datapkg_add(p, path, data, len, kind, mediatype, format, table);
}

static const char townships_schema[] =
    "title: 乡镇（街道）与社工站\n"
    "title_en: Townships and their stations\n"
    "description: 已发布省份的每个乡镇（街道）：所属县（市、区）、市（州）和省，"
    "以及本站已发布的、设在该乡镇（街道）的社工站记录数。据此可以只用数据重新"
    "计算覆盖率，也能看出哪些乡镇（街道）还没有已发布的社工站。\n"
    "dataset: townships\n"
    "primary_key: code\n"
    "catalog:\n"
    "  category: 社会服务\n"
    "  update_frequency: 随站点记录更新\n"
    "  provenance: 乡镇（街道）及其上级取自参考区划；社工站数由已发布的社工站"
    "记录按所在乡镇（街道）计数。\n"
    "  provenance_en: Townships and the divisions above them from the "
    "reference divisions; stations counted from the published station "
    "records by their township.\n"
    "fields:\n"
    "  - {name: code, type: division, level: township, title: 区划代码, "
    "title_en: Code}\n"
    "  - {name: name, type: string, title: 名称, title_en: Name}\n"
    "  - {name: county, type: division, level: county, "
    "title: 所属县（市、区）, title_en: County}\n"
    "  - {name: prefecture, type: division, level: prefecture, "
    "title: 所属市（州）, title_en: Prefecture}\n"
    "  - {name: province, type: division, level: province, title: 所属省份, "
    "title_en: Province}\n"
    "  - {name: stations, type: integer, minimum: 0, unit: 个, "
    "title: 已发布社工站, title_en: Stations published}\n"
    "  - {name: has_station, type: boolean, title: 有已发布的社工站, "
    "title_en: Has a published station}\n";

/* The tables the stations make, by what they count. */
static const struct {
	const char	*type, *what, *yaml;
} derived[] = {
	{ "county", "(built-in counties schema)", counties_schema },
	{ "province", "(built-in provinces schema)", provinces_schema },
	{ "township", "(built-in townships schema)", townships_schema },
};
#define NDERIVED	(sizeof(derived) / sizeof(derived[0]))

/* ==== derived tables ==================================================== */

static struct value *
ratio(struct arena *a, long num, long den)
{
	double r = den > 0 ? (double)num / den : 0;

	/* Round to the stated precision so the file says what pages say. */
	return value_num(a, (double)(long long)(r * 10000 + 0.5) / 10000, 4);
}

static struct value *
countyrow(struct arena *a, const struct area *c)
{
	struct value *o = value_obj(a);
	const struct division *d = c->div;

	value_set_str(a, o, "code", d->code);
	value_set_str(a, o, "name", d->name);
	value_set_str(a, o, "prefecture", d->parent->code);
	value_set_str(a, o, "province", c->province->div->code);
	value_set_int(a, o, "townships", d->townships);
	value_set_int(a, o, "stations", (long long)c->nstations);
	value_set_int(a, o, "townships_covered", c->covered);
	value_set(a, o, "coverage", ratio(a, c->covered, d->townships));
	return o;
}

/* A string of the reference divisions, which outlive every package. */
static struct value *
divstr(struct arena *a, const char *s)
{
	return value_str_borrow(a, s, strlen(s));
}

/* Every township of a published county, with the stations published in
 * it. */
static void
townshiprows(struct arena *a, struct table *t, const struct site *s)
{
	const char **tw = NULL;
	size_t i, j, k, n = 0, cap = 0, twcap = 0;

	for (i = 0; i < s->ncounties; i++)
		cap += s->counties[i]->div->nchildren;
	t->rows = arena_alloc(a, (cap + 1) * sizeof(*t->rows));
	for (i = 0; i < s->ncounties; i++) {
		const struct area *c = s->counties[i];
		struct value *county = divstr(a, c->div->code);
		struct value *prefecture = divstr(a, c->div->parent->code);
		struct value *province = divstr(a, c->province->div->code);

		/* Each station's township looked up once, not once for each
		 * township of its county. */
		xgrow(&tw, &twcap, c->nstations + 1, sizeof(*tw));
		for (k = 0; k < c->nstations; k++)
			tw[k] = record_str(c->stations[k], "township");
		for (j = 0; j < c->div->nchildren; j++) {
			const struct division *d = c->div->children[j];
			struct value *o = value_obj_n(a, 7);
			long long st = 0;

			for (k = 0; k < c->nstations; k++)
				if (tw[k] != NULL && strcmp(tw[k], d->code) == 0)
					st++;
			/* Built to size, the divisions' strings borrowed: a
			 * national site has 41,352 townships. */
			value_append(a, o, "code", divstr(a, d->code));
			value_append(a, o, "name", divstr(a, d->name));
			value_append(a, o, "county", county);
			value_append(a, o, "prefecture", prefecture);
			value_append(a, o, "province", province);
			value_append(a, o, "stations", value_int(a, st));
			value_append(a, o, "has_station", value_bool(a, st > 0));
			t->rows[n++] = o;
		}
	}
	t->nrows = n;
	free(tw);
}

static struct value *
reported(struct arena *a, const struct record *r, const char *field)
{
	const struct value *v = r != NULL ? record_get(r, field) : NULL;

	return v != NULL ? (struct value *)v : value_null(a);
}

static struct value *
provincerow(struct arena *a, const struct area *p)
{
	struct value *o = value_obj(a), *lb = value_arr(a);
	const struct division *d = p->div;
	const struct record *r = p->nreports > 0 ? p->reports[0] : NULL;
	long long st = r != NULL ? record_int(r, "stations", -1) : -1;
	size_t i;
	long counties = 0;
	static const char *const copied[][2] = {
		{ "social_workers", "social_workers" },
		{ "volunteers", "volunteers" },
		{ "prefectures_covered", "prefectures_covered" },
		{ "counties_covered", "counties_covered" },
		{ "stations", "stations_reported" },
		{ "coverage", "coverage_reported" },
	};

	for (i = 0; i < d->nchildren; i++)
		counties += (long)d->children[i]->nchildren;
	value_set_str(a, o, "code", d->code);
	value_set_str(a, o, "name", d->name);
	value_set_int(a, o, "prefectures", (long long)d->nchildren);
	value_set_int(a, o, "counties", counties);
	value_set_int(a, o, "townships", d->townships);
	value_set(a, o, "report", r != NULL ? value_str(a, r->id) :
	    value_null(a));
	value_set(a, o, "report_date", reported(a, r, "date"));
	value_set(a, o, "stations_reported", reported(a, r, "stations"));
	value_set(a, o, "coverage_reported", reported(a, r, "coverage"));
	value_set(a, o, "coverage_computed", st >= 0 && d->townships > 0 ?
	    ratio(a, (long)st, d->townships) : value_null(a));
	value_set(a, o, "social_workers", reported(a, r, "social_workers"));
	value_set(a, o, "volunteers", reported(a, r, "volunteers"));
	value_set(a, o, "prefectures_covered", reported(a, r,
	    "prefectures_covered"));
	value_set(a, o, "counties_covered", reported(a, r, "counties_covered"));
	value_set_int(a, o, "stations_published", (long long)p->nstations);
	value_set_int(a, o, "townships_covered", p->covered);
	/* A lower bound of the report stays one under its new name. */
	for (i = 0; r != NULL && i < sizeof(copied) / sizeof(copied[0]); i++)
		if (record_is_lower_bound(r, copied[i][0]))
			value_push(a, lb, value_str(a, copied[i][1]));
	value_set(a, o, "lower_bounds", lb);
	return o;
}

/* ==== names beside codes ================================================ */

/* Does field i of sc get a name column: a division code that is not the
 * table's key (a county's own name is already its "name"), with no
 * column of that name yet? */
static bool
named(struct arena *a, const struct schema *sc, size_t i)
{
	return sc->fields[i].type == FT_DIVISION && (int)i != sc->pk &&
	    schema_field(sc, arena_printf(a, "%s_name",
	    sc->fields[i].name)) < 0;
}

/* Does row carry the keys of prev, the same strings in the same order? */
static bool
samekeys(const struct value *row, const struct value *prev)
{
	size_t i;

	if (prev == NULL || row->u.obj.len != prev->u.obj.len)
		return false;
	for (i = 0; i < row->u.obj.len; i++)
		if (row->u.obj.m[i].key != prev->u.obj.m[i].key)
			return false;
	return true;
}

/* Where row holds key, as value_get finds it: SIZE_MAX when nowhere. */
static size_t
keyat(const struct value *row, const char *key)
{
	size_t i;

	for (i = 0; i < row->u.obj.len; i++)
		if (strcmp(row->u.obj.m[i].key, key) == 0)
			return i;
	return SIZE_MAX;
}

/*
 * Beside every division code of a table, the division's name
 * (county 522702 -> county_name 福泉市): a table opened alone, in Excel or
 * pandas, says which place each row is about.  The table gets a schema of
 * its own with the name columns after their codes, and rows with them.
 */
static void
names_beside_codes(struct arena *a, struct table *t, const struct divisions *div)
{
	const struct schema *sc = t->schema;
	const struct division **last;
	struct value **lastv, *null = value_null(a);
	const struct value *prev = NULL;
	struct schema *w;
	size_t i, j, n = 0, extra = 0, more = 0, *at;

	for (i = 0; i < sc->nfields; i++)
		extra += named(a, sc, i);
	if (extra == 0)
		return;
	w = arena_alloc(a, sizeof(*w));
	*w = *sc;
	w->fields = arena_zalloc(a, (sc->nfields + extra) * sizeof(*w->fields));
	for (i = 0; i < sc->nfields; i++) {
		const struct field *fd = &sc->fields[i];
		struct field *f;

		if ((int)i == sc->pk)
			w->pk = (int)n;
		w->fields[n++] = *fd;
		if (!named(a, sc, i))
			continue;
		f = &w->fields[n++];
		f->name = arena_printf(a, "%s_name", fd->name);
		f->type = FT_STRING;
		f->title = arena_printf(a, "%s名称", fd->title != NULL ?
		    fd->title : fd->name);
		f->title_en = arena_printf(a, "%s name", fd->title_en != NULL ?
		    fd->title_en : fd->name);
		f->description = "参考区划中的名称，据左侧的区划代码";
		f->required = fd->required;
		f->precision = -1;
		f->level = DIV_NONE;
		f->line = fd->line;
		f->col = fd->col;
	}
	w->nfields = n;
	/* Rows are built to size, with the schema's keys and the
	 * divisions' names borrowed (they outlive the package): a national
	 * table has 41,352 rows.  Rows come county by county, so a name is
	 * usually the one the row before had. */
	last = arena_zalloc(a, w->nfields * sizeof(*last));
	lastv = arena_zalloc(a, w->nfields * sizeof(*lastv));
	/* A table's rows mostly carry the same keys, the very same strings
	 * (the schema's names, or the literals of the code that made them):
	 * where a row's keys are the row before's, each column is where it
	 * was, and the keys are not looked up again, 20 a row. */
	at = arena_alloc(a, w->nfields * sizeof(*at));
	for (i = 0; i < t->nrows; i++) {
		const struct value *row = t->rows[i];
		struct value *o;

		if (!samekeys(row, prev)) {
			for (j = more = 0; j < row->u.obj.len; j++)
				more += schema_field(w, row->u.obj.m[j].key) < 0;
			for (j = 0; j < w->nfields; j++)
				at[j] = keyat(row, w->fields[j].name);
			prev = row;
		}
		o = value_obj_n(a, w->nfields + more);

		for (j = 0; j < w->nfields; j++) {
			const struct field *f = &w->fields[j];
			const struct value *v = at[j] != SIZE_MAX ?
			    row->u.obj.m[at[j]].val : NULL;

			if (v == NULL && j > 0 && w->fields[j - 1].type ==
			    FT_DIVISION && str_has_suffix(f->name, "_name")) {
				const struct value *code = at[j - 1] != SIZE_MAX ?
				    row->u.obj.m[at[j - 1]].val : NULL;
				const struct division *d = code != NULL &&
				    code->kind == VAL_STR ? division_find(div,
				    code->u.str.s) : NULL;

				if (d == NULL)
					v = null;
				else if (d == last[j])
					v = lastv[j];
				else {
					v = lastv[j] = value_str_borrow(a,
					    d->name, strlen(d->name));
					last[j] = d;
				}
			}
			value_append(a, o, f->name, v != NULL ?
			    (struct value *)v : null);
		}
		/* Anything else the row carried stays with it. */
		for (j = 0; more > 0 && j < row->u.obj.len; j++)
			if (value_get(o, row->u.obj.m[j].key) == NULL)
				value_append(a, o, row->u.obj.m[j].key,
				    row->u.obj.m[j].val);
		t->rows[i] = o;
	}
	t->schema = w;
}

/* ==== serialisation ===================================================== */

/* A CSV cell: lists as "a|b|c", booleans true/false, null empty.  For
 * the Excel variant, text that a spreadsheet would take for a formula
 * (starting with = + - @, a tab or a carriage return) gets a leading
 * apostrophe, as OWASP advises: Excel shows it as text and runs nothing.
 * Numbers stay numbers, negative ones included. */
static void
csvcell(struct buf *b, struct buf *tmp, const struct value *v, bool excel)
{
	size_t i;

	buf_reset(tmp);
	if (v->kind == VAL_ARR) {
		for (i = 0; i < v->u.arr.len; i++) {
			if (i > 0)
				buf_putc(tmp, '|');
			value_text(tmp, v->u.arr.v[i]);
		}
	} else if (v->kind != VAL_NULL)
		value_text(tmp, v);
	if (excel && (v->kind == VAL_STR || v->kind == VAL_ARR) &&
	    tmp->len > 0 && strchr("=+-@\t\r", tmp->data[0]) != NULL) {
		buf_putc(b, '"');
		buf_putc(b, '\'');
		for (i = 0; i < tmp->len; i++) {
			if (tmp->data[i] == '"')
				buf_putc(b, '"');
			buf_putc(b, tmp->data[i]);
		}
		buf_putc(b, '"');
		return;
	}
	buf_put_csv(b, tmp->data ? tmp->data : "", tmp->len);
}

static void
csvrows(struct buf *b, const struct schema *s, struct value *const *rows,
    size_t n, bool excel)
{
	struct buf tmp;
	size_t i, j;

	buf_init(&tmp);
	for (j = 0; j < s->nfields; j++) {
		if (j > 0)
			buf_putc(b, ',');
		buf_put_csv(b, s->fields[j].name, strlen(s->fields[j].name));
	}
	buf_puts(b, "\r\n");
	for (i = 0; i < n; i++) {
		for (j = 0; j < s->nfields; j++) {
			if (j > 0)
				buf_putc(b, ',');
			csvcell(b, &tmp, value_get(rows[i], s->fields[j].name),
			    excel);
		}
		buf_puts(b, "\r\n");
	}
	buf_release(&tmp);
}

const char *const datapkg_paths[DATAPKG_NPATHS] = {
	"hearth.yaml", "content", "plugins"
};

/* The source commit table t's files name: the one that brought the files
 * it is made of (the news among them only when it reads them: reads) to
 * their state, not the one built, so a commit that changed none of them
 * changes none of its bytes. */
static const char *
since(const struct datapkg *p, const struct table *t)
{
	return p->since[p->site->asof_news ||
	    strcmp(t->schema->name, "news") == 0];
}

/* The "meta" block of a JSON file. */
static struct value *
meta(struct datapkg *p, const struct table *t, const char *slice,
    size_t nrows)
{
	struct arena *a = &p->arena;
	const struct config *c = &p->site->cfg;
	struct value *m = value_obj(a), *lic = value_obj(a), *prec;
	size_t i;

	value_set_str(a, m, "dataset", t->name);
	value_set_str(a, m, "title", t->schema->title);
	if (t->schema->title_en != NULL)
		value_set_str(a, m, "title_en", t->schema->title_en);
	if (slice != NULL)
		value_set_str(a, m, "slice", slice);
	value_set_str(a, m, "version", p->version);
	value_set(a, m, "source_commit", *since(p, t) != '\0' ?
	    value_str(a, since(p, t)) : value_null(a));
	value_set_str(a, m, "data_as_of", p->as_of);
	value_set_str(a, m, "created", p->created);
	value_set_str(a, lic, "id", c->licence_id);
	if (c->licence_title != NULL)
		value_set_str(a, lic, "title", c->licence_title);
	if (c->licence_url != NULL)
		value_set_str(a, lic, "url", c->licence_url);
	value_set(a, m, "licence", lic);
	if (c->publisher != NULL)
		value_set_str(a, m, "publisher", c->publisher);
	value_set(a, m, "url", value_strf(a, "%sdata/%s.json", c->base_url,
	    t->name));
	value_set(a, m, "schema", value_strf(a, "%sdata/" JSON_SCHEMA_PATH,
	    c->base_url, t->name));
	value_set_int(a, m, "records", (long long)nrows);
	/* Numbers with a stated precision, so readers know 0.7245 is not
	 * 0.72450000001. */
	prec = value_obj(a);
	for (i = 0; i < t->schema->nfields; i++)
		if (t->schema->fields[i].precision >= 0)
			value_set_int(a, prec, t->schema->fields[i].name,
			    t->schema->fields[i].precision);
	if (prec->u.obj.len > 0)
		value_set(a, m, "decimals", prec);
	if (t->geometry != NULL && strcmp(t->geometry, "point") == 0) {
		struct value *crs = value_obj(a);

		value_set_str(a, crs, "crs", "WGS 84 longitude/latitude "
		    "(EPSG:4326 axis order lon, lat in GeoJSON)");
		value_set_int(a, crs, "decimals", 6);
		value_set_str(a, crs, "note", "coord_approx marks positions "
		    "that show only the township's approximate location");
		value_set(a, m, "coordinates", crs);
	}
	return m;
}

static void
jsonfile(struct buf *b, struct datapkg *p, const struct table *t,
    const char *slice, struct value *const *rows, size_t n)
{
	size_t i;

	buf_puts(b, "{\"meta\":");
	json_write(b, meta(p, t, slice, n), -1);
	buf_puts(b, ",\n\"records\":[");
	for (i = 0; i < n; i++) {
		buf_puts(b, i > 0 ? ",\n" : "\n");
		json_write(b, rows[i], -1);
	}
	buf_puts(b, n > 0 ? "\n]}\n" : "]}\n");
}

/* Station points; stations without coordinates are left out. */
static void
pointfile(struct buf *b, const struct table *t)
{
	size_t i, j, n = 0;

	buf_puts(b, "{\"type\":\"FeatureCollection\",\"features\":[");
	for (i = 0; i < t->nrows; i++) {
		const struct value *r = t->rows[i], *lon, *lat;

		lon = value_get(r, "lon");
		lat = value_get(r, "lat");
		if (lon == NULL || lat == NULL || lon->kind == VAL_NULL ||
		    lat->kind == VAL_NULL)
			continue;
		buf_puts(b, n++ > 0 ? ",\n" : "\n");
		buf_puts(b, "{\"type\":\"Feature\",\"id\":");
		json_write(b, value_get(r, t->schema->fields[t->schema->pk].name),
		    -1);
		buf_puts(b, ",\"geometry\":{\"type\":\"Point\",\"coordinates\":[");
		buf_printf(b, "%.6f,%.6f", lon->kind == VAL_INT ?
		    (double)lon->u.i : lon->u.num.d, lat->kind == VAL_INT ?
		    (double)lat->u.i : lat->u.num.d);
		buf_puts(b, "]},\"properties\":{");
		for (j = 0; j < r->u.obj.len; j++) {
			if (j > 0)
				buf_putc(b, ',');
			buf_put_json_str(b, r->u.obj.m[j].key,
			    strlen(r->u.obj.m[j].key));
			buf_putc(b, ':');
			json_write(b, r->u.obj.m[j].val, -1);
		}
		buf_puts(b, "}}");
	}
	buf_puts(b, "\n]}\n");
}

/* County polygons from the reference boundaries, with coverage
 * properties.  A county that replaced others carries their polygons; one
 * without any has a null geometry (allowed by RFC 7946). */
static void
countyfile(struct buf *b, const struct site *s, const struct table *t,
    int jobs)
{
	const struct geo_shape *(*sh)[8] = xcalloc(t->nrows + 1, sizeof(*sh));
	const struct geo_shape *const **areas = xcalloc(t->nrows + 1,
	    sizeof(*areas));
	size_t *n = xcalloc(t->nrows + 1, sizeof(*n)), i, j;
	char **geoms;

	for (i = 0; i < t->nrows; i++) {
		n[i] = site_shapes(s, value_get_str(t->rows[i], "code"), sh[i],
		    8);
		areas[i] = sh[i];
	}
	geoms = geovalid_geometries(areas, n, t->nrows, 4, jobs);
	buf_puts(b, "{\"type\":\"FeatureCollection\",\"features\":[");
	for (i = 0; i < t->nrows; i++) {
		const struct value *row = t->rows[i];
		const char *code = value_get_str(row, "code");

		buf_puts(b, i > 0 ? ",\n" : "\n");
		buf_puts(b, "{\"type\":\"Feature\",\"id\":");
		buf_put_json_str(b, code, strlen(code));
		buf_puts(b, ",\"geometry\":");
		buf_puts(b, geoms[i]);
		buf_puts(b, ",\"properties\":{");
		for (j = 0; j < row->u.obj.len; j++) {
			if (j > 0)
				buf_putc(b, ',');
			buf_put_json_str(b, row->u.obj.m[j].key,
			    strlen(row->u.obj.m[j].key));
			buf_putc(b, ':');
			json_write(b, row->u.obj.m[j].val, -1);
		}
		buf_puts(b, "}}");
	}
	buf_puts(b, "\n]}\n");
	geovalid_free(geoms, t->nrows);
	free(areas);
	free(sh);
	free(n);
}

/* ==== JSON Schema ======================================================= */

static void
jsfield(struct buf *b, const struct field *fd)
{
	static const char *const types[] = {
		[FT_STRING] = "string", [FT_INTEGER] = "integer",
		[FT_NUMBER] = "number", [FT_BOOLEAN] = "boolean",
		[FT_DATE] = "string", [FT_YEARMONTH] = "string",
		[FT_LIST] = "array", [FT_REF] = "string",
		[FT_DIVISION] = "string",
	};
	size_t i;

	buf_put_json_str(b, fd->name, strlen(fd->name));
	buf_puts(b, ":{");
	if (fd->title != NULL) {
		buf_puts(b, "\"title\":");
		buf_put_json_str(b, fd->title, strlen(fd->title));
		buf_putc(b, ',');
	}
	if (fd->description != NULL) {
		buf_puts(b, "\"description\":");
		buf_put_json_str(b, fd->description, strlen(fd->description));
		buf_putc(b, ',');
	}
	if (fd->required)
		buf_printf(b, "\"type\":\"%s\"", types[fd->type]);
	else
		buf_printf(b, "\"type\":[\"%s\",\"null\"]", types[fd->type]);
	if (fd->type == FT_DATE)
		buf_puts(b, ",\"format\":\"date\"");
	if (fd->type == FT_YEARMONTH)
		buf_puts(b, ",\"pattern\":\"^[0-9]{4}-(0[1-9]|1[0-2])$\"");
	if (fd->type == FT_DIVISION)
		buf_puts(b, ",\"pattern\":\"^[0-9]+$\"");
	if (fd->type == FT_LIST)
		buf_puts(b, ",\"items\":{\"type\":\"string\"}");
	if (fd->has_min)
		buf_printf(b, ",\"minimum\":%.15g", fd->min);
	if (fd->has_max)
		buf_printf(b, ",\"maximum\":%.15g", fd->max);
	if (fd->type == FT_STRING && fd->max_length > 0)
		buf_printf(b, ",\"maxLength\":%zu", fd->max_length);
	if (fd->enums != NULL) {
		buf_puts(b, ",\"enum\":[");
		for (i = 0; i < fd->nenums; i++) {
			if (i > 0)
				buf_putc(b, ',');
			buf_put_json_str(b, fd->enums[i], strlen(fd->enums[i]));
		}
		buf_puts(b, fd->required ? "]" : ",null]");
	}
	buf_putc(b, '}');
}

static void
schemafile(struct buf *b, const struct datapkg *p, const struct table *t)
{
	const struct schema *s = t->schema;
	size_t i, nreq = 0;

	buf_puts(b, "{\"$schema\":\"https://json-schema.org/draft/2020-12/"
	    "schema\",");
	buf_printf(b, "\"$id\":\"%sdata/" JSON_SCHEMA_PATH "\",",
	    p->site->cfg.base_url, t->name);
	buf_puts(b, "\"title\":");
	buf_put_json_str(b, s->title ? s->title : t->name,
	    strlen(s->title ? s->title : t->name));
	buf_puts(b, ",\"type\":\"object\",\"required\":[\"meta\",\"records\"],"
	    "\"properties\":{\"meta\":{\"type\":\"object\",\"required\":["
	    "\"dataset\",\"version\",\"data_as_of\",\"licence\",\"records\"],"
	    "\"properties\":{\"dataset\":{\"type\":\"string\"},\"version\":{"
	    "\"type\":\"string\"},\"source_commit\":{\"type\":[\"string\","
	    "\"null\"]},\"data_as_of\":{\"type\":\"string\",\"format\":"
	    "\"date\"},\"created\":{\"type\":\"string\",\"format\":"
	    "\"date-time\"},\"licence\":{\"type\":\"object\",\"required\":["
	    "\"id\"]},\"records\":{\"type\":\"integer\",\"minimum\":0}}},"
	    "\"records\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
	    "\"additionalProperties\":false,\"required\":[");
	for (i = 0; i < s->nfields; i++) {
		buf_puts(b, nreq++ > 0 ? "," : "");
		buf_put_json_str(b, s->fields[i].name,
		    strlen(s->fields[i].name));
	}
	buf_puts(b, "],\"properties\":{");
	for (i = 0; i < s->nfields; i++) {
		if (i > 0)
			buf_putc(b, ',');
		jsfield(b, &s->fields[i]);
	}
	buf_puts(b, "}}}}}\n");
}

/* ==== building ========================================================== */

static int
cmptable(const void *x, const void *y)
{
	return strcmp(((const struct table *)x)->name,
	    ((const struct table *)y)->name);
}

/* Rows of a record table; news drafts are not published. */
static void
recordrows(struct datapkg *p, struct table *t, const struct recordset *set)
{
	size_t i;

	t->rows = arena_alloc(&p->arena, (set->n + 1) * sizeof(*t->rows));
	for (i = 0; i < set->n; i++) {
		if (record_is_draft(set->v[i]))
			continue;
		t->rows[t->nrows++] = set->v[i]->fields;
	}
}

static void
daterange(struct table *t)
{
	size_t i, j;

	for (i = 0; i < t->nrows; i++)
		for (j = 0; j < t->schema->nfields; j++) {
			const struct field *fd = &t->schema->fields[j];
			const char *d;

			if (fd->type != FT_DATE && fd->type != FT_YEARMONTH)
				continue;
			if ((d = value_get_str(t->rows[i], fd->name)) == NULL)
				continue;
			if (t->date_min == NULL || strcmp(d, t->date_min) < 0)
				t->date_min = d;
			if (t->date_max == NULL || strcmp(d, t->date_max) > 0)
				t->date_max = d;
		}
}

struct byarea {
	const char	*county;
	struct value	*row;
};

static int
cmpbyarea(const void *x, const void *y)
{
	return strcmp(((const struct byarea *)x)->county,
	    ((const struct byarea *)y)->county);
}

/* A stable sort by county, so rows keep the table's order inside a
 * slice. */
static void
mergesort_byarea(struct byarea *v, size_t n)
{
	struct byarea *tmp;
	size_t w, i, l, m, r, a, b, k;

	tmp = xcalloc(n, sizeof(*tmp));
	for (w = 1; w < n; w *= 2) {
		for (i = 0; i < n; i += 2 * w) {
			l = i;
			m = i + w < n ? i + w : n;
			r = i + 2 * w < n ? i + 2 * w : n;
			for (a = l, b = m, k = l; a < m || b < r; k++)
				tmp[k] = b >= r || (a < m && cmpbyarea(&v[a],
				    &v[b]) <= 0) ? v[a++] : v[b++];
		}
		memcpy(v, tmp, n * sizeof(*v));
	}
	free(tmp);
}

/* Where the rows of the sorted index whose county is code begin, and
 * how many there are (*len). */
static size_t
runof(const struct byarea *ix, size_t n, const char *code, size_t *len)
{
	size_t lo = 0, hi = n, k;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (strcmp(ix[mid].county, code) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (k = lo; k < n && strcmp(ix[k].county, code) == 0; k++)
		;
	*len = k - lo;
	return lo;
}

/* Rows of the sorted index whose county is code (appended to out). */
static size_t
slicerows(const struct byarea *ix, size_t n, const char *code,
    struct value **out)
{
	size_t len, at = runof(ix, n, code, &len), k;

	for (k = 0; k < len; k++)
		out[k] = ix[at + k].row;
	return len;
}

/*
 * A slice is a function of its rows and of all a data file is made of but
 * its rows (the frame: the revision and the rest, deps.h).  Each slice's
 * files are listed in the cache, by the frame, with the digest of their
 * rows: a station edit changes the rows of one county's slice and its
 * province's, and the other 3,007 national slices are kept as published
 * instead of being made and compared again.  A listed file is kept only
 * when the published one was put with its checksum.
 */
struct sliced {
	const char	*key;		/* its rows' digest (64 hex digits;
					   a province's, of its counties') */
	size_t		 len;
	const char	*sha256;
	const char	*path;
};

static void
slicelist(const struct datapkg *p, const struct table *t, char name[48])
{
	struct buf b;
	char sum[65];

	buf_init(&b);
	buf_printf(&b, "slices 2\n%s\n%s\n%s\n%s\n%s\n%s", p->sink->frame,
	    since(p, t), p->name, p->version, p->created, t->name);
	sha256_hex(b.data, b.len, sum);
	snprintf(name, 48, "slices-%.32s", sum);
	buf_release(&b);
}

/* The list cached as name, parsed in place ("key len sha256 path" lines):
 * its text, to free, and the slices in *out; NULL when there is none. */
static char *
readslices(const char *name, struct sliced **out, size_t *n)
{
	size_t len, cap = 0;
	char *text = cache_get(name, &len), *line, *nl;

	*out = NULL;
	*n = 0;
	if (text == NULL)
		return NULL;
	for (line = text; *line != '\0'; line = nl + 1) {
		struct sliced sl;
		char *end;

		if ((nl = strchr(line, '\n')) == NULL || nl - line < 64 + 1 +
		    1 + 1 + 64 + 1 + 1 || line[64] != ' ')
			break;
		*nl = '\0';
		line[64] = '\0';
		sl.key = line;
		sl.len = strtoul(line + 65, &end, 10);
		if (*end != ' ' || strlen(end + 1) < 64 + 2 || end[65] != ' ')
			break;
		end[65] = '\0';
		sl.sha256 = end + 1;
		sl.path = end + 66;
		xgrow(out, &cap, *n + 1, sizeof(**out));
		(*out)[(*n)++] = sl;
	}
	return text;
}

/* Keep the listed file sl as published (commit), or say whether it can
 * be: 0 or -1. */
static int
keepfile(struct datapkg *p, const struct sliced *sl, bool commit)
{
	struct dfile f;

	memset(&f, 0, sizeof(f));
	f.path = sl->path;
	f.len = sl->len;
	memcpy(f.sha256, sl->sha256, sizeof(f.sha256));
	return p->sink->keep(p->sink->ud, p, &f, commit);
}

/* The digest of county code's rows, made once (keys, parallel to ix,
 * holds them at the start of each county's run): a county's slice is
 * keyed by it, a province's by its counties'. */
static const char *
rowskey(const struct byarea *ix, size_t n, char (*keys)[65],
    const char *code, struct buf *b)
{
	/* No rows, no run to hold it: the digest of nothing. */
	static const char none[] = "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855";
	size_t len, at = runof(ix, n, code, &len), k;

	if (len == 0)
		return none;
	if (keys[at][0] == '\0') {
		buf_reset(b);
		for (k = 0; k < len; k++)
			value_bytes(b, ix[at + k].row);
		sha256_hex(b->data, b->len, keys[at]);
	}
	return keys[at];
}

/*
 * The slices an edit left as they were are kept on every thread: each
 * is two files, a stat or two of their published and spare copies and
 * one of their archive pieces (6,000 files nationally, one station
 * edited), which the main thread did alone with the second core idle.
 * A slice is kept when its listed rows' key is the key of its rows now,
 * its published files are the listed ones and their pieces are cached.
 */
struct slicekeep {
	struct datapkg	*p;
	const struct sliced *old;	/* two a slice: JSON, CSV */
	unsigned char	*keep;		/* 1: a candidate, 2: keepable */
	bool		 commit;
	atomic_bool	 failed;
};

static void
keepslice(size_t i, int worker, void *ud)
{
	struct slicekeep *k = ud;
	struct datapkg *p = k->p;
	const struct sliced *sl = &k->old[2 * i];
	bool ok;

	(void)worker;
	if (k->commit) {
		if (k->keep[i] == 2 && (keepfile(p, &sl[0], true) < 0 ||
		    keepfile(p, &sl[1], true) < 0))
			atomic_store(&k->failed, true);
		return;
	}
	ok = k->keep[i] == 1 && keepfile(p, &sl[0], false) == 0 &&
	    keepfile(p, &sl[1], false) == 0 && (!p->bulking ||
	    (tgz_has(&p->bulk, sl[0].path, sl[0].len, sl[0].sha256) &&
	    tgz_has(&p->bulk, sl[1].path, sl[1].len, sl[1].sha256)));
	k->keep[i] = ok ? 2 : 0;
}

/* The n files as the archive names them (the caller frees the array). */
static struct tgz_file *
tgzfiles(const struct dfile *fs, size_t n)
{
	struct tgz_file *run = xcalloc(n + 1, sizeof(*run));
	size_t i;

	for (i = 0; i < n; i++)
		run[i] = (struct tgz_file){ fs[i].path, fs[i].len,
		    fs[i].sha256 };
	return run;
}

/* Add the n files kept as published, in order, their pieces of the
 * archive laid as one run (tgz_add_run): a kept table's, or kept
 * slices'. */
static void
addkept(struct datapkg *p, const struct dfile *fs, size_t n, int ti)
{
	struct tgz_file *run;
	bool bulking = p->bulking;
	size_t i;

	if (n == 0)
		return;
	run = tgzfiles(fs, n);
	if (bulking && p->sinkrc == 0 && tgz_add_run(&p->bulk, run, n) < 0) {
		diag_error(fs[0].path, 0, 0, "the data archive's pieces of "
		    "this table's files left the cache during the build");
		p->sinkrc = -1;
	}
	free(run);
	p->bulking = false;	/* laid above */
	for (i = 0; i < n && p->sinkrc == 0; i++)
		addfile(p, fs[i].path, NULL, fs[i].len, fs[i].sha256,
		    fs[i].kind, fs[i].mediatype, fs[i].format, ti);
	p->bulking = bulking;
}

/* Add the pending run of kept slices' files (JSON, CSV, ...). */
static void
layrun(struct datapkg *p, const struct sliced *run, size_t n, int ti)
{
	struct dfile *fs = xcalloc(n + 1, sizeof(*fs));
	size_t i;

	for (i = 0; i < n; i++) {
		fs[i].path = run[i].path;
		fs[i].len = run[i].len;
		memcpy(fs[i].sha256, run[i].sha256, sizeof(fs[i].sha256));
		fs[i].kind = i % 2 == 0 ? DF_SLICE_JSON : DF_SLICE_CSV;
		fs[i].mediatype = i % 2 == 0 ? "application/json" : "text/csv";
		fs[i].format = i % 2 == 0 ? "json" : "csv";
	}
	addkept(p, fs, n, ti);
	free(fs);
}

/* Kept slices are laid in runs that end where an area's code says (one
 * in 32, as the archive's chunks end where their bytes say): an edit
 * breaks the runs around its slices, and the others stay cached. */
#define RUN_BITS	5

/* /data/provinces/<code>/stations.json|.csv and the same per county:
 * rows sorted by county once (a stable sort keeps the table's order
 * within a county), then each slice is a run of them. */
static void
slices(struct datapkg *p, int ti, int jobs)
{
	const struct site *s = p->site;
	struct table *t = &p->tables[ti];
	size_t nareas = s->nprovinces + s->ncounties;
	struct value **rows = xcalloc(t->nrows + 1, sizeof(*rows));
	struct byarea *ix = xcalloc(t->nrows + 1, sizeof(*ix));
	struct sliced *old = NULL, *run = NULL;
	struct slicekeep sk;
	struct buf b, kb, pk, list;
	size_t i, n, k, j, nix = 0, nold = 0, kept = 0, nrun = 0;
	char name[48] = "", (*key)[65], *oldtext = NULL, (*keys)[65] = NULL;
	bool listing = p->sink != NULL && p->sink->frame != NULL &&
	    p->sink->keep != NULL;

	for (i = 0; i < t->nrows; i++)
		if ((ix[nix].county = value_get_str(t->rows[i], "county")) !=
		    NULL)
			ix[nix++].row = t->rows[i];
	if (nix > 1)
		mergesort_byarea(ix, nix);
	buf_init(&b);
	buf_init(&kb);
	buf_init(&pk);
	buf_init(&list);
	key = xcalloc(nareas + 1, sizeof(*key));
	memset(&sk, 0, sizeof(sk));
	sk.p = p;
	sk.keep = xcalloc(nareas + 1, 1);
	if (listing) {
		slicelist(p, t, name);
		oldtext = readslices(name, &old, &nold);
		keys = xcalloc(nix + 1, sizeof(*keys));
		run = xcalloc(2 * nareas + 1, sizeof(*run));
	}
	/* Each area's key, and whether its listed slice may be kept. */
	for (i = 0; listing && i < nareas; i++) {
		const struct area *ar = i < s->nprovinces ? &s->provinces[i] :
		    s->counties[i - s->nprovinces];
		char json[128], csv[128];

		snprintf(json, sizeof(json), "%s/%s/%s.json", ar->province ==
		    NULL ? "provinces" : "counties", ar->div->code, t->name);
		snprintf(csv, sizeof(csv), "%.*s.csv", (int)strlen(json) - 5,
		    json);
		if (ar->province != NULL)
			snprintf(key[i], sizeof(key[i]), "%s", rowskey(ix, nix,
			    keys, ar->div->code, &kb));
		else {
			buf_reset(&pk);		/* its counties' keys, in order */
			for (k = 0; k < ar->ncounties; k++)
				buf_puts(&pk, rowskey(ix, nix, keys,
				    ar->counties[k]->div->code, &kb));
			sha256_hex(pk.data != NULL ? pk.data : "", pk.len,
			    key[i]);
		}
		sk.keep[i] = 2 * i + 1 < nold && strcmp(old[2 * i].path,
		    json) == 0 && strcmp(old[2 * i + 1].path, csv) == 0 &&
		    strcmp(old[2 * i].key, key[i]) == 0 &&
		    strcmp(old[2 * i + 1].key, key[i]) == 0;
	}
	if (listing) {
		sk.old = old;
		atomic_init(&sk.failed, false);
		jobs_run(nareas, jobs > 0 ? jobs : 1, keepslice, &sk);
		sk.commit = true;
		jobs_run(nareas, jobs > 0 ? jobs : 1, keepslice, &sk);
		if (atomic_load(&sk.failed))
			p->sinkrc = -1;
	}
	for (i = 0; i < nareas; i++) {
		const struct area *ar = i < s->nprovinces ? &s->provinces[i] :
		    s->counties[i - s->nprovinces];
		const char *dir = ar->province == NULL ? "provinces" :
		    "counties";
		char json[128], csv[128], *label;

		if (sk.keep[i] == 2) {
			run[nrun++] = old[2 * i];
			run[nrun++] = old[2 * i + 1];
			kept++;
			if ((hash_str(ar->div->code, strlen(ar->div->code)) &
			    ((1u << RUN_BITS) - 1)) == 0) {
				layrun(p, run, nrun, ti);
				nrun = 0;
			}
		} else {
			layrun(p, run, nrun, ti);
			nrun = 0;
			if (ar->province != NULL)
				n = slicerows(ix, nix, ar->div->code, rows);
			else
				for (n = 0, k = 0; k < ar->ncounties; k++)
					n += slicerows(ix, nix,
					    ar->counties[k]->div->code,
					    rows + n);
			snprintf(json, sizeof(json), "%s/%s/%s.json", dir,
			    ar->div->code, t->name);
			snprintf(csv, sizeof(csv), "%s/%s/%s.csv", dir,
			    ar->div->code, t->name);
			label = arena_printf(&p->arena, "%s %s", dir,
			    ar->div->code);
			jsonfile(&b, p, t, label, rows, n);
			addbuf(p, json, &b, DF_SLICE_JSON, "application/json",
			    "json", ti);
			csvrows(&b, t->schema, rows, n, false);
			addbuf(p, csv, &b, DF_SLICE_CSV, "text/csv", "csv", ti);
		}
		if (listing && sk.keep[i] == 2)
			for (j = 0; j < 2; j++)
				buf_printf(&list, "%s %zu %s %s\n", key[i],
				    old[2 * i + j].len, old[2 * i + j].sha256,
				    old[2 * i + j].path);
		else
			for (j = p->nfiles - 2; listing && j < p->nfiles; j++)
				buf_printf(&list, "%s %zu %s %s\n", key[i],
				    p->files[j].len, p->files[j].sha256,
				    p->files[j].path);
	}
	layrun(p, run, nrun, ti);
	if (listing && p->sinkrc == 0)
		cache_put(name, list.data != NULL ? list.data : "", list.len);
	if (listing && diag_verbosity() > 1)
		diag_info("  %zu slices of %s made, %zu kept as published: "
		    "the same rows", nareas - kept, t->name, kept);
	free(sk.keep);
	free(key);
	free(run);
	free(old);
	free(oldtext);
	buf_release(&list);
	buf_release(&kb);
	buf_release(&pk);
	free(keys);
	buf_release(&b);
	free(rows);
	free(ix);
}

/* ==== tables kept as published ========================================= */

/*
 * A table is a function of the parts of the inputs it reads (deps.h), and
 * so are its files.  Once made, their list (path, size, checksum, kind) is
 * cached under a name made of those parts; a later build with the same
 * parts keeps the published files (the sink says whether it can) and
 * takes their sizes and checksums from the list, their archive pieces
 * from the cache, instead of making them again.
 */
/* The parts of the inputs table t is made of (deps.h): the rest; the
 * stations for the stations' table; for the news (or every table, when
 * the news date the data) their front matter; 0 when nothing is
 * listed.  A table of other records is their rows and what the rest
 * holds (the data's date, the site's settings, the plugins' extras):
 * a station edit keeps its files, which it made again (the news, the
 * reports...: 12 MB nationally).  The tables that count stations
 * change with few station edits (a station added, moved or taken
 * away): their rows are digested instead (listname).  Not the revision:
 * of it, the files name only their source commit (since), which the
 * names of their lists hold. */
static unsigned
reads(const struct datapkg *p, const struct table *t)
{
	if (p->sink == NULL || p->sink->rest == NULL)
		return 0;
	return DEP_REST | (t->stations ? DEP_STATIONS : 0) |
	    (p->site->asof_news || strcmp(t->schema->name, "news") == 0 ?
	    DEP_NEWS : 0);
}

void
datapkg_cachename(const struct datapkg *p, const char *prefix,
    const char *part, unsigned parts, char name[48])
{
	bool news = (parts & DEP_NEWS) != 0;
	const char *of;
	struct buf b;
	char sum[65];

	name[0] = '\0';
	if (p->sink == NULL || p->sink->rest == NULL)
		return;
	of = parts & DEP_STATIONS ? p->sink->rest : p->sink->frame;
	if (of == NULL)
		return;
	buf_init(&b);
	buf_printf(&b, "%u\n%s\n%s\n%s\n%s\n%s\n%s\n%s", parts & (DEP_NEWS |
	    DEP_STATIONS), of, news ? p->sink->news : "-", p->since[news],
	    p->name, p->version, p->created, part);
	sha256_hex(b.data, b.len, sum);
	snprintf(name, 48, "%.14s-%.32s", prefix, sum);
	buf_release(&b);
}

/* The digest of a counting table's rows, laid end to end by value_bytes
 * and digested 64 KB at a time: the national townships' rows laid whole
 * took a buffer of their own on the main thread. */
static char *
rowsum(struct arena *a, const struct table *t)
{
	struct evp_md_ctx_st *c = sha256_begin();
	struct buf b;
	char sum[65];
	size_t i;

	buf_init(&b);
	for (i = 0; i < t->nrows; i++) {
		value_bytes(&b, t->rows[i]);
		if (b.len >= 65536 || i + 1 == t->nrows) {
			sha256_more(c, b.data, b.len);
			buf_reset(&b);
		}
	}
	sha256_end(c, sum);
	buf_release(&b);
	return arena_printf(a, "%s %s", t->name, sum);
}

static void
listname(struct datapkg *p, struct table *t, char name[48])
{
	if (!t->counts) {
		datapkg_cachename(p, "tablefiles", t->name, reads(p, t), name);
		return;
	}
	if (t->rowsum == NULL)
		t->rowsum = rowsum(&p->arena, t);
	datapkg_cachename(p, "tablefiles", t->rowsum, reads(p, t), name);
}

static void
putlist(struct datapkg *p, struct table *t)
{
	char name[48];
	struct buf b;
	size_t i;

	if (reads(p, t) == 0 || p->sinkrc != 0)
		return;
	buf_init(&b);
	for (i = 0; i < t->nfiles; i++) {
		const struct dfile *f = &p->files[t->files[i]];

		buf_printf(&b, "%d %zu %s %s %s %s\n", (int)f->kind, f->len,
		    f->sha256, f->mediatype, f->format, f->path);
	}
	listname(p, t, name);
	cache_put(name, b.data != NULL ? b.data : "", b.len);
	buf_release(&b);
}

/* The listed files of a table, kept on every thread: each is a stat or
 * two of the published and the spare copies (the stations' table lists
 * 6,000 files nationally), and a build that kept them one by one had
 * the second core idle. */
struct keeping {
	struct datapkg	*p;
	const struct dfile *fs;
	bool		 commit;
	atomic_bool	 failed;
};

static void
keepone(size_t i, int worker, void *ud)
{
	struct keeping *k = ud;
	const struct dsink *s = k->p->sink;

	(void)worker;
	if (!atomic_load(&k->failed) && s->keep(s->ud, k->p, &k->fs[i],
	    k->commit) < 0)
		atomic_store(&k->failed, true);
}

/* Keep the files of table ti as published: 0, or -1 to make them. */
static int
keeptable(struct datapkg *p, int ti, int jobs)
{
	const struct dsink *k = p->sink;
	struct table *t = &p->tables[ti];
	struct keeping all;
	struct dfile *fs = NULL;
	struct tgz_file *run = NULL;
	size_t n = 0, cap = 0, len;
	char name[48], *list, *line, *nl;
	int rc = -1;

	if (reads(p, t) == 0 || (reads(p, t) & k->changed) != 0 ||
	    k->keep == NULL)
		return -1;
	listname(p, t, name);
	if ((list = cache_get(name, &len)) == NULL)
		return -1;
	for (line = list; *line != '\0'; line = nl + 1) {
		char sha[65], mt[64], fmt[16];
		int kind, off = 0;

		if ((nl = strchr(line, '\n')) == NULL)
			goto out;
		*nl = '\0';
		xgrow(&fs, &cap, n + 1, sizeof(*fs));
		memset(&fs[n], 0, sizeof(fs[n]));
		if (sscanf(line, "%d %zu %64s %63s %15s %n", &kind, &fs[n].len,
		    sha, mt, fmt, &off) != 5 || off == 0 || strlen(sha) != 64 ||
		    kind < DF_JSON || kind > DF_SLICE_CSV)
			goto out;
		fs[n].kind = (enum dfile_kind)kind;
		memcpy(fs[n].sha256, sha, sizeof(sha));
		fs[n].path = arena_strdup(&p->arena, line + off);
		fs[n].mediatype = arena_strdup(&p->arena, mt);
		fs[n].format = arena_strdup(&p->arena, fmt);
		n++;
	}
	if (n == 0)
		goto out;
	run = tgzfiles(fs, n);
	/* Whether each can be kept, then each kept: a failure in the
	 * first pass makes the table instead, in the second fails the
	 * build (the published file changed under it).  Their pieces of
	 * the archive go in as one. */
	all.p = p;
	all.fs = fs;
	all.commit = false;
	atomic_init(&all.failed, false);
	jobs_run(n, jobs > 0 ? jobs : 1, keepone, &all);
	if (atomic_load(&all.failed) || (p->bulking &&
	    !tgz_has_run(&p->bulk, run, n)))
		goto out;
	all.commit = true;
	jobs_run(n, jobs > 0 ? jobs : 1, keepone, &all);
	if (atomic_load(&all.failed))
		p->sinkrc = -1;
	addkept(p, fs, n, ti);
	rc = 0;
out:
	free(run);
	free(fs);
	free(list);
	return rc;
}

static void
tablefiles(struct datapkg *p, int ti, int jobs,
    void (*listed)(struct datapkg *, int))
{
	struct table *t = &p->tables[ti];
	struct buf b;
	char path[128];
	size_t len;
	char *csv, *excel;

	if (keeptable(p, ti, jobs) == 0) {
		if (listed != NULL)
			listed(p, ti);
		/* The list of its slices stays for the next station edit. */
		if (strcmp(t->name, "stations") == 0 && p->sink->frame != NULL) {
			slicelist(p, t, path);
			cache_has(path);
		}
		return;
	}
	p->made++;
	buf_init(&b);
	jsonfile(&b, p, t, NULL, t->rows, t->nrows);
	snprintf(path, sizeof(path), "%s.json", t->name);
	addbuf(p, path, &b, DF_JSON, "application/json", "json", ti);

	csvrows(&b, t->schema, t->rows, t->nrows, false);
	csv = buf_detach(&b, &len);
	snprintf(path, sizeof(path), "%s.csv", t->name);
	datapkg_add(p, path, csv, len, DF_CSV, "text/csv", "csv", ti);
	if (listed != NULL)
		listed(p, ti);
	/* The Excel variant: a UTF-8 byte order mark, which is what makes
	 * Excel read the file as UTF-8, then the rows with formula-like text
	 * neutralised (csvcell). */
	buf_puts(&b, "\xef\xbb\xbf");
	csvrows(&b, t->schema, t->rows, t->nrows, true);
	excel = buf_detach(&b, &len);
	snprintf(path, sizeof(path), "%s-excel.csv", t->name);
	datapkg_add(p, path, excel, len, DF_EXCEL, "text/csv", "csv", ti);

	if (t->geometry != NULL) {
		if (strcmp(t->geometry, "point") == 0)
			pointfile(&b, t);
		else
			countyfile(&b, p->site, t, jobs);
		snprintf(path, sizeof(path), "%s.geojson", t->name);
		addbuf(p, path, &b, DF_GEOJSON, "application/geo+json",
		    "geojson", ti);
	}
	schemafile(&b, p, t);
	snprintf(path, sizeof(path), JSON_SCHEMA_PATH, t->name);
	addbuf(p, path, &b, DF_SCHEMA, "application/schema+json", "json", ti);
	buf_release(&b);
	if (strcmp(t->name, "stations") == 0)
		slices(p, ti, jobs);
	putlist(p, t);
}

/* created: SOURCE_DATE_EPOCH when set (reproducible builds), else the
 * time of the commit built from (src, NULL for a dated version), else the
 * start of the data-as-of day: so two builds of the same content agree. */
static const char *
created(struct arena *a, const struct source *src, const char *as_of)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	char tmp[32];
	time_t t;
	struct tm tm;

	if (sde != NULL && *sde != '\0')
		t = (time_t)strtoll(sde, NULL, 10);
	else if (src != NULL && src->from_rev)
		t = src->commit.time;
	else
		return arena_printf(a, "%sT00:00:00Z", as_of);
	gmtime_r(&t, &tm);
	strftime(tmp, sizeof(tmp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return arena_strdup(a, tmp);
}

int
datapkg_tables(struct datapkg *p, const struct site *s, const char *version)
{
	return datapkg_records(p, s, version) < 0 ? -1 :
	    datapkg_derive(p, 1);
}

int
datapkg_records(struct datapkg *p, const struct site *s, const char *version)
{
	size_t i, n = 0;

	memset(p, 0, sizeof(*p));
	arena_init(&p->arena);
	p->site = s;
	p->as_of = s->build_date != NULL ? s->build_date : "1970-01-01";
	p->name = s->cfg.data.name;
	/* The version: the caller's (a dated version rebuilt from history),
	 * set in hearth.yaml, or the release tag of the revision built, or
	 * the data-as-of date. */
	p->version = version != NULL ? version : s->cfg.data.version;
	if (p->version == NULL)
		p->version = s->release_tag;
	if (p->version == NULL)
		p->version = p->as_of;
	if (!version_name_valid(p->version)) {	/* a tag's name */
		diag_error(NULL, 0, 0, "release tag \"%s\" cannot name a "
		    "version: letters, digits, '.', '-' and '_' only",
		    p->version);
		return -1;
	}
	p->versions = &p->version;
	p->nversions = 1;
	p->created = created(&p->arena, version != NULL ? NULL : s->src,
	    p->as_of);
	/* All but the news kept their state wherever all of it did: that
	 * walk goes on from where the first one stopped. */
	if (s->src->repo != NULL && s->src->has_commit &&
	    (repo_since(s->src->repo, s->src->commit.id, datapkg_paths,
	    DATAPKG_NPATHS, NULL, p->since[1]) < 0 ||
	    repo_since(s->src->repo, p->since[1], datapkg_paths,
	    DATAPKG_NPATHS, "content/news", p->since[0]) < 0)) {
		diag_error(NULL, 0, 0, "cannot read the history of commit "
		    "%s", s->src->commit.id);
		return -1;
	}
	p->archive = arena_printf(&p->arena, "%s.tar.gz", p->name);

	p->tables = arena_zalloc(&p->arena, (s->nschemas + 3) *
	    sizeof(*p->tables));
	for (i = 0; i < s->nschemas; i++) {
		struct table *t;

		if (s->schemas[i].dataset == NULL)
			continue;
		t = &p->tables[n++];
		t->name = s->schemas[i].dataset;
		t->schema = &s->schemas[i];
		recordrows(p, t, &s->sets[i]);
		if (strcmp(s->schemas[i].name, "station") == 0) {
			t->geometry = "point";
			t->stations = true;
		}
	}
	/* The tables that count the stations, with the others: a page
	 * links them by name before their rows are made (datapkg_derive). */
	for (i = 0; i < NDERIVED; i++) {
		struct schema *sc = arena_zalloc(&p->arena, sizeof(*sc));
		struct table *t = &p->tables[n++];

		if (schema_parse(sc, &p->arena, derived[i].what, derived[i].type,
		    derived[i].yaml, strlen(derived[i].yaml)) < 0)
			xdie("%s is invalid", derived[i].what);
		t->name = sc->dataset;
		t->schema = sc;
		t->counts = true;
		if (strcmp(derived[i].type, "county") == 0)
			t->geometry = "county";
	}
	p->ntables = n;
	qsort(p->tables, p->ntables, sizeof(*p->tables), cmptable);
	for (i = 1; i < p->ntables; i++)
		if (strcmp(p->tables[i - 1].name, p->tables[i].name) == 0) {
			diag_error(p->tables[i].schema->path, 0, 0, "dataset "
			    "\"%s\" is already published by %s",
			    p->tables[i].name, p->tables[i - 1].schema->path);
			return -1;
		}
	return 0;
}

/* The names beside the codes of each table, a job each, in an arena of
 * its own: the stations' and the townships' 41,352 rows each nationally
 * take most of it. */
struct naming {
	struct datapkg	*p;
	struct arena	*arenas;
};

static void
nameone(size_t i, int worker, void *ud)
{
	struct naming *n = ud;
	struct table *t = &n->p->tables[i];

	(void)worker;
	names_beside_codes(&n->arenas[i], t, &n->p->site->div);
	/* A counting table's files are named by its rows (listname): their
	 * digest is taken here, beside the others', once its rows are
	 * whole. */
	if (t->counts)
		t->rowsum = rowsum(&n->arenas[i], t);
}

int
datapkg_derive(struct datapkg *p, int jobs)
{
	struct naming naming = { p, NULL };
	const struct site *s = p->site;
	size_t i, k, n = p->ntables;

	for (i = 0; i < n; i++) {
		struct table *t = &p->tables[i];
		const char *type = t->schema->name;

		if (!t->counts)
			continue;
		if (strcmp(type, "county") == 0) {
			t->rows = arena_alloc(&p->arena, (s->ncounties + 1) *
			    sizeof(*t->rows));
			for (k = 0; k < s->ncounties; k++)
				t->rows[t->nrows++] = countyrow(&p->arena,
				    s->counties[k]);
		} else if (strcmp(type, "province") == 0) {
			t->rows = arena_alloc(&p->arena, (s->nprovinces + 1) *
			    sizeof(*t->rows));
			for (k = 0; k < s->nprovinces; k++)
				t->rows[t->nrows++] = provincerow(&p->arena,
				    &s->provinces[k]);
		} else
			townshiprows(&p->arena, t, s);
	}
	naming.arenas = xcalloc(n + 1, sizeof(*naming.arenas));
	for (i = 0; i < n; i++)
		arena_init(&naming.arenas[i]);
	jobs_run(n, jobs > 0 ? jobs : 1, nameone, &naming);
	for (i = 0; i < n; i++)
		arena_adopt(&p->arena, &naming.arenas[i]);
	free(naming.arenas);
	for (i = 0; i < p->ntables; i++)
		daterange(&p->tables[i]);
	return 0;
}

int
datapkg_files(struct datapkg *p, int jobs, const struct dsink *sink,
    void (*listed)(struct datapkg *, int))
{
	size_t i;

	p->sink = sink;
	/* The bulk download holds the files under one folder named for the
	 * version, all dated as the package is. */
	tgz_init(&p->bulk, arena_printf(&p->arena, "%s-%s", p->name,
	    p->version), rfc3339_epoch(p->created));
	/* Its cached pieces are read only if it is not kept (catalog.c). */
	if (sink != NULL && sink->keep != NULL)
		tgz_defer(&p->bulk);
	p->bulking = true;
	for (i = 0; i < p->ntables && p->sinkrc == 0; i++)
		tablefiles(p, (int)i, jobs, listed);
	if (p->sinkrc == 0 && sink != NULL && sink->rest != NULL &&
	    diag_verbosity() > 1)
		diag_info("  %zu of %zu datasets made, the others' files kept "
		    "as published: made of the same inputs", p->made,
		    p->ntables);
	return p->sinkrc;
}

const char *
datapkg_dated_version(const struct site *s)
{
	return s->cfg.data.version != NULL ? s->cfg.data.version :
	    s->build_date != NULL ? s->build_date : "1970-01-01";
}

const char *
datapkg_release_tags(const struct site *s)
{
	return s->cfg.data.release_tags;
}

static int
cmpstr(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

void
datapkg_add_version(struct datapkg *p, const char *version)
{
	const char **v;
	size_t i;

	if (!version_name_valid(version))
		return;
	for (i = 0; i < p->nversions; i++)
		if (strcmp(p->versions[i], version) == 0)
			return;
	v = arena_alloc(&p->arena, (p->nversions + 1) * sizeof(*v));
	memcpy(v, p->versions, p->nversions * sizeof(*v));
	v[p->nversions++] = arena_strdup(&p->arena, version);
	qsort(v, p->nversions, sizeof(*v), cmpstr);
	p->versions = v;
}

int
datapkg_flush(struct datapkg *p, const struct dsink *sink)
{
	size_t i;

	for (i = 0; i < p->nfiles; i++)
		if ((p->files[i].data != NULL || p->files[i].fd >= 0) &&
		    sink->put(sink->ud, p, &p->files[i]) < 0)
			return -1;
	return 0;
}

void
datapkg_release(struct datapkg *p)
{
	size_t i;

	for (i = 0; i < p->nfiles; i++) {
		free(p->files[i].data);
		if (p->files[i].fd >= 0)
			close(p->files[i].fd);
	}
	free(p->files);
	tgz_release(&p->bulk);
	arena_release(&p->arena);
	memset(p, 0, sizeof(*p));
}
