/*
 * view: contexts for the theme's templates.
 *
 * Every figure a page prints is formatted here once ("1,094", "72.45%",
 * "2,000+"), next to the raw value, so templates stay free of logic and a
 * number reads the same on every page.  Strings go into contexts raw; the
 * template engine escapes them.  Only two kinds of value are HTML already:
 * rendered Markdown ("body") and charts ("chart"), both made here.
 */
#include <math.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "buf.h"
#include "chart.h"
#include "diag.h"
#include "dataset.h"
#include "json.h"
#include "schema.h"
#include "map.h"
#include "plugin.h"
#include "markdown.h"
#include "record.h"
#include "release.h"
#include "history.h"
#include "source.h"
#include "site.h"
#include "util.h"
#include "value.h"
#include "view.h"

#define HOME_NEWS	6

/* Records of a type by the value of one field, for related lists (a
 * station's service figures, a campaign's actions) without a scan of the
 * whole type per page. */
struct keyrec {
	const char	*key;
	struct record	*r;
};

struct byfield {
	const char	*type, *field;
	struct keyrec	*v;		/* sorted by key, then id */
	size_t		 n;
};

static const char *const indexed[][2] = {
	{ "service_stats", "station" },
	{ "action", "campaign" },
	{ "campaign", "province" },
	{ "initiative", "province" },
};
#define NINDEXED (sizeof(indexed) / sizeof(indexed[0]))

struct view;
static void buildindex(struct view *, struct byfield *, const char *,
    const char *);

struct view {
	const struct site *s;
	struct byfield	 idx[NINDEXED];
	const struct datapkg *data;
	const struct mapset *maps;
	const struct releases *releases;
	struct plugin_host *plugins;	/* NULL: none */
	struct arena	 a;		/* shared contexts and the plan */
	struct value	*site;		/* the "site" block of every page */
	struct value	**cards;	/* one per s->news[i] */
	struct page	*pages;
	size_t		 npages, cap;
};

static const char *const templates[] = {
	[PG_HOME] = "home",
	[PG_NEWS_LIST] = "news-list",
	[PG_NEWS] = "news",
	[PG_TAGS] = "tags",
	[PG_TAG] = "tag",
	[PG_PROVINCES] = "provinces",
	[PG_PROVINCE] = "province",
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

static struct value *
vstr(struct arena *a, const char *s)
{
	return s != NULL ? value_str(a, s) : value_null(a);
}

static char *
grouped(struct arena *a, long long n, int lower_bound)
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

/* "2023-06-01" -> "2023年6月1日"; "2022-05" -> "2022年5月". */
static char *
cndate(struct arena *a, const char *iso)
{
	int y = 0, m = 0, d = 0;

	if (iso == NULL)
		return NULL;
	if (sscanf(iso, "%d-%d-%d", &y, &m, &d) == 3)
		return arena_printf(a, "%d年%d月%d日", y, m, d);
	if (sscanf(iso, "%d-%d", &y, &m) == 2)
		return arena_printf(a, "%d年%d月", y, m);
	return arena_strdup(a, iso);
}

/* ==== URLs ============================================================== */

/* A link: the site's base path, then path with each byte that is not safe
 * in a URL %-encoded (tags are Chinese). */
static char *
href(struct view *v, struct arena *a, const char *path)
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

static struct value *
link(struct view *v, struct arena *a, const char *title, const char *path)
{
	struct value *o = value_obj(a);

	value_set(a, o, "title", vstr(a, title));
	value_set(a, o, "url", value_str(a, href(v, a, path)));
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
	for (i = 0; i < s->nprovinces; i++)
		plan(v, PG_PROVINCE, areapath(&v->a, &s->provinces[i]),
		    &s->provinces[i], 0, 0);
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
		for (i = 0; i < v->data->ntables; i++)
			plan(v, PG_DATASET, arena_printf(&v->a, "data/%s/",
			    v->data->tables[i].name), &v->data->tables[i], 0, 0);
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

	value_set(a, o, "title", vstr(a, c->title));
	value_set(a, o, "title_en", vstr(a, c->title_en));
	value_set(a, o, "description", vstr(a, c->description));
	value_set(a, o, "publisher", vstr(a, c->publisher));
	value_set(a, o, "language", vstr(a, c->language));
	value_set(a, o, "base", vstr(a, c->base_path));
	value_set(a, o, "base_url", vstr(a, c->base_url));
	value_set(a, o, "css", value_str(a, href(v, a, "assets/style.css")));
	value_set(a, lic, "id", vstr(a, c->licence_id));
	value_set(a, lic, "title", vstr(a, c->licence_title));
	value_set(a, lic, "url", vstr(a, c->licence_url));
	value_set(a, o, "licence", c->licence_id != NULL ? lic :
	    value_null(a));
	value_set(a, o, "data_as_of", vstr(a, v->s->build_date));
	value_set(a, o, "data_as_of_text", vstr(a, cndate(a,
	    v->s->build_date)));
	for (i = 0; i < v->s->nprovinces; i++) {
		const struct area *p = &v->s->provinces[i];

		value_push(a, pv, link(v, a, p->div->name, areapath(a, p)));
	}
	value_set(a, o, "provinces", pv);
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

		value_push(a, out, link(v, a, t, arena_printf(a, "tags/%s/",
		    t)));
	}
	return out;
}

/* What a list shows of a news item. */
static struct value *
newscard(struct view *v, struct arena *a, const struct news *n)
{
	struct value *o = value_obj(a);

	value_set(a, o, "title", vstr(a, n->title));
	value_set(a, o, "url", value_str(a, href(v, a, newspath(a, n))));
	value_set(a, o, "date", vstr(a, n->date));
	value_set(a, o, "date_text", vstr(a, cndate(a, n->date)));
	value_set(a, o, "summary", vstr(a, record_str(n->rec, "summary")));
	value_set(a, o, "summary_en", vstr(a, record_str(n->rec,
	    "summary_en")));
	value_set(a, o, "province", n->province != NULL ? link(v, a,
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

struct view *
view_new(const struct site *s, const struct datapkg *data,
    const struct mapset *maps, const struct releases *releases,
    struct plugin_host *plugins)
{
	struct view *v = xcalloc(1, sizeof(*v));
	size_t i;

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
	for (i = 0; i < s->nnews; i++)
		v->cards[i] = newscard(v, &v->a, s->news[i]);
	makeplan(v);
	return v;
}

void
view_free(struct view *v)
{
	if (v == NULL)
		return;
	free(v->pages);
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
			text = grouped(a, f->u.i, record_is_lower_bound(r,
			    fd->name));
		else if (f->kind == VAL_NUM && fd->format != NULL &&
		    strcmp(fd->format, "percent") == 0)
			text = percent(a, f->u.num.d);
		else if (fd->type == FT_DATE || fd->type == FT_YEARMONTH)
			text = cndate(a, f->u.str.s);
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
		    strcmp(k, "county") == 0 ? "县（市、区）社工总站" :
		    "乡镇（街道）社工站");
	}
	if ((path = recpath(a, r)) != NULL)
		value_set(a, o, "url", value_str(a, href(v, a, path)));
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
	    u->county, c->path, c->line, out, is_html);
}

/* A body as trusted HTML, shortcodes expanded; NULL after reporting. */
static struct value *
body(struct view *v, struct arena *a, const char *text, size_t len,
    const char *path, int line, const struct value *page, const char *county)
{
	struct scud u = { v, page, county };
	/* unsafe_html is the province's choice for its own text; a county's
	 * Markdown never passes raw HTML through. */
	struct markdown_opts mo = { .unsafe_html = v->s->cfg.unsafe_html &&
	    county == NULL,
	    .base_path = v->s->cfg.base_path, .shortcode = shortcode,
	    .ud = &u, .path = path, .line = line };
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
		return ((const struct area *)p->obj)->changed;
	default:
		return s->changed;
	}
}

const char *
view_lastmod(struct view *v, struct arena *a, const struct page *p)
{
	struct stamp st = sourcesof(v, p);
	char day[16];
	struct tm tm;

	if (st.when <= 0)
		return NULL;
	gmtime_r(&st.when, &tm);
	strftime(day, sizeof(day), "%Y-%m-%d", &tm);
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
	value_set(a, pg, "lastmod_text", vstr(a, cndate(a, day)));
	value_set(a, pg, "updated_by", vstr(a, sourcesof(v, p).author));
}

/* A county's recent changes, from git history. */
static struct value *
recent(struct view *v, struct arena *a, const char *code)
{
	const struct change *ch[10];
	struct value *arr = value_arr(a);
	size_t i, n;

	if (v->s->history == NULL)
		return arr;
	n = history_recent(v->s->history, arena_printf(a,
	    "content/counties/%s/", code), ch, 10);
	for (i = 0; i < n; i++) {
		struct value *o = value_obj(a);
		char day[16];
		struct tm tm;
		time_t t = ch[i]->c.time;

		gmtime_r(&t, &tm);
		strftime(day, sizeof(day), "%Y-%m-%d", &tm);
		value_set_str(a, o, "date", day);
		value_set(a, o, "date_text", vstr(a, cndate(a, day)));
		value_set_str(a, o, "author", ch[i]->c.author);
		value_set_str(a, o, "message", ch[i]->c.summary);
		value_set(a, o, "commit", value_strf(a, "%.12s", ch[i]->c.id));
		value_push(a, arr, o);
	}
	return arr;
}

/* ==== maps ============================================================== */

/* The SVG of a map to put inline in a page, or null. */
static struct value *
mapsvg(struct view *v, struct arena *a, const char *code)
{
	const struct map *m = v->maps != NULL ? mapset_get(v->maps, code) :
	    NULL;

	if (m == NULL)
		return value_null(a);
	/* The map's own bytes, not a copy: they outlive every page. */
	return value_html_borrow(a, m->svg + m->inline_at,
	    m->len - m->inline_at);
}

static struct value *
mapurl(struct view *v, struct arena *a, const char *code)
{
	if (v->maps == NULL || mapset_get(v->maps, code) == NULL)
		return value_null(a);
	return value_str(a, href(v, a, arena_printf(a, "maps/%s.svg", code)));
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
	value_set(a, o, "townships_text", value_str(a, grouped(a, towns, 0)));
	value_set_int(a, o, "stations_published", (long long)ar->nstations);
	value_set_int(a, o, "covered", ar->covered);
	value_set(a, o, "covered_text", value_str(a, grouped(a, ar->covered,
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
			    "%s ÷ %s", grouped(a, st, 0), grouped(a, towns, 0))));
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
	value_set(a, o, "url", value_str(a, href(v, a, areapath(a, c))));
	value_set_int(a, o, "townships", towns);
	value_set_int(a, o, "nstations", (long long)c->nstations);
	value_set_int(a, o, "covered", c->covered);
	value_set(a, o, "coverage_text", value_str(a, percent(a,
	    towns > 0 ? (double)c->covered / towns : 0)));
	value_set_bool(a, o, "has_stations", c->nstations > 0);
	value_set(a, o, "brand", c->brand != NULL ? link(v, a, c->brand->title,
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
		bars[n].label = "乡镇（街道）";
		bars[n].value = (double)x / p->div->townships;
		bars[n].value_text = arena_printf(a, "%s / %s，%s",
		    grouped(a, x, 0), grouped(a, p->div->townships, 0),
		    percent(a, bars[n].value));
		bars[n].href = NULL;
		bars[n].target = 0;
		n++;
	}
	if ((x = record_int(r, "counties_covered", -1)) >= 0 && counties > 0) {
		bars[n].label = "全覆盖的县";
		bars[n].value = (double)x / counties;
		bars[n].value_text = arena_printf(a, "%lld / %ld", x, counties);
		bars[n].href = NULL;
		bars[n].target = 0;
		n++;
	}
	if ((x = record_int(r, "prefectures_covered", -1)) >= 0 && pref > 0) {
		bars[n].label = "全覆盖的市（州）";
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
	    arena_printf(a, "%s社工站覆盖情况", p->div->name),
	    arena_printf(a, "截至%s，按参考区划计算的覆盖比例",
	    cndate(a, record_str(r, "date"))), bars, n, 1.0);
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
	bar.label = "乡镇（街道）";
	bar.value = (double)c->covered / c->div->townships;
	bar.value_text = arena_printf(a, "%ld / %ld，%s", c->covered,
	    c->div->townships, percent(a, bar.value));
	bar.href = NULL;
	bar.target = 0;
	buf_init(&b);
	chart_bars(&b, arena_printf(a, "chart-%s", c->div->code),
	    arena_printf(a, "%s社工站覆盖情况", c->div->name),
	    "已发布社工站记录覆盖的乡镇（街道）比例", &bar, 1, 1.0);
	out = value_html(a, b.data, b.len);
	buf_release(&b);
	return out;
}

static void
provincepage(struct view *v, struct arena *a, struct value *ctx,
    const struct area *p)
{
	struct value *o = value_obj(a), *prefs = value_arr(a), *rows;
	size_t i, j, k = 0;

	value_set_str(a, o, "code", p->div->code);
	value_set_str(a, o, "name", p->div->name);
	value_set(a, o, "figures", figures(v, a, p));
	value_set(a, o, "chart", provincechart(v, a, p));
	value_set(a, o, "map", mapsvg(v, a, p->div->code));
	value_set(a, o, "map_url", mapurl(v, a, p->div->code));
	for (i = 0; i < p->div->nchildren; i++) {
		const struct division *pd = p->div->children[i];
		struct value *po = value_obj(a);

		rows = value_arr(a);
		for (j = 0; j < pd->nchildren; j++, k++)
			value_push(a, rows, countyrow(v, a, p->counties[k]));
		value_set_str(a, po, "name", pd->name);
		value_set_str(a, po, "code", pd->code);
		value_set_int(a, po, "townships", pd->townships);
		value_set(a, po, "counties", rows);
		value_push(a, prefs, po);
	}
	value_set(a, o, "prefectures", prefs);
	value_set_int(a, o, "nprefectures", (long long)p->div->nchildren);
	value_set_int(a, o, "ncounties", (long long)p->ncounties);
	value_set(a, o, "stations", stationlist(v, a, p->stations,
	    p->nstations));
	value_set(a, o, "news", cards(v, a, p->news, p->nnews, 0, p->nnews));
	value_set(a, o, "campaigns", related(v, a, "campaign", "province",
	    p->div->code));
	value_set(a, o, "initiatives", related(v, a, "initiative",
	    "province", p->div->code));
	value_set(a, ctx, "province", o);
}

static struct value *
statsctx(struct view *v, struct arena *a, struct record *const *st, size_t n)
{
	struct value *arr = value_arr(a);
	size_t i;

	for (i = 0; i < n; i++)
		value_push(a, arr, recordctx(v, a, st[i]));
	return arr;
}

static void
countypage(struct view *v, struct arena *a, struct value *ctx,
    const struct area *c)
{
	struct value *o = countyrow(v, a, c), *towns = value_arr(a);
	const struct division *d = c->div;
	size_t i, j;

	value_set(a, o, "province", link(v, a, c->province->div->name,
	    areapath(a, c->province)));
	value_set_str(a, o, "prefecture", d->parent->name);
	value_set(a, o, "figures", figures(v, a, c));
	value_set(a, o, "chart", countychart(v, a, c));
	value_set(a, o, "map", mapsvg(v, a, c->div->code));
	value_set(a, o, "map_url", mapurl(v, a, c->div->code));
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
		e = link(v, a, arena_printf(a, "%d", i), listpath(a, dir, i));
		value_set_bool(a, e, "current", i == p->pageno);
		value_push(a, pages, e);
	}
	value_set(a, o, "pages", pages);
	value_set_int(a, o, "current", p->pageno);
	value_set_int(a, o, "total", p->npages);
	value_set(a, o, "prev", p->pageno > 1 ? value_str(a, href(v, a,
	    listpath(a, dir, p->pageno - 1))) : value_null(a));
	value_set(a, o, "next", p->pageno < p->npages ? value_str(a, href(v, a,
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
		value_push(a, bc, link(v, a, "首页", ""));
		value_set(a, ctx, "breadcrumbs", bc);
	}
	if (path != NULL)
		value_push(a, bc, link(v, a, title, path));
	else {
		struct value *o = value_obj(a);

		/* url null, not absent: a section over it must not find an
		 * outer url up the context stack. */
		value_set(a, o, "title", vstr(a, title));
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
    const struct news *n)
{
	struct value *o = recordctx(v, a, n->rec), *html;
	const char *ref;
	const struct recordset *set;
	const struct record *r;

	html = body(v, a, n->body, n->body_len, n->path, n->body_line, o,
	    n->county != NULL ? n->county->div->code : NULL);
	if (html == NULL)
		return -1;
	value_set(a, o, "body", html);
	value_set(a, o, "date_text", vstr(a, cndate(a, n->date)));
	value_set(a, o, "tags", tagslinks(v, a, n->rec));
	value_set(a, o, "province", n->province != NULL ? link(v, a,
	    n->province->div->name, areapath(a, n->province)) :
	    value_null(a));
	value_set(a, o, "county", n->county != NULL ? link(v, a,
	    n->county->div->name, areapath(a, n->county)) : value_null(a));
	if ((ref = record_str(n->rec, "campaign")) != NULL &&
	    (set = site_records(v->s, "campaign")) != NULL &&
	    (r = record_find(set, ref)) != NULL)
		value_set(a, o, "campaign", link(v, a, record_str(r, "name"),
		    recpath(a, r)));
	if ((ref = record_str(n->rec, "initiative")) != NULL &&
	    (set = site_records(v->s, "initiative")) != NULL &&
	    (r = record_find(set, ref)) != NULL)
		value_set(a, o, "initiative", link(v, a, record_str(r, "name"),
		    recpath(a, r)));
	value_set(a, ctx, "news", o);
	return 0;
}

static void
stationpage(struct view *v, struct arena *a, struct value *ctx,
    const struct record *r)
{
	struct value *o = recordctx(v, a, r);
	const char *code;
	struct area *c = NULL;

	if ((code = record_str(r, "county")) != NULL &&
	    (c = site_area(v->s, code)) != NULL) {
		value_set(a, o, "county_link", link(v, a, c->div->name,
		    areapath(a, c)));
		value_set(a, o, "province_link", link(v, a,
		    c->province->div->name, areapath(a, c->province)));
		areacrumbs(v, a, ctx, c, false);
	}
	value_set(a, o, "stats", related(v, a, "service_stats", "station",
	    r->id));
	/* The county map as an image with this station marked on it: one
	 * map file serves every station of the county. */
	if (c != NULL && v->maps != NULL) {
		const struct map *m = mapset_get(v->maps, c->div->code);
		const struct value *lon = record_get(r, "lon");
		const struct value *lat = record_get(r, "lat");
		double px, py;

		if (m != NULL) {
			value_set(a, o, "map_url", mapurl(v, a, c->div->code));
			value_set(a, o, "map_alt", value_strf(a, "%s社工站地图，"
			    "标出%s的位置", c->div->name, record_str(r, "name")));
			value_set_int(a, o, "map_width", (long long)m->width);
			value_set_int(a, o, "map_height", (long long)m->height);
		}
		if (m != NULL && lon != NULL && lat != NULL &&
		    mapset_locate(m, lon->kind == VAL_INT ? (double)lon->u.i :
		    lon->u.num.d, lat->kind == VAL_INT ? (double)lat->u.i :
		    lat->u.num.d, &px, &py) == 0)
			value_set(a, o, "marker", value_strf(a,
			    "left:%.2f%%;top:%.2f%%", px, py));
	}
	value_set(a, ctx, "station", o);
}

/* Campaign progress: time elapsed by the data date, and each target
 * against the latest report that names the campaign. */
static struct value *
campaignchart(struct view *v, struct arena *a, const struct record *r,
    struct value *o)
{
	static const struct {
		const char *target, *achieved, *label;
	} goals[] = {
		{ "target_stations", "stations", "参与社工站" },
		{ "target_households", "households_visited", "服务家庭" },
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
			bars[n].label = "时间进度";
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
		value_set(a, row, "target_text", value_str(a, grouped(a, t,
		    record_is_lower_bound(r, goals[i].target))));
		value_set(a, row, "achieved_text", got >= 0 ? value_str(a,
		    grouped(a, got, 0)) : value_null(a));
		value_push(a, rows, row);
		bars[n].label = goals[i].label;
		bars[n].value = got >= 0 ? (double)got / t : 0;
		bars[n].value_text = got >= 0 ? arena_printf(a, "%s / %s",
		    grouped(a, got, 0), grouped(a, t, 0)) :
		    arena_printf(a, "目标 %s，尚无进展数据", grouped(a, t, 0));
		bars[n].href = NULL;
		bars[n].target = 0;
		n++;
	}
	value_set(a, o, "targets", rows);
	value_set(a, o, "progress_date_text", vstr(a, latest != NULL ?
	    cndate(a, record_str(latest, "date")) : NULL));
	if (n == 0)
		return value_null(a);
	buf_init(&b);
	chart_bars(&b, arena_printf(a, "chart-%s", r->id), arena_printf(a,
	    "%s进度", record_str(r, "name")), arena_printf(a, "截至%s的时间进度"
	    "和目标完成情况", cndate(a, asof)), bars, n, 1.0);
	out = value_html(a, b.data, b.len);
	buf_release(&b);
	return out;
}

static void
campaignpage(struct view *v, struct arena *a, struct value *ctx,
    const struct record *r)
{
	struct value *o = recordctx(v, a, r);
	const char *p = record_str(r, "province");
	struct area *ar = p != NULL ? site_area(v->s, p) : NULL;

	value_set(a, o, "province_link", ar != NULL ? link(v, a, ar->div->name,
	    areapath(a, ar)) : value_null(a));
	value_set(a, o, "actions", related(v, a, "action", "campaign", r->id));
	value_set(a, o, "news", newsabout(v, a, "campaign", r->id));
	value_set(a, o, "chart", campaignchart(v, a, r, o));
	value_set(a, ctx, "campaign", o);
}

static void
initiativepage(struct view *v, struct arena *a, struct value *ctx,
    const struct record *r)
{
	struct value *o = recordctx(v, a, r);
	const char *p = record_str(r, "province");
	struct area *ar = p != NULL ? site_area(v->s, p) : NULL;

	value_set(a, o, "province_link", ar != NULL ? link(v, a, ar->div->name,
	    areapath(a, ar)) : value_null(a));
	value_set(a, o, "news", newsabout(v, a, "initiative", r->id));
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

	html = body(v, a, br->body, br->body_len, br->path, br->body_line, o,
	    c->div->code);
	if (html == NULL)
		return -1;
	value_set(a, o, "body", html);
	value_set(a, o, "county", countyrow(v, a, c));
	value_set(a, o, "stations", stationlist(v, a, c->stations,
	    c->nstations));
	value_set(a, o, "stats", statsctx(v, a, c->stats, c->nstats));
	value_set(a, o, "chart", countychart(v, a, c));
	value_set(a, o, "map", mapsvg(v, a, c->div->code));
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
		value_set(a, o, "url", value_str(a, href(v, a, areapath(a, p))));
		value_set(a, o, "figures", fig);
		value_push(a, provs, o);
		if (p->nreports > 0 && (st = record_int(p->reports[0],
		    "stations", -1)) >= 0 && p->div->townships > 0) {
			bars[n].label = p->div->name;
			bars[n].value = (double)st / p->div->townships;
			bars[n].value_text = arena_printf(a, "%s（%s / %s）",
			    percent(a, bars[n].value), grouped(a, st, 0),
			    grouped(a, p->div->townships, 0));
			/* No links in a chart (role="img" must not hold
			 * controls): the table below links the provinces. */
			bars[n].href = NULL;
			bars[n].target = 0;
			n++;
		}
	}
	value_set(a, ctx, "provinces", provs);
	value_set(a, ctx, "overview", mapsvg(v, a, "china"));
	if (n > 0) {
		buf_init(&b);
		chart_bars(&b, "chart-home", "各省乡镇（街道）社工站覆盖率",
		    "按最新报告的建站数与参考区划的乡镇（街道）数计算", bars, n,
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

/* ==== open data ========================================================= */

static char *
sizetext(struct arena *a, size_t n)
{
	if (n < 1024)
		return arena_printf(a, "%zu 字节", n);
	if (n < 1024 * 1024)
		return arena_printf(a, "%.1f KB", n / 1024.0);
	return arena_printf(a, "%.1f MB", n / 1048576.0);
}

static const char *
filelabel(const struct dfile *f)
{
	switch (f->kind) {
	case DF_JSON: return "JSON";
	case DF_CSV: return "CSV（UTF-8）";
	case DF_EXCEL: return "CSV（Excel 适用，带 BOM）";
	case DF_GEOJSON: return "GeoJSON";
	case DF_SCHEMA: return "JSON Schema";
	case DF_ARCHIVE: return "全部数据打包（tar.gz）";
	default: return f->path;
	}
}

static struct value *
download(struct view *v, struct arena *a, const struct dfile *f,
    const char *version)
{
	struct value *o = value_obj(a);

	value_set_str(a, o, "label", filelabel(f));
	value_set_str(a, o, "path", f->path);
	value_set(a, o, "url", value_str(a, href(v, a, arena_printf(a,
	    "data/%s", f->path))));
	value_set(a, o, "version_url", value_str(a, href(v, a, arena_printf(a,
	    "data/v/%s/%s", version, f->path))));
	value_set_str(a, o, "mediatype", f->mediatype);
	value_set_int(a, o, "bytes", (long long)f->len);
	value_set(a, o, "size_text", value_str(a, sizetext(a, f->len)));
	value_set_str(a, o, "sha256", f->sha256);
	return o;
}

static const char *
constraints(struct arena *a, const struct field *fd)
{
	struct buf b;
	char *s;
	size_t i;

	buf_init(&b);
	if (fd->required)
		buf_puts(&b, "必填；");
	if (fd->type == FT_DIVISION)
		buf_printf(&b, "%s级区划代码；", fd->level == DIV_PROVINCE ? "省" :
		    fd->level == DIV_PREFECTURE ? "市（州）" :
		    fd->level == DIV_COUNTY ? "县" : fd->level == DIV_TOWNSHIP ?
		    "乡镇（街道）" : "任意");
	if (fd->type == FT_REF)
		buf_printf(&b, "引用 %s 记录；", fd->ref);
	if (fd->has_min)
		buf_printf(&b, "≥ %g；", fd->min);
	if (fd->has_max)
		buf_printf(&b, "≤ %g；", fd->max);
	if (fd->precision >= 0)
		buf_printf(&b, "%d 位小数；", fd->precision);
	if (fd->type == FT_LIST)
		buf_puts(&b, "CSV 中以 | 分隔；");
	if (fd->enums != NULL) {
		buf_puts(&b, "取值：");
		for (i = 0; i < fd->nenums; i++)
			buf_printf(&b, "%s%s", i > 0 ? "、" : "", fd->enums[i]);
		buf_puts(&b, "；");
	}
	if (b.len >= 3 && strcmp(b.data + b.len - 3, "；") == 0)
		b.len -= 3;
	s = arena_strndup(a, b.data ? b.data : "", b.len);
	buf_release(&b);
	return s;
}

/* JSON for a <script> element: '<', '>' and '&' (which JSON only has
 * inside strings) become \u escapes, so no text can end the element or
 * open a comment in it. */
static struct value *
scriptjson(struct arena *a, const struct buf *json)
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
	o = scriptjson(a, &b);
	buf_release(&b);
	return o;
}

static struct value *
versionlist(struct view *v, struct arena *a, const char *file)
{
	const struct datapkg *p = v->data;
	struct value *arr = value_arr(a);
	size_t i;

	for (i = p->nversions; i-- > 0;) {
		struct value *o = value_obj(a);

		value_set_str(a, o, "version", p->versions[i]);
		value_set(a, o, "url", value_str(a, href(v, a, arena_printf(a,
		    "data/v/%s/%s", p->versions[i], file))));
		value_set_bool(a, o, "current", strcmp(p->versions[i],
		    p->version) == 0);
		value_push(a, arr, o);
	}
	return arr;
}

static void
datasetpage(struct view *v, struct arena *a, struct value *ctx,
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
	value_set(a, o, "title_en", vstr(a, s->title_en));
	value_set(a, o, "description", vstr(a, s->description));
	value_set(a, o, "provenance", vstr(a, prov));
	value_set(a, o, "provenance_en", vstr(a, value_get_str(cat,
	    "provenance_en")));
	value_set_int(a, o, "nrows", (long long)t->nrows);
	value_set(a, o, "nrows_text", value_str(a, grouped(a,
	    (long long)t->nrows, 0)));
	value_set(a, o, "date_min_text", vstr(a, cndate(a, t->date_min)));
	value_set(a, o, "date_max_text", vstr(a, cndate(a, t->date_max)));
	value_set(a, o, "citation", value_strf(a, "%s. %s（%s 版）[数据集]. "
	    "%sdata/%s/. 许可：%s.", c->publisher ? c->publisher : c->title,
	    s->title ? s->title : t->name, p->version, c->base_url, t->name,
	    c->licence_id ? c->licence_id : "见站点说明"));
	for (i = 0; i < s->nfields; i++) {
		const struct field *fd = &s->fields[i];
		struct value *f = value_obj(a);

		value_set_str(a, f, "name", fd->name);
		value_set(a, f, "title", vstr(a, fd->title));
		value_set(a, f, "title_en", vstr(a, fd->title_en));
		value_set_str(a, f, "type", schema_type_name(fd->type));
		value_set(a, f, "unit", vstr(a, fd->unit));
		value_set_str(a, f, "constraints", constraints(a, fd));
		value_set(a, f, "description", vstr(a, fd->description));
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
			value_set(a, o, "example_slice", link(v, a,
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
		static const char *const labels[] = { "信息资源名称",
		    "信息资源代码", "信息资源提供方", "信息资源摘要",
		    "信息资源分类", "信息资源格式", "更新周期", "发布日期",
		    "开放属性" };
		const char *vals[9];

		vals[0] = s->title ? s->title : t->name;
		vals[1] = arena_printf(a, "%s/%s", p->name, t->name);
		vals[2] = c->publisher;
		vals[3] = s->description;
		vals[4] = value_get_str(cat, "category");
		vals[5] = t->geometry ? "JSON；CSV；GeoJSON" : "JSON；CSV";
		vals[6] = freq != NULL ? freq : "不定期";
		vals[7] = cndate(a, p->as_of);
		vals[8] = value_get_str(cat, "open_type");
		if (vals[4] == NULL)
			vals[4] = "社会服务";
		if (vals[8] == NULL)
			vals[8] = "无条件开放";
		for (i = 0; i < 9; i++) {
			struct value *e = value_obj(a);

			value_set_str(a, e, "label", labels[i]);
			value_set(a, e, "value", vstr(a, vals[i]));
			value_push(a, zh, e);
		}
	}
	value_set(a, o, "catalogue", zh);
	value_set(a, ctx, "dataset", o);
}

static void
datapage(struct view *v, struct arena *a, struct value *ctx)
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
		value_set(a, o, "description", vstr(a, t->schema->description));
		value_set(a, o, "url", value_str(a, href(v, a, arena_printf(a,
		    "data/%s/", t->name))));
		value_set(a, o, "nrows_text", value_str(a, grouped(a,
		    (long long)t->nrows, 0)));
		value_set(a, o, "json", value_str(a, href(v, a, arena_printf(a,
		    "data/%s.json", t->name))));
		value_set(a, o, "csv", value_str(a, href(v, a, arena_printf(a,
		    "data/%s.csv", t->name))));
		value_set_bool(a, o, "geo", t->geometry != NULL);
		value_set(a, o, "geojson", value_str(a, href(v, a,
		    arena_printf(a, "data/%s.geojson", t->name))));
		value_push(a, sets, o);
	}
	for (i = 0; i < p->nfiles; i++)
		if (p->files[i].kind == DF_META || p->files[i].kind == DF_ARCHIVE)
			value_push(a, pkg, download(v, a, &p->files[i],
			    p->version));
	value_set(a, ctx, "datasets", sets);
	value_set(a, ctx, "package", pkg);
	value_set_str(a, ctx, "version", p->version);
	value_set(a, ctx, "versions", versionlist(v, a, "datapackage.json"));
}

/* The data changelog: for each pair of versions, per dataset, the records
 * added, removed and changed (with the fields that changed). */
static void
changespage(struct view *v, struct arena *a, struct value *ctx)
{
	const struct releases *rs = v->releases;
	struct value *sets = value_arr(a);
	size_t i, j, k, f;

	for (i = 0; rs != NULL && i < rs->nchanges; i++) {
		const struct changeset *c = &rs->changes[i];
		struct value *o = value_obj(a), *tabs = value_arr(a);

		value_set_str(a, o, "from", c->from);
		value_set_str(a, o, "to", c->to);
		value_set(a, o, "date_text", vstr(a, cndate(a, c->date)));
		for (j = 0; j < c->ntables; j++) {
			const struct tablediff *d = &c->tables[j];
			struct value *t, *rows;

			if (d->n == 0)
				continue;
			t = value_obj(a);
			rows = value_arr(a);
			value_set_str(a, t, "name", d->name);
			value_set_int(a, t, "added", (long long)d->added);
			value_set_int(a, t, "removed", (long long)d->removed);
			value_set_int(a, t, "changed", (long long)d->changed);
			for (k = 0; k < d->n; k++) {
				const struct rowchange *r = &d->rows[k];
				struct value *ro = value_obj(a), *fs = value_arr(a);

				value_set_str(a, ro, "id", r->id);
				value_set_str(a, ro, "kind", r->kind == ROW_ADDED ?
				    "新增" : r->kind == ROW_REMOVED ? "删除" :
				    "修改");
				for (f = 0; f < r->nfields; f++) {
					struct value *fo = value_obj(a);
					struct buf b;

					buf_init(&b);
					value_set_str(a, fo, "field", r->fields[f]);
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
	value_set(a, ctx, "json", value_str(a, href(v, a,
	    "data/changes.json")));
	value_set_bool(a, ctx, "has_json", rs != NULL && rs->json != NULL);
}

/* ==== structured data and search ======================================== */

const char *
view_canonical(struct view *v, struct arena *a, const struct page *p)
{
	const char *file = p->file;
	size_t n = strlen(file);

	if (str_has_suffix(file, "index.html"))
		n -= strlen("index.html");
	return arena_printf(a, "%s%s", v->s->cfg.base_url, href(v, a,
	    arena_strndup(a, file, n)) + strlen(v->s->cfg.base_path));
}

struct value *
view_news_body(struct view *v, struct arena *a, const struct news *n)
{
	return body(v, a, n->body, n->body_len, n->path, n->body_line,
	    n->rec->fields, n->county != NULL ? n->county->div->code : NULL);
}

/* An object of schema.org type t with name. */
static struct value *
thing(struct arena *a, const char *t, const char *name)
{
	struct value *o = value_obj(a);

	value_set_str(a, o, "@type", t);
	if (name != NULL)
		value_set_str(a, o, "name", name);
	return o;
}

/* schema.org JSON-LD for a page: NewsArticle for news, Place for
 * stations, GovernmentOrganization for the departments that publish and
 * issue, WebSite for the home page. */
static struct value *
jsonld(struct view *v, struct arena *a, const struct page *p,
    const char *canonical)
{
	const struct config *c = &v->s->cfg;
	struct value *o = NULL, *pub;
	const struct record *r;
	struct buf b;

	pub = thing(a, "GovernmentOrganization", c->publisher ? c->publisher :
	    c->title);
	value_set_str(a, pub, "url", c->base_url);
	switch (p->kind) {
	case PG_NEWS: {
		const struct news *n = p->obj;
		const char *src = record_str(n->rec, "source");
		const char *author = record_str(n->rec, "author");

		o = thing(a, "NewsArticle", NULL);
		value_set_str(a, o, "headline", n->title);
		value_set_str(a, o, "datePublished", n->date);
		if (record_str(n->rec, "summary") != NULL)
			value_set_str(a, o, "description",
			    record_str(n->rec, "summary"));
		value_set_str(a, o, "inLanguage", c->language);
		value_set(a, o, "publisher", pub);
		if (author != NULL)
			value_set(a, o, "author", thing(a, "Person", author));
		if (src != NULL)
			value_set(a, o, "sourceOrganization", thing(a,
			    "NewsMediaOrganization", src));
		if (n->province != NULL)
			value_set(a, o, "contentLocation", thing(a, "Place",
			    n->province->div->name));
		break;
	}
	case PG_STATION: {
		const struct value *lon, *lat;
		const char *county;
		struct area *ar;

		r = p->obj;
		o = thing(a, "Place", record_str(r, "name"));
		lon = record_get(r, "lon");
		lat = record_get(r, "lat");
		if (lon != NULL && lat != NULL) {
			struct value *g = thing(a, "GeoCoordinates", NULL);

			value_set(a, g, "latitude", (struct value *)lat);
			value_set(a, g, "longitude", (struct value *)lon);
			value_set(a, o, "geo", g);
		}
		if ((county = record_str(r, "county")) != NULL &&
		    (ar = site_area(v->s, county)) != NULL) {
			struct value *addr = thing(a, "PostalAddress", NULL);

			value_set_str(a, addr, "addressRegion",
			    ar->province->div->name);
			value_set_str(a, addr, "addressLocality", ar->div->name);
			value_set_str(a, addr, "addressCountry", "CN");
			value_set(a, o, "address", addr);
		}
		break;
	}
	case PG_CAMPAIGN:
	case PG_INITIATIVE: {
		const char *issuer;

		r = p->obj;
		issuer = record_str(r, "issuer");
		if (issuer == NULL && record_get(r, "organisers") != NULL)
			issuer = record_get(r, "organisers")->u.arr.v[0]->u.str.s;
		if (issuer == NULL)
			return value_null(a);
		o = thing(a, "GovernmentOrganization", issuer);
		if (record_str(r, "province") != NULL) {
			const struct division *d = division_find(&v->s->div,
			    record_str(r, "province"));

			if (d != NULL)
				value_set(a, o, "areaServed", thing(a,
				    "AdministrativeArea", d->name));
		}
		break;
	}
	case PG_HOME:
		o = thing(a, "WebSite", c->title);
		value_set_str(a, o, "url", c->base_url);
		value_set_str(a, o, "inLanguage", c->language);
		value_set(a, o, "publisher", pub);
		break;
	default:
		return value_null(a);
	}
	value_set_str(a, o, "@context", "https://schema.org");
	value_set_str(a, o, "url", canonical);
	buf_init(&b);
	json_write(&b, o, -1);
	o = scriptjson(a, &b);
	buf_release(&b);
	return o;
}

static const char *
plaintext(struct arena *a, const char *md, size_t len)
{
	struct buf b;
	const char *s;

	buf_init(&b);
	markdown_text(&b, md, len);
	s = arena_strndup(a, b.data ? b.data : "", b.len);
	buf_release(&b);
	return s;
}

/* A record's list field joined with spaces, for search. */
static const char *
joined(struct arena *a, const struct record *r, const char *const *fields)
{
	struct buf b;
	const char *s;
	size_t i, k;

	buf_init(&b);
	for (i = 0; fields[i] != NULL; i++) {
		const struct value *f = record_get(r, fields[i]);

		if (f == NULL)
			continue;
		if (f->kind == VAL_ARR)
			for (k = 0; k < f->u.arr.len; k++) {
				value_text(&b, f->u.arr.v[k]);
				buf_putc(&b, ' ');
			}
		else {
			value_text(&b, f);
			buf_putc(&b, ' ');
		}
	}
	s = arena_strndup(a, b.data ? b.data : "", b.len);
	buf_release(&b);
	return s;
}

bool
view_search_doc(struct view *v, struct arena *a, const struct page *p,
    struct search_doc *d)
{
	static const char *const stationf[] = { "services", "note", NULL };
	static const char *const campf[] = { "focus_areas", "slogan",
	    "issuer", "requirements", NULL };
	static const char *const initf[] = { "organisers", "linked_forces",
	    "base", "functions", "model", "description", NULL };
	const struct record *r;
	const struct area *ar;
	const char *dir;

	memset(d, 0, sizeof(*d));
	dir = arena_strndup(a, p->file, strlen(p->file) -
	    (str_has_suffix(p->file, "index.html") ? strlen("index.html") : 0));
	d->url = href(v, a, dir);
	switch (p->kind) {
	case PG_NEWS: {
		const struct news *n = p->obj;

		d->title = n->title;
		d->kind = "新闻";
		d->snippet = record_str(n->rec, "summary");
		d->text[1] = arena_printf(a, "%s %s", d->snippet ? d->snippet :
		    "", joined(a, n->rec, (const char *const[]){ "tags",
		    "source", NULL }));
		d->text[2] = plaintext(a, n->body, n->body_len);
		break;
	}
	case PG_STATION: {
		const char *t = record_str(p->obj, "township");
		const struct division *td = t ? division_find(&v->s->div, t) :
		    NULL;

		r = p->obj;
		ar = record_str(r, "county") ? site_area(v->s,
		    record_str(r, "county")) : NULL;
		d->title = record_str(r, "name");
		d->kind = "社工站";
		d->snippet = ar != NULL ? arena_printf(a, "%s %s%s%s",
		    ar->province->div->name, ar->div->name, td ? " " : "",
		    td ? td->name : "") : NULL;
		d->text[1] = d->snippet;
		d->text[2] = joined(a, r, stationf);
		break;
	}
	case PG_COUNTY:
		ar = p->obj;
		d->title = ar->div->name;
		d->kind = "县（市、区）";
		d->snippet = arena_printf(a, "%s %s，%ld 个乡镇（街道）",
		    ar->province->div->name, ar->div->parent->name,
		    ar->div->townships);
		d->text[1] = d->snippet;
		break;
	case PG_PROVINCE:
		ar = p->obj;
		d->title = ar->div->name;
		d->kind = "省份";
		d->snippet = arena_printf(a, "%ld 个乡镇（街道）",
		    ar->div->townships);
		break;
	case PG_BRAND: {
		const struct brand *br = p->obj;

		d->title = br->title;
		d->kind = "社工站品牌";
		d->snippet = record_str(br->rec, "summary");
		/* The county's name counts as much as the title: people
		 * look for the brand by place. */
		d->text[0] = arena_printf(a, "%s %s", br->title,
		    br->county->div->name);
		d->text[1] = d->snippet;
		d->text[2] = plaintext(a, br->body, br->body_len);
		break;
	}
	case PG_CAMPAIGN:
		r = p->obj;
		d->title = record_str(r, "name");
		d->kind = "专项行动";
		d->snippet = record_str(r, "slogan");
		d->text[1] = joined(a, r, campf);
		d->text[2] = joined(a, r, (const char *const[]){ "name_en",
		    NULL });
		break;
	case PG_INITIATIVE:
		r = p->obj;
		d->title = record_str(r, "name");
		d->kind = "人才与合作计划";
		d->snippet = record_str(r, "description");
		d->text[1] = joined(a, r, initf);
		break;
	case PG_DATASET: {
		const struct table *t = p->obj;

		d->title = t->schema->title ? t->schema->title : t->name;
		d->kind = "数据集";
		d->snippet = t->schema->description;
		d->text[1] = arena_printf(a, "%s %s", t->name,
		    d->snippet ? d->snippet : "");
		break;
	}
	default:
		return false;
	}
	if (d->title == NULL)
		return false;
	if (d->text[0] == NULL)
		d->text[0] = d->title;
	return true;
}

/* Navigation with the current section marked. */
static struct value *
nav(struct view *v, struct arena *a, const char *section)
{
	static const char *const items[][2] = {
		{ "首页", "" },
		{ "新闻", "news/" },
		{ "省份", "provinces/" },
		{ "社工站", "stations/" },
		{ "行动与计划", "campaigns/" },
		{ "开放数据", "data/" },
		{ "搜索", "search/" },
	};
	struct value *arr = value_arr(a);
	size_t i;

	for (i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
		struct value *o = link(v, a, items[i][0], items[i][1]);

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
	struct value *ctx = value_obj(a), *pg = value_obj(a);
	const char *title = NULL, *section = NULL, *desc = NULL, *county = NULL;
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
		title = "新闻";
		section = "news/";
		value_set(a, ctx, "items", cards(v, a, s->news, s->nnews, from,
		    per));
		value_set(a, ctx, "pager", pager(v, a, "news/", p));
		value_set(a, ctx, "tags", link(v, a, "全部标签", "tags/"));
		break;
	case PG_NEWS: {
		const struct news *n = p->obj;

		title = n->title;
		section = "news/";
		desc = record_str(n->rec, "summary");
		crumb(v, a, ctx, "新闻", "news/");
		if (newspage(v, a, ctx, n) < 0)
			return NULL;
		county = n->county != NULL ? n->county->div->code : NULL;
		break;
	}
	case PG_TAGS: {
		struct value *arr = value_arr(a);
		size_t i;

		title = "标签";
		section = "news/";
		crumb(v, a, ctx, "新闻", "news/");
		for (i = 0; i < s->ntags; i++) {
			struct value *o = link(v, a, s->tags[i].name,
			    arena_printf(a, "tags/%s/", s->tags[i].name));

			value_set_int(a, o, "count", (long long)s->tags[i].n);
			value_push(a, arr, o);
		}
		value_set(a, ctx, "tags", arr);
		break;
	}
	case PG_TAG:
		t = p->obj;
		title = arena_printf(a, "标签：%s", t->name);
		section = "news/";
		crumb(v, a, ctx, "标签", "tags/");
		value_set_str(a, ctx, "tag", t->name);
		value_set(a, ctx, "items", cards(v, a, t->news, t->n, from,
		    per));
		value_set(a, ctx, "pager", pager(v, a, arena_printf(a,
		    "tags/%s/", t->name), p));
		break;
	case PG_PROVINCES: {
		struct value *arr = value_arr(a);
		size_t i;

		title = "省份";
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
		crumb(v, a, ctx, "省份", "provinces/");
		provincepage(v, a, ctx, ar);
		break;
	case PG_COUNTY:
		ar = p->obj;
		title = arena_printf(a, "%s · %s", ar->div->name,
		    ar->province->div->name);
		section = "provinces/";
		crumbtitle = ar->div->name;
		areacrumbs(v, a, ctx, ar, true);
		countypage(v, a, ctx, ar);
		county = ar->div->code;
		break;
	case PG_BRAND: {
		const struct brand *br = p->obj;

		title = br->title;
		section = "provinces/";
		desc = record_str(br->rec, "summary");
		if (brandpage(v, a, ctx, br) < 0)
			return NULL;
		county = br->rec->id;
		break;
	}
	case PG_STATIONS:
		set = site_records(s, "station");
		title = "社工站";
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
		stationpage(v, a, ctx, r);
		county = record_str(r, "county");
		break;
	case PG_CAMPAIGNS: {
		title = "行动与计划";
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
		crumb(v, a, ctx, "行动与计划", "campaigns/");
		campaignpage(v, a, ctx, r);
		break;
	case PG_INITIATIVE:
		r = p->obj;
		title = record_str(r, "name");
		section = "campaigns/";
		crumb(v, a, ctx, "行动与计划", "campaigns/");
		initiativepage(v, a, ctx, r);
		break;
	case PG_DATA:
		title = "开放数据";
		section = "data/";
		datapage(v, a, ctx);
		break;
	case PG_DATASET: {
		const struct table *tb = p->obj;

		title = tb->schema->title ? tb->schema->title : tb->name;
		section = "data/";
		desc = tb->schema->description;
		crumb(v, a, ctx, "开放数据", "data/");
		datasetpage(v, a, ctx, tb);
		break;
	}
	case PG_CHANGES:
		title = "数据变更记录";
		section = "data/";
		crumb(v, a, ctx, "开放数据", "data/");
		changespage(v, a, ctx);
		break;
	case PG_SEARCH:
		title = "搜索";
		section = "search/";
		value_set(a, ctx, "script", value_str(a, href(v, a,
		    "assets/search.js")));
		value_set(a, ctx, "index", value_str(a, href(v, a, "search/")));
		break;
	case PG_NOT_FOUND:
		title = "页面未找到";
		break;
	}
	if (p->pageno > 1)
		title = arena_printf(a, "%s（第 %d 页）", title, p->pageno);
	if (title != NULL && value_get(ctx, "breadcrumbs") != NULL) {
		struct value *bc;

		crumb(v, a, ctx, crumbtitle != NULL ? crumbtitle : title, dir);
		bc = value_get(ctx, "breadcrumbs");
		value_set_bool(a, bc->u.arr.v[bc->u.arr.len - 1], "current",
		    true);
	}
	value_set(a, pg, "title", vstr(a, title));
	value_set(a, pg, "full_title", value_str(a, title != NULL ?
	    arena_printf(a, "%s - %s", title, s->cfg.title) : s->cfg.title));
	value_set(a, pg, "description", vstr(a, desc != NULL ? desc :
	    s->cfg.description));
	value_set(a, pg, "url", value_str(a, href(v, a, dir)));
	value_set(a, pg, "canonical", value_str(a, view_canonical(v, a, p)));
	value_set(a, pg, "jsonld", jsonld(v, a, p, view_canonical(v, a, p)));
	value_set_str(a, pg, "og_type", p->kind == PG_NEWS ? "article" :
	    "website");
	value_set_str(a, pg, "kind", templates[p->kind]);
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
