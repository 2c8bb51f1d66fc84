/*
 * site: loading runs in the order of dependence (config, divisions,
 * schemas, records and front matter, then the checks that need them all),
 * and derivation (areas, tags) runs only on a clean load.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "csvtab.h"
#include "diag.h"
#include "front.h"
#include "geo.h"
#include "jobs.h"
#include "owners.h"
#include "site.h"
#include "source.h"
#include "util.h"
#include "value.h"

/* Used when a site has no content/schemas/news.yaml of its own. */
static const char news_schema[] =
    "title: 新闻\n"
    "title_en: News\n"
    "primary_key: id\n"
    "fields:\n"
    "  - {name: id, type: string, format: id, title: 编号}\n"
    "  - {name: title, type: string, required: true, max_length: 200}\n"
    "  - {name: date, type: date, required: true}\n"
    "  - {name: summary, type: string, max_length: 500}\n"
    "  - {name: summary_en, type: string, max_length: 1000}\n"
    "  - {name: province, type: division, level: province}\n"
    "  - {name: county, type: division, level: county, within: province}\n"
    "  - {name: tags, type: list}\n"
    "  - {name: source, type: string}\n"
    "  - {name: source_url, type: string, format: url}\n"
    "  - {name: author, type: string}\n"
    "  - {name: draft, type: boolean}\n";

/* Front matter of a county's brand page; not a dataset. */
static const char brand_schema[] =
    "primary_key: county\n"
    "fields:\n"
    "  - {name: county, type: division, level: county}\n"
    "  - {name: title, type: string, required: true, max_length: 200}\n"
    "  - {name: summary, type: string, max_length: 500}\n"
    "  - {name: summary_en, type: string, max_length: 1000}\n";


struct loader {
	struct site		*s;
	struct schema		*brand_schema;	/* in the site arena */
	struct recordset	 brands;
	const struct site_opts	*opts;
	struct news		**all;	/* every news item, drafts too */
	size_t			 nall, capall;
};

/* ---- small helpers ------------------------------------------------------- */

static int
cmpschema(const void *x, const void *y)
{
	return strcmp(((const struct schema *)x)->name,
	    ((const struct schema *)y)->name);
}

static int
cmpnews(const void *x, const void *y)
{
	const struct news *a = *(struct news *const *)x;
	const struct news *b = *(struct news *const *)y;
	int c = strcmp(b->date, a->date);

	return c != 0 ? c : strcmp(a->slug, b->slug);
}

static int
cmprecid(const void *x, const void *y)
{
	return strcmp((*(struct record *const *)x)->id,
	    (*(struct record *const *)y)->id);
}

static int
cmpreport(const void *x, const void *y)
{
	const struct record *a = *(struct record *const *)x;
	const struct record *b = *(struct record *const *)y;
	const char *da = record_str(a, "date"), *db = record_str(b, "date");
	int c = strcmp(db ? db : "", da ? da : "");

	return c != 0 ? c : strcmp(a->id, b->id);
}

static int
cmparea(const void *x, const void *y)
{
	return strcmp((*(struct area *const *)x)->div->code,
	    (*(struct area *const *)y)->div->code);
}

static int
cmptag(const void *x, const void *y)
{
	return strcmp(((const struct tag *)x)->name,
	    ((const struct tag *)y)->name);
}

/* Append p to a growable array of pointers kept in the site arena. */
static void
push(struct arena *a, void *arrp, size_t *n, void *p)
{
	void ***arr = arrp;

	/* Grow at powers of two; the arena abandons the old block. */
	if ((*n & (*n - 1)) == 0) {
		size_t cap = *n ? *n * 2 : 1;

		*arr = arena_realloc(a, *arr, *n * sizeof(void *),
		    cap * sizeof(void *));
	}
	(*arr)[(*n)++] = p;
}

const struct recordset *
site_records(const struct site *s, const char *type)
{
	size_t i;

	for (i = 0; i < s->nschemas; i++)
		if (strcmp(s->schemas[i].name, type) == 0)
			return &s->sets[i];
	return NULL;
}

static struct recordset *
setfor(struct site *s, const char *type)
{
	return (struct recordset *)site_records(s, type);
}

struct area *
site_area(const struct site *s, const char *code)
{
	size_t i, lo = 0, hi = s->ncounties;

	/* The counties first: nearly every lookup is a station's county
	 * (41,352 nationally, each through the 31 provinces before). */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(s->counties[mid]->div->code, code);

		if (c == 0)
			return s->counties[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = 0; i < s->nprovinces; i++)
		if (strcmp(s->provinces[i].div->code, code) == 0)
			return &s->provinces[i];
	return NULL;
}

/* ---- loading ------------------------------------------------------------- */

static int
loadschemas(struct site *s)
{
	const struct sfile *f;
	size_t n, i, cap;
	int rc = 0, havenews = 0;

	n = source_under(s->src, "content/schemas/", &f);
	cap = n + 1;
	s->schemas = arena_zalloc(&s->arena, cap * sizeof(*s->schemas));
	for (i = 0; i < n; i++) {
		if (!str_has_suffix(f[i].path, ".yaml")) {
			diag_warning(f[i].path, 0, 0, "ignored: schemas are "
			    ".yaml files");
			continue;
		}
		if (strchr(f[i].path + strlen("content/schemas/"), '/')) {
			diag_warning(f[i].path, 0, 0, "ignored: schemas are "
			    "not read from subfolders");
			continue;
		}
		if (schema_load(&s->schemas[s->nschemas], &s->arena, &f[i]) < 0)
			rc = -1;
		else {
			if (strcmp(s->schemas[s->nschemas].name, "news") == 0)
				havenews = 1;
			s->nschemas++;
		}
	}
	if (!havenews && schema_parse(&s->schemas[s->nschemas++], &s->arena,
	    "(built-in news schema)", "news", news_schema,
	    sizeof(news_schema) - 1) < 0)
		xdie("built-in news schema is invalid");
	qsort(s->schemas, s->nschemas, sizeof(*s->schemas), cmpschema);
	s->sets = arena_zalloc(&s->arena, s->nschemas * sizeof(*s->sets));
	for (i = 0; i < s->nschemas; i++)
		recordset_init(&s->sets[i], &s->schemas[i]);
	return rc;
}

/* Records are read from .csv and .json files. */
static bool
recordext(const char *path)
{
	return str_has_suffix(path, ".csv") || str_has_suffix(path, ".json");
}

/* The set the records of the file at path, of the given type, join;
 * NULL when loadrecords warns of the file or refuses it. */
static struct recordset *
recordsetof(struct site *s, const char *path, const char *type)
{
	return recordext(path) && strcmp(type, "news") != 0 ?
	    setfor(s, type) : NULL;
}

/* Load a record file named <type>.csv|json (or inside a <type>/ folder). */
static int
loadrecords(struct site *s, const struct sfile *f, const char *type,
    const char *owner)
{
	struct recordset *set = recordsetof(s, f->path, type);

	if (set != NULL)
		return record_load(set, &s->arena, f, owner);
	if (!recordext(f->path)) {
		diag_warning(f->path, 0, 0, "ignored: records are .csv or "
		    ".json files");
		return 0;
	}
	diag_error(f->path, 0, 0, "no schema for record type \"%s\" "
	    "(expected content/schemas/%s.yaml)", type, type);
	return -1;
}

/* The record type of a path under a records folder: "station.csv" or
 * "station/part.json" give "station". */
static char *
typeof_path(struct arena *a, const char *rel)
{
	size_t n = strcspn(rel, "/.");

	return arena_strndup(a, rel, n);
}

/*
 * The records' files, and the news items' front matter, are parsed on
 * every thread: each file into a slot of its own, in arenas the site then
 * adopts.  They join the model in the files' order, so the model is the
 * same however the threads ran.  Their diagnostics would come out in the
 * threads' order, so the pass is muted; a pass that met any problem is
 * dropped, and the files are read again in order on this thread, which
 * reports each problem once, as it always did.
 */
struct prepass {
	struct site		*s;
	const struct sfile	*f;	/* the files, n of them */
	struct arena		*arenas;	/* one per thread */
	int			*rc;	/* a file's: -1 read it in order */
	struct recordset	*sets;	/* records: a file's own */
	struct recordset	**into;	/* records: the set they join */
	struct front		*fm;	/* news: a file's front matter */
};

static bool
prepass_run(struct prepass *p, size_t n, int jobs, jobs_fn job)
{
	bool ok;
	size_t i;
	int w;

	if (jobs < 2 || n < 2)
		return false;
	p->arenas = xcalloc((size_t)jobs, sizeof(*p->arenas));
	p->rc = xcalloc(n, sizeof(*p->rc));
	for (w = 0; w < jobs; w++)
		arena_init(&p->arenas[w]);
	ok = jobs_run_quiet(n, jobs, job, p);
	for (i = 0; ok && i < n; i++)
		ok = p->rc[i] == 0;
	for (w = 0; w < jobs; w++)
		if (ok)
			arena_adopt(&p->s->arena, &p->arenas[w]);
		else
			arena_release(&p->arenas[w]);
	free(p->arenas);
	free(p->rc);
	return ok;
}

static void
recordjob(size_t i, int worker, void *ud)
{
	struct prepass *p = ud;
	const struct sfile *f = &p->f[i];
	struct arena *a = &p->arenas[worker];
	const char *type = typeof_path(a, f->path + strlen("content/records/"));

	/* What loadrecords would warn of or refuse is left to it. */
	if ((p->into[i] = recordsetof(p->s, f->path, type)) == NULL) {
		p->rc[i] = -1;
		return;
	}
	recordset_init(&p->sets[i], p->into[i]->schema);
	p->rc[i] = record_load(&p->sets[i], a, f, NULL);
}

static int
loadrecorddir(struct site *s, int jobs)
{
	struct prepass p = { .s = s };
	const struct sfile *f;
	size_t n, i, skip = strlen("content/records/");
	int rc = 0;

	n = source_under(s->src, "content/records/", &f);
	p.f = f;
	p.sets = xcalloc(n, sizeof(*p.sets));
	p.into = xcalloc(n, sizeof(*p.into));
	if (prepass_run(&p, n, jobs, recordjob))
		for (i = 0; i < n; i++)
			recordset_take(p.into[i], &p.sets[i]);
	else
		for (i = 0; i < n; i++)
			if (loadrecords(s, &f[i], typeof_path(&s->arena,
			    f[i].path + skip), NULL) < 0)
				rc = -1;
	for (i = 0; i < n; i++)
		recordset_release(&p.sets[i]);
	free(p.sets);
	free(p.into);
	return rc;
}

/* The folder ("content/news/a/") of the news item a file under
 * content/news/ belongs to as a resource: the nearest folder above it
 * that holds an index.md; NULL when none does. */
static const char *
bundleof(struct loader *l, const char *path)
{
	size_t n = strlen(path), root = strlen("content/news/");
	char *dir = arena_strdup(&l->s->arena, path), *slash;

	while (n > root && (slash = memrchr(dir, '/', n - 1)) != NULL &&
	    (size_t)(slash - dir) >= root) {
		n = (size_t)(slash - dir) + 1;
		strcpy(dir + n, "index.md");
		if (source_get(l->s->src, dir) != NULL) {
			dir[n] = '\0';
			return dir;
		}
	}
	return NULL;
}

/* Can an item be named so in its URL (/news/<slug>/)? */
static bool
slugok(const char *slug)
{
	return id_valid(slug, 64) && strpbrk(slug,
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == NULL;
}

/* parsed: the file's front matter read already, or NULL. */
static int
loadnews(struct loader *l, const struct sfile *f, const struct front *parsed)
{
	struct site *s = l->s;
	struct front fm;
	struct news *n;
	const char *base = strrchr(f->path, '/') + 1, *bundle = NULL;
	char *slug;
	int rc = 0;

	slug = arena_strndup(&s->arena, base, strlen(base) - 3);
	if (strcmp(base, "index.md") == 0 && base - f->path >
	    (ptrdiff_t)strlen("content/news/")) {
		/* A folder of its own: the item and its images. */
		const char *dir = base - 1;

		while (dir > f->path && dir[-1] != '/')
			dir--;
		slug = arena_strndup(&s->arena, dir, (size_t)(base - 1 - dir));
		bundle = arena_strndup(&s->arena, f->path,
		    (size_t)(base - f->path));
	}
	if (!slugok(slug)) {
		diag_error(f->path, 0, 0, bundle != NULL ? N_("folder name "
		    "must be a URL slug: lower-case letters, digits, '-' and "
		    "'_'") : N_("file name must be a URL slug: lower-case "
		    "letters, digits, '-' and '_'"));
		return -1;
	}
	if (parsed != NULL)
		fm = *parsed;
	else if (front_parse(&fm, &s->arena, f) < 0)
		return -1;
	n = arena_zalloc(&s->arena, sizeof(*n));
	n->rec = record_add(setfor(s, "news"), &s->arena, fm.meta, f->path,
	    fm.meta->line > 0 ? fm.meta->line : 2, 1, slug, NULL);
	if (n->rec == NULL)
		return -1;
	if (strcmp(n->rec->id, slug) != 0) {
		diag_error(f->path, 2, 1, "id \"%s\" must match the file "
		    "name \"%s\"", n->rec->id, slug);
		return -1;
	}
	n->slug = slug;
	n->path = f->path;
	n->bundle = bundle;
	n->title = record_str(n->rec, "title");
	n->date = record_str(n->rec, "date");
	n->body = fm.body;
	n->body_len = fm.body_len;
	n->body_line = fm.body_line;
	n->draft = record_is_draft(n->rec);
	xgrow(&l->all, &l->capall, l->nall + 1, sizeof(*l->all));
	l->all[l->nall++] = n;
	return rc;
}

static void
newsjob(size_t i, int worker, void *ud)
{
	struct prepass *p = ud;

	if (str_has_suffix(p->f[i].path, ".md"))
		p->rc[i] = front_parse(&p->fm[i], &p->arenas[worker],
		    &p->f[i]);
}

static int
loadnewsdir(struct loader *l)
{
	struct prepass p = { .s = l->s };
	const struct sfile *f;
	size_t n, i;
	bool parsed;
	int rc = 0;

	n = source_under(l->s->src, "content/news/", &f);
	p.f = f;
	p.fm = xcalloc(n, sizeof(*p.fm));
	parsed = prepass_run(&p, n, l->opts->jobs, newsjob);
	for (i = 0; i < n; i++) {
		if (!str_has_suffix(f[i].path, ".md")) {
			if (bundleof(l, f[i].path) == NULL)
				diag_warning(f[i].path, 0, 0, "ignored: news "
				    "items are .md files; an image goes in the "
				    "item's own folder, beside its index.md "
				    "(docs/content.md)");
			continue;
		}
		if (loadnews(l, &f[i], parsed ? &p.fm[i] : NULL) < 0)
			rc = -1;
	}
	free(p.fm);
	return rc;
}

static int
loadbrand(struct loader *l, const struct sfile *f, const char *code)
{
	struct site *s = l->s;
	struct front fm;
	struct brand *b;

	if (front_parse(&fm, &s->arena, f) < 0)
		return -1;
	b = arena_zalloc(&s->arena, sizeof(*b));
	b->rec = record_add(&l->brands, &s->arena, fm.meta, f->path,
	    fm.meta->line > 0 ? fm.meta->line : 2, 1, code, code);
	if (b->rec == NULL)
		return -1;
	if (strcmp(b->rec->id, code) != 0) {
		diag_error(f->path, 2, 1, "county \"%s\" must be the folder's "
		    "county %s", b->rec->id, code);
		return -1;
	}
	b->path = f->path;
	b->title = record_str(b->rec, "title");
	b->body = fm.body;
	b->body_len = fm.body_len;
	b->body_line = fm.body_line;
	push(&s->arena, &s->brands, &s->nbrands, b);
	return 0;
}

/* content/counties/<code>/: index.md (brand page), <type>.csv|json
 * records owned by the county, plugin.lua (run by the plugin stage). */
static int
loadcounties(struct loader *l)
{
	struct site *s = l->s;
	const struct sfile *f;
	size_t n, i, skip = strlen("content/counties/");
	int rc = 0;

	n = source_under(s->src, "content/counties/", &f);
	for (i = 0; i < n; i++) {
		const char *rel = f[i].path + skip, *slash = strchr(rel, '/');
		const char *file;
		char *code;
		struct division *d;

		if (slash == NULL) {
			diag_warning(f[i].path, 0, 0, "ignored: county files "
			    "go in content/counties/<county code>/");
			continue;
		}
		code = arena_strndup(&s->arena, rel, (size_t)(slash - rel));
		file = slash + 1;
		d = division_find(&s->div, code);
		if (d == NULL || d->level != DIV_COUNTY) {
			diag_error(f[i].path, 0, 0, "\"%s\" is not a county "
			    "code of the reference divisions", code);
			rc = -1;
			continue;
		}
		if (strcmp(file, "index.md") == 0)
			rc |= loadbrand(l, &f[i], code);
		else if (str_has_suffix(file, ".lua") ||
		    str_has_suffix(file, ".mustache"))
			continue;	/* the plugin, its modules, templates */
		else if (str_has_suffix(file, ".csv") ||
		    str_has_suffix(file, ".json"))
			rc |= loadrecords(s, &f[i], typeof_path(&s->arena,
			    file), code);
		else
			diag_warning(f[i].path, 0, 0, "ignored: not a page, "
			    "record file or plugin");
	}
	return rc;
}

/* The data-as-of date: the newest date any published record carries,
 * news items aside (unless the site has no other dates).  It names the
 * dated data version, so a new version appears when figures change, not
 * each time a news item is posted (the news list of a version is that of
 * its newest commit). */
static const char *
newest_date(const struct site *s, bool news)
{
	const char *max = NULL;
	size_t i, j, k;

	for (i = 0; i < s->nschemas; i++) {
		if ((strcmp(s->schemas[i].name, "news") == 0) != news)
			continue;
		for (j = 0; j < s->sets[i].n; j++) {
			const struct record *r = s->sets[i].v[j];

			if (record_is_draft(r))
				continue;
			for (k = 0; k < s->schemas[i].nfields; k++) {
				const char *v;

				if (s->schemas[i].fields[k].type != FT_DATE ||
				    (v = record_str(r,
				    s->schemas[i].fields[k].name)) == NULL)
					continue;
				if (max == NULL || strcmp(v, max) > 0)
					max = v;
			}
		}
	}
	return max;
}

static void
asof(struct site *s)
{
	s->build_date = newest_date(s, false);
	if (s->build_date == NULL)
		s->asof_news = (s->build_date = newest_date(s, true)) != NULL;
}

/* ---- boundaries ---------------------------------------------------------- */

struct alias {
	const char	*from, *to;
	size_t		 at;		/* its row */
};

static int
cmpalias(const void *x, const void *y)
{
	const struct alias *a = x, *b = y;
	int c = strcmp(a->to, b->to);

	return c != 0 ? c : (a->at > b->at) - (a->at < b->at);
}

/* The boundaries of the provinces, parsed on every thread as the
 * records are (prepass): 31 files nationally, 27 ms of this thread. */
struct geopass {
	struct prepass		 p;	/* first: the jobs' argument */
	const struct sfile	**f;	/* a province's file, or NULL */
	struct geo_layer	**out;
};

static void
geojob(size_t i, int worker, void *ud)
{
	struct geopass *g = ud;
	struct arena *a = &g->p.arenas[worker];

	if (g->f[i] == NULL)
		return;
	g->out[i] = arena_zalloc(a, sizeof(*g->out[i]));
	if (geo_load(g->out[i], a, g->f[i]->path, g->f[i]->data,
	    g->f[i]->len) < 0)
		g->p.rc[i] = -1;
}

/* content/reference/boundaries/<province>.geojson for each published
 * province, and aliases.csv.  A province without boundaries only loses its
 * maps, so that is a warning; a malformed file is an error. */
static int
loadboundaries(struct site *s, int jobs)
{
	const struct sfile *f;
	struct geopass g;
	struct csvtab t;
	struct alias *al;
	size_t i;
	int rc = 0, cpoly, ccounty;

	s->geo = arena_zalloc(&s->arena, (s->nprovinces + 1) * sizeof(*s->geo));
	memset(&g, 0, sizeof(g));
	g.p.s = s;
	g.f = xcalloc(s->nprovinces + 1, sizeof(*g.f));
	g.out = xcalloc(s->nprovinces + 1, sizeof(*g.out));
	for (i = 0; i < s->nprovinces; i++) {
		char path[128];

		snprintf(path, sizeof(path),
		    "content/reference/boundaries/%s.geojson",
		    s->provinces[i].div->code);
		if ((g.f[i] = source_get(s->src, path)) == NULL)
			diag_warning(path, 0, 0, "no boundaries for %s: its "
			    "maps and county shapes are left out",
			    s->provinces[i].div->name);
	}
	if (prepass_run(&g.p, s->nprovinces, jobs, geojob))
		for (i = 0; i < s->nprovinces; i++) {
			if ((s->geo[i] = g.out[i]) != NULL)
				s->geo[i]->shipped = g.f[i]->shipped;
		}
	else
		for (i = 0; i < s->nprovinces; i++) {
			if ((f = g.f[i]) == NULL)
				continue;
			s->geo[i] = arena_zalloc(&s->arena, sizeof(*s->geo[i]));
			if (geo_load(s->geo[i], &s->arena, f->path, f->data,
			    f->len) < 0) {
				s->geo[i] = NULL;
				rc = -1;
			} else
				s->geo[i]->shipped = f->shipped;
		}
	free(g.f);
	free(g.out);
	f = source_get(s->src, "content/reference/boundaries/aliases.csv");
	if (f == NULL)
		return rc;
	if (csvtab_parse(&t, &s->arena, f->path, f->data, f->len) < 0)
		return -1;
	cpoly = csvtab_column(&t, "polygon");
	ccounty = csvtab_column(&t, "county");
	if (cpoly < 0 || ccounty < 0) {
		diag_error(f->path, 1, 1, "expected columns polygon,county");
		return -1;
	}
	s->alias_from = arena_alloc(&s->arena, t.n * sizeof(char *));
	s->alias_to = arena_alloc(&s->arena, t.n * sizeof(char *));
	al = xcalloc(t.n + 1, sizeof(*al));
	for (i = 1; i < t.n; i++) {
		al[i - 1].from = t.rows[i].fields[cpoly];
		al[i - 1].to = t.rows[i].fields[ccounty];
		al[i - 1].at = i;
	}
	/* By county (in file order within one), so site_shapes finds a
	 * county's polygons by binary search: it runs for every county. */
	qsort(al, t.n > 0 ? t.n - 1 : 0, sizeof(*al), cmpalias);
	for (i = 0; i + 1 < t.n; i++) {
		s->alias_from[s->naliases] = al[i].from;
		s->alias_to[s->naliases++] = al[i].to;
	}
	free(al);
	return rc;
}

size_t
site_shapes(const struct site *s, const char *county,
    const struct geo_shape **out, size_t max)
{
	const struct geo_shape *g;
	size_t i, j, n = 0;

	size_t lo = 0, hi = s->naliases;

	while (lo < hi) {	/* the first alias of county, if any */
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(s->alias_to[mid], county) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = 0; i < s->nprovinces; i++) {
		if (s->geo[i] == NULL || !str_has_prefix(county,
		    s->provinces[i].div->code))
			continue;
		if ((g = geo_find(s->geo[i], county)) != NULL && n < max)
			out[n++] = g;
		for (j = lo; j < s->naliases &&
		    strcmp(s->alias_to[j], county) == 0; j++)
			if ((g = geo_find(s->geo[i], s->alias_from[j])) != NULL &&
			    n < max)
				out[n++] = g;
	}
	return n;
}

/* Say once per province which counties have no polygon (they are left
 * off the maps) and which polygons match no county.  Functional zones
 * have none by nature, and the gaps of hearth's own reference are known
 * and listed (boundaries/gaps.csv): the maps name both, so neither is
 * worth a warning on every build. */
static void
checkshapes(struct site *s)
{
	const struct geo_shape *sh[8];
	struct buf b;
	size_t i, k, n;

	buf_init(&b);
	for (i = 0; i < s->nprovinces; i++) {
		const struct area *p = &s->provinces[i];
		const struct geo_layer *l = s->geo[i];

		if (l == NULL)
			continue;
		buf_reset(&b);
		for (k = n = 0; k < p->ncounties && !l->shipped; k++)
			if (!p->counties[k]->div->zone &&
			    site_shapes(s, p->counties[k]->div->code, sh, 8) == 0) {
				buf_printf(&b, "%s%s %s", n++ > 0 ? ", " : "",
				    p->counties[k]->div->code,
				    p->counties[k]->div->name);
			}
		if (n > 0)
			diag_warning(l->path, 0, 0, ngettext("%zu county of %s "
			    "has no polygon and is left off the maps: %s",
			    "%zu counties of %s have no polygon and are left "
			    "off the maps: %s", n), n, p->div->name, b.data);
		for (k = 0; k < l->n; k++) {
			const struct division *d = division_find(&s->div,
			    l->shapes[k].code);
			size_t j;

			if (d != NULL && d->level == DIV_COUNTY)
				continue;
			for (j = 0; j < s->naliases; j++)
				if (strcmp(s->alias_from[j], l->shapes[k].code) == 0)
					break;
			if (j == s->naliases)
				diag_warning(l->path, l->shapes[k].line, 0, "polygon "
				    "%s is not a county of the reference divisions "
				    "(add it to aliases.csv if the county was "
				    "renamed)", l->shapes[k].code);
		}
	}
	buf_release(&b);
}

/* Stations with coordinates should lie inside their county (positions are
 * often approximate, so this is a warning, at the station's line).  The
 * 41,352 stations of a national site are placed on every thread, each
 * into a slot of its own; the warnings then follow in the stations'
 * order. */
#define PLACE_CHUNK	1024

struct placing {
	const struct site	 *s;
	const struct recordset	 *set;
	bool			 *outside;
};

static void
placejob(size_t job, int worker, void *ud)
{
	struct placing *p = ud;
	const struct geo_shape *shapes[8];
	size_t i, j, n, end = (job + 1) * PLACE_CHUNK;

	(void)worker;
	for (i = job * PLACE_CHUNK; i < end && i < p->set->n; i++) {
		const struct record *r = p->set->v[i];
		const char *county = record_str(r, "county");
		double x, y;

		if (!record_num(r, "lon", &x) || !record_num(r, "lat", &y) ||
		    county == NULL ||
		    (n = site_shapes(p->s, county, shapes, 8)) == 0)
			continue;
		for (j = 0; j < n; j++)
			if (geo_contains(shapes[j], x, y))
				break;
		p->outside[i] = j == n;
	}
}

static void
checkpositions(struct site *s, int jobs)
{
	struct placing p = { s, site_records(s, "station"), NULL };
	size_t i;
	double x, y;

	if (p.set == NULL)
		return;
	p.outside = xcalloc(p.set->n + 1, sizeof(*p.outside));
	jobs_run((p.set->n + PLACE_CHUNK - 1) / PLACE_CHUNK, jobs, placejob,
	    &p);
	for (i = 0; i < p.set->n; i++) {
		const struct record *r = p.set->v[i];

		if (p.outside[i] && record_num(r, "lon", &x) &&
		    record_num(r, "lat", &y))
			diag_warning(r->path, r->line, r->col, "station \"%s\" "
			    "at %.4f, %.4f lies outside the boundary of county "
			    "%s", r->id, x, y, record_str(r, "county"));
	}
	free(p.outside);
}

/* ---- when things changed ------------------------------------------------- */

/* The later of a and b; a when they tie, so the first file found wins. */
static struct stamp
later(struct stamp a, struct stamp b)
{
	return b.when > a.when ? b : a;
}

static struct stamp
fileof(const struct source *src, const char *path)
{
	const struct sfile *f = source_get(src, path);
	struct stamp st = { 0, NULL };

	if (f != NULL) {
		st.when = f->lastmod;
		st.author = f->author;
	}
	return st;
}

static struct stamp
folderof(const struct source *src, struct arena *a, const char *code)
{
	const struct sfile *f;
	struct stamp st = { 0, NULL };
	size_t i, n = source_under(src, arena_printf(a, "content/counties/%s/",
	    code), &f);

	for (i = 0; i < n; i++)
		st = later(st, (struct stamp){ f[i].lastmod, f[i].author });
	return st;
}

static struct stamp
ofrecords(struct record *const *r, size_t n)
{
	struct stamp st = { 0, NULL };
	size_t i;

	for (i = 0; i < n; i++)
		st = later(st, (struct stamp){ r[i]->changed,
		    r[i]->changed_by });
	return st;
}

/* The last change of the content (the site's own stamp). */
static struct stamp
newest(const struct source *src)
{
	struct stamp st = { 0, NULL };
	bool first = true;
	size_t i;

	for (i = 0; i < src->n; i++)
		if (str_has_prefix(src->files[i].path, "content/") &&
		    (first || src->files[i].lastmod > st.when)) {
			st.when = src->files[i].lastmod;
			st.author = src->files[i].author;
			first = false;
		}
	return st;
}

/* The last change an area's pages show: of its stations and reports,
 * and for a county of its folder too (its brand page's). */
static void
areastamp(struct site *s, struct area *a)
{
	struct stamp st = later(ofrecords(a->stations, a->nstations),
	    ofrecords(a->reports, a->nreports));

	if (a->province != NULL) {
		struct stamp folder = folderof(s->src, &s->arena,
		    a->div->code);

		st = later(st, folder);
		if (a->brand != NULL)
			a->brand->changed = folder;
	}
	a->changed = st;
}

/* Every page's "last updated" follows from these, read here once. */
static void
stamps(struct site *s, const struct source *src)
{
	size_t i, j;

	for (i = 0; i < s->nschemas; i++)
		for (j = 0; j < s->sets[i].n; j++) {
			struct record *r = s->sets[i].v[j];
			struct stamp st = fileof(src, r->path);

			r->changed = st.when;
			r->changed_by = st.author;
		}
	for (i = 0; i < s->nnews; i++)
		s->news[i]->changed = fileof(src, s->news[i]->path);
	s->changed = newest(src);
	for (i = 0; i < s->nprovinces; i++)
		areastamp(s, &s->provinces[i]);
	for (i = 0; i < s->ncounties; i++)
		areastamp(s, s->counties[i]);
	for (i = 0; i < s->nbrands; i++) {
		struct brand *b = s->brands[i];

		b->own_template = source_get(src, arena_printf(&s->arena,
		    "content/counties/%s/brand.mustache", b->rec->id)) != NULL;
	}
}

/* content/reference/province-tiles.csv: code,short,row,col. */
static int
loadtiles(struct site *s, const struct source *src)
{
	const struct sfile *f = source_get(src,
	    "content/reference/province-tiles.csv");
	struct csvtab t;
	int cc, cs, cr, ccol, rc = 0;
	size_t i;

	if (f == NULL)
		return 0;
	if (csvtab_parse(&t, &s->arena, f->path, f->data, f->len) < 0)
		return -1;
	cc = csvtab_column(&t, "code");
	cs = csvtab_column(&t, "short");
	cr = csvtab_column(&t, "row");
	ccol = csvtab_column(&t, "col");
	if (cc < 0 || cs < 0 || cr < 0 || ccol < 0) {
		diag_error(f->path, 1, 1, "expected columns code,short,row,col");
		return -1;
	}
	s->tiles = arena_zalloc(&s->arena, t.n * sizeof(*s->tiles));
	for (i = 1; i < t.n; i++) {
		const struct csvrow *r = &t.rows[i];
		struct tile *tl = &s->tiles[s->ntiles];
		char *end1, *end2;
		long row = strtol(r->fields[cr], &end1, 10);
		long col = strtol(r->fields[ccol], &end2, 10);

		if (*r->fields[cr] == '\0' || *end1 != '\0' ||
		    *r->fields[ccol] == '\0' || *end2 != '\0' || row < 0 ||
		    row > 40 || col < 0 || col > 40) {
			diag_error(f->path, r->line, 1, "row and col must be "
			    "whole numbers from 0 to 40, found \"%s\" and "
			    "\"%s\"", r->fields[cr], r->fields[ccol]);
			rc = -1;
			continue;
		}
		tl->code = r->fields[cc];
		tl->name = r->fields[cs];
		tl->row = (int)row;
		tl->col = (int)col;
		s->ntiles++;
	}
	return rc;
}

/* ---- derivation ---------------------------------------------------------- */

static int
makeareas(struct site *s)
{
	const struct value *pv = s->cfg.provinces_at;
	size_t i, j, k;
	int rc = 0;

	s->provinces = arena_zalloc(&s->arena, (s->cfg.nprovinces + 1) *
	    sizeof(*s->provinces));
	for (i = 0; i < (size_t)s->cfg.nprovinces; i++) {
		struct division *d = division_find(&s->div,
		    s->cfg.provinces[i]);
		struct area *p;

		if (d == NULL || d->level != DIV_PROVINCE) {
			const struct value *v = pv->u.arr.v[i];

			diag_error("hearth.yaml", v->line, v->col, "\"%s\" is "
			    "not a province code of the reference divisions",
			    s->cfg.provinces[i]);
			rc = -1;
			continue;
		}
		p = &s->provinces[s->nprovinces++];
		p->div = d;
		for (j = 0; j < d->nchildren; j++)
			for (k = 0; k < d->children[j]->nchildren; k++) {
				struct area *c = arena_zalloc(&s->arena,
				    sizeof(*c));

				c->div = d->children[j]->children[k];
				c->province = p;
				push(&s->arena, &p->counties, &p->ncounties, c);
				push(&s->arena, &s->counties, &s->ncounties,
				    c);
			}
		if (p->ncounties > 0)
			qsort(p->counties, p->ncounties, sizeof(*p->counties),
			    cmparea);
	}
	if (s->ncounties > 0)
		qsort(s->counties, s->ncounties, sizeof(*s->counties),
		    cmparea);
	return rc;
}

/* The records an area lists, by the field that names it: stations by
 * county (and in their province's list too), reports and service
 * figures by area. */
static const struct attachment {
	const char	*type, *field;
	int		 what;		/* 0 stations, 1 reports, 2 stats */
} attachments[] = {
	{ "station", "county", 0 },
	{ "report", "area", 1 },
	{ "service_stats", "area", 2 },
};
#define NATTACHMENTS	(sizeof(attachments) / sizeof(attachments[0]))

/* Attach each record of type to the area its field names; records outside
 * the published provinces are errors (they would have no page). */
static int
attach(struct site *s, const char *type, const char *field, int what)
{
	const struct recordset *set = site_records(s, type);
	size_t i;
	int rc = 0;

	if (set == NULL)
		return 0;
	for (i = 0; i < set->n; i++) {
		struct record *r = set->v[i];
		const char *code = record_str(r, field);
		struct area *a;

		if (code == NULL)
			continue;
		if ((a = site_area(s, code)) == NULL) {
			const struct value *v = record_get(r, field);

			diag_error(r->path, v->line, v->col, "field \"%s\": %s "
			    "is not in a province this site publishes "
			    "(hearth.yaml provinces)", field, code);
			rc = -1;
			continue;
		}
		if (what == 0) {
			push(&s->arena, &a->stations, &a->nstations, r);
			if (a->province != NULL)
				push(&s->arena, &a->province->stations,
				    &a->province->nstations, r);
		} else if (what == 1)
			push(&s->arena, &a->reports, &a->nreports, r);
		else
			push(&s->arena, &a->stats, &a->nstats, r);
	}
	return rc;
}

static int
cmpstrp(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Townships with at least one station: the distinct township codes. */
static void
coverage(struct area *a)
{
	const char **t;
	size_t i, n = 0;

	if (a->nstations > 1)
		qsort(a->stations, a->nstations, sizeof(*a->stations),
		    cmprecid);
	a->covered = 0;
	t = xcalloc(a->nstations + 1, sizeof(*t));
	for (i = 0; i < a->nstations; i++)
		if ((t[n] = record_str(a->stations[i], "township")) != NULL)
			n++;
	if (n > 1)
		qsort(t, n, sizeof(*t), cmpstrp);
	for (i = 0; i < n; i++)
		if (i == 0 || strcmp(t[i], t[i - 1]) != 0)
			a->covered++;
	free(t);
	if (a->nreports > 1)
		qsort(a->reports, a->nreports, sizeof(*a->reports), cmpreport);
}

static struct tag *
findtag(struct site *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->ntags; i++)
		if (strcmp(s->tags[i].name, name) == 0)
			return &s->tags[i];
	return NULL;
}

/* The published news, newest first, and the lists of them: the areas'
 * and the tags', all in s->lists.  all: every item loaded, in any order
 * (sorted here). */
static void
indexnews(struct site *s, struct news **all, size_t nall, bool drafts)
{
	size_t i, j, cap = 0;

	if (nall > 0)
		qsort(all, nall, sizeof(*all), cmpnews);
	for (i = 0; i < nall; i++) {
		struct news *n = all[i];
		const char *p = record_str(n->rec, "province");
		const char *c = record_str(n->rec, "county");
		const struct value *tags = record_get(n->rec, "tags");

		n->province = n->county = NULL;
		if (n->draft && !drafts)
			continue;
		n->idx = s->nnews;
		push(&s->lists, &s->news, &s->nnews, n);
		if (p != NULL && (n->province = site_area(s, p)) != NULL)
			push(&s->lists, &n->province->news,
			    &n->province->nnews, n);
		if (c != NULL && (n->county = site_area(s, c)) != NULL)
			push(&s->lists, &n->county->news, &n->county->nnews,
			    n);
		for (j = 0; tags != NULL && j < tags->u.arr.len; j++) {
			const char *name = tags->u.arr.v[j]->u.str.s;
			struct tag *t = findtag(s, name);

			if (t == NULL) {
				xgrow(&s->tags, &cap, s->ntags + 1,
				    sizeof(*s->tags));
				t = &s->tags[s->ntags++];
				memset(t, 0, sizeof(*t));
				t->name = name;
			}
			if (t->n == 0 || t->news[t->n - 1] != n)
				push(&s->lists, &t->news, &t->n, n);
		}
	}
	if (s->ntags > 0) {
		/* Move the tag table into the arena: one owner. */
		struct tag *t = arena_alloc(&s->lists, s->ntags * sizeof(*t));

		memcpy(t, s->tags, s->ntags * sizeof(*t));
		free(s->tags);
		s->tags = t;
		qsort(s->tags, s->ntags, sizeof(*s->tags), cmptag);
	}
}

int
site_load(struct site *s, const struct source *src,
    const struct site_opts *opts)
{
	struct loader l;
	const struct sfile *cfg;
	size_t i;
	int rc = 0;

	memset(s, 0, sizeof(*s));
	memset(&l, 0, sizeof(l));
	arena_init(&s->arena);
	arena_init(&s->lists);
	s->src = src;
	s->history = opts->history;
	s->drafts = opts->drafts;
	l.s = s;
	l.opts = opts;
	if ((cfg = source_get(src, "hearth.yaml")) == NULL) {
		diag_error(src->root, 0, 0, "no hearth.yaml: not a hearth site");
		return -1;
	}
	if (config_load(&s->cfg, &s->arena, cfg) < 0)
		rc = -1;
	if (division_load(&s->div, &s->arena, src) < 0)
		rc = -1;
	if (loadschemas(s) < 0)
		rc = -1;
	l.brand_schema = arena_zalloc(&s->arena, sizeof(*l.brand_schema));
	if (schema_parse(l.brand_schema, &s->arena, "(built-in brand schema)",
	    "brand", brand_schema, sizeof(brand_schema) - 1) < 0)
		xdie("built-in brand schema is invalid");
	recordset_init(&l.brands, l.brand_schema);
	if ((cfg = source_get(src, OWNERS_PATH)) != NULL) {
		struct owners *o;

		/* Checked here so a broken owners file fails check and
		 * build, not only verify. */
		if (owners_parse(&o, cfg->path, cfg->data, cfg->len) < 0)
			rc = -1;
		owners_free(o);
	}
	rc |= loadtiles(s, src);
	{
		const char *dir = arena_printf(&s->arena, "themes/%s/",
		    s->cfg.theme);

		rc |= ui_load(&s->ui, &s->arena, source_get(src,
		    arena_printf(&s->arena, "%sstrings.yaml", dir)), dir);
	}
	rc |= loadrecorddir(s, opts->jobs);
	rc |= loadnewsdir(&l);
	rc |= loadcounties(&l);
	rc |= record_link(s->sets, s->nschemas, &s->div, opts->drafts,
	    opts->jobs);
	rc |= record_link(&l.brands, 1, &s->div, opts->drafts, opts->jobs);
	if (rc == 0 && makeareas(s) < 0)
		rc = -1;
	if (rc == 0 && loadboundaries(s, opts->jobs) < 0)
		rc = -1;
	if (rc == 0) {
		for (i = 0; i < NATTACHMENTS; i++)
			rc |= attach(s, attachments[i].type,
			    attachments[i].field, attachments[i].what);
	}
	if (rc == 0) {
		for (i = 0; i < s->nprovinces; i++)
			coverage(&s->provinces[i]);
		for (i = 0; i < s->ncounties; i++)
			coverage(s->counties[i]);
		for (i = 0; i < s->nbrands; i++) {
			struct brand *b = s->brands[i];

			if ((b->county = site_area(s, b->rec->id)) == NULL) {
				diag_error(b->path, 0, 0, "county %s is not in "
				    "a province this site publishes",
				    b->rec->id);
				rc = -1;
				continue;
			}
			b->county->brand = b;
		}
		indexnews(s, l.all, l.nall, opts->drafts);
		stamps(s, src);
		asof(s);
		checkshapes(s);
		checkpositions(s, opts->jobs);
	}
	free(l.all);
	recordset_release(&l.brands);
	return rc < 0 || diag_errors() > 0 ? -1 : 0;
}

void
site_release(struct site *s)
{
	size_t i;

	for (i = 0; i < s->nschemas; i++)
		recordset_release(&s->sets[i]);
	arena_release(&s->lists);
	arena_release(&s->arena);
	memset(s, 0, sizeof(*s));
}

/* The published news item of the file at path, or NULL. */
static struct news *
newsat(const struct site *s, const char *path)
{
	size_t i;

	for (i = 0; i < s->nnews; i++)
		if (strcmp(s->news[i]->path, path) == 0)
			return s->news[i];
	return NULL;
}

int
site_rebody(struct site *s, const struct sfile *was)
{
	const struct sfile *f = source_get(s->src, was->path);
	struct news *n = newsat(s, was->path);
	struct front fm;
	size_t head;

	if (n == NULL || f == NULL || n->body < was->data ||
	    n->body > was->data + was->len)
		return -1;
	head = (size_t)(n->body - was->data);
	if (f->len < head || memcmp(f->data, was->data, head) != 0 ||
	    front_parse(&fm, &s->arena, f) < 0 ||
	    fm.body != f->data + head || fm.body_line != n->body_line)
		return -1;
	n->body = fm.body;
	n->body_len = fm.body_len;
	n->changed = fileof(s->src, n->path);
	n->rec->changed = n->changed.when;
	n->rec->changed_by = n->changed.author;
	s->changed = newest(s->src);
	return 0;
}

/* The data date as it was (was), as asof made it again. */
static bool
samedate(const struct site *s, const char *was)
{
	return was == NULL ? s->build_date == NULL : s->build_date != NULL &&
	    strcmp(was, s->build_date) == 0;
}

/* The lists again (the news, the areas' and the tags'), from the
 * published items but drop (NULL, or one no longer published) and with
 * extra (NULL, or one published now). */
static void
renews(struct site *s, struct news *extra, const struct news *drop)
{
	size_t i, nall = 0;
	struct news **all = xcalloc(s->nnews + 2, sizeof(*all));

	for (i = 0; i < s->nnews; i++)
		if (s->news[i] != drop)
			all[nall++] = s->news[i];
	if (extra != NULL)
		all[nall++] = extra;
	for (i = 0; i < s->nprovinces; i++) {
		s->provinces[i].news = NULL;
		s->provinces[i].nnews = 0;
	}
	for (i = 0; i < s->ncounties; i++) {
		s->counties[i]->news = NULL;
		s->counties[i]->nnews = 0;
	}
	s->news = NULL;
	s->tags = NULL;
	s->nnews = s->ntags = 0;
	arena_reset(&s->lists);
	/* Every one is published. */
	indexnews(s, all, nall, true);
	free(all);
}

/* n's record r and front matter fm taken, dated as its file is. */
static void
setfront(struct site *s, struct news *n, struct record *r,
    const struct front *fm)
{
	n->rec = r;
	n->title = record_str(r, "title");
	n->date = record_str(r, "date");
	n->body = fm->body;
	n->body_len = fm->body_len;
	n->body_line = fm->body_line;
	n->draft = record_is_draft(r);
	n->changed = fileof(s->src, n->path);
	r->changed = n->changed.when;
	r->changed_by = n->changed.author;
	s->changed = newest(s->src);
}

/* The item of record r, read from the file at path, as loadnews makes
 * it (r's id is its slug). */
static struct news *
newsitem(struct site *s, struct record *r, const char *path,
    const struct front *fm)
{
	struct news *n = arena_zalloc(&s->arena, sizeof(*n));
	const char *base = strrchr(path, '/') + 1;

	n->slug = r->id;
	n->path = path;
	if (strcmp(base, "index.md") == 0 && base - path >
	    (ptrdiff_t)strlen("content/news/"))
		n->bundle = arena_strndup(&s->arena, path,
		    (size_t)(base - path));
	setfront(s, n, r, fm);
	return n;
}

/* The place in set of the record read from the file at path (news
 * items have a file each), or set->n. */
static size_t
recordat(const struct recordset *set, const char *path)
{
	size_t at;

	for (at = 0; at < set->n && strcmp(set->v[at]->path, path) != 0; at++)
		continue;
	return at;
}

/* The record of news item file fm read from path, its id the slug,
 * checked as loadnews and record_link check it, on its own (namers
 * checks the records that name it), or NULL. */
static struct record *
frontrecord(struct site *s, const struct recordset *set, const char *path,
    const struct front *fm, const char *slug)
{
	struct recordset one;
	struct record *r;

	recordset_init(&one, set->schema);
	r = record_add(&one, &s->arena, fm->meta, path, fm->meta->line > 0 ?
	    fm->meta->line : 2, 1, slug, NULL);
	recordset_release(&one);
	if (r == NULL || strcmp(r->id, slug) != 0 ||
	    record_relink(r, s->sets, s->nschemas, &s->div, s->drafts) < 0)
		return NULL;
	return r;
}

/* Every record that names news item id (a field of type ref) checked
 * again as record_link checks it, against the records as they are now:
 * an item taken away or made a draft, or moved to another county, that a
 * report names fails the build.  0, or -1. */
static int
namers(struct site *s, const char *id)
{
	size_t i, j, k;

	for (i = 0; i < s->nschemas; i++)
		for (j = 0; j < s->schemas[i].nfields; j++) {
			const struct field *fd = &s->schemas[i].fields[j];
			const struct recordset *set = &s->sets[i];

			if (fd->type != FT_REF || strcmp(fd->ref, "news") != 0)
				continue;
			for (k = 0; k < set->n; k++) {
				const char *v = record_str(set->v[k],
				    fd->name);

				if (v != NULL && strcmp(v, id) == 0 &&
				    record_relink(set->v[k], s->sets,
				    s->nschemas, &s->div, s->drafts) < 0)
					return -1;
			}
		}
	return 0;
}

int
site_refront(struct site *s, const struct sfile *was,
    site_given_fn *given, const void *ud)
{
	const struct sfile *f = source_get(s->src, was->path);
	struct recordset *set = setfor(s, "news");
	struct news *n = newsat(s, was->path);
	const char *date = s->build_date;
	struct record *r;
	struct front fm;
	size_t at;
	bool shown;

	if (f == NULL || set == NULL)
		return -1;
	/* The published item's record, or a draft's. */
	if ((at = recordat(set, f->path)) == set->n ||
	    front_parse(&fm, &s->arena, f) < 0 || (r = frontrecord(s, set,
	    f->path, &fm, set->v[at]->id)) == NULL || given(ud, set->v[at]) ||
	    given(ud, r))
		return -1;
	record_replace(set, at, r);
	if (namers(s, r->id) < 0)
		return -1;
	shown = !record_is_draft(r) || s->drafts;
	if (n != NULL) {
		setfront(s, n, r, &fm);
		/* Published still, or made a draft: out of the lists. */
		renews(s, NULL, shown ? NULL : n);
	} else if (shown)	/* a draft published */
		renews(s, newsitem(s, r, f->path, &fm), NULL);
	else			/* a draft still: only the site's last
				   change can show */
		s->changed = newest(s->src);
	asof(s);
	return samedate(s, date) ? 0 : -1;
}

int
site_removenews(struct site *s, const char *path, site_given_fn *given,
    const void *ud)
{
	struct recordset *set = setfor(s, "news");
	struct news *n = newsat(s, path);
	const char *base = strrchr(path, '/'), *date = s->build_date, *id;
	size_t at;

	/* A file of its own, as site_addnews takes one. */
	if (set == NULL || base == NULL || !str_has_prefix(path,
	    "content/news/") || strcmp(base, "/index.md") == 0)
		return -1;
	if ((at = recordat(set, path)) == set->n || given(ud, set->v[at]))
		return -1;
	id = set->v[at]->id;
	record_remove(set, at);
	if (namers(s, id) < 0)
		return -1;
	if (n != NULL)
		renews(s, NULL, n);
	s->changed = newest(s->src);
	asof(s);
	return samedate(s, date) ? 0 : -1;
}

int
site_addnews(struct site *s, const char *path, site_given_fn *given,
    const void *ud)
{
	const struct sfile *f = source_get(s->src, path);
	struct recordset *set = setfor(s, "news");
	const char *base = strrchr(path, '/'), *date = s->build_date;
	struct record *r;
	struct front fm;
	char *slug;
	size_t at;

	/* A file of its own: an item's folder (an index.md) brings the
	 * files beside it, which the build publishes with it. */
	if (f == NULL || set == NULL || base == NULL ||
	    !str_has_prefix(path, "content/news/") ||
	    !str_has_suffix(path, ".md") || strcmp(base, "/index.md") == 0)
		return -1;
	slug = arena_strndup(&s->arena, base + 1, strlen(base + 1) - 3);
	if (!slugok(slug) || record_find(set, slug) != NULL ||
	    front_parse(&fm, &s->arena, f) < 0 ||
	    (r = frontrecord(s, set, f->path, &fm, slug)) == NULL ||
	    (record_is_draft(r) && !s->drafts) || given(ud, r))
		return -1;
	/* Where the load puts it: the set is in the order of the files. */
	for (at = 0; at < set->n && strcmp(set->v[at]->path, path) < 0; at++)
		continue;
	record_insert(set, at, r);
	renews(s, newsitem(s, r, f->path, &fm), NULL);
	asof(s);
	return samedate(s, date) ? 0 : -1;
}

/*
 * A county's brand page: its front matter checked as loadbrand and
 * record_link check it (its county the folder's), then taken with its
 * text, and the day its pages and its county's show.  Whatever reads
 * the brand (its page, its county's) reads it through the county.  No
 * plugin's records hook is given a brand (it is given the record sets),
 * so none can follow from it.
 */
int
site_rebrand(struct site *s, const struct sfile *was)
{
	const struct sfile *f = source_get(s->src, was->path);
	const char *date = s->build_date;
	struct brand *b = NULL;
	struct recordset one;
	struct record *r;
	struct front fm;
	size_t i;
	int rc;

	for (i = 0; i < s->nbrands && b == NULL; i++)
		if (strcmp(s->brands[i]->path, was->path) == 0)
			b = s->brands[i];
	if (b == NULL || f == NULL || front_parse(&fm, &s->arena, f) < 0)
		return -1;
	recordset_init(&one, b->rec->schema);
	r = record_add(&one, &s->arena, fm.meta, f->path, fm.meta->line > 0 ?
	    fm.meta->line : 2, 1, b->rec->id, b->rec->id);
	rc = r == NULL || strcmp(r->id, b->rec->id) != 0 ||
	    record_relink(r, &one, 1, &s->div, s->drafts) < 0 ? -1 : 0;
	recordset_release(&one);
	if (rc < 0)
		return -1;
	b->rec = r;
	b->title = record_str(r, "title");
	b->body = fm.body;
	b->body_len = fm.body_len;
	b->body_line = fm.body_line;
	areastamp(s, b->county);
	s->changed = newest(s->src);
	asof(s);
	return samedate(s, date) ? 0 : -1;
}

/* The type of the records of the file at path, and their owner (the
 * county of its folder, else NULL), as the load reads them; NULL when
 * it is no record file. */
static const char *
recordfile(struct arena *a, const char *path, const char **owner)
{
	const char *rel, *slash;

	*owner = NULL;
	if (!recordext(path))
		return NULL;
	if (str_has_prefix(path, "content/records/"))
		return typeof_path(a, path + strlen("content/records/"));
	if (!str_has_prefix(path, "content/counties/"))
		return NULL;
	rel = path + strlen("content/counties/");
	if ((slash = strchr(rel, '/')) == NULL)
		return NULL;
	*owner = arena_strndup(a, rel, (size_t)(slash - rel));
	return typeof_path(a, slash + 1);
}

/* In a's list of stations (by id), r in the place of the one of its id. */
static void
relist(struct area *a, struct record *r)
{
	size_t lo = 0, hi = a->nstations;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(a->stations[mid]->id, r->id);

		if (c == 0) {
			a->stations[mid] = r;
			return;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
}

/* In a list of records, r in the place of old. */
static void
swaprec(struct record **v, size_t n, const struct record *old,
    struct record *r)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] == old)
			v[i] = r;
}

/* Do o and r agree on every field of the given type? */
static bool
samekind(const struct record *o, const struct record *r, enum field_type t)
{
	const struct schema *sc = r->schema;
	size_t i;

	for (i = 0; i < sc->nfields; i++) {
		const char *a, *b;

		if (sc->fields[i].type != t)
			continue;
		a = record_str(o, sc->fields[i].name);
		b = record_str(r, sc->fields[i].name);
		if ((a == NULL) != (b == NULL) || (a != NULL && strcmp(a, b)))
			return false;
	}
	return true;
}

/* Note area a among those whose lists changed. */
static void
touched(struct area **areas, size_t *n, struct area *a)
{
	size_t k;

	for (k = 0; k < *n && areas[k] != a; k++)
		;
	if (k == *n)
		areas[(*n)++] = a;
}

int
site_rerecords(struct site *s, const struct sfile *was,
    site_given_fn *given, const void *ud)
{
	const struct sfile *f = source_get(s->src, was->path);
	const struct attachment *at = NULL;
	struct recordset *set, one;
	const char *owner, *type, *date = s->build_date;
	struct area **areas = NULL, *c;
	size_t i, j, nareas = 0;
	struct stamp st;
	bool stations;
	int rc = -1;

	if (f == NULL || (type = recordfile(&s->arena, f->path, &owner)) ==
	    NULL || (set = recordsetof(s, f->path, type)) == NULL)
		return -1;
	stations = strcmp(type, "station") == 0;
	for (i = 0; i < NATTACHMENTS; i++)
		if (strcmp(attachments[i].type, type) == 0)
			at = &attachments[i];
	recordset_init(&one, set->schema);
	if (record_load(&one, &s->arena, f, owner) < 0)
		goto out;
	/* The same records in the same order, in the area they were in, a
	 * draft or not as they were: the areas' lists and every other
	 * record's links to them stay as they are.  A station may change
	 * its township and dates (its county's coverage is counted
	 * again); any other record none of its division codes and dates,
	 * which place it in lists and order them, and which other
	 * records' links are checked against.  Each checked as
	 * record_link checks it. */
	for (i = j = 0; i < set->n; i++) {
		const struct record *o = set->v[i], *r;
		const char *was_in, *is_in;

		if (strcmp(o->path, f->path) != 0)
			continue;
		if (j == one.n)
			goto out;
		r = one.v[j++];
		was_in = at != NULL ? record_str(o, at->field) : NULL;
		is_in = at != NULL ? record_str(r, at->field) : NULL;
		if (strcmp(o->id, r->id) != 0 || (was_in == NULL) !=
		    (is_in == NULL) || (was_in != NULL &&
		    strcmp(was_in, is_in) != 0) ||
		    record_is_draft(o) != record_is_draft(r) ||
		    (!stations && (!samekind(o, r, FT_DIVISION) ||
		    !samekind(o, r, FT_DATE))) ||
		    given(ud, o) || given(ud, r) || record_relink(r, s->sets,
		    s->nschemas, &s->div, s->drafts) < 0)
			goto out;
	}
	if (j != one.n)
		goto out;
	st = fileof(s->src, f->path);
	areas = xcalloc(2 * one.n + 1, sizeof(*areas));
	for (i = j = 0; i < set->n; i++) {
		struct record *r, *o = set->v[i];
		const char *code;

		if (strcmp(o->path, f->path) != 0)
			continue;
		r = one.v[j++];
		r->changed = st.when;
		r->changed_by = st.author;
		record_replace(set, i, r);
		if (at == NULL || (code = record_str(r, at->field)) == NULL ||
		    (c = site_area(s, code)) == NULL)
			continue;
		if (at->what == 0)
			for (; c != NULL; c = c->province) {
				relist(c, r);
				touched(areas, &nareas, c);
			}
		else {
			if (at->what == 1)
				swaprec(c->reports, c->nreports, o, r);
			else
				swaprec(c->stats, c->nstats, o, r);
			touched(areas, &nareas, c);
		}
	}
	for (i = 0; i < nareas; i++) {
		coverage(areas[i]);
		areastamp(s, areas[i]);
	}
	s->changed = newest(s->src);
	asof(s);
	rc = samedate(s, date) ? 0 : -1;
out:
	free(areas);
	recordset_release(&one);
	return rc;
}
