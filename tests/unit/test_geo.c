/* Unit tests of geo: loading (and refusing) boundary files, the projection,
 * views, the topology kept by simplifying, and path output.  The real
 * boundary files are read relative to the repository root. */
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "geo.h"
#include "harness.h"

static struct arena a;

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p = NULL;
	long n;

	*len = 0;
	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		p = malloc((size_t)n + 1);
		if (p != NULL && fread(p, 1, (size_t)n, f) == (size_t)n) {
			p[n] = '\0';
			*len = (size_t)n;
		} else {
			free(p);
			p = NULL;
		}
	}
	fclose(f);
	return p;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
load(struct geo_layer *l, const char *text)
{
	return geo_load(l, &a, "t.geojson", text, strlen(text));
}

/* Messages of the many refusals below go to /dev/null. */
static int saved = -1;

static void
quiet(int on)
{
	int fd;

	fflush(stderr);
	if (on) {
		saved = dup(2);
		fd = open("/dev/null", O_WRONLY);
		if (fd >= 0) {
			dup2(fd, 2);
			close(fd);
		}
	} else if (saved >= 0) {
		dup2(saved, 2);
		close(saved);
		saved = -1;
	}
}

#define HEAD "{\"type\":\"FeatureCollection\",\"features\":["
#define SQ(x0, y0, x1, y1) "[[[" #x0 "," #y0 "],[" #x1 "," #y0 "],[" #x1 "," \
	#y1 "],[" #x0 "," #y1 "],[" #x0 "," #y0 "]]]"
#define POLY(id, coords) "{\"type\":\"Feature\",\"id\":\"" id "\"," \
	"\"properties\":{\"name\":\"n" id "\"},\"geometry\":{\"type\":" \
	"\"Polygon\",\"coordinates\":" coords "}}"

static void
test_load_small(void)
{
	struct geo_layer l;
	const struct geo_shape *s;
	const char *text = HEAD
	    POLY("2", SQ(106, 26, 107, 27)) ",\n"
	    "{\"type\":\"Feature\",\"id\":\"1\",\"geometry\":{\"type\":"
	    "\"MultiPolygon\",\"coordinates\":[" SQ(100, 20, 101, 21) ","
	    "[[[102,20],[104,20],[104,22],[102,22],[102,20]],"
	    "[[103,21],[103.5,21],[103.5,21.5],[103,21]]]]},"
	    "\"properties\":null, \"bbox\":[1,2,3,4]}],"
	    "\"bbox\":[100,20,107,27], \"extra\":{\"x\":[[[[1]]]]}}\n";

	INT_EQ(load(&l, text), 0);
	INT_EQ(l.n, 2);
	STR_EQ(l.shapes[0].code, "1");		/* sorted by code */
	STR_EQ(l.shapes[1].code, "2");
	STR_EQ(l.shapes[1].name, "n2");
	OK(l.shapes[0].name == NULL);
	INT_EQ(l.shapes[0].nrings, 3);
	OK(!l.shapes[0].rings[1].hole && l.shapes[0].rings[2].hole);
	INT_EQ(l.shapes[0].line, 2);
	INT_EQ(l.shapes[1].line, 1);
	OK(l.lon0 == 100 && l.lat0 == 20 && l.lon1 == 107 && l.lat1 == 27);
	s = geo_find(&l, "1");
	OK(s != NULL && s->lon0 == 100 && s->lon1 == 104 && s->lat1 == 22);
	OK(geo_find(&l, "3") == NULL);
	OK(geo_contains(s, 100.5, 20.5));
	OK(geo_contains(s, 102.5, 21.5));
	OK(!geo_contains(s, 103.4, 21.1));	/* in the hole */
	OK(!geo_contains(s, 101.5, 20.5));	/* between the parts */
	OK(!geo_contains(s, 110, 20.5));

	INT_EQ(load(&l, "{\"features\":[],\"type\":\"FeatureCollection\"}"),
	    0);
	INT_EQ(l.n, 0);
}

/* Numbers in the coordinates read exactly as strtod reads them. */
static void
test_numbers(void)
{
	static const char *const fmts[] = { "%.*g", "%.*e", "%.*f", "%.*E" };
	struct geo_layer l;
	struct buf b;
	char lon[64], lat[64];
	char (*text)[2][64] = malloc(5000 * sizeof(*text));
	unsigned seed = 11;
	size_t i, bad = 0;

	buf_init(&b);
	buf_puts(&b, HEAD "{\"type\":\"Feature\",\"id\":\"n\",\"geometry\":"
	    "{\"type\":\"Polygon\",\"coordinates\":[[ [1.5e1 , 2.5E+1],"
	    "[-0.0,1e-5],[1.23456789012345678901,45.0000000000000000001],"
	    "[0.000000000000000000000000012345,-1E0],");
	for (i = 0; i < 5000; i++) {
		double x, y;

		seed = seed * 1103515245u + 12345u;
		x = ((double)(seed >> 4) / (1u << 28) - 0.5) * 360;
		seed = seed * 1103515245u + 12345u;
		y = ((double)(seed >> 4) / (1u << 28) - 0.5) * 180;
		snprintf(lon, sizeof(lon), fmts[i % 4], (int)(3 + i % 15), x);
		snprintf(lat, sizeof(lat), fmts[(i / 4) % 4],
		    (int)(3 + i / 7 % 15), y);
		memcpy(text[i][0], lon, sizeof(lon));
		memcpy(text[i][1], lat, sizeof(lat));
		buf_printf(&b, "[%s,%s],", lon, lat);
	}
	buf_puts(&b, "[15,25]]]}}]}");
	INT_EQ(geo_load(&l, &a, "t.geojson", b.data, b.len), 0);
	if (l.n == 1 && l.shapes[0].rings[0].n == 5005) {
		const struct geo_pt *p = l.shapes[0].rings[0].pts;

		OK(p[0].x == 15 && p[0].y == 25);
		OK(p[1].x == 0 && signbit(p[1].x) && p[1].y == 1e-5);
		OK(p[2].x == strtod("1.23456789012345678901", NULL));
		OK(p[2].y == strtod("45.0000000000000000001", NULL));
		OK(p[3].x == 1.2345e-26 && p[3].y == -1);
		for (i = 0; i < 5000; i++)
			if (p[4 + i].x != strtod(text[i][0], NULL) ||
			    p[4 + i].y != strtod(text[i][1], NULL))
				bad++;
		INT_EQ(bad, 0);
	} else
		OK(0);
	buf_release(&b);
	free(text);
}

/* Every one of these must be refused with at least one message. */
static const char *const refused[] = {
	"",
	"{",
	"[]",
	"{\"type\":\"FeatureCollection\"}",
	"{\"type\":\"Feature\",\"features\":[]}",
	"{\"type\":\"FeatureCollection\",\"features\":{}}",
	"{\"type\":\"FeatureCollection\",\"features\":[]} x",
	"{\"type\":\"FeatureCollection\",\"features\":[],\"features\":[]}",
	"{\"type\":\"FeatureCollection\",\"features\":[1,]}",
	"{\"type\":\"FeatureCollection\" \"features\":[]}",
	"{\"type\":\"FeatureCollection\",5:[]}",
	HEAD "1]}",
	HEAD "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\","
	    "\"coordinates\":" SQ(1, 1, 2, 2) "}}]}",		/* no id */
	HEAD "{\"type\":\"Feature\",\"id\":52,\"geometry\":{\"type\":"
	    "\"Polygon\",\"coordinates\":" SQ(1, 1, 2, 2) "}}]}",
	HEAD "{\"type\":\"Feature\",\"id\":\"../x\",\"geometry\":{\"type\":"
	    "\"Polygon\",\"coordinates\":" SQ(1, 1, 2, 2) "}}]}",
	HEAD "{\"type\":\"Feature\",\"id\":\"\",\"geometry\":{\"type\":"
	    "\"Polygon\",\"coordinates\":" SQ(1, 1, 2, 2) "}}]}",
	HEAD "{\"type\":\"Thing\",\"id\":\"1\",\"geometry\":{\"type\":"
	    "\"Polygon\",\"coordinates\":" SQ(1, 1, 2, 2) "}}]}",
	HEAD "{\"type\":\"Feature\",\"id\":\"1\",\"geometry\":{\"type\":"
	    "\"Point\",\"coordinates\":[1,2]}}]}",
	HEAD "{\"type\":\"Feature\",\"id\":\"1\",\"geometry\":null}]}",
	HEAD "{\"type\":\"Feature\",\"id\":\"1\",\"properties\":[],"
	    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
	    SQ(1, 1, 2, 2) "}}]}",
	HEAD POLY("1", SQ(1, 1, 200, 2)) "]}",			/* lon */
	HEAD POLY("1", SQ(1, 1, 2, -91)) "]}",			/* lat */
	HEAD POLY("1", SQ(1, 1, 2, 1e999)) "]}",		/* inf */
	HEAD POLY("1", "[[[1,1],[2,1],[1,2]]]") "]}",		/* short */
	HEAD POLY("1", "[[[1,1],[2,1],[2,2],[1,2],[1,1.5]]]") "]}",
	HEAD POLY("1", "[[[1,1],[2,1],[2,2],[1],[1,1]]]") "]}",
	HEAD POLY("1", "[[[1,1],[2,1],[2,\"2\"],[1,2],[1,1]]]") "]}",
	HEAD POLY("1", "[[[1,1],[2,1],[2,2],null,[1,1]]]") "]}",
	HEAD POLY("1", "[]") "]}",
	HEAD POLY("1", "[[]]") "]}",
	HEAD POLY("1", "[1]") "]}",
	HEAD POLY("1", "{}") "]}",
	HEAD POLY("1", "\"x\"") "]}",
	HEAD "{\"type\":\"Feature\",\"id\":\"1\",\"geometry\":{\"type\":"
	    "\"MultiPolygon\",\"coordinates\":[[]]}}]}",
	HEAD "{\"type\":\"Feature\",\"id\":\"1\",\"geometry\":{\"type\":"
	    "\"MultiPolygon\",\"coordinates\":[null]}}]}",
	HEAD "{\"type\":\"Feature\",\"id\":\"1\",\"geometry\":{\"type\":"
	    "\"MultiPolygon\",\"coordinates\":" SQ(1, 1, 2, 2) "}}]}",
	HEAD POLY("1", SQ(1, 1, 2, 2)) "," POLY("1", SQ(3, 3, 4, 4)) "]}",
	HEAD POLY("1", SQ(1, 1, 2, 2)) "]}\0x",
};

static void
test_load_errors(void)
{
	const size_t nrefused = sizeof(refused) / sizeof(refused[0]);
	struct geo_layer l;
	struct buf b;
	size_t k, i, n;
	int before, fails = 0;
	char *deep;

	quiet(1);
	for (k = 0; k < nrefused; k++) {
		before = diag_errors();
		/* the last one goes on past a NUL byte */
		n = strlen(refused[k]) + (k == nrefused - 1 ? 2 : 0);
		if (geo_load(&l, &a, "t.geojson", refused[k], n) != -1 ||
		    diag_errors() == before) {
			fails++;
			quiet(0);
			fprintf(stderr, "accepted refused[%zu]: %s\n", k,
			    refused[k]);
			quiet(1);
		}
	}
	/* Invalid UTF-8 in a name. */
	before = diag_errors();
	OK(load(&l, HEAD "{\"type\":\"Feature\",\"id\":\"1\",\"properties\":"
	    "{\"name\":\"\xff\"},\"geometry\":{\"type\":\"Polygon\","
	    "\"coordinates\":" SQ(1, 1, 2, 2) "}}]}") == -1);
	OK(diag_errors() > before);

	/* Deep nesting: in a feature, at the top, in the coordinates. */
	buf_init(&b);
	buf_puts(&b, HEAD POLY("1", "[[[1,1],[2,1],[2,2],[1,2],[1,1]]]") ",");
	buf_puts(&b, "{\"type\":\"Feature\",\"id\":\"2\",\"x\":");
	for (i = 0; i < 5000; i++)
		buf_putc(&b, '[');
	for (i = 0; i < 5000; i++)
		buf_putc(&b, ']');
	buf_puts(&b, ",\"geometry\":null}]}");
	OK(geo_load(&l, &a, "t.geojson", b.data, b.len) == -1);
	deep = b.data;
	for (i = 0; i < 5000; i++)
		deep[i] = '{';
	OK(geo_load(&l, &a, "t.geojson", deep, 5000) == -1);
	buf_reset(&b);
	buf_puts(&b, HEAD "{\"type\":\"Feature\",\"id\":\"1\",\"geometry\":"
	    "{\"type\":\"Polygon\",\"coordinates\":");
	for (i = 0; i < 100000; i++)
		buf_putc(&b, '[');
	for (i = 0; i < 100000; i++)
		buf_putc(&b, ']');
	buf_puts(&b, "}}]}");
	OK(geo_load(&l, &a, "t.geojson", b.data, b.len) == -1);
	buf_release(&b);

	/* A large ring is fine. */
	buf_init(&b);
	buf_puts(&b, HEAD "{\"type\":\"Feature\",\"id\":\"1\",\"geometry\":"
	    "{\"type\":\"Polygon\",\"coordinates\":[[");
	for (i = 0; i < 100000; i++)
		buf_printf(&b, "[%.4f,%.4f],", 100 + 10 * cos(i * 2 * M_PI /
		    100000), 30 + 10 * sin(i * 2 * M_PI / 100000));
	buf_puts(&b, "[110.0000,30.0000]]]}}]}");
	INT_EQ(geo_load(&l, &a, "t.geojson", b.data, b.len), 0);
	OK(l.n == 1 && l.shapes[0].rings[0].n == 100001);
	buf_release(&b);

	/* Cut a valid file short everywhere, and flip bytes: refused or
	 * accepted, never a crash (the sanitizer build watches). */
	{
		const char *good = HEAD POLY("1", SQ(1, 1, 2, 2)) ","
		    "{\"type\":\"Feature\",\"id\":\"2\",\"geometry\":{\"type\":"
		    "\"MultiPolygon\",\"coordinates\":[" SQ(3, 3, 4, 4) "]}}]}";
		size_t len = strlen(good);
		char *m = malloc(len + 1);
		unsigned seed = 7;
		const char pick[] = "[]{},:\"0-.e9 aZ\\";

		for (n = 0; n < len; n++)
			geo_load(&l, &a, "t.geojson", good, n);
		for (k = 0; k < 3000; k++) {
			memcpy(m, good, len + 1);
			for (i = 0; i < 1 + k % 3; i++) {
				seed = seed * 1103515245u + 12345u;
				m[(seed >> 8) % len] = pick[(seed >> 20) %
				    (sizeof(pick) - 1)];
			}
			geo_load(&l, &a, "t.geojson", m, len);
		}
		free(m);
	}
	quiet(0);
	INT_EQ(fails, 0);
}

static double
shoelace(const double *x, const double *y, size_t n)
{
	double s = 0;
	size_t i;

	for (i = 0; i < n; i++)
		s += x[i] * y[(i + 1) % n] - x[(i + 1) % n] * y[i];
	return fabs(s) / 2;
}

/* Projected area of a lon/lat cell, its edges followed in small steps. */
static double
cellarea(double lon, double lat, double d)
{
	double x[400], y[400];
	size_t n = 0;
	int i;

	for (i = 0; i < 100; i++, n++)
		geo_project(lon + d * i / 100, lat, &x[n], &y[n]);
	for (i = 0; i < 100; i++, n++)
		geo_project(lon + d, lat + d * i / 100, &x[n], &y[n]);
	for (i = 0; i < 100; i++, n++)
		geo_project(lon + d - d * i / 100, lat + d, &x[n], &y[n]);
	for (i = 0; i < 100; i++, n++)
		geo_project(lon, lat + d - d * i / 100, &x[n], &y[n]);
	return shoelace(x, y, n);
}

static void
test_projection(void)
{
	double x, y, x2, y2, sph, r = 6371, rad = M_PI / 180;

	geo_project(105, 0, &x, &y);
	OK(fabs(x) < 1e-9 && fabs(y) < 1e-9);
	geo_project(105, 30, &x, &y);
	OK(fabs(x) < 1e-9 && y > 3000 && y < 3600);
	geo_project(100, 35, &x, &y);
	geo_project(110, 35, &x2, &y2);
	OK(fabs(x + x2) < 1e-9 && fabs(y - y2) < 1e-9 && x < 0);
	/* Values worked out separately from the formulas in geo.c. */
	geo_project(120, 40, &x, &y);
	OK(fabs(x - 1251.52399) < 1e-4 && fabs(y - 4411.43600) < 1e-4);
	geo_project(87.6, 43.8, &x, &y);
	OK(fabs(x + 1375.15602) < 1e-4 && fabs(y - 4866.03230) < 1e-4);

	/* Equal area: a 1°x1° cell against the sphere. */
	sph = r * r * rad * (sin(31 * rad) - sin(30 * rad));
	OK(fabs(cellarea(105, 30, 1) / sph - 1) < 0.01);
	sph = r * r * rad * (sin(51 * rad) - sin(50 * rad));
	OK(fabs(cellarea(130, 50, 1) / sph - 1) < 0.01);
	sph = r * r * rad * (sin(4 * rad) - sin(3 * rad));
	OK(fabs(cellarea(75, 3, 1) / sph - 1) < 0.01);
	/* So a cell at 60°N has about half the area of one at the equator. */
	OK(fabs(cellarea(105, 59.5, 1) / cellarea(105, -0.5, 1) - 0.5) <
	    0.01);
}

static int
readlayer(struct geo_layer *l, const char *path, char **text, size_t *len)
{
	*text = slurp(path, len);
	if (*text == NULL) {
		fprintf(stderr, "cannot read %s (run from the repository "
		    "root)\n", path);
		return -1;
	}
	return geo_load(l, &a, path, *text, *len);
}

/* ---- checking simplified maps from the outside ---- */

struct xy {
	long long x, y;
};

static int
cmpxy(const void *p, const void *q)
{
	const struct xy *a1 = p, *b1 = q;

	if (a1->x != b1->x)
		return a1->x < b1->x ? -1 : 1;
	return a1->y < b1->y ? -1 : a1->y > b1->y;
}

/*
 * Points of path data at 4 decimals, sorted; *rings gets the number of
 * subpaths and *thin those with fewer than 3 points before Z.
 */
static struct xy *
pathpts(const char *d, size_t *n, size_t *rings, size_t *thin)
{
	struct xy *v = NULL;
	size_t cap = 0, inring = 0;
	double x = 0, y = 0;
	int rel = 0;
	char *e;

	*n = *rings = *thin = 0;
	while (*d != '\0') {
		if (*d == 'M' || *d == 'L' || *d == 'l') {
			if (*d == 'M')
				inring = 0;
			rel = *d == 'l';
			d++;
		} else if (*d == 'Z') {
			(*rings)++;
			if (inring < 3)
				(*thin)++;
			d++;
			continue;
		} else if (*d == ' ') {
			d++;
			continue;
		}
		/* A coordinate pair, absolute or relative to the last point. */
		{
			double px = strtod(d, &e), py;

			if (e == d) {
				d++;
				continue;
			}
			py = strtod(e, &e);
			d = e;
			if (rel) {
				x += px;
				y += py;
			} else {
				x = px;
				y = py;
			}
		}
		if (*n == cap) {
			cap = cap ? 2 * cap : 256;
			v = realloc(v, cap * sizeof(*v));
		}
		v[*n].x = llround(x * 1e4);
		v[*n].y = llround(y * 1e4);
		(*n)++;
		inring++;
	}
	qsort(v, *n, sizeof(*v), cmpxy);
	return v;
}

static bool
has(const struct xy *v, size_t n, struct xy p)
{
	return n > 0 && bsearch(&p, v, n, sizeof(*v), cmpxy) != NULL;
}

struct edge {
	double	 ax, ay, bx, by;	/* lon/lat, a < b */
	size_t	 shape;
};

static int
cmpedge(const void *p, const void *q)
{
	const struct edge *e = p, *f = q;

	if (e->ax != f->ax)
		return e->ax < f->ax ? -1 : 1;
	if (e->ay != f->ay)
		return e->ay < f->ay ? -1 : 1;
	if (e->bx != f->bx)
		return e->bx < f->bx ? -1 : 1;
	if (e->by != f->by)
		return e->by < f->by ? -1 : 1;
	return e->shape < f->shape ? -1 : e->shape > f->shape;
}

/*
 * For every source edge that two counties share, each end point drawn for
 * one of them must be drawn, at the same place, for the other: the
 * simplified border is the same points for both.  Also counts shapes whose
 * subpaths are not one per ring.  Returns the failures.
 */
static size_t
check_borders(const struct geo_layer *l, const struct geo_view *v,
    size_t *nchecked, size_t *thinrings)
{
	struct xy **pts = calloc(l->n, sizeof(*pts));
	size_t *npts = calloc(l->n, sizeof(*npts));
	struct edge *ed = NULL;
	size_t ned = 0, cap = 0, k, r, i, j, e, rings, thin, bad = 0;
	struct buf b;
	struct geo_view hi = *v;

	hi.decimals = 4;
	buf_init(&b);
	*nchecked = *thinrings = 0;
	for (k = 0; k < l->n; k++) {
		buf_reset(&b);
		geo_path(&b, l, &l->shapes[k], &hi);
		pts[k] = pathpts(b.len ? b.data : "", &npts[k], &rings, &thin);
		*thinrings += thin;
		if (rings != l->shapes[k].nrings)
			bad++;
		for (r = 0; r < l->shapes[k].nrings; r++) {
			const struct geo_ring *rg = &l->shapes[k].rings[r];

			for (i = 1; i < rg->n; i++) {
				const struct geo_pt *p = &rg->pts[i - 1],
				    *q = &rg->pts[i];
				bool swap = p->x > q->x || (p->x == q->x &&
				    p->y > q->y);

				if (ned == cap) {
					cap = cap ? 2 * cap : 1024;
					ed = realloc(ed, cap * sizeof(*ed));
				}
				if (swap) {
					const struct geo_pt *t = p;

					p = q;
					q = t;
				}
				ed[ned].ax = p->x;
				ed[ned].ay = p->y;
				ed[ned].bx = q->x;
				ed[ned].by = q->y;
				ed[ned].shape = k;
				ned++;
			}
		}
	}
	qsort(ed, ned, sizeof(*ed), cmpedge);
	for (i = 0; i < ned; i = j) {
		for (j = i + 1; j < ned && ed[j].ax == ed[i].ax &&
		    ed[j].ay == ed[i].ay && ed[j].bx == ed[i].bx &&
		    ed[j].by == ed[i].by; j++)
			;
		/* Two counties running the edge once each: a border.  (A
		 * county that runs an edge out and back has a spike there,
		 * which is dropped.) */
		if (j - i != 2 || ed[i].shape == ed[i + 1].shape)
			continue;
		for (e = 0; e < 2; e++) {
			size_t s1 = ed[i].shape, s2 = ed[i + 1].shape;
			struct xy p;
			double sx, sy;

			geo_to_svg(v, e ? ed[i].bx : ed[i].ax,
			    e ? ed[i].by : ed[i].ay, &sx, &sy);
			p.x = llround(sx * 1e4);
			p.y = llround(sy * 1e4);
			(*nchecked)++;
			if (has(pts[s1], npts[s1], p) !=
			    has(pts[s2], npts[s2], p))
				bad++;
		}
	}
	for (k = 0; k < l->n; k++)
		free(pts[k]);
	free(pts);
	free(npts);
	free(ed);
	buf_release(&b);
	return bad;
}

static size_t
pathbytes(const struct geo_layer *l, const struct geo_view *v)
{
	struct buf b;
	size_t k, n;

	buf_init(&b);
	for (k = 0; k < l->n; k++)
		geo_path(&b, l, &l->shapes[k], v);
	n = b.len;
	buf_release(&b);
	return n;
}

/* Source points that land outside the canvas less its margins. */
static size_t
outside(const struct geo_layer *l, const struct geo_view *v)
{
	const struct geo_ring *rg;
	size_t k, r, i, n = 0;
	double sx, sy, m = v->margin - 1e-6;

	for (k = 0; k < l->n; k++)
		for (r = 0; r < l->shapes[k].nrings; r++) {
			rg = &l->shapes[k].rings[r];
			for (i = 0; i < rg->n; i++) {
				geo_to_svg(v, rg->pts[i].x, rg->pts[i].y, &sx,
				    &sy);
				n += sx < m || sx > v->width - m || sy < m ||
				    sy > v->height - m;
			}
		}
	return n;
}

static void
test_guizhou(void)
{
	struct geo_layer l;
	struct geo_view v;
	struct buf b;
	char *text;
	size_t len, k, bytes, checked, thin, nm, nz;
	const struct geo_shape *s;
	const double tol[] = { 0, 0.1, 0.3, 0.5, 1.0 };

	if (readlayer(&l, "generator/reference/boundaries/52.geojson", &text,
	    &len) != 0) {
		OK(0);
		return;
	}
	INT_EQ(l.n, 88);
	s = geo_find(&l, "522702");
	OK(s != NULL && s->name != NULL && strcmp(s->name, "福泉市") == 0);
	OK(geo_contains(s, 107.52, 26.69));
	OK(!geo_contains(s, 106.7, 26.6));
	for (k = 0; k < l.n; k++) {
		s = &l.shapes[k];
		OK(s->lon0 >= 73 && s->lon1 <= 136 && s->lat0 >= 3 &&
		    s->lat1 <= 54 && s->lon0 < s->lon1 && s->lat0 < s->lat1);
		if (k > 0)
			OK(strcmp(l.shapes[k - 1].code, s->code) < 0);
	}
	OK(l.lon0 > 103 && l.lon1 < 110 && l.lat0 > 24 && l.lat1 < 29.5);

	/* A 720-wide province map. */
	geo_fit(&v, &l, NULL, 0, 720, 720, 10);
	OK(fabs(v.width - 720) < 1e-9 && v.height <= 720 && v.height > 400);
	INT_EQ(v.decimals, 1);
	for (k = 0; k < sizeof(tol) / sizeof(tol[0]); k++) {
		INT_EQ(geo_simplify(&l, &a, tol[k]), 0);
		bytes = pathbytes(&l, &v);
		OK(check_borders(&l, &v, &checked, &thin) == 0);
		printf("geo: %zu shared edges checked\n", checked);
		OK(checked > 2000);
		INT_EQ(thin, 0);
		printf("geo: Guizhou at %.1f km: %zu bytes of path data\n",
		    tol[k], bytes);
		if (tol[k] == 0.5)
			OK(bytes < 200 * 1024);
	}

	/* The outline: closed rings only. */
	INT_EQ(geo_simplify(&l, &a, 0.5), 0);
	{
		/* Fitted from the topology, the same view as from the points;
		 * every point inside the canvas less margins. */
		struct geo_view w;
		const char *one[] = { "522702", "999999" };
		size_t out;

		geo_fit(&w, &l, NULL, 0, 720, 720, 10);
		OK(fabs(w.scale - v.scale) < 1e-12 &&
		    fabs(w.x0 - v.x0) < 1e-9 && fabs(w.y1 - v.y1) < 1e-9 &&
		    w.height == v.height);
		out = outside(&l, &v);
		INT_EQ(out, 0);
		/* One county fills the width, or the height. */
		geo_fit(&w, &l, one, 2, 720, 720, 10);
		OK(w.scale > 5 * v.scale && w.height <= 720);
		printf("geo: Guizhou map %.0f x %.0f at %.3f units/km; Fuquan "
		    "map %.0f x %.0f at %.3f units/km\n", v.width, v.height,
		    v.scale, w.width, w.height, w.scale);
	}
	buf_init(&b);
	geo_outline(&b, &l, NULL, 0, &v);
	OK(b.len > 0 && b.data[0] == 'M');
	for (nm = nz = k = 0; k < b.len; k++) {
		nm += b.data[k] == 'M';
		nz += b.data[k] == 'Z';
	}
	OK(nm >= 1 && nz == nm);
	printf("geo: Guizhou outline: %zu rings, %zu bytes\n", nm, b.len);

	/* One county's outline is that county's own path. */
	{
		const char *one[] = { "522702" };
		struct buf c;

		buf_reset(&b);
		geo_outline(&b, &l, one, 1, &v);
		size_t na, nb, ra, rb, ta, tb;
		struct xy *pa, *pb;

		buf_init(&c);
		geo_path(&c, &l, geo_find(&l, "522702"), &v);
		/* Same points, though the rings may start elsewhere. */
		pa = pathpts(b.data, &na, &ra, &ta);
		pb = pathpts(c.data, &nb, &rb, &tb);
		OK(na > 0 && na == nb && ra == rb &&
		    memcmp(pa, pb, na * sizeof(*pa)) == 0);
		free(pa);
		free(pb);
		buf_release(&c);
	}
	buf_release(&b);
	free(text);
}

/* Two half-disks sharing their diameter, and an island: with a huge
 * tolerance every ring still has 4 points and the halves still meet. */
static void
test_small_topology(void)
{
	struct geo_layer l;
	struct geo_view v;
	struct buf b, t;
	struct xy *p1, *p2;
	size_t n1, n2, r1, r2, th1, th2, i, k, checked, thin;

	buf_init(&b);
	buf_puts(&b, HEAD);
	for (k = 0; k < 2; k++) {
		buf_printf(&b, "%s{\"type\":\"Feature\",\"id\":\"h%zu\","
		    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[",
		    k ? "," : "", k);
		/* the diameter, west to east (k = 0) or east to west */
		for (i = 0; i <= 10; i++)
			buf_printf(&b, "[%.4f,30],", k ? 111 - 0.2 * i :
			    109 + 0.2 * i);
		for (i = 1; i < 40; i++) {
			double ang = M_PI * i / 40;

			buf_printf(&b, "[%.4f,%.4f],", 110 + (k ? -1 : 1) *
			    cos(ang), 30 + (k ? -1 : 1) * sin(ang));
		}
		buf_printf(&b, "[%d,30]]]}}", k ? 111 : 109);
	}
	buf_puts(&b, ",{\"type\":\"Feature\",\"id\":\"i\",\"geometry\":"
	    "{\"type\":\"Polygon\",\"coordinates\":[[");
	for (i = 0; i < 30; i++)
		buf_printf(&b, "[%.4f,%.4f],", 115 + 0.3 * cos(2 * M_PI * i /
		    30), 30 + 0.3 * sin(2 * M_PI * i / 30));
	buf_puts(&b, "[115.3000,30.0000]]]}}]}");
	INT_EQ(geo_load(&l, &a, "t.geojson", b.data, b.len), 0);
	buf_release(&b);
	INT_EQ(l.n, 3);

	geo_fit(&v, &l, NULL, 0, 400, 0, 5);
	INT_EQ(geo_simplify(&l, &a, 1e6), 0);
	buf_init(&b);
	buf_init(&t);
	geo_path(&b, &l, geo_find(&l, "h0"), &v);
	geo_path(&t, &l, geo_find(&l, "h1"), &v);
	p1 = pathpts(b.data, &n1, &r1, &th1);
	p2 = pathpts(t.data, &n2, &r2, &th2);
	OK(r1 == 1 && r2 == 1 && th1 == 0 && th2 == 0);
	OK(n1 >= 3 && n2 >= 3);
	free(p1);
	free(p2);
	/* The points on the diameter are the same for both. */
	OK(check_borders(&l, &v, &checked, &thin) == 0 && checked == 20);
	buf_reset(&b);
	geo_path(&b, &l, geo_find(&l, "i"), &v);
	p1 = pathpts(b.data, &n1, &r1, &th1);
	OK(r1 == 1 && th1 == 0 && n1 >= 3);
	free(p1);

	/* Without simplification the outline of the halves is the circle
	 * less the diameter's inner points: 1 ring, 80 points. */
	INT_EQ(geo_simplify(&l, &a, 0), 0);
	{
		const char *halves[] = { "h0", "h1", "nope" };

		buf_reset(&b);
		geo_outline(&b, &l, halves, 3, &v);
		p1 = pathpts(b.data, &n1, &r1, &th1);
		INT_EQ(r1, 1);
		INT_EQ(n1, 80);
		free(p1);
	}
	buf_release(&t);

	/* A spike out and back along the east side is dropped; its foot
	 * stays as an arc end: five points, and the outline is the same. */
	INT_EQ(load(&l, HEAD POLY("s", "[[[120,30],[121,30],[121,30.5],"
	    "[121.5,30.5],[121,30.5],[121,31],[120,31],[120,30]]]") "]}"), 0);
	INT_EQ(geo_simplify(&l, &a, 0), 0);
	geo_fit(&v, &l, NULL, 0, 100, 100, 0);
	buf_reset(&b);
	geo_path(&b, &l, &l.shapes[0], &v);
	p1 = pathpts(b.data, &n1, &r1, &th1);
	OK(r1 == 1 && n1 == 5);
	free(p1);
	OK(strstr(b.data, "L100 ") == NULL);	/* nothing reaches 121.5 */
	buf_reset(&b);
	geo_outline(&b, &l, NULL, 0, &v);
	p1 = pathpts(b.data, &n1, &r1, &th1);
	OK(r1 == 1 && n1 == 5);
	free(p1);
	buf_release(&b);

	/* A layer loaded but not simplified is drawn as read. */
	{
		struct geo_layer m;

		INT_EQ(load(&m, HEAD POLY("1", SQ(106, 26, 107, 27)) "]}"), 0);
		geo_fit(&v, &m, NULL, 0, 100, 100, 0);
		buf_init(&b);
		geo_path(&b, &m, &m.shapes[0], &v);
		OK(b.len > 0 && b.data[0] == 'M' && b.data[b.len - 1] == 'Z');
		OK(strstr(b.data, "l") != NULL);
		buf_reset(&b);
		geo_outline(&b, &m, NULL, 0, &v);
		INT_EQ(b.len, 0);
		buf_release(&b);
	}
}

/* The compact path form, on a view with round numbers. */
static void
test_path_text(void)
{
	struct geo_layer l;
	struct geo_view v;
	struct buf b;
	double x, y;

	INT_EQ(load(&l, HEAD POLY("1", SQ(104, 29, 106, 31)) "]}"), 0);
	INT_EQ(geo_simplify(&l, &a, 0), 0);
	geo_project(104, 31, &x, &y);
	v.scale = 0.1;
	v.x0 = x;
	v.y1 = y;
	v.margin = 0;
	v.width = v.height = 100;
	v.decimals = 0;
	buf_init(&b);
	geo_path(&b, &l, &l.shapes[0], &v);
	/* 104..106 at 29..31 is about 190 x 225 km: 19 x 22.5 units; the
	 * bottom left corner is a little left of the top left (values
	 * worked out separately). */
	STR_EQ(b.data, "M0 23l19 0 0-23-19 0Z");
	buf_reset(&b);
	v.decimals = 2;
	geo_path(&b, &l, &l.shapes[0], &v);
	STR_EQ(b.data, "M-0.23 22.51l19.26 0-0.23-22.51-18.8 0Z");
	buf_release(&b);
}

static void
test_timing(void)
{
	static const char *const files[] = {
		"generator/reference/boundaries/12.geojson",
		"generator/reference/boundaries/41.geojson",
		"generator/reference/boundaries/52.geojson",
	};
	struct geo_layer l;
	struct geo_view v;
	struct buf b;
	char *text[3];
	size_t len[3], k, i;
	double t0, t1, t2, t3, total = 0;

	for (k = 0; k < 3; k++)
		if ((text[k] = slurp(files[k], &len[k])) == NULL) {
			OK(0);
			return;
		}
	buf_init(&b);
	for (k = 0; k < 3; k++) {
		t0 = now();
		INT_EQ(geo_load(&l, &a, files[k], text[k], len[k]), 0);
		t1 = now();
		INT_EQ(geo_simplify(&l, &a, 0.5), 0);
		geo_fit(&v, &l, NULL, 0, 720, 720, 10);
		t2 = now();
		buf_reset(&b);
		for (i = 0; i < l.n; i++)
			geo_path(&b, &l, &l.shapes[i], &v);
		geo_outline(&b, &l, NULL, 0, &v);
		t3 = now();
		printf("geo: %s: %zu shapes, load %.1f ms, simplify %.1f ms, "
		    "paths %.1f ms, %zu bytes\n", files[k] + 29, l.n,
		    (t1 - t0) * 1e3, (t2 - t1) * 1e3, (t3 - t2) * 1e3, b.len);
		total += t3 - t0;
	}
	printf("geo: three provinces in %.1f ms\n", total * 1e3);
	buf_release(&b);
	for (k = 0; k < 3; k++)
		free(text[k]);
}

int
main(void)
{
	arena_init(&a);
	test_load_small();
	test_numbers();
	test_load_errors();
	test_projection();
	test_path_text();
	test_small_topology();
	test_guizhou();
	test_timing();
	arena_release(&a);
	return harness_done("geo");
}
