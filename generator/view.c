/*
 * view: contexts for the theme's templates.
 *
 * Every figure a page prints is formatted here once ("1,094", "72.45%",
 * "2,000+"), next to the raw value, so templates stay free of logic and a
 * number reads the same on every page.  Strings go into contexts raw; the
 * template engine escapes them.  Only two kinds of value are HTML already:
 * rendered Markdown ("body") and charts ("chart"), both made here.
 */
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "buf.h"
#include "chart.h"
#include "diag.h"
#include "dataset.h"
#include "deps.h"
#include "json.h"
#include "schema.h"
#include "map.h"
#include "plugin.h"
#include "markdown.h"
#include "record.h"
#include "release.h"
#include "history.h"
#include "jobs.h"
#include "source.h"
#include "site.h"
#include "util.h"
#include "value.h"
#include "view.h"

#define HOME_NEWS	6
#define PROVINCE_NEWS_SHOWN 10	/* on a province page; the rest on
				   provinces/<code>/news/ */
#define FOOTER_PROVINCES 6	/* provinces a page's footer links */

#include "view_int.h"

static void buildindex(struct view *, struct byfield *, const char *,
    const char *);

static const char *const templates[] = {
	[PG_HOME] = "home",
	[PG_NEWS_LIST] = "news-list",
	[PG_NEWS] = "news",
	[PG_TAGS] = "tags",
	[PG_TAG] = "tag",
	[PG_PROVINCES] = "provinces",
	[PG_PROVINCE] = "province",
	[PG_PROVINCE_NEWS] = "province-news",
	[PG_COUNTY] = "county",
	[PG_STATIONS] = "stations",
	[PG_STATION] = "station",
	[PG_CAMPAIGNS] = "campaigns",
	[PG_CAMPAIGN] = "campaign",
	[PG_INITIATIVE] = "initiative",
	[PG_BRAND] = "brand",
	[PG_DATA] = "data",
	[PG_DATASET] = "dataset",
	[PG_CHANGES] = "data-changes",
	[PG_VERSION] = "data-version",
	[PG_GUIDE] = "data-guide",
	[PG_SEARCH] = "search",
	[PG_NOT_FOUND] = "404",
};

const char *
view_template(enum page_kind kind)
{
	return templates[kind];
}

const char *
view_page_template(const struct page *p)
{
	return p->tmpl != NULL ? p->tmpl : templates[p->kind];
}

/* ==== formatting ======================================================== */

struct value *
vw_str(struct arena *a, const char *s)
{
	return s != NULL ? value_str(a, s) : value_null(a);
}

char *
vw_grouped(struct arena *a, long long n, int lower_bound)
{
	struct buf b;
	char *s;

	buf_init(&b);
	buf_put_int_grouped(&b, n);
	if (lower_bound)
		buf_putc(&b, '+');
	s = arena_strndup(a, b.data, b.len);
	buf_release(&b);
	return s;
}

static char *
percent(struct arena *a, double frac)
{
	return arena_printf(a, "%.2f%%", frac * 100.0);
}

char *
vw_date(struct view *v, struct arena *a, const char *iso)
{
	int y = 0, m = 0, d = 0;
	char ys[16], ms[16], ds[16];

	if (iso == NULL)
		return NULL;
	if (sscanf(iso, "%d-%d-%d", &y, &m, &d) == 3) {
		snprintf(ys, sizeof(ys), "%d", y);
		snprintf(ms, sizeof(ms), "%d", m);
		snprintf(ds, sizeof(ds), "%d", d);
		return UIF(DATE_DAY, "y", ys, "m", ms, "d", ds);
	}
	if (sscanf(iso, "%d-%d", &y, &m) == 2) {
		snprintf(ys, sizeof(ys), "%d", y);
		snprintf(ms, sizeof(ms), "%d", m);
		return UIF(DATE_MONTH, "y", ys, "m", ms);
	}
	return arena_strdup(a, iso);
}

/* ==== URLs ============================================================== */

/* A link: the site's base path, then path with each byte that is not safe
 * in a URL %-encoded (tags are Chinese). */
char *
vw_href(struct view *v, struct arena *a, const char *path)
{
	struct buf b;
	char *s;

	buf_init(&b);
	buf_puts(&b, v->s->cfg.base_path);
	buf_put_url_path(&b, path, strlen(path));
	s = arena_strndup(a, b.data, b.len);
	buf_release(&b);
	return s;
}

static char *
listpath(struct arena *a, const char *dir, int pageno)
{
	return pageno <= 1 ? arena_strdup(a, dir) :
	    arena_printf(a, "%spage/%d/", dir, pageno);
}

static char *
newspath(struct arena *a, const struct news *n)
{
	return arena_printf(a, "news/%s/", n->slug);
}

static char *
areapath(struct arena *a, const struct area *ar)
{
	return arena_printf(a, "%s/%s/", ar->province == NULL ? "provinces" :
	    "counties", ar->div->code);
}

static char *
recpath(struct arena *a, const struct record *r)
{
	const char *type = r->schema->name;

	if (strcmp(type, "station") == 0)
		return arena_printf(a, "stations/%s/", r->id);
	if (strcmp(type, "campaign") == 0)
		return arena_printf(a, "campaigns/%s/", r->id);
	if (strcmp(type, "initiative") == 0)
		return arena_printf(a, "initiatives/%s/", r->id);
	return NULL;
}

struct value *
vw_link(struct view *v, struct arena *a, const char *title, const char *path)
{
	struct value *o = value_obj(a);

	value_set(a, o, "title", vw_str(a, title));
	value_set(a, o, "url", value_str(a, vw_href(v, a, path)));
	return o;
}

/* ==== the plan ========================================================== */

static void
plan(struct view *v, enum page_kind kind, const char *dir, const void *obj,
    int pageno, int npages)
{
	struct page *p;

	xgrow(&v->pages, &v->cap, v->npages + 1, sizeof(*v->pages));
	p = &v->pages[v->npages++];
	p->kind = kind;
	p->file = kind == PG_NOT_FOUND ? "404.html" :
	    arena_printf(&v->a, "%sindex.html", dir);
	p->obj = obj;
	p->pageno = pageno;
	p->npages = npages;
	p->tmpl = NULL;
}

static void
planlist(struct view *v, enum page_kind kind, const char *dir,
    const void *obj, size_t items)
{
	int per = v->s->cfg.paginate, n = (int)((items + per - 1) / per), i;

	if (n < 1)
		n = 1;
	for (i = 1; i <= n; i++)
		plan(v, kind, listpath(&v->a, dir, i), obj, i, n);
}

static void
makeplan(struct view *v)
{
	const struct site *s = v->s;
	const struct recordset *set;
	size_t i;

	plan(v, PG_HOME, "", NULL, 0, 0);
	planlist(v, PG_NEWS_LIST, "news/", NULL, s->nnews);
	for (i = 0; i < s->nnews; i++)
		plan(v, PG_NEWS, newspath(&v->a, s->news[i]), s->news[i], 0, 0);
	plan(v, PG_TAGS, "tags/", NULL, 0, 0);
	for (i = 0; i < s->ntags; i++)
		planlist(v, PG_TAG, arena_printf(&v->a, "tags/%s/",
		    s->tags[i].name), &s->tags[i], s->tags[i].n);
	plan(v, PG_PROVINCES, "provinces/", NULL, 0, 0);
	for (i = 0; i < s->nprovinces; i++) {
		const struct area *p = &s->provinces[i];

		plan(v, PG_PROVINCE, areapath(&v->a, p), p, 0, 0);
		if (p->nnews > PROVINCE_NEWS_SHOWN)
			planlist(v, PG_PROVINCE_NEWS, arena_printf(&v->a,
			    "%snews/", areapath(&v->a, p)), p, p->nnews);
	}
	for (i = 0; i < s->ncounties; i++)
		plan(v, PG_COUNTY, areapath(&v->a, s->counties[i]),
		    s->counties[i], 0, 0);
	for (i = 0; i < s->nbrands; i++) {
		const char *code = s->brands[i]->rec->id;

		plan(v, PG_BRAND, arena_printf(&v->a, "counties/%s/brand/",
		    code), s->brands[i], 0, 0);
		if (s->brands[i]->own_template)
			v->pages[v->npages - 1].tmpl = arena_printf(&v->a,
			    "brand-%s", code);
	}
	if ((set = site_records(s, "station")) != NULL) {
		planlist(v, PG_STATIONS, "stations/", NULL, set->n);
		for (i = 0; i < set->n; i++)
			plan(v, PG_STATION, recpath(&v->a, set->v[i]),
			    set->v[i], 0, 0);
	}
	if ((set = site_records(s, "campaign")) != NULL) {
		plan(v, PG_CAMPAIGNS, "campaigns/", NULL, 0, 0);
		for (i = 0; i < set->n; i++)
			plan(v, PG_CAMPAIGN, recpath(&v->a, set->v[i]),
			    set->v[i], 0, 0);
	}
	if ((set = site_records(s, "initiative")) != NULL)
		for (i = 0; i < set->n; i++)
			plan(v, PG_INITIATIVE, recpath(&v->a, set->v[i]),
			    set->v[i], 0, 0);
	if (v->data != NULL) {
		plan(v, PG_DATA, "data/", NULL, 0, 0);
		plan(v, PG_CHANGES, "data/changes/", NULL, 0, 0);
		plan(v, PG_GUIDE, "data/guide/", NULL, 0, 0);
		for (i = 0; i < v->data->ntables; i++)
			plan(v, PG_DATASET, arena_printf(&v->a, "data/%s/",
			    v->data->tables[i].name), &v->data->tables[i], 0, 0);
		for (i = 0; i < v->data->nversions; i++)
			plan(v, PG_VERSION, arena_printf(&v->a, "data/v/%s/",
			    v->data->versions[i]), v->data->versions[i], 0, 0);
	}
	plan(v, PG_SEARCH, "search/", NULL, 0, 0);
	plan(v, PG_NOT_FOUND, "", NULL, 0, 0);
}

const struct page *
view_plan(struct view *v, size_t *n)
{
	*n = v->npages;
	return v->pages;
}

/* ==== shared blocks ===================================================== */

static struct value *
siteblock(struct view *v)
{
	const struct config *c = &v->s->cfg;
	struct arena *a = &v->a;
	struct value *o = value_obj(a), *lic = value_obj(a), *pv = value_arr(a);
	size_t i;

	value_set(a, o, "title", vw_str(a, c->title));
	value_set(a, o, "title_en", vw_str(a, c->title_en));
	value_set(a, o, "description", vw_str(a, c->description));
	value_set(a, o, "publisher", vw_str(a, c->publisher));
	value_set(a, o, "language", vw_str(a, c->language));
	value_set(a, o, "base", vw_str(a, c->base_path));
	value_set(a, o, "base_url", vw_str(a, c->base_url));
	value_set(a, o, "css", value_str(a, vw_href(v, a, "assets/style.css")));
	value_set(a, lic, "id", vw_str(a, c->licence_id));
	value_set(a, lic, "title", vw_str(a, c->licence_title));
	value_set(a, lic, "url", vw_str(a, c->licence_url));
	value_set(a, o, "licence", c->licence_id != NULL ? lic :
	    value_null(a));
	value_set(a, o, "data_as_of", vw_str(a, v->s->build_date));
	value_set(a, o, "data_as_of_text", vw_str(a, vw_date(v, a,
	    v->s->build_date)));
	for (i = 0; i < v->s->nprovinces; i++) {
		const struct area *p = &v->s->provinces[i];

		value_push(a, pv, vw_link(v, a, p->div->name, areapath(a, p)));
	}
	value_set(a, o, "provinces", pv);
	/* The footer's links to every province, where there are few: a
	 * national site's 31 on each of its 58,000 pages would be 75 MB,
	 * and the main navigation links the provinces page. */
	value_set(a, o, "footer_provinces", v->s->nprovinces <=
	    FOOTER_PROVINCES ? pv : value_arr(a));
	return o;
}

static struct value *
tagslinks(struct view *v, struct arena *a, const struct record *r)
{
	const struct value *tags = record_get(r, "tags");
	struct value *out = value_arr(a);
	size_t i;

	for (i = 0; tags != NULL && i < tags->u.arr.len; i++) {
		const char *t = tags->u.arr.v[i]->u.str.s;

		value_push(a, out, vw_link(v, a, t, arena_printf(a, "tags/%s/",
		    t)));
	}
	return out;
}

/* What a list shows of a news item. */
static struct value *
newscard(struct view *v, struct arena *a, const struct news *n)
{
	struct value *o = value_obj(a);

	value_set(a, o, "title", vw_str(a, n->title));
	value_set(a, o, "url", value_str(a, vw_href(v, a, newspath(a, n))));
	value_set(a, o, "date", vw_str(a, n->date));
	value_set(a, o, "date_text", vw_str(a, vw_date(v, a, n->date)));
	value_set(a, o, "summary", vw_str(a, record_str(n->rec, "summary")));
	value_set(a, o, "summary_en", vw_str(a, record_str(n->rec,
	    "summary_en")));
	value_set(a, o, "province", n->province != NULL ? vw_link(v, a,
	    n->province->div->name, areapath(a, n->province)) :
	    value_null(a));
	value_set(a, o, "tags", tagslinks(v, a, n->rec));
	return o;
}

static struct value *
cards(struct view *v, struct arena *a, struct news *const *news, size_t n,
    size_t from, size_t max)
{
	struct value *arr = value_arr(a);
	size_t i, j;

	for (i = from; i < n && i < from + max; i++) {
		j = news[i]->idx;
		value_push(a, arr, j < v->s->nnews && v->s->news[j] == news[i] ?
		    v->cards[j] : newscard(v, a, news[i]));
	}
	return arr;
}

static int
cmpstrp(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static int
cmpslug(const void *x, const void *y)
{
	return strcmp((*(const struct news *const *)x)->slug,
	    (*(const struct news *const *)y)->slug);
}

/* The news items' cards, each in its worker's arena: 10,000 nationally
 * took a view 60 ms on one thread, and the view is made again for every
 * edit of front matter that hearth serve takes. */
struct carding {
	struct view	*v;
	struct arena	*arenas;
};

static void
cardone(size_t i, int worker, void *ud)
{
	struct carding *c = ud;

	c->v->cards[i] = newscard(c->v, &c->arenas[worker], c->v->s->news[i]);
}

struct view *
view_new(const struct site *s, const struct datapkg *data,
    const struct mapset *maps, const struct releases *releases,
    struct plugin_host *plugins, int jobs)
{
	struct carding cards;
	struct view *v = xcalloc(1, sizeof(*v));
	size_t i;

	if (jobs < 1)
		jobs = 1;
	v->s = s;
	v->data = data;
	v->maps = maps;
	v->releases = releases;
	v->plugins = plugins;
	arena_init(&v->a);
	for (i = 0; i < NINDEXED; i++)
		buildindex(v, &v->idx[i], indexed[i][0], indexed[i][1]);
	v->site = siteblock(v);
	v->cards = arena_alloc(&v->a, (s->nnews + 1) * sizeof(*v->cards));
	cards.v = v;
	cards.arenas = xcalloc((size_t)jobs + 1, sizeof(*cards.arenas));
	for (i = 0; i < (size_t)jobs; i++)
		arena_init(&cards.arenas[i]);
	jobs_run(s->nnews, jobs, cardone, &cards);
	for (i = 0; i < (size_t)jobs; i++)
		arena_adopt(&v->a, &cards.arenas[i]);
	free(cards.arenas);
	v->byslug = arena_alloc(&v->a, (s->nnews + 1) * sizeof(*v->byslug));
	memcpy(v->byslug, s->news, s->nnews * sizeof(*v->byslug));
	qsort(v->byslug, s->nnews, sizeof(*v->byslug), cmpslug);
	makeplan(v);
	v->files = arena_alloc(&v->a, (v->npages + 1) * sizeof(*v->files));
	for (i = 0; i < v->npages; i++)
		v->files[i] = v->pages[i].file;
	qsort(v->files, v->npages, sizeof(*v->files), cmpstrp);
	v->keys = xcalloc(v->npages + 1, sizeof(*v->keys));
	return v;
}

void
view_free(struct view *v)
{
	if (v == NULL)
		return;
	free(v->pages);
	free(v->keys);
	arena_release(&v->a);
	free(v);
}

/* ==== records =========================================================== */

/* A record for templates: every field as is, plus "<field>_text" for
 * numbers (grouped, "+" for lower bounds, percent formats) and dates. */
static struct value *
recordctx(struct view *v, struct arena *a, const struct record *r)
{
	const struct schema *sc = r->schema;
	struct value *o = value_obj_copy(a, r->fields);
	const struct value *ex;
	const char *path;
	size_t i;

	for (i = 0; i < sc->nfields; i++) {
		const struct field *fd = &sc->fields[i];
		const struct value *f = record_get(r, fd->name);
		char *key, *text = NULL;

		/* What is derived from a field is there whenever the field
		 * may be: null where the record has none, so templates can
		 * tell (and strict templates know the name). */
		if (f == NULL || f->kind == VAL_NULL) {
			if (fd->type == FT_DIVISION)
				value_set(a, o, arena_printf(a, "%s_name",
				    fd->name), value_null(a));
			else if (fd->type == FT_INTEGER ||
			    fd->type == FT_NUMBER || fd->type == FT_DATE ||
			    fd->type == FT_YEARMONTH)
				value_set(a, o, arena_printf(a, "%s_text",
				    fd->name), value_null(a));
		}
		if (f == NULL)
			continue;
		key = arena_printf(a, "%s_text", fd->name);
		if (f->kind == VAL_INT)
			text = vw_grouped(a, f->u.i, record_is_lower_bound(r,
			    fd->name));
		else if (f->kind == VAL_NUM && fd->format != NULL &&
		    strcmp(fd->format, "percent") == 0)
			text = percent(a, f->u.num.d);
		else if (fd->type == FT_DATE || fd->type == FT_YEARMONTH)
			text = vw_date(v, a, f->u.str.s);
		else if (fd->type == FT_DIVISION) {
			const struct division *d = division_find(&v->s->div,
			    f->u.str.s);

			if (d != NULL)
				value_set_str(a, o, arena_printf(a, "%s_name",
				    fd->name), d->name);
		}
		if (text != NULL)
			value_set(a, o, key, value_str(a, text));
	}
	if (strcmp(sc->name, "station") == 0) {
		const char *k = record_str(r, "kind");

		value_set_str(a, o, "kind_label", k != NULL &&
		    strcmp(k, "county") == 0 ? UI(STATION_COUNTY) :
		    UI(STATION_TOWNSHIP));
	}
	if ((path = recpath(a, r)) != NULL)
		value_set(a, o, "url", value_str(a, vw_href(v, a, path)));
	/* Values a plugin's records hook gave the record: page-only, under
	 * their own key so they never shadow a field. */
	if (v->plugins != NULL && (ex = plugin_extras(v->plugins, r)) != NULL)
		value_set(a, o, "plugin", (struct value *)ex);
	return o;
}

static int
cmpkeyrec(const void *x, const void *y)
{
	const struct keyrec *a = x, *b = y;
	int c = strcmp(a->key, b->key);
	long long oa, ob;

	if (c != 0)
		return c;
	/* Within one key, in the records' own "order" when they have one
	 * (a campaign's actions), then by id. */
	oa = record_int(a->r, "order", LLONG_MAX);
	ob = record_int(b->r, "order", LLONG_MAX);
	if (oa != ob)
		return oa < ob ? -1 : 1;
	return strcmp(a->r->id, b->r->id);
}

static void
buildindex(struct view *v, struct byfield *ix, const char *type,
    const char *field)
{
	const struct recordset *set = site_records(v->s, type);
	size_t i;

	ix->type = type;
	ix->field = field;
	ix->v = arena_alloc(&v->a, ((set ? set->n : 0) + 1) * sizeof(*ix->v));
	for (i = 0; set != NULL && i < set->n; i++)
		if ((ix->v[ix->n].key = record_str(set->v[i], field)) != NULL)
			ix->v[ix->n++].r = set->v[i];
	if (ix->n > 1)
		qsort(ix->v, ix->n, sizeof(*ix->v), cmpkeyrec);
}

/* Records of type whose field equals id, as contexts. */
static struct value *
related(struct view *v, struct arena *a, const char *type, const char *field,
    const char *id)
{
	struct value *arr = value_arr(a);
	const struct byfield *ix = NULL;
	size_t i, lo, hi;

	for (i = 0; i < NINDEXED; i++)
		if (strcmp(v->idx[i].type, type) == 0 &&
		    strcmp(v->idx[i].field, field) == 0)
			ix = &v->idx[i];
	if (ix == NULL)
		xdie("related: %s.%s is not indexed", type, field);
	for (lo = 0, hi = ix->n; lo < hi;) {
		size_t mid = (lo + hi) / 2;

		if (strcmp(ix->v[mid].key, id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i < ix->n && strcmp(ix->v[i].key, id) == 0; i++)
		value_push(a, arr, recordctx(v, a, ix->v[i].r));
	return arr;
}

/* News items whose front matter field names id. */
static struct value *
newsabout(struct view *v, struct arena *a, const char *field, const char *id)
{
	struct value *arr = value_arr(a);
	size_t i;

	for (i = 0; i < v->s->nnews; i++) {
		const char *f = record_str(v->s->news[i]->rec, field);

		if (f != NULL && strcmp(f, id) == 0)
			value_push(a, arr, v->cards[i]);
	}
	return arr;
}

/* ==== Markdown with shortcodes ========================================== */

struct scud {
	struct view		*v;
	const struct value	*page;
	const char		*county;
	struct plugin_reads	*reads;
	const char		*path;		/* of the Markdown */
	const char		*bundle;	/* its files' folder, or NULL */
};

static int
shortcode(void *ud, const struct shortcode_call *c, struct buf *out,
    bool *is_html)
{
	struct scud *u = ud;

	if (u->v->plugins == NULL) {
		diag_error(c->path, c->line, c->col, "unknown shortcode \"%s\" "
		    "(the site has no plugins)", c->name);
		return -1;
	}
	return plugin_shortcode(u->v->plugins, c->name, c->args, u->page,
	    u->county, c->path, c->line, out, is_html, u->reads);
}

/* Percent-escapes decoded, at most cap - 1 bytes: how a link names a
 * file. */
static void
unescape(const char *s, size_t n, char *out, size_t cap)
{
	size_t i, k = 0;
	char hex[3] = "";

	for (i = 0; i < n && k + 1 < cap; i++)
		if (s[i] == '%' && i + 2 < n &&
		    isxdigit((unsigned char)s[i + 1]) &&
		    isxdigit((unsigned char)s[i + 2])) {
			memcpy(hex, s + i + 1, 2);
			out[k++] = (char)strtol(hex, NULL, 16);
			i += 2;
		} else
			out[k++] = s[i];
	out[k] = '\0';
}

/* A site path that names a page (it ends in '/', or its last segment has
 * no extension) must be a page of the plan; one that names a file (data,
 * maps, feeds) is not checked here. */
static int
pagelink(struct view *v, const char *src, const char *what, const char *url,
    const char *path, int line, int col)
{
	const char *last = strrchr(path, '/');
	char file[1100];
	const char *key = file;

	if (strchr(last, '.') != NULL)
		return 0;
	snprintf(file, sizeof(file), "%s%s", path + 1, last[1] == '\0' ?
	    "index.html" : "/index.html");
	if (bsearch(&key, v->files, v->npages, sizeof(*v->files),
	    cmpstrp) != NULL)
		return 0;
	diag_error(src, line, col, "%s \"%s\": the site has no such page",
	    what, url);
	return -1;
}

/*
 * A link or image of a Markdown body (markdown_opts.link): a relative
 * one must name a file beside the news item's index.md, and one into
 * /news/ a published item or a file beside it; a site path to a file of
 * content/static/ is fine.  Other site paths (generated pages and data)
 * and URLs with a scheme are not checked here.
 */
static int
checklink(void *ud, const char *url, bool image, int line, int col)
{
	struct scud *u = ud;
	const struct source *src = u->v->s->src;
	const char *what = image ? _("image") : _("link");
	const char *bundle;
	char path[1024], full[1100];
	size_t n = strcspn(url, "?#"), k;

	if (n == 0 || strstr(url, "//") == url)
		return 0;
	k = strspn(url, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789+-.");
	if (k > 0 && k < n && url[k] == ':')
		return 0;		/* http:, mailto: ... */
	unescape(url, n, path, sizeof(path));
	if (path[0] == '/') {
		char slug[256];
		const struct news key = { .slug = slug }, *kp = &key;
		const struct news *const *hit;
		const char *rest;

		snprintf(full, sizeof(full), "content/static%s", path);
		if (source_get(src, full) != NULL)
			return 0;
		if (!str_has_prefix(path, "/news/"))
			return pagelink(u->v, u->path, what, url, path, line,
			    col);
		rest = path + strlen("/news/");
		k = strcspn(rest, "/");
		if (k == 0 || k >= sizeof(slug) || strspn(rest, "0123456789"
		    "abcdefghijklmnopqrstuvwxyz-_") < k ||
		    strncmp(rest, "page", 4) == 0)
			return 0;	/* the list pages ... */
		memcpy(slug, rest, k);
		slug[k] = '\0';
		rest += k;
		hit = bsearch(&kp, u->v->byslug, u->v->s->nnews,
		    sizeof(*u->v->byslug), cmpslug);
		if (hit == NULL) {
			diag_error(u->path, line, col, "%s \"%s\": no news item "
			    "\"%s\" is published", what, url, slug);
			return -1;
		}
		if (*rest == '\0' || strcmp(rest, "/") == 0 ||
		    strcmp(rest, "/index.html") == 0)
			return 0;
		bundle = (*hit)->bundle;
		snprintf(full, sizeof(full), "%s%s", bundle != NULL ? bundle :
		    "", rest + 1);
		if (bundle == NULL || str_has_suffix(full, ".md") ||
		    source_get(src, full) == NULL) {
			diag_error(u->path, line, col, "%s \"%s\": the news "
			    "item \"%s\" has no file \"%s\" beside it", what,
			    url, slug, rest + 1);
			return -1;
		}
		return 0;
	}
	bundle = u->bundle;
	if (bundle == NULL) {
		diag_error(u->path, line, col, "%s \"%s\" is relative, but "
		    "only a news item in a folder of its own has files beside "
		    "it: make it content/news/<name>/index.md and put the file "
		    "there, or link a site path (/...)", what, url);
		return -1;
	}
	while (str_has_prefix(path, "./"))
		memmove(path, path + 2, strlen(path + 2) + 1);
	snprintf(full, sizeof(full), "%s%s", bundle, path);
	if (strstr(path, "..") != NULL || str_has_suffix(full, ".md") ||
	    source_get(src, full) == NULL) {
		diag_error(u->path, line, col, "%s \"%s\" is not a file in "
		    "the news item's folder %s", what, url, bundle);
		return -1;
	}
	return 0;
}

/* A body as trusted HTML, shortcodes expanded; NULL after reporting. */
struct value *
vw_markdown(struct view *v, struct arena *a, const char *text, size_t len,
    const char *path, int line, const char *bundle, const struct value *page,
    const char *county, struct plugin_reads *reads)
{
	struct scud u = { v, page, county, reads, path, bundle };
	/* unsafe_html is the province's choice for its own text; a county's
	 * Markdown never passes raw HTML through. */
	struct markdown_opts mo = { .unsafe_html = v->s->cfg.unsafe_html &&
	    county == NULL,
	    .base_path = v->s->cfg.base_path, .shortcode = shortcode,
	    .ud = &u, .path = path, .line = line, .link = checklink };
	struct buf b;
	struct value *out;
	int rc;

	buf_init(&b);
	rc = markdown_render(&b, text, len, &mo);
	out = rc < 0 ? NULL : value_html(a, b.data ? b.data : "", b.len);
	buf_release(&b);
	return out;
}

/* ==== when pages last changed ============================================ */

/* The last change a page shows: of its file, its records or its county's
 * folder (the model's stamps). */
static struct stamp
sourcesof(struct view *v, const struct page *p)
{
	const struct site *s = v->s;
	const struct record *r;

	switch (p->kind) {
	case PG_NEWS:
		return ((const struct news *)p->obj)->changed;
	case PG_STATION:
	case PG_CAMPAIGN:
	case PG_INITIATIVE:
		r = p->obj;
		return (struct stamp){ r->changed, r->changed_by };
	case PG_BRAND:
		return ((const struct brand *)p->obj)->changed;
	case PG_COUNTY:
	case PG_PROVINCE:
	case PG_PROVINCE_NEWS:
		return ((const struct area *)p->obj)->changed;
	default:
		return s->changed;
	}
}

/* The county a page belongs to (county, brand and station pages, and
 * news about a county), whose plugin may shape it; NULL for none. */
static const char *
pagecounty(const struct page *p)
{
	const struct news *n;

	switch (p->kind) {
	case PG_NEWS:
		n = p->obj;
		return n->county != NULL ? n->county->div->code : NULL;
	case PG_COUNTY:
		return ((const struct area *)p->obj)->div->code;
	case PG_BRAND:
		return ((const struct brand *)p->obj)->rec->id;
	case PG_STATION:
		return record_str(p->obj, "county");
	default:
		return NULL;
	}
}

/* Does a news item's body call a shortcode?  A plugin's shortcode may
 * cite any record, the stations' too. */
static bool
shortcodes(const struct news *n)
{
	return n->body_len >= 3 && memmem(n->body, n->body_len, "{{<", 3) !=
	    NULL;
}

unsigned
view_reads(struct view *v, const struct page *p)
{
	/* Every page's footer dates the data; without other dated records
	 * the date is the newest news item's.  (The date itself is in the
	 * rest, whatever part it came from: deps.c.) */
	unsigned parts = DEP_REST | (v->s->asof_news ? DEP_NEWS : 0);

	switch (p->kind) {
	case PG_STATION:	/* and what it reads of the stations: */
	case PG_STATIONS:	/* view_page_key */
	case PG_CAMPAIGNS:
	case PG_SEARCH:
	case PG_NOT_FOUND:
		break;
	case PG_NEWS:		/* and its own body: view_page_key */
		parts |= DEP_NEWS | (shortcodes(p->obj) ? DEP_STATIONS : 0);
		break;
	case PG_COUNTY:		/* and its stations: view_page_key */
	case PG_NEWS_LIST:	/* news cards: front matter only */
	case PG_TAGS:
	case PG_TAG:
		parts |= DEP_NEWS;
		break;
	case PG_PROVINCES:
		parts |= DEP_STATIONS;
		break;
	case PG_HOME:		/* with their stations, their changes */
	case PG_PROVINCE:
	case PG_PROVINCE_NEWS:
	case PG_CAMPAIGN:
	case PG_INITIATIVE:
		parts |= DEP_NEWS | DEP_STATIONS;
		break;
	default:		/* brand pages (Markdown, a county's template),
				   the data pages (the database's checksum) */
		return DEP_ALL;
	}
	/* A page hook may read anything, the news included.  (What records
	 * hooks gave is an input of its own, in DEP_REST.) */
	if (v->plugins != NULL && plugin_touches(v->plugins, pagecounty(p),
	    false) != NULL)
		return DEP_ALL;
	return parts;
}

static void
keyput(struct buf *b, const void *p, size_t n)
{
	buf_put(b, &n, sizeof(n));
	buf_put(b, p, n);
}

static void
keystamp(struct buf *b, time_t when, const char *author)
{
	char day[16];

	utc_day(when, day);
	keyput(b, day, strlen(day));
	keyput(b, author != NULL ? author : "", author != NULL ?
	    strlen(author) : 0);
}

/* What a page reads of the map of code: the size it is shown at, and
 * where its points fall. */
static void
keymap(struct view *v, struct buf *b, const char *code)
{
	const struct map *m = code != NULL && v->maps != NULL ?
	    mapset_get(v->maps, code) : NULL;

	if (m != NULL) {
		const double at[] = { m->width, m->height, m->scale, m->x0,
		    m->y1, m->margin };

		keyput(b, at, sizeof(at));
	} else
		keyput(b, "", 0);
}

/* What pages read of the stations (deps.h), for the pages that read no
 * more of them than:
 * - a station's page: its own row, the day and author of its file's
 *   last change, and where on its county's map it lies (the maps are
 *   drawn from every station);
 * - a county's page: its stations' rows, how many townships they cover,
 *   the county's last change, and its map's size;
 * - a page of the stations' list: the rows it lists, and how many there
 *   are (the pager). */
static void
pagekey(struct view *v, struct buf *b, const struct page *p)
{
	const struct recordset *set;
	const struct record *r;
	const struct area *c;
	double lonlat[2] = { 0, 0 };
	size_t i, from, per = (size_t)v->s->cfg.paginate;

	switch (p->kind) {
	case PG_STATION:
		r = p->obj;
		value_bytes(b, r->fields);
		keystamp(b, r->changed, r->changed_by);
		if (record_num(r, "lon", &lonlat[0]) && record_num(r, "lat",
		    &lonlat[1]))
			keyput(b, lonlat, sizeof(lonlat));
		keymap(v, b, record_str(r, "county"));
		break;
	case PG_COUNTY:
		c = p->obj;
		for (i = 0; i < c->nstations; i++)
			value_bytes(b, c->stations[i]->fields);
		keyput(b, &c->nstations, sizeof(c->nstations));
		keyput(b, &c->covered, sizeof(c->covered));
		keystamp(b, c->changed.when, c->changed.author);
		keymap(v, b, c->div->code);
		break;
	case PG_STATIONS:
		set = site_records(v->s, "station");
		from = p->pageno > 1 ? (size_t)(p->pageno - 1) * per : 0;
		keyput(b, &set->n, sizeof(set->n));
		for (i = from; i < set->n && i < from + per; i++)
			value_bytes(b, set->v[i]->fields);
		break;
	default:
		break;
	}
}

unsigned
view_key_reads(struct view *v, const struct page *p)
{
	(void)v;
	switch (p->kind) {
	case PG_NEWS:
		return DEP_BODIES;
	case PG_STATION:	/* the maps are drawn from the rest too */
	case PG_COUNTY:
	case PG_STATIONS:
		return DEP_STATIONS | DEP_REST;
	default:
		return 0;
	}
}

static uint64_t
keyof(struct view *v, const struct page *p)
{
	const struct news *n;
	struct buf b;
	uint64_t k;

	switch (p->kind) {
	case PG_NEWS:
		n = p->obj;
		return deps_key(n->body, n->body_len);
	case PG_STATION:
	case PG_COUNTY:
	case PG_STATIONS:
		buf_init(&b);
		pagekey(v, &b, p);
		k = deps_key(b.data != NULL ? b.data : "", b.len);
		buf_release(&b);
		return k;
	default:
		return 0;
	}
}

/* A station's, a county's or a stations' list page's key is made once
 * (the pages and the search index each asked for every one: a national
 * station edit hashed 26 MB twice); a news item's follows its body,
 * which hold.c may change under the same view. */
uint64_t
view_page_key(struct view *v, const struct page *p)
{
	struct pagekey *m;
	uint64_t k;

	if (p < v->pages || p >= v->pages + v->npages || p->kind == PG_NEWS)
		return keyof(v, p);
	m = &v->keys[p - v->pages];
	if (atomic_load_explicit(&m->known, memory_order_acquire))
		return atomic_load_explicit(&m->key, memory_order_relaxed);
	k = keyof(v, p);
	atomic_store_explicit(&m->key, k, memory_order_relaxed);
	atomic_store_explicit(&m->known, true, memory_order_release);
	return k;
}

const char *
view_lastmod(struct view *v, struct arena *a, const struct page *p)
{
	struct stamp st = sourcesof(v, p);
	char day[16];

	if (st.when <= 0)
		return NULL;
	utc_day(st.when, day);
	return arena_strdup(a, day);
}

static void
lastmod(struct view *v, struct arena *a, const struct page *p,
    struct value *pg)
{
	const char *day = view_lastmod(v, a, p);

	if (day == NULL)
		return;
	value_set_str(a, pg, "lastmod", day);
	value_set(a, pg, "lastmod_text", vw_str(a, vw_date(v, a, day)));
	value_set(a, pg, "updated_by", vw_str(a, sourcesof(v, p).author));
}

/* s cut to at most max characters (with "…" when cut) and before any
 * byte that is not UTF-8: a commit's subject line is anyone's bytes. */
static const char *
clip(struct arena *a, const char *s, size_t max)
{
	size_t len = strlen(s), bad, i, n = 0;

	if (!utf8_valid(s, len, &bad))
		len = bad;
	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80 && n++ == max)
			return arena_printf(a, "%.*s…", (int)i, s);
	return arena_printf(a, "%.*s", (int)len, s);
}

/* A county's recent changes, from git history: those its owners signed,
 * with their dates and subject lines and nothing else (the rest of a
 * commit is typed by whoever made it). */
static struct value *
recent(struct view *v, struct arena *a, const char *code)
{
	const struct change *ch[HISTORY_RECENT];
	struct value *arr = value_arr(a);
	size_t i, n;

	if (v->s->history == NULL)
		return arr;
	n = history_recent(v->s->history, arena_printf(a,
	    "content/counties/%s/", code), ch, HISTORY_RECENT);
	for (i = 0; i < n; i++) {
		struct value *o = value_obj(a);
		char day[16];

		utc_day(ch[i]->c.time, day);
		value_set_str(a, o, "date", day);
		value_set(a, o, "date_text", vw_str(a, vw_date(v, a, day)));
		value_set(a, o, "message", vw_str(a, clip(a, ch[i]->c.summary,
		    120)));
		value_push(a, arr, o);
	}
	return arr;
}

/* ==== maps ============================================================== */

static struct value *
mapurl(struct view *v, struct arena *a, const char *code)
{
	if (v->maps == NULL || mapset_get(v->maps, code) == NULL)
		return value_null(a);
	return value_str(a, vw_href(v, a, arena_printf(a, "maps/%s.svg", code)));
}

/* A map the page embeds by its URL (the theme's "map" partial), or null.
 * Every page would otherwise carry the map's bytes (a province's is up to
 * 120 KB), and its links and keyboard path work as well from the map's
 * own document.  label names the map for those who cannot see it. */
static struct value *
mapref(struct view *v, struct arena *a, const char *code, const char *label)
{
	const struct map *m = v->maps != NULL ? mapset_get(v->maps, code) :
	    NULL;
	struct value *o;

	if (m == NULL)
		return value_null(a);
	o = value_obj(a);
	value_set(a, o, "url", mapurl(v, a, code));
	value_set_int(a, o, "width", (long long)m->width);
	value_set_int(a, o, "height", (long long)m->height);
	value_set_str(a, o, "label", label);
	return o;
}

/* ==== areas ============================================================= */

/* Coverage figures of an area: the latest report as reported, the same
 * coverage recomputed from reference townships, and what the published
 * station records cover. */
static struct value *
figures(struct view *v, struct arena *a, const struct area *ar)
{
	struct value *o = value_obj(a);
	long towns = ar->div->townships;

	value_set_int(a, o, "townships", towns);
	value_set(a, o, "townships_text", value_str(a, vw_grouped(a, towns, 0)));
	value_set_int(a, o, "stations_published", (long long)ar->nstations);
	value_set_int(a, o, "covered", ar->covered);
	value_set(a, o, "covered_text", value_str(a, vw_grouped(a, ar->covered,
	    0)));
	value_set(a, o, "published_coverage_text", value_str(a,
	    percent(a, towns > 0 ? (double)ar->covered / towns : 0)));
	value_set_bool(a, o, "fully_covered", towns > 0 &&
	    ar->covered >= towns);
	if (ar->nreports > 0) {
		const struct record *r = ar->reports[0];
		struct value *rep = recordctx(v, a, r);
		long long st = record_int(r, "stations", -1);

		if (st >= 0 && towns > 0) {
			value_set(a, rep, "computed_coverage_text", value_str(a,
			    percent(a, (double)st / towns)));
			value_set(a, rep, "formula", value_str(a, arena_printf(a,
			    "%s ÷ %s", vw_grouped(a, st, 0), vw_grouped(a, towns, 0))));
		} else {
			value_set(a, rep, "computed_coverage_text",
			    value_null(a));
			value_set(a, rep, "formula", value_null(a));
		}
		value_set(a, o, "report", rep);
	}
	return o;
}

static struct value *
countyrow(struct view *v, struct arena *a, const struct area *c)
{
	struct value *o = value_obj(a);
	long towns = c->div->townships;

	value_set_str(a, o, "code", c->div->code);
	value_set_str(a, o, "name", c->div->name);
	value_set(a, o, "url", value_str(a, vw_href(v, a, areapath(a, c))));
	value_set_int(a, o, "townships", towns);
	value_set_int(a, o, "nstations", (long long)c->nstations);
	value_set_int(a, o, "covered", c->covered);
	value_set(a, o, "coverage_text", value_str(a, percent(a,
	    towns > 0 ? (double)c->covered / towns : 0)));
	value_set_bool(a, o, "has_stations", c->nstations > 0);
	value_set(a, o, "brand", c->brand != NULL ? vw_link(v, a, c->brand->title,
	    arena_printf(a, "counties/%s/brand/", c->div->code)) :
	    value_null(a));
	return o;
}

static struct value *
stationlist(struct view *v, struct arena *a, struct record *const *st,
    size_t n)
{
	struct value *arr = value_arr(a);
	size_t i;

	for (i = 0; i < n; i++)
		value_push(a, arr, recordctx(v, a, st[i]));
	return arr;
}

/* Bars of reported coverage: townships, counties and prefectures fully
 * covered, each against its reference total. */
static struct value *
provincechart(struct view *v, struct arena *a, const struct area *p)
{
	const struct record *r = p->nreports > 0 ? p->reports[0] : NULL;
	struct chart_bar bars[3];
	size_t n = 0, i;
	long pref = (long)p->div->nchildren, counties = 0;
	long long x;
	struct buf b;
	struct value *out;

	if (r == NULL)
		return value_null(a);
	for (i = 0; i < p->div->nchildren; i++)
		counties += (long)p->div->children[i]->nchildren;
	if ((x = record_int(r, "stations", -1)) >= 0 && p->div->townships > 0) {
		bars[n].label = UI(CHART_TOWNSHIPS);
		bars[n].value = (double)x / p->div->townships;
		bars[n].value_text = UIF(CHART_RATIO, "part", vw_grouped(a, x,
		    0), "whole", vw_grouped(a, p->div->townships, 0),
		    "percent", percent(a, bars[n].value));
		bars[n].href = NULL;
		bars[n].target = 0;
		n++;
	}
	if ((x = record_int(r, "counties_covered", -1)) >= 0 && counties > 0) {
		bars[n].label = UI(CHART_FULL_COUNTIES);
		bars[n].value = (double)x / counties;
		bars[n].value_text = arena_printf(a, "%lld / %ld", x, counties);
		bars[n].href = NULL;
		bars[n].target = 0;
		n++;
	}
	if ((x = record_int(r, "prefectures_covered", -1)) >= 0 && pref > 0) {
		bars[n].label = UI(CHART_FULL_PREFECTURES);
		bars[n].value = (double)x / pref;
		bars[n].value_text = arena_printf(a, "%lld / %ld", x, pref);
		bars[n].href = NULL;
		bars[n].target = 0;
		n++;
	}
	if (n == 0)
		return value_null(a);
	buf_init(&b);
	chart_bars(&b, arena_printf(a, "chart-%s", p->div->code),
	    UIF(CHART_COVERAGE, "area", p->div->name),
	    UIF(CHART_COVERAGE_PROVINCE, "date", vw_date(v, a,
	    record_str(r, "date"))), bars, n, 1.0);
	out = value_html(a, b.data, b.len);
	buf_release(&b);
	return out;
}

static struct value *
countychart(struct view *v, struct arena *a, const struct area *c)
{
	struct chart_bar bar;
	struct buf b;
	struct value *out;

	if (c->nstations == 0 || c->div->townships <= 0)
		return value_null(a);
	bar.label = UI(CHART_TOWNSHIPS);
	bar.value = (double)c->covered / c->div->townships;
	bar.value_text = UIF(CHART_RATIO, "part", arena_printf(a, "%ld",
	    c->covered), "whole", arena_printf(a, "%ld", c->div->townships),
	    "percent", percent(a, bar.value));
	bar.href = NULL;
	bar.target = 0;
	buf_init(&b);
	chart_bars(&b, arena_printf(a, "chart-%s", c->div->code),
	    UIF(CHART_COVERAGE, "area", c->div->name),
	    UI(CHART_COVERAGE_COUNTY), &bar, 1, 1.0);
	out = value_html(a, b.data, b.len);
	buf_release(&b);
	return out;
}

/* What a province map cannot show, for its caption: the stations a
 * report counts beyond the published records (map_partial), the
 * counties without a boundary of their own, left off the map
 * (map_missing; zones: functional zones), and whether the stations are
 * too many to mark (map_no_points, as map.c decides). */
static void
mapnotes(struct view *v, struct arena *a, struct value *o,
    const struct area *p)
{
	const struct geo_shape *sh[1];
	struct value *missing = value_arr(a);
	size_t i, zones = 0;

	if (p->nreports > 0) {
		const struct record *r = p->reports[0];
		long long st = record_int(r, "stations", -1);

		if (st > (long long)p->nstations) {
			struct value *n = value_obj(a);

			value_set(a, n, "reported", value_str(a,
			    vw_grouped(a, st, 0)));
			value_set_int(a, n, "published",
			    (long long)p->nstations);
			value_set(a, n, "date_text", value_str(a, vw_date(v, a,
			    record_str(r, "date"))));
			value_set(a, o, "map_partial", n);
		}
	}
	for (i = 0; i < p->ncounties; i++) {
		const struct division *d = p->counties[i]->div;

		if (site_shapes(v->s, d->code, sh, 1) > 0)
			continue;
		value_push(a, missing, value_str(a, d->name));
		zones += d->zone != 0;
	}
	value_set(a, o, "map_missing", missing);
	value_set_bool(a, o, "map_missing_zones", zones > 0);
	value_set_bool(a, o, "map_no_points", map_positioned(p) >
	    MAP_PROVINCE_MAX_POINTS);
}

static void
provincepage(struct view *v, struct arena *a, struct value *ctx,
    const struct area *p, struct value *pd)
{
	const char *code = p->div->code;
	struct value *tbl;
	struct value *o = value_obj(a), *prefs = value_arr(a), *rows;
	size_t i, j, k = 0;

	value_set_str(a, o, "code", p->div->code);
	value_set_str(a, o, "name", p->div->name);
	value_set(a, o, "figures", figures(v, a, p));
	value_set(a, o, "chart", provincechart(v, a, p));
	value_set(a, o, "map", mapref(v, a, code, UIF(MAP_TITLE, "area",
	    p->div->name)));
	value_set(a, o, "map_url", mapurl(v, a, code));
	mapnotes(v, a, o, p);
	for (i = 0; i < p->div->nchildren; i++) {
		const struct division *pf = p->div->children[i];
		struct value *po = value_obj(a);

		rows = value_arr(a);
		for (j = 0; j < pf->nchildren; j++, k++)
			value_push(a, rows, countyrow(v, a, p->counties[k]));
		value_set_str(a, po, "name", pf->name);
		value_set_str(a, po, "code", pf->code);
		value_set_int(a, po, "townships", pf->townships);
		value_set(a, po, "counties", rows);
		value_push(a, prefs, po);
	}
	value_set(a, o, "prefectures", prefs);
	value_set_int(a, o, "nprefectures", (long long)p->div->nchildren);
	value_set_int(a, o, "ncounties", (long long)p->ncounties);
	value_set(a, o, "stations", stationlist(v, a, p->stations,
	    p->nstations));
	value_set(a, o, "news", cards(v, a, p->news, p->nnews, 0,
	    PROVINCE_NEWS_SHOWN));
	if (p->nnews > PROVINCE_NEWS_SHOWN) {
		struct value *more = vw_link(v, a, p->div->name,
		    arena_printf(a, "%snews/", areapath(a, p)));

		value_set_int(a, more, "count", (long long)p->nnews);
		value_set(a, o, "news_more", more);
	}
	value_set(a, o, "campaigns", related(v, a, "campaign", "province",
	    p->div->code));
	value_set(a, o, "initiatives", related(v, a, "initiative",
	    "province", p->div->code));
	/* The rows behind the figures, and behind the county table. */
	vw_datarows(v, a, pd, "provinces", "code", code, 1, NULL);
	vw_datarows(v, a, pd, "reports", "area", code, (long long)p->nreports,
	    NULL);
	tbl = vw_datarows(v, a, pd, "counties", "province", code,
	    (long long)p->ncounties, NULL);
	value_set(a, o, "table_data", tbl != NULL ? tbl : value_null(a));
	vw_datarows(v, a, pd, "townships", "province", code,
	    p->div->townships, NULL);
	vw_datarows(v, a, pd, "stations", NULL, p->div->name,
	    (long long)p->nstations, arena_printf(a, "provinces/%s", code));
	value_set(a, ctx, "province", o);
}

/* Each service-figures table links to its row of the dataset. */
static struct value *
statsdata(struct view *v, struct arena *a, struct value *arr)
{
	size_t i;

	for (i = 0; i < arr->u.arr.len; i++) {
		struct value *o = arr->u.arr.v[i], *tmp = value_arr(a);
		struct value *e = vw_datarows(v, a, tmp, "service_stats", "id",
		    value_get_str(o, "id"), 1, NULL);

		value_set(a, o, "table_data", e != NULL ? e : value_null(a));
	}
	return arr;
}

static struct value *
statsctx(struct view *v, struct arena *a, struct record *const *st, size_t n)
{
	struct value *arr = value_arr(a);
	size_t i;

	for (i = 0; i < n; i++)
		value_push(a, arr, recordctx(v, a, st[i]));
	return statsdata(v, a, arr);
}

static void
countypage(struct view *v, struct arena *a, struct value *ctx,
    const struct area *c, struct value *pd)
{
	struct value *o = countyrow(v, a, c), *towns = value_arr(a), *tbl;
	const struct division *d = c->div;
	size_t i, j;

	value_set(a, o, "province", vw_link(v, a, c->province->div->name,
	    areapath(a, c->province)));
	value_set_str(a, o, "prefecture", d->parent->name);
	value_set(a, o, "figures", figures(v, a, c));
	value_set(a, o, "chart", countychart(v, a, c));
	value_set(a, o, "map", mapref(v, a, d->code, UIF(MAP_TITLE, "area",
	    d->name)));
	value_set(a, o, "map_url", mapurl(v, a, d->code));
	for (i = 0; i < d->nchildren; i++) {
		struct value *t = value_obj(a), *sts = value_arr(a);

		value_set_str(a, t, "code", d->children[i]->code);
		value_set_str(a, t, "name", d->children[i]->name);
		for (j = 0; j < c->nstations; j++) {
			const char *tw = record_str(c->stations[j], "township");

			if (tw != NULL && strcmp(tw, d->children[i]->code) == 0)
				value_push(a, sts, recordctx(v, a,
				    c->stations[j]));
		}
		value_set(a, t, "stations", sts);
		value_push(a, towns, t);
	}
	value_set(a, o, "township_list", towns);
	value_set(a, o, "stations", stationlist(v, a, c->stations,
	    c->nstations));
	value_set(a, o, "stats", statsctx(v, a, c->stats, c->nstats));
	value_set(a, o, "news", cards(v, a, c->news, c->nnews, 0, c->nnews));
	vw_datarows(v, a, pd, "counties", "code", d->code, 1, NULL);
	tbl = vw_datarows(v, a, pd, "townships", "county", d->code,
	    d->townships, NULL);
	value_set(a, o, "table_data", tbl != NULL ? tbl : value_null(a));
	vw_datarows(v, a, pd, "stations", "county", d->code,
	    (long long)c->nstations, arena_printf(a, "counties/%s", d->code));
	vw_datarows(v, a, pd, "reports", "area", d->code,
	    (long long)c->nreports, NULL);
	for (i = 0; i < c->nstats; i++)
		vw_datarecord(v, a, pd, c->stats[i]);
	value_set(a, ctx, "county", o);
}

/* ==== pages ============================================================= */

static struct value *
pager(struct view *v, struct arena *a, const char *dir, const struct page *p)
{
	struct value *o = value_obj(a), *pages = value_arr(a);
	int i;

	if (p->npages <= 1)
		return value_null(a);
	/* The first and last pages and two either side of this one: a list
	 * of 2,000 pages must not link every page from every page. */
	for (i = 1; i <= p->npages; i++) {
		struct value *e;

		if (i != 1 && i != p->npages && (i < p->pageno - 2 ||
		    i > p->pageno + 2)) {
			if (i == p->pageno - 3 || i == p->pageno + 3) {
				e = value_obj(a);
				value_set_bool(a, e, "gap", true);
				value_push(a, pages, e);
			}
			continue;
		}
		e = vw_link(v, a, arena_printf(a, "%d", i), listpath(a, dir, i));
		value_set_bool(a, e, "current", i == p->pageno);
		value_push(a, pages, e);
	}
	value_set(a, o, "pages", pages);
	value_set_int(a, o, "current", p->pageno);
	value_set_int(a, o, "total", p->npages);
	value_set(a, o, "prev", p->pageno > 1 ? value_str(a, vw_href(v, a,
	    listpath(a, dir, p->pageno - 1))) : value_null(a));
	value_set(a, o, "next", p->pageno < p->npages ? value_str(a, vw_href(v, a,
	    listpath(a, dir, p->pageno + 1))) : value_null(a));
	return o;
}

static void
crumb(struct view *v, struct arena *a, struct value *ctx, const char *title,
    const char *path)
{
	struct value *bc = value_get(ctx, "breadcrumbs");

	if (bc == NULL) {
		bc = value_arr(a);
		value_push(a, bc, vw_link(v, a, UI(NAV_HOME), ""));
		value_set(a, ctx, "breadcrumbs", bc);
	}
	if (path != NULL)
		value_push(a, bc, vw_link(v, a, title, path));
	else {
		struct value *o = value_obj(a);

		/* url null, not absent: a section over it must not find an
		 * outer url up the context stack. */
		value_set(a, o, "title", vw_str(a, title));
		value_set(a, o, "url", value_null(a));
		value_push(a, bc, o);
	}
}

/* Province › prefecture (no page of its own: unlinked; left out where it
 * is only a placeholder, 市辖区 or 县) › county, the county only when it
 * is not the page itself. */
static void
areacrumbs(struct view *v, struct arena *a, struct value *ctx,
    const struct area *c, bool self)
{
	const struct division *pre = c->div->parent;

	crumb(v, a, ctx, c->province->div->name, areapath(a, c->province));
	if (pre != NULL && pre != c->province->div &&
	    strcmp(pre->name, "市辖区") != 0 && strcmp(pre->name, "县") != 0)
		crumb(v, a, ctx, pre->name, NULL);
	if (!self)
		crumb(v, a, ctx, c->div->name, areapath(a, c));
}

static int
newspage(struct view *v, struct arena *a, struct value *ctx,
    const struct news *n, struct value *pd)
{
	struct value *o = recordctx(v, a, n->rec), *html;
	struct plugin_reads reads = { .n = 0 };
	const char *ref;
	const struct recordset *set;
	const struct record *r;
	size_t i;

	html = vw_markdown(v, a, n->body, n->body_len, n->path, n->body_line,
	    n->bundle, o, n->county != NULL ? n->county->div->code : NULL,
	    &reads);
	if (html == NULL)
		return -1;
	/* The figures its shortcodes cited, then the item's own row. */
	for (i = 0; i < reads.n; i++)
		vw_datarecord(v, a, pd, reads.v[i]);
	vw_datarecord(v, a, pd, n->rec);
	value_set(a, o, "body", html);
	value_set(a, o, "date_text", vw_str(a, vw_date(v, a, n->date)));
	value_set(a, o, "tags", tagslinks(v, a, n->rec));
	value_set(a, o, "province", n->province != NULL ? vw_link(v, a,
	    n->province->div->name, areapath(a, n->province)) :
	    value_null(a));
	value_set(a, o, "county", n->county != NULL ? vw_link(v, a,
	    n->county->div->name, areapath(a, n->county)) : value_null(a));
	if ((ref = record_str(n->rec, "campaign")) != NULL &&
	    (set = site_records(v->s, "campaign")) != NULL &&
	    (r = record_find(set, ref)) != NULL)
		value_set(a, o, "campaign", vw_link(v, a, record_str(r, "name"),
		    recpath(a, r)));
	if ((ref = record_str(n->rec, "initiative")) != NULL &&
	    (set = site_records(v->s, "initiative")) != NULL &&
	    (r = record_find(set, ref)) != NULL)
		value_set(a, o, "initiative", vw_link(v, a, record_str(r, "name"),
		    recpath(a, r)));
	value_set(a, ctx, "news", o);
	return 0;
}

static void
stationpage(struct view *v, struct arena *a, struct value *ctx,
    const struct record *r, struct value *pd)
{
	struct value *o = recordctx(v, a, r), *stats;
	const char *code;
	struct area *c = NULL;

	if ((code = record_str(r, "county")) != NULL &&
	    (c = site_area(v->s, code)) != NULL) {
		value_set(a, o, "county_link", vw_link(v, a, c->div->name,
		    areapath(a, c)));
		value_set(a, o, "province_link", vw_link(v, a,
		    c->province->div->name, areapath(a, c->province)));
		areacrumbs(v, a, ctx, c, false);
	}
	stats = statsdata(v, a, related(v, a, "service_stats", "station",
	    r->id));
	value_set(a, o, "stats", stats);
	vw_datarecord(v, a, pd, r);
	vw_datarows(v, a, pd, "service_stats", "station", r->id,
	    (long long)stats->u.arr.len, NULL);
	/* The county map as an image with this station marked on it: one
	 * map file serves every station of the county. */
	if (c != NULL && v->maps != NULL) {
		const struct map *m = mapset_get(v->maps, c->div->code);
		double lon, lat, px, py;

		if (m != NULL) {
			value_set(a, o, "map_url", mapurl(v, a, c->div->code));
			value_set(a, o, "map_alt", value_str(a,
			    UIF(STATION_MAP_ALT, "county", c->div->name,
			    "station", record_str(r, "name"))));
			value_set_int(a, o, "map_width", (long long)m->width);
			value_set_int(a, o, "map_height", (long long)m->height);
		}
		if (m != NULL && record_num(r, "lon", &lon) &&
		    record_num(r, "lat", &lat) &&
		    mapset_locate(m, lon, lat, &px, &py) == 0)
			value_set(a, o, "marker", value_strf(a,
			    "left:%.2f%%;top:%.2f%%", px, py));
	}
	value_set(a, ctx, "station", o);
}

/* Campaign progress: time elapsed by the data date, and each target
 * against the latest report that names the campaign. */
static struct value *
campaignchart(struct view *v, struct arena *a, const struct record *r,
    struct value *o, const struct record **progress)
{
	const struct {
		const char *target, *achieved, *label;
	} goals[] = {
		{ "target_stations", "stations", UI(GOAL_STATIONS) },
		{ "target_households", "households_visited",
		    UI(GOAL_HOUSEHOLDS) },
	};
	const struct recordset *reps = site_records(v->s, "report");
	const struct record *latest = NULL;
	struct chart_bar bars[3];
	struct value *rows = value_arr(a), *out;
	struct buf b;
	size_t n = 0, i;
	const char *start = record_str(r, "start"), *end = record_str(r, "end");
	const char *asof = v->s->build_date;

	for (i = 0; reps != NULL && i < reps->n; i++) {
		const char *c = record_str(reps->v[i], "campaign");
		const char *d = record_str(reps->v[i], "date");

		if (c != NULL && strcmp(c, r->id) == 0 && d != NULL &&
		    (latest == NULL || strcmp(d, record_str(latest,
		    "date")) > 0))
			latest = reps->v[i];
	}
	*progress = latest;
	if (start != NULL && end != NULL && asof != NULL) {
		int y0, m0, y1, m1, y, m, d;

		if (sscanf(start, "%d-%d", &y0, &m0) == 2 &&
		    sscanf(end, "%d-%d", &y1, &m1) == 2 &&
		    sscanf(asof, "%d-%d-%d", &y, &m, &d) == 3) {
			double total = (y1 - y0) * 12 + (m1 - m0) + 1;
			double done = (y - y0) * 12 + (m - m0) + (d - 1) / 30.0;

			if (done < 0)
				done = 0;
			if (done > total)
				done = total;
			bars[n].label = UI(CAMPAIGN_ELAPSED);
			bars[n].value = done / total;
			bars[n].value_text = percent(a, bars[n].value);
			bars[n].href = NULL;
			bars[n].target = 0;
			n++;
		}
	}
	for (i = 0; i < sizeof(goals) / sizeof(goals[0]); i++) {
		long long t = record_int(r, goals[i].target, -1);
		long long got = latest != NULL ?
		    record_int(latest, goals[i].achieved, -1) : -1;
		struct value *row = value_obj(a);

		if (t <= 0)
			continue;
		value_set_str(a, row, "label", goals[i].label);
		value_set(a, row, "target_text", value_str(a, vw_grouped(a, t,
		    record_is_lower_bound(r, goals[i].target))));
		value_set(a, row, "achieved_text", got >= 0 ? value_str(a,
		    vw_grouped(a, got, 0)) : value_null(a));
		value_push(a, rows, row);
		bars[n].label = goals[i].label;
		bars[n].value = got >= 0 ? (double)got / t : 0;
		bars[n].value_text = got >= 0 ? arena_printf(a, "%s / %s",
		    vw_grouped(a, got, 0), vw_grouped(a, t, 0)) :
		    UIF(CAMPAIGN_NO_PROGRESS, "target", vw_grouped(a, t, 0));
		bars[n].href = NULL;
		bars[n].target = 0;
		n++;
	}
	value_set(a, o, "targets", rows);
	value_set(a, o, "progress_date_text", vw_str(a, latest != NULL ?
	    vw_date(v, a, record_str(latest, "date")) : NULL));
	if (n == 0)
		return value_null(a);
	buf_init(&b);
	chart_bars(&b, arena_printf(a, "chart-%s", r->id), UIF(CAMPAIGN_CHART, "campaign",
	    record_str(r, "name")), UIF(CAMPAIGN_CHART_DESC, "date",
	    vw_date(v, a, asof)), bars, n, 1.0);
	out = value_html(a, b.data, b.len);
	buf_release(&b);
	return out;
}

static void
campaignpage(struct view *v, struct arena *a, struct value *ctx,
    const struct record *r, struct value *pd)
{
	struct value *o = recordctx(v, a, r), *acts;
	const struct record *progress = NULL;
	const char *p = record_str(r, "province");
	struct area *ar = p != NULL ? site_area(v->s, p) : NULL;

	value_set(a, o, "province_link", ar != NULL ? vw_link(v, a, ar->div->name,
	    areapath(a, ar)) : value_null(a));
	acts = related(v, a, "action", "campaign", r->id);
	value_set(a, o, "actions", acts);
	value_set(a, o, "news", newsabout(v, a, "campaign", r->id));
	value_set(a, o, "chart", campaignchart(v, a, r, o, &progress));
	vw_datarecord(v, a, pd, r);
	value_set(a, o, "table_data", pd->u.arr.len > 0 ? pd->u.arr.v[0] :
	    value_null(a));
	vw_datarows(v, a, pd, "actions", "campaign", r->id,
	    (long long)acts->u.arr.len, NULL);
	if (progress != NULL)
		vw_datarecord(v, a, pd, progress);
	value_set(a, ctx, "campaign", o);
}

static void
initiativepage(struct view *v, struct arena *a, struct value *ctx,
    const struct record *r, struct value *pd)
{
	struct value *o = recordctx(v, a, r);
	const char *p = record_str(r, "province");
	struct area *ar = p != NULL ? site_area(v->s, p) : NULL;

	value_set(a, o, "province_link", ar != NULL ? vw_link(v, a, ar->div->name,
	    areapath(a, ar)) : value_null(a));
	value_set(a, o, "news", newsabout(v, a, "initiative", r->id));
	vw_datarecord(v, a, pd, r);
	value_set(a, ctx, "initiative", o);
}

/*
 * A county's brand page: its Markdown, its stations and figures, and what
 * the county's plugin makes of them (brand hook), under "custom".
 */
static int
brandpage(struct view *v, struct arena *a, struct value *ctx,
    const struct brand *br)
{
	struct value *o = recordctx(v, a, br->rec), *html, *in, *out = NULL;
	const struct area *c = br->county;

	html = vw_markdown(v, a, br->body, br->body_len, br->path, br->body_line,
	    NULL, o, c->div->code, NULL);
	if (html == NULL)
		return -1;
	value_set(a, o, "body", html);
	value_set(a, o, "county", countyrow(v, a, c));
	value_set(a, o, "stations", stationlist(v, a, c->stations,
	    c->nstations));
	value_set(a, o, "stats", statsctx(v, a, c->stats, c->nstats));
	value_set(a, o, "chart", countychart(v, a, c));
	value_set(a, o, "map", mapref(v, a, c->div->code, UIF(MAP_TITLE,
	    "area", c->div->name)));
	value_set(a, o, "changes", recent(v, a, c->div->code));
	if (v->plugins != NULL && plugin_has_brand(v->plugins, c->div->code)) {
		in = value_obj_copy(a, value_get(o, "county"));
		value_set(a, in, "stations", value_get(o, "stations"));
		value_set(a, in, "stats", value_get(o, "stats"));
		value_set(a, in, "brand", value_obj_copy(a, br->rec->fields));
		if (plugin_brand(v->plugins, c->div->code, in, &out, a) < 0)
			return -1;
		value_set(a, o, "custom", out != NULL ? out : value_null(a));
	}
	value_set(a, ctx, "brand", o);
	areacrumbs(v, a, ctx, c, false);
	return 0;
}

static void
homepage(struct view *v, struct arena *a, struct value *ctx)
{
	const struct site *s = v->s;
	struct value *provs = value_arr(a);
	struct chart_bar *bars;
	const struct recordset *set;
	size_t i, n = 0;
	struct buf b;

	bars = arena_alloc(a, (s->nprovinces + 1) * sizeof(*bars));
	for (i = 0; i < s->nprovinces; i++) {
		const struct area *p = &s->provinces[i];
		struct value *o = value_obj(a), *fig = figures(v, a, p);
		long long st;

		value_set_str(a, o, "name", p->div->name);
		value_set_str(a, o, "code", p->div->code);
		value_set(a, o, "url", value_str(a, vw_href(v, a, areapath(a, p))));
		value_set(a, o, "figures", fig);
		value_push(a, provs, o);
		if (p->nreports > 0 && (st = record_int(p->reports[0],
		    "stations", -1)) >= 0 && p->div->townships > 0) {
			bars[n].label = p->div->name;
			bars[n].value = (double)st / p->div->townships;
			bars[n].value_text = UIF(HOME_CHART_VALUE, "percent",
			    percent(a, bars[n].value), "part", vw_grouped(a,
			    st, 0), "whole", vw_grouped(a, p->div->townships,
			    0));
			/* No links in a chart (role="img" must not hold
			 * controls): the table below links the provinces. */
			bars[n].href = NULL;
			bars[n].target = 0;
			n++;
		}
	}
	value_set(a, ctx, "provinces", provs);
	value_set(a, ctx, "overview", mapref(v, a, "china",
	    UI(MAP_OVERVIEW)));
	if (n > 0) {
		buf_init(&b);
		chart_bars(&b, "chart-home", UI(HOME_CHART),
		    UI(HOME_CHART_DESC), bars, n,
		    1.0);
		value_set(a, ctx, "chart", value_html(a, b.data, b.len));
		buf_release(&b);
	}
	value_set(a, ctx, "news", cards(v, a, s->news, s->nnews, 0,
	    HOME_NEWS));
	value_set_bool(a, ctx, "more_news", s->nnews > HOME_NEWS);
	set = site_records(s, "campaign");
	value_set(a, ctx, "campaigns", value_arr(a));
	for (i = 0; set != NULL && i < set->n; i++)
		value_push(a, value_get(ctx, "campaigns"), recordctx(v, a,
		    set->v[i]));
	set = site_records(s, "initiative");
	value_set(a, ctx, "initiatives", value_arr(a));
	for (i = 0; set != NULL && i < set->n; i++)
		value_push(a, value_get(ctx, "initiatives"), recordctx(v, a,
		    set->v[i]));
}

/* Navigation with the current section marked. */
static struct value *
nav(struct view *v, struct arena *a, const char *section)
{
	const char *const items[][2] = {
		{ UI(NAV_HOME), "" },
		{ UI(NAV_NEWS), "news/" },
		{ UI(NAV_PROVINCES), "provinces/" },
		{ UI(NAV_STATIONS), "stations/" },
		{ UI(NAV_CAMPAIGNS), "campaigns/" },
		{ UI(NAV_DATA), "data/" },
		{ UI(NAV_SEARCH), "search/" },
	};
	struct value *arr = value_arr(a);
	size_t i;

	for (i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
		struct value *o = vw_link(v, a, items[i][0], items[i][1]);

		value_set_bool(a, o, "current", section != NULL &&
		    strcmp(items[i][1], section) == 0);
		value_push(a, arr, o);
	}
	return arr;
}

struct value *
view_page(struct view *v, struct arena *a, const struct page *p,
    const char **untrusted)
{
	const struct site *s = v->s;
	struct value *ctx = value_obj(a), *pg = value_obj(a), *pd = value_arr(a);
	const char *title = NULL, *section = NULL, *desc = NULL;
	const char *county = pagecounty(p);
	const char *crumbtitle = NULL;	/* the last crumb, when not title */
	const struct area *ar;
	const struct record *r;
	const struct tag *t;
	const struct recordset *set;
	char *dir;
	size_t per = (size_t)s->cfg.paginate, from;

	value_set(a, ctx, "site", v->site);
	dir = str_has_suffix(p->file, "index.html") ? arena_strndup(a, p->file,
	    strlen(p->file) - strlen("index.html")) : "";
	from = p->pageno > 1 ? (size_t)(p->pageno - 1) * per : 0;
	switch (p->kind) {
	case PG_HOME:
		section = "";
		homepage(v, a, ctx);
		desc = s->cfg.description;
		break;
	case PG_NEWS_LIST:
		title = UI(NAV_NEWS);
		section = "news/";
		value_set(a, ctx, "items", cards(v, a, s->news, s->nnews, from,
		    per));
		value_set(a, ctx, "pager", pager(v, a, "news/", p));
		value_set(a, ctx, "tags", vw_link(v, a, UI(TAGS_ALL), "tags/"));
		break;
	case PG_NEWS: {
		const struct news *n = p->obj;

		title = n->title;
		section = "news/";
		desc = record_str(n->rec, "summary");
		crumb(v, a, ctx, UI(NAV_NEWS), "news/");
		if (newspage(v, a, ctx, n, pd) < 0)
			return NULL;
		break;
	}
	case PG_TAGS: {
		struct value *arr = value_arr(a);
		size_t i;

		title = UI(TITLE_TAGS);
		section = "news/";
		crumb(v, a, ctx, UI(NAV_NEWS), "news/");
		for (i = 0; i < s->ntags; i++) {
			struct value *o = vw_link(v, a, s->tags[i].name,
			    arena_printf(a, "tags/%s/", s->tags[i].name));

			value_set_int(a, o, "count", (long long)s->tags[i].n);
			value_push(a, arr, o);
		}
		value_set(a, ctx, "tags", arr);
		break;
	}
	case PG_TAG:
		t = p->obj;
		title = UIF(TITLE_TAG, "tag", t->name);
		section = "news/";
		crumb(v, a, ctx, UI(TITLE_TAGS), "tags/");
		value_set_str(a, ctx, "tag", t->name);
		value_set(a, ctx, "items", cards(v, a, t->news, t->n, from,
		    per));
		value_set(a, ctx, "pager", pager(v, a, arena_printf(a,
		    "tags/%s/", t->name), p));
		break;
	case PG_PROVINCES: {
		struct value *arr = value_arr(a);
		size_t i;

		title = UI(NAV_PROVINCES);
		section = "provinces/";
		for (i = 0; i < s->nprovinces; i++) {
			struct value *o = countyrow(v, a, &s->provinces[i]);

			value_set(a, o, "figures", figures(v, a,
			    &s->provinces[i]));
			value_push(a, arr, o);
		}
		value_set(a, ctx, "provinces", arr);
		break;
	}
	case PG_PROVINCE:
		ar = p->obj;
		title = ar->div->name;
		section = "provinces/";
		crumb(v, a, ctx, UI(NAV_PROVINCES), "provinces/");
		provincepage(v, a, ctx, ar, pd);
		break;
	case PG_PROVINCE_NEWS:
		ar = p->obj;
		title = UIF(TITLE_PROVINCE_NEWS, "province", ar->div->name);
		section = "provinces/";
		crumb(v, a, ctx, UI(NAV_PROVINCES), "provinces/");
		crumb(v, a, ctx, ar->div->name, areapath(a, ar));
		value_set(a, ctx, "items", cards(v, a, ar->news, ar->nnews,
		    from, per));
		value_set(a, ctx, "pager", pager(v, a, arena_printf(a,
		    "%snews/", areapath(a, ar)), p));
		break;
	case PG_COUNTY:
		ar = p->obj;
		title = arena_printf(a, "%s · %s", ar->div->name,
		    ar->province->div->name);
		section = "provinces/";
		crumbtitle = ar->div->name;
		areacrumbs(v, a, ctx, ar, true);
		countypage(v, a, ctx, ar, pd);
		break;
	case PG_BRAND: {
		const struct brand *br = p->obj;

		title = br->title;
		section = "provinces/";
		desc = record_str(br->rec, "summary");
		if (brandpage(v, a, ctx, br) < 0)
			return NULL;
		break;
	}
	case PG_STATIONS:
		set = site_records(s, "station");
		title = UI(NAV_STATIONS);
		section = "stations/";
		value_set(a, ctx, "items", stationlist(v, a, set->v + from,
		    set->n - from < per ? set->n - from : per));
		value_set(a, ctx, "pager", pager(v, a, "stations/", p));
		value_set_int(a, ctx, "total", (long long)set->n);
		break;
	case PG_STATION:
		r = p->obj;
		title = record_str(r, "name");
		section = "stations/";
		stationpage(v, a, ctx, r, pd);
		break;
	case PG_CAMPAIGNS: {
		title = UI(NAV_CAMPAIGNS);
		section = "campaigns/";
		set = site_records(s, "campaign");
		value_set(a, ctx, "campaigns", stationlist(v, a, set->v,
		    set->n));
		set = site_records(s, "initiative");
		value_set(a, ctx, "initiatives", set != NULL ? stationlist(v,
		    a, set->v, set->n) : value_arr(a));
		break;
	}
	case PG_CAMPAIGN:
		r = p->obj;
		title = record_str(r, "name");
		section = "campaigns/";
		crumb(v, a, ctx, UI(NAV_CAMPAIGNS), "campaigns/");
		campaignpage(v, a, ctx, r, pd);
		break;
	case PG_INITIATIVE:
		r = p->obj;
		title = record_str(r, "name");
		section = "campaigns/";
		crumb(v, a, ctx, UI(NAV_CAMPAIGNS), "campaigns/");
		initiativepage(v, a, ctx, r, pd);
		break;
	case PG_DATA:
		title = UI(NAV_DATA);
		section = "data/";
		vw_datapage(v, a, ctx);
		break;
	case PG_DATASET: {
		const struct table *tb = p->obj;

		title = tb->schema->title ? tb->schema->title : tb->name;
		section = "data/";
		desc = tb->schema->description;
		crumb(v, a, ctx, UI(NAV_DATA), "data/");
		vw_datasetpage(v, a, ctx, tb);
		break;
	}
	case PG_CHANGES:
		title = UI(TITLE_CHANGES);
		section = "data/";
		crumb(v, a, ctx, UI(NAV_DATA), "data/");
		vw_changespage(v, a, ctx);
		break;
	case PG_GUIDE:
		title = UI(TITLE_GUIDE);
		section = "data/";
		crumb(v, a, ctx, UI(NAV_DATA), "data/");
		vw_guidepage(v, a, ctx);
		break;
	case PG_VERSION:
		title = UIF(TITLE_VERSION, "version", (const char *)p->obj);
		section = "data/";
		crumb(v, a, ctx, UI(NAV_DATA), "data/");
		vw_versionpage(v, a, ctx, p->obj);
		break;
	case PG_SEARCH:
		title = UI(NAV_SEARCH);
		section = "search/";
		value_set(a, ctx, "script", value_str(a, vw_href(v, a,
		    "assets/search.js")));
		value_set(a, ctx, "index", value_str(a, vw_href(v, a, "search/")));
		break;
	case PG_NOT_FOUND:
		title = UI(TITLE_NOT_FOUND);
		break;
	}
	if (p->pageno > 1) {
		char no[16];

		snprintf(no, sizeof(no), "%d", p->pageno);
		title = UIF(TITLE_PAGED, "title", title, "page", no);
	}
	if (title != NULL && value_get(ctx, "breadcrumbs") != NULL) {
		struct value *bc;

		crumb(v, a, ctx, crumbtitle != NULL ? crumbtitle : title, dir);
		bc = value_get(ctx, "breadcrumbs");
		value_set_bool(a, bc->u.arr.v[bc->u.arr.len - 1], "current",
		    true);
	}
	value_set(a, pg, "title", vw_str(a, title));
	value_set(a, pg, "full_title", value_str(a, title != NULL ?
	    arena_printf(a, "%s - %s", title, s->cfg.title) : s->cfg.title));
	value_set(a, pg, "description", vw_str(a, desc != NULL ? desc :
	    s->cfg.description));
	value_set(a, pg, "url", value_str(a, vw_href(v, a, dir)));
	value_set(a, pg, "canonical", value_str(a, view_canonical(v, a, p)));
	value_set(a, pg, "jsonld", vw_jsonld(v, a, p, view_canonical(v, a, p)));
	value_set_str(a, pg, "og_type", p->kind == PG_NEWS ? "article" :
	    "website");
	value_set_str(a, pg, "kind", templates[p->kind]);
	/* "The data behind this page": the rows its figures come from. */
	value_set(a, pg, "data", pd->u.arr.len > 0 ? pd : value_null(a));
	lastmod(v, a, p, pg);
	value_set(a, ctx, "page", pg);
	value_set(a, ctx, "nav", nav(v, a, section));
	/* Plugins have the last word on what the page shows. */
	if (v->plugins != NULL && plugin_page(v->plugins,
	    view_page_template(p), county, &ctx, a) < 0)
		return NULL;
	*untrusted = p->tmpl != NULL ? arena_printf(a, "content/counties/%s/"
	    "brand.mustache", county) : v->plugins != NULL &&
	    plugin_touches(v->plugins, county, p->kind == PG_BRAND) != NULL ?
	    plugin_touches(v->plugins, county, p->kind == PG_BRAND) :
	    p->kind == PG_BRAND ? arena_printf(a, "content/counties/%s/"
	    "index.md", county) : NULL;
	return ctx;
}
