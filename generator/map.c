/*
 * map: SVG maps from the reference boundaries.
 *
 * Each province's boundary layer is simplified twice (geo.c keeps shared
 * borders identical): once for the province map, at a tolerance of a
 * fraction of a pixel at that map's scale, and once, finer, for county
 * maps.  Then every map is drawn on its own, on the job threads.  Colours
 * are classes in a style sheet inside each SVG, so the same file works
 * inlined in a page and opened on its own; the scale runs light to dark
 * (viridis stops), which reads for colour-blind readers and in grey print.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "deps.h"
#include "diag.h"
#include "geo.h"
#include "jobs.h"
#include "map.h"
#include "record.h"
#include "site.h"
#include "source.h"
#include "csvtab.h"
#include "ui.h"
#include "util.h"
#include "value.h"

#define LEGEND_H	64	/* space under a province map for its legend */
#define MAX_SHAPES	8	/* polygons one county may have */

/* Coverage classes: index 0 is "no published station" (the theme's
 * words, map.legend.none). */
static const char *const classlabel[] = {
	NULL, "0–25%", "25–50%", "50–75%", "75–99%", "100%"
};
static const char *const classcolour[] = {
	"#e4e7eb", "#fde725", "#7ad151", "#22a884", "#2a788e", "#414487"
};
#define NCLASSES 6

static const char style[] =
    "<style>"
    ".map text{font-family:\"PingFang SC\",\"Noto Sans CJK SC\","
    "\"Microsoft YaHei\",\"WenQuanYi Micro Hei\",sans-serif;font-size:13px;"
    "fill:#1f2933}"
    ".map path{stroke:#fff;stroke-width:.6;stroke-linejoin:round}"
    ".map .k0{fill:#e4e7eb}.map .k1{fill:#fde725}.map .k2{fill:#7ad151}"
    ".map .k3{fill:#22a884}.map .k4{fill:#2a788e}.map .k5{fill:#414487}"
    ".map .outline{fill:none;stroke:#1f2933;stroke-width:1.2}"
    ".map .nb{fill:#f5f7fa;stroke:#cbd2d9}"
    ".map .self{fill:#dbe8f2;stroke:#1d5f8a;stroke-width:1.5}"
    ".map .st{fill:#1f2933;stroke:#fff;stroke-width:1.2}"
    ".map a:hover path,.map a:focus path{stroke:#f0b429;stroke-width:2.5}"
    ".map a:hover .st,.map a:focus .st{fill:#b3261e}"
    ".map a:focus{outline:none}"
    ".map .tile{stroke:#fff;stroke-width:2}.map .on{fill:#1d5f8a}"
    ".map .off{fill:#e4e7eb}.map .tile.on+text{fill:#fff}"
    "</style>";

struct ctx {
	const struct site	*s;
	struct mapset		*m;
	struct geo_layer	*prov;	/* per province: province tolerance */
	struct geo_layer	*fine;	/* per province: county tolerance */
	struct geo_view		*pview;	/* per province map */
	struct job {
		enum { J_PROVINCE, J_COUNTY } kind;
		size_t		 p;	/* province index */
		const struct area *area;
	}			*jobs;
	size_t			 njobs;
	struct map		*out;	/* parallel to jobs */
	const struct map_keeper	*keeper; /* or NULL */
};

static int
coverclass(long covered, long townships)
{
	double f;

	if (covered <= 0 || townships <= 0)
		return 0;
	if (covered >= townships)
		return 5;
	f = (double)covered / townships;
	return f < 0.25 ? 1 : f < 0.5 ? 2 : f < 0.75 ? 3 : 4;
}

/* The townships a county's colour counts: those of its newest report with
 * a coverage or a station count (the county's own figures, which the
 * published records may fall far short of), else those its published
 * stations cover.  *date: the report's date, or NULL. */
static long
shown(const struct area *c, const char **date)
{
	long towns = c->div->townships;
	size_t i;

	*date = NULL;
	for (i = 0; i < c->nreports && towns > 0; i++) {
		const struct record *r = c->reports[i];
		long long st = record_int(r, "stations", -1);
		double f;

		if (!record_num(r, "coverage", &f)) {
			if (st < 0)
				continue;
			f = (double)st / towns;
		}
		*date = record_str(r, "date");
		f = f < 0 ? 0 : f > 1 ? 1 : f;
		return (long)(f * towns + 0.5);
	}
	return c->covered;
}

static void
text(struct buf *b, const char *s)
{
	buf_put_html(b, s, strlen(s));
}

/* An href attribute: the site's base path, then "<dir>/<code>/", opened
 * in the page that embeds the map, not inside its frame.  (Maps are drawn
 * on several threads, so nothing here allocates from a shared arena.) */
static void
href(struct buf *b, const struct site *s, const char *dir, const char *code)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/%s/", dir, code);
	buf_puts(b, " href=\"");
	buf_put_html(b, s->cfg.base_path, strlen(s->cfg.base_path));
	buf_put_url_path(b, path, strlen(path));
	buf_puts(b, "\" target=\"_top\"");
}

static void
open_svg(struct buf *b, struct map *mp, const char *id, const char *title,
    const char *desc)
{
	buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"map\" "
	    "viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" "
	    "role=\"group\" aria-labelledby=\"%s-t %s-d\">", mp->width,
	    mp->height, mp->width, mp->height, id, id);
	buf_printf(b, "<title id=\"%s-t\">", id);
	text(b, title);
	buf_printf(b, "</title><desc id=\"%s-d\">", id);
	text(b, desc);
	buf_puts(b, "</desc>");
	buf_puts(b, style);
}

static void
finish(struct buf *b, struct map *mp)
{
	buf_puts(b, "</svg>\n");
	mp->svg = buf_detach(b, &mp->len);
}

/* Stations of a county with a position. */
static void
stations(struct buf *b, const struct site *s, const struct area *c,
    const struct geo_view *v, int labels)
{
	size_t i;

	for (i = 0; i < c->nstations; i++) {
		const struct record *r = c->stations[i];
		const char *name = record_str(r, "name");
		double lon, lat, x, y;

		if (!record_num(r, "lon", &lon) || !record_num(r, "lat", &lat))
			continue;
		geo_to_svg(v, lon, lat, &x, &y);
		buf_puts(b, "<a");
		href(b, s, "stations", r->id);
		buf_puts(b, "><title>");
		text(b, name != NULL ? name : r->id);
		buf_puts(b, "</title>");
		buf_printf(b, "<circle class=\"st\" cx=\"%.1f\" cy=\"%.1f\" "
		    "r=\"%s\"/>", x, y, labels ? "5" : "3.5");
		if (labels && name != NULL) {
			buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\">", x + 8,
			    y + 4);
			text(b, name);
			buf_puts(b, "</text>");
		}
		buf_puts(b, "</a>");
	}
}

/* ==== what a map shows of the stations ================================== */

/* Every field of a county's stations and the townships they cover: all
 * a county map and its part of a province map read of the stations part
 * of the inputs (deps.h); the rest of what they show is the rest's. */
static void
keycounty(struct buf *b, const struct area *c)
{
	size_t i;

	buf_put(b, &c->covered, sizeof(c->covered));
	buf_put(b, &c->nstations, sizeof(c->nstations));
	for (i = 0; i < c->nstations; i++)
		value_bytes(b, c->stations[i]->fields);
}

static uint64_t
mapkey(const struct area *p, const struct area *c)
{
	struct buf b;
	uint64_t k;
	size_t i;

	buf_init(&b);
	buf_puts(&b, c != NULL ? "county" : "province");
	if (c != NULL)
		keycounty(&b, c);
	else
		for (i = 0; i < p->ncounties; i++)
			keycounty(&b, p->counties[i]);
	k = deps_key(b.data, b.len);
	buf_release(&b);
	return k;
}

/* Kept as published instead of drawn (mp's size and projection set). */
static bool
kept(const struct ctx *cx, struct map *mp)
{
	const struct map_keeper *k = cx->keeper;

	return k != NULL && k->keep(k->ud, mp->code, mp->key, &mp->len) == 0;
}

/* ==== province maps ====================================================== */

size_t
map_positioned(const struct area *a)
{
	size_t i, n = 0;
	double lon, lat;

	for (i = 0; i < a->nstations; i++)
		n += record_num(a->stations[i], "lon", &lon) &&
		    record_num(a->stations[i], "lat", &lat);
	return n;
}

/* The theme's text k, escaped for SVG. */
static void
words(struct buf *b, const struct site *s, enum ui_key k)
{
	text(b, s->ui.text[k]);
}

static void
legend(struct buf *b, const struct site *s, double y, double width,
    bool points)
{
	/* The first label is the long one. */
	double first = 150, w = (width - 20 - first) / (NCLASSES - 1);
	int k;

	buf_printf(b, "<g class=\"legend\"><text x=\"10\" y=\"%.0f\">",
	    y + 14);
	words(b, s, UI_MAP_LEGEND);
	buf_puts(b, "</text>");
	for (k = 0; k < NCLASSES; k++) {
		double x = 10 + (k == 0 ? 0 : first + (k - 1) * w);

		buf_printf(b, "<rect class=\"k%d\" x=\"%.0f\" y=\"%.0f\" "
		    "width=\"22\" height=\"14\" fill=\"%s\" stroke=\"#9aa5b1\"/>",
		    k, x, y + 24, classcolour[k]);
		buf_printf(b, "<text x=\"%.0f\" y=\"%.0f\">", x + 28, y + 36);
		if (k == 0)
			words(b, s, UI_MAP_NONE);
		else
			buf_puts(b, classlabel[k]);
		buf_puts(b, "</text>");
	}
	if (points) {
		buf_printf(b, "<circle class=\"st key\" cx=\"17\" cy=\"%.0f\" "
		    "r=\"3.5\"/><text x=\"28\" y=\"%.0f\">", y + 52, y + 56);
		words(b, s, UI_MAP_LEGEND_STATIONS);
	} else {
		buf_printf(b, "<text x=\"10\" y=\"%.0f\">", y + 56);
		words(b, s, UI_MAP_LEGEND_NO_POINTS);
	}
	buf_puts(b, "</text></g>");
}

static void
provincemap(struct ctx *cx, size_t pi, struct map *mp)
{
	const struct site *s = cx->s;
	const struct area *p = &s->provinces[pi];
	const struct geo_layer *l = &cx->prov[pi];
	const struct geo_view *v = &cx->pview[pi];
	const struct geo_shape *sh[MAX_SHAPES];
	struct buf b, title, desc;
	size_t i, j, n, npts, ncounties = 0;
	char id[32], nc[24], ns[24];

	mp->code = p->div->code;
	mp->width = v->width;
	mp->height = v->height + LEGEND_H;
	mp->key = mapkey(p, NULL);
	if (kept(cx, mp))
		return;
	buf_init(&b);
	npts = map_positioned(p);
	for (i = 0; i < p->ncounties; i++)
		if (site_shapes(s, p->counties[i]->div->code, sh, MAX_SHAPES))
			ncounties++;
	snprintf(id, sizeof(id), "map-%s", p->div->code);
	snprintf(nc, sizeof(nc), "%zu", ncounties);
	snprintf(ns, sizeof(ns), "%zu", npts);
	buf_init(&title);
	buf_init(&desc);
	ui_put(&title, &s->ui, UI_MAP_TITLE, "area", p->div->name, NULL);
	ui_put(&desc, &s->ui, npts > MAP_PROVINCE_MAX_POINTS ?
	    UI_MAP_PROVINCE_DESC_MANY : UI_MAP_PROVINCE_DESC, "province",
	    p->div->name, "counties", nc, "stations", ns, NULL);
	open_svg(&b, mp, id, title.data ? title.data : "",
	    desc.data ? desc.data : "");
	buf_release(&title);
	buf_release(&desc);
	buf_puts(&b, "<g class=\"counties\">");
	for (i = 0; i < p->ncounties; i++) {
		const struct area *c = p->counties[i];
		long towns = c->div->townships;
		const char *date;
		long covered = shown(c, &date);
		int k = coverclass(covered, towns);

		if ((n = site_shapes(s, c->div->code, sh, MAX_SHAPES)) == 0)
			continue;
		buf_puts(&b, "<a");
		href(&b, s, "counties", c->div->code);
		buf_puts(&b, "><title>");
		text(&b, c->div->name);
		{
			struct buf tip;
			char cv[24], tw[24];

			snprintf(cv, sizeof(cv), "%ld", covered);
			snprintf(tw, sizeof(tw), "%ld", towns);
			buf_init(&tip);
			if (date != NULL)
				ui_put(&tip, &s->ui, UI_MAP_COUNTY_TIP_REPORTED,
				    "covered", cv, "townships", tw, "date",
				    date, NULL);
			else
				ui_put(&tip, &s->ui, UI_MAP_COUNTY_TIP,
				    "covered", cv, "townships", tw, NULL);
			text(&b, tip.data ? tip.data : "");
			buf_release(&tip);
		}
		buf_printf(&b, "</title><path class=\"k%d\" d=\"", k);
		for (j = 0; j < n; j++)
			geo_path(&b, l, sh[j], v);
		buf_puts(&b, "\"/></a>");
	}
	buf_puts(&b, "</g><path class=\"outline\" d=\"");
	geo_outline(&b, l, NULL, 0, v);
	buf_puts(&b, "\"/>");
	if (npts <= MAP_PROVINCE_MAX_POINTS) {
		buf_puts(&b, "<g class=\"stations\">");
		for (i = 0; i < p->ncounties; i++)
			stations(&b, s, p->counties[i], v, 0);
		buf_puts(&b, "</g>");
	}
	legend(&b, s, v->height, v->width, npts <= MAP_PROVINCE_MAX_POINTS);
	finish(&b, mp);
}

/* ==== county maps ======================================================== */

static int
overlaps(const struct geo_shape *a, double lon0, double lat0, double lon1,
    double lat1)
{
	return a->lon0 <= lon1 && a->lon1 >= lon0 && a->lat0 <= lat1 &&
	    a->lat1 >= lat0;
}

static void
countymap(struct ctx *cx, size_t pi, const struct area *c, struct map *mp)
{
	const struct site *s = cx->s;
	const struct geo_layer *fine = &cx->fine[pi], *coarse = &cx->prov[pi];
	const struct geo_shape *sh[MAX_SHAPES], *nb[MAX_SHAPES];
	const char *codes[MAX_SHAPES];
	struct geo_view v;
	struct buf b;
	double lon0 = 180, lat0 = 90, lon1 = -180, lat1 = -90, pad;
	size_t i, j, n, nn, npts = 0;
	struct buf title, desc;
	char id[32], ns[24];
	int approx = 0;

	n = site_shapes(s, c->div->code, sh, MAX_SHAPES);
	for (i = 0; i < n; i++) {
		codes[i] = sh[i]->code;
		lon0 = fmin(lon0, sh[i]->lon0);
		lat0 = fmin(lat0, sh[i]->lat0);
		lon1 = fmax(lon1, sh[i]->lon1);
		lat1 = fmax(lat1, sh[i]->lat1);
	}
	geo_fit(&v, fine, codes, n, cx->m->width, cx->m->width, 24);
	mp->code = c->div->code;
	mp->width = v.width;
	mp->height = v.height;
	mp->scale = v.scale;
	mp->x0 = v.x0;
	mp->y1 = v.y1;
	mp->margin = v.margin;
	mp->key = mapkey(c->province, c);
	if (kept(cx, mp))
		return;
	for (i = 0; i < c->nstations; i++) {
		const struct value *ap = record_get(c->stations[i],
		    "coord_approx");

		if (record_get(c->stations[i], "lon") == NULL)
			continue;
		npts++;
		if (ap != NULL && ap->kind == VAL_BOOL && ap->u.b)
			approx = 1;
	}
	buf_init(&b);
	snprintf(id, sizeof(id), "map-%s", c->div->code);
	snprintf(ns, sizeof(ns), "%zu", npts);
	buf_init(&title);
	buf_init(&desc);
	ui_put(&title, &s->ui, UI_MAP_TITLE, "area", c->div->name, NULL);
	ui_put(&desc, &s->ui, UI_MAP_COUNTY_DESC, "county", c->div->name,
	    "stations", ns, "approx", approx ? s->ui.text[UI_MAP_APPROX] : "",
	    NULL);
	open_svg(&b, mp, id, title.data ? title.data : "",
	    desc.data ? desc.data : "");
	buf_release(&title);
	buf_release(&desc);

	/* Neighbours for context, from the coarser layer. */
	pad = fmax(lon1 - lon0, lat1 - lat0) * 0.5;
	buf_puts(&b, "<g class=\"neighbours\">");
	for (i = 0; i < c->province->ncounties; i++) {
		const struct area *o = c->province->counties[i];

		if (o == c)
			continue;
		nn = site_shapes(s, o->div->code, nb, MAX_SHAPES);
		for (j = 0; j < nn; j++)
			if (overlaps(nb[j], lon0 - pad, lat0 - pad, lon1 + pad,
			    lat1 + pad))
				break;
		if (j == nn)
			continue;
		buf_puts(&b, "<a");
		href(&b, s, "counties", o->div->code);
		buf_puts(&b, "><title>");
		text(&b, o->div->name);
		buf_puts(&b, "</title><path class=\"nb\" d=\"");
		for (j = 0; j < nn; j++)
			geo_path(&b, coarse, nb[j], &v);
		buf_puts(&b, "\"/></a>");
	}
	buf_puts(&b, "</g><path class=\"self\" d=\"");
	for (i = 0; i < n; i++)
		geo_path(&b, fine, sh[i], &v);
	buf_puts(&b, "\"/><g class=\"stations\">");
	stations(&b, s, c, &v, 1);
	buf_puts(&b, "</g>");
	if (npts == 0) {
		buf_printf(&b, "<text x=\"24\" y=\"%.0f\">", v.height - 10);
		words(&b, s, UI_MAP_NO_POSITIONS);
		buf_puts(&b, "</text>");
	}
	finish(&b, mp);
}

/* ==== the national overview ============================================== */

/* A tile per province (content/reference/province-tiles.csv): a schematic
 * that needs no national boundaries and shows at a glance which provinces
 * publish figures here. */
static int
overview(struct ctx *cx, struct map *mp)
{
	const struct site *s = cx->s;
	struct buf b;
	int maxr = 0, maxc = 0;
	size_t i, j;
	const double T = 56, G = 4, M = 8;

	if (s->ntiles == 0)
		return 0;
	for (i = 0; i < s->ntiles; i++) {
		maxr = s->tiles[i].row > maxr ? s->tiles[i].row : maxr;
		maxc = s->tiles[i].col > maxc ? s->tiles[i].col : maxc;
	}
	mp->code = "china";
	mp->width = 2 * M + (maxc + 1) * (T + G);
	mp->height = 2 * M + (maxr + 1) * (T + G) + 30;
	mp->key = deps_key("china", 5);		/* it shows no station */
	if (kept(cx, mp))
		return 0;
	buf_init(&b);
	open_svg(&b, mp, "map-china", s->ui.text[UI_MAP_OVERVIEW],
	    s->ui.text[UI_MAP_OVERVIEW_DESC]);
	for (i = 0; i < s->ntiles; i++) {
		const struct tile *tl = &s->tiles[i];
		const struct area *a = NULL;
		const struct division *d = division_find(&s->div, tl->code);
		double x = M + tl->col * (T + G);
		double y = M + tl->row * (T + G);

		for (j = 0; j < s->nprovinces; j++)
			if (strcmp(s->provinces[j].div->code, tl->code) == 0)
				a = &s->provinces[j];
		if (a != NULL) {
			buf_puts(&b, "<a");
			href(&b, s, "provinces", a->div->code);
			buf_puts(&b, ">");
		}
		buf_puts(&b, "<g><title>");
		text(&b, d != NULL ? d->name : tl->name);
		words(&b, s, a != NULL ? UI_MAP_TILE_ON : UI_MAP_TILE_OFF);
		buf_printf(&b, "</title><rect class=\"tile %s\" x=\"%.0f\" "
		    "y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" rx=\"4\"/>",
		    a != NULL ? "on" : "off", x, y, T, T);
		buf_printf(&b, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\""
		    " style=\"font-size:18px\">", x + T / 2, y + T / 2 + 6);
		text(&b, tl->name);
		buf_puts(&b, "</text></g>");
		if (a != NULL)
			buf_puts(&b, "</a>");
	}
	buf_printf(&b, "<rect class=\"key on\" x=\"%.0f\" y=\"%.0f\" "
	    "width=\"16\" height=\"16\"/><text x=\"%.0f\" y=\"%.0f\">", M,
	    mp->height - 24, M + 22, mp->height - 11);
	words(&b, s, UI_MAP_KEY_ON);
	buf_printf(&b, "</text><rect class=\"key off\" x=\"%.0f\" "
	    "y=\"%.0f\" width=\"16\" height=\"16\"/><text x=\"%.0f\" "
	    "y=\"%.0f\">", M + 90, mp->height - 24, M + 112, mp->height - 11);
	words(&b, s, UI_MAP_KEY_OFF);
	buf_puts(&b, "</text>");
	finish(&b, mp);
	return 0;
}

/* ==== building ============================================================ */

/*
 * Two copies of a province's layer struct share its shapes, each with its
 * own topology: one for the province map, at 0.6 px of that map's scale
 * (so small provinces keep their detail), one for county maps.
 */
static void
simplify(struct ctx *cx, size_t i)
{
	const struct geo_layer *src = cx->s->geo[i];
	double tol;

	if (src == NULL)
		return;
	cx->prov[i] = *src;
	cx->fine[i] = *src;
	geo_fit(&cx->pview[i], src, NULL, 0, cx->m->width, cx->m->width, 12);
	tol = 0.6 / cx->pview[i].scale;
	if (tol < cx->m->tol_province)
		tol = cx->m->tol_province;
	geo_simplify(&cx->prov[i], &cx->m->arena, tol);
	geo_simplify(&cx->fine[i], &cx->m->arena, cx->m->tol_county);
}

static void
drawone(size_t i, int w, void *ud)
{
	struct ctx *cx = ud;
	const struct job *j = &cx->jobs[i];

	(void)w;
	if (j->kind == J_PROVINCE)
		provincemap(cx, j->p, &cx->out[i]);
	else
		countymap(cx, j->p, j->area, &cx->out[i]);
}

static int
cmpmap(const void *x, const void *y)
{
	return strcmp(((const struct map *)x)->code,
	    ((const struct map *)y)->code);
}

static void
init(struct mapset *m, const struct site *s)
{
	memset(m, 0, sizeof(*m));
	arena_init(&m->arena);
	m->width = s->cfg.maps.width;
	m->tol_province = s->cfg.maps.province_tolerance_km;
	m->tol_county = s->cfg.maps.county_tolerance_km;
}

int
mapset_build(struct mapset *m, const struct site *s, int jobs,
    const struct map_keeper *keeper)
{
	struct ctx cx;
	size_t i, k, n = 0;
	int rc = 0;

	init(m, s);
	memset(&cx, 0, sizeof(cx));
	cx.s = s;
	cx.m = m;
	cx.keeper = keeper;
	cx.prov = xcalloc(s->nprovinces + 1, sizeof(*cx.prov));
	cx.fine = xcalloc(s->nprovinces + 1, sizeof(*cx.fine));
	cx.pview = xcalloc(s->nprovinces + 1, sizeof(*cx.pview));
	/* Simplifying allocates from the map arena, so it runs on this
	 * thread; drawing only reads and writes a buffer of its own. */
	for (i = 0; i < s->nprovinces; i++)
		simplify(&cx, i);
	cx.jobs = xcalloc(s->nprovinces + s->ncounties + 1, sizeof(*cx.jobs));
	for (i = 0; i < s->nprovinces; i++) {
		if (s->geo[i] == NULL)
			continue;
		cx.jobs[cx.njobs].kind = J_PROVINCE;
		cx.jobs[cx.njobs++].p = i;
		for (k = 0; k < s->provinces[i].ncounties; k++) {
			const struct geo_shape *sh[MAX_SHAPES];

			if (site_shapes(s, s->provinces[i].counties[k]->div->code,
			    sh, MAX_SHAPES) == 0)
				continue;
			cx.jobs[cx.njobs].kind = J_COUNTY;
			cx.jobs[cx.njobs].p = i;
			cx.jobs[cx.njobs++].area = s->provinces[i].counties[k];
		}
	}
	cx.out = xcalloc(cx.njobs + 2, sizeof(*cx.out));
	jobs_run(cx.njobs, jobs, drawone, &cx);
	n = cx.njobs;
	if (overview(&cx, &cx.out[n]) < 0)
		rc = -1;
	else if (cx.out[n].code != NULL)
		n++;
	m->maps = arena_alloc(&m->arena, (n + 1) * sizeof(*m->maps));
	memcpy(m->maps, cx.out, n * sizeof(*m->maps));
	m->n = n;
	qsort(m->maps, m->n, sizeof(*m->maps), cmpmap);
	free(cx.prov);
	free(cx.fine);
	free(cx.pview);
	free(cx.jobs);
	free(cx.out);
	return rc;
}

/* Exact doubles: hexadecimal floating point, as printf's %a writes. */
char *
mapset_list(const struct mapset *m, size_t *len)
{
	struct buf b;
	size_t i;

	buf_init(&b);
	for (i = 0; i < m->n; i++) {
		const struct map *mp = &m->maps[i];

		buf_printf(&b, "%s %zu %a %a %a %a %a %a\n", mp->code, mp->len,
		    mp->width, mp->height, mp->scale, mp->x0, mp->y1,
		    mp->margin);
	}
	return buf_detach(&b, len);
}

int
mapset_from_list(struct mapset *m, const struct site *s, const char *list)
{
	const char *line, *nl;
	size_t n = 0;

	init(m, s);
	for (line = list; (nl = strchr(line, '\n')) != NULL; line = nl + 1)
		n++;
	m->maps = arena_alloc(&m->arena, (n + 1) * sizeof(*m->maps));
	for (line = list; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
		struct map *mp = &m->maps[m->n];
		char code[16];
		int off = 0;

		mp->svg = NULL;
		if (sscanf(line, "%15[a-z0-9] %zu %la %la %la %la %la %la%n",
		    code, &mp->len, &mp->width, &mp->height, &mp->scale,
		    &mp->x0, &mp->y1, &mp->margin, &off) != 8 ||
		    line + off != nl || !(mp->width > 0 && mp->height > 0) ||
		    !isfinite(mp->width + mp->height + mp->scale + mp->x0 +
		    mp->y1 + mp->margin) ||
		    (m->n > 0 && strcmp(m->maps[m->n - 1].code, code) >= 0))
			goto bad;
		mp->code = arena_strdup(&m->arena, code);
		m->n++;
	}
	if (*line == '\0' && m->n > 0) {
		m->kept = true;
		return 0;
	}
bad:
	mapset_release(m);
	return -1;
}

void
mapset_release(struct mapset *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		free(m->maps[i].svg);
	arena_release(&m->arena);
	memset(m, 0, sizeof(*m));
}

const struct map *
mapset_get(const struct mapset *m, const char *code)
{
	size_t lo = 0, hi = m->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(m->maps[mid].code, code);

		if (c == 0)
			return &m->maps[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int
mapset_locate(const struct map *mp, double lon, double lat, double *px,
    double *py)
{
	double x, y;

	geo_project(lon, lat, &x, &y);
	x = mp->margin + (x - mp->x0) * mp->scale;
	y = mp->margin + (mp->y1 - y) * mp->scale;
	if (x < 0 || y < 0 || x > mp->width || y > mp->height)
		return -1;
	*px = 100 * x / mp->width;
	*py = 100 * y / mp->height;
	return 0;
}
