/*
 * geovalid: see geovalid.h.  GEOS geometries are built from the shapes'
 * rings (an exterior ring opens a polygon, the holes after it join it, as
 * the boundary files have them), repaired, snapped to the grid, and their
 * polygons written back with exterior rings counter-clockwise and holes
 * clockwise (RFC 7946, 3.1.6).
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include <string.h>

#include <geos_c.h>
#include <openssl/evp.h>

#include "buf.h"
#include "cache.h"
#include "geo.h"
#include "geovalid.h"
#include "jobs.h"
#include "lazylib.h"
#include "util.h"

#define GEOS_FNS(X) X(GEOSCoordSeq_create_r) X(GEOSCoordSeq_getSize_r) \
	X(GEOSCoordSeq_getXY_r) X(GEOSCoordSeq_setXY_r) X(GEOSGeomTypeId_r) \
	X(GEOSGeom_clone_r) X(GEOSGeom_createCollection_r) \
	X(GEOSGeom_createLinearRing_r) X(GEOSGeom_createPolygon_r) \
	X(GEOSGeom_destroy_r) X(GEOSGeom_getCoordSeq_r) \
	X(GEOSGeom_setPrecision_r) X(GEOSGetExteriorRing_r) \
	X(GEOSGetGeometryN_r) X(GEOSGetInteriorRingN_r) \
	X(GEOSGetNumGeometries_r) X(GEOSGetNumInteriorRings_r) \
	X(GEOSMakeValidParams_create_r) X(GEOSMakeValidParams_destroy_r) \
	X(GEOSMakeValidParams_setKeepCollapsed_r) \
	X(GEOSMakeValidParams_setMethod_r) X(GEOSMakeValidWithParams_r) \
	X(GEOS_finish_r) X(GEOS_init_r) X(GEOSisEmpty_r) X(GEOSisValid_r) \
	X(GEOSversion)
LAZYLIB(geos, GEOS_SONAME, GEOS_FNS)

/* A ring with its points on the grid (scale: 10^decimals), as they
 * will be written. */
static GEOSGeometry *
ring(GEOSContextHandle_t h, const struct geo_ring *r, double scale)
{
	GEOSCoordSequence *cs = geos.GEOSCoordSeq_create_r(h,
	    (unsigned)r->n, 2);
	size_t i;

	if (cs == NULL)
		return NULL;
	for (i = 0; i < r->n; i++)
		geos.GEOSCoordSeq_setXY_r(h, cs, (unsigned)i,
		    round(r->pts[i].x * scale) / scale,
		    round(r->pts[i].y * scale) / scale);
	return geos.GEOSGeom_createLinearRing_r(h, cs);	/* owns cs */
}

/* One polygon: rings[0] its shell, the rest its holes. */
static GEOSGeometry *
polygon(GEOSContextHandle_t h, const struct geo_ring *rings, size_t n,
    double scale)
{
	GEOSGeometry *shell = ring(h, &rings[0], scale), **holes;
	GEOSGeometry *g;
	size_t i, k = 0;

	if (shell == NULL)
		return NULL;
	holes = xmalloc((n > 1 ? n - 1 : 1) * sizeof(*holes));
	for (i = 1; i < n; i++)
		if ((holes[k] = ring(h, &rings[i], scale)) != NULL)
			k++;
	g = geos.GEOSGeom_createPolygon_r(h, shell, holes, (unsigned)k);
	free(holes);
	return g;
}

/* The shapes as one MultiPolygon, as read (maybe invalid). */
static GEOSGeometry *
multipolygon(GEOSContextHandle_t h, const struct geo_shape *const *shapes,
    size_t n, double scale)
{
	GEOSGeometry **polys, *g;
	size_t i, r, r0, np = 0, cap = 0;

	for (i = 0; i < n; i++)
		cap += shapes[i]->nrings;
	polys = xmalloc((cap ? cap : 1) * sizeof(*polys));
	for (i = 0; i < n; i++)
		for (r0 = 0; r0 < shapes[i]->nrings; r0 = r) {
			for (r = r0 + 1; r < shapes[i]->nrings &&
			    shapes[i]->rings[r].hole; r++)
				;
			if (!shapes[i]->rings[r0].hole &&
			    (polys[np] = polygon(h, &shapes[i]->rings[r0],
			    r - r0, scale)) != NULL)
				np++;
		}
	g = geos.GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, polys,
	    (unsigned)np);
	free(polys);
	return g;
}

/* Append the polygonal parts of g (a repair may leave lines and points
 * beside them) to polys, as clones. */
static void
collect(GEOSContextHandle_t h, const GEOSGeometry *g, GEOSGeometry ***polys,
    size_t *np, size_t *cap)
{
	int i, n, t = geos.GEOSGeomTypeId_r(h, g);

	if (t == GEOS_POLYGON) {
		if (geos.GEOSisEmpty_r(h, g))
			return;
		if (*np == *cap) {
			*cap = *cap ? 2 * *cap : 8;
			*polys = realloc(*polys, *cap * sizeof(**polys));
			if (*polys == NULL)
				xdie("out of memory");
		}
		(*polys)[(*np)++] = geos.GEOSGeom_clone_r(h, g);
	} else if (t == GEOS_MULTIPOLYGON || t == GEOS_GEOMETRYCOLLECTION)
		for (n = geos.GEOSGetNumGeometries_r(h, g), i = 0; i < n; i++)
			collect(h, geos.GEOSGetGeometryN_r(h, g, i), polys,
			    np, cap);
}

/* The polygonal parts of g as a new MultiPolygon. */
static GEOSGeometry *
polygonal(GEOSContextHandle_t h, const GEOSGeometry *g)
{
	GEOSGeometry **polys = NULL, *out;
	size_t np = 0, cap = 0;

	collect(h, g, &polys, &np, &cap);
	out = geos.GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, polys,
	    (unsigned)np);
	free(polys);
	return out;
}

static void
putring(struct buf *b, GEOSContextHandle_t h, const GEOSGeometry *r,
    bool hole, int decimals)
{
	const GEOSCoordSequence *cs = geos.GEOSGeom_getCoordSeq_r(h, r);
	unsigned i, n = 0;
	double x0, y0, x1, y1, area = 0;
	bool reverse;

	geos.GEOSCoordSeq_getSize_r(h, cs, &n);
	for (i = 0; i + 1 < n; i++) {	/* shoelace: > 0 counter-clockwise */
		geos.GEOSCoordSeq_getXY_r(h, cs, i, &x0, &y0);
		geos.GEOSCoordSeq_getXY_r(h, cs, i + 1, &x1, &y1);
		area += x0 * y1 - x1 * y0;
	}
	reverse = hole ? area > 0 : area < 0;
	buf_putc(b, '[');
	for (i = 0; i < n; i++) {
		geos.GEOSCoordSeq_getXY_r(h, cs, reverse ? n - 1 - i : i,
		    &x0, &y0);
		buf_puts(b, i > 0 ? ",[" : "[");
		buf_put_fixed(b, x0, decimals);
		buf_putc(b, ',');
		buf_put_fixed(b, y0, decimals);
		buf_putc(b, ']');
	}
	buf_putc(b, ']');
}

/* GEOS's "structure" repair: rings keep their area (a bow-tie becomes two
 * triangles), collapsed parts go; faster than the default line work. */
static GEOSGeometry *
makevalid(GEOSContextHandle_t h, const GEOSGeometry *g)
{
	GEOSMakeValidParams *p = geos.GEOSMakeValidParams_create_r(h);
	GEOSGeometry *out;

	geos.GEOSMakeValidParams_setMethod_r(h, p, GEOS_MAKE_VALID_STRUCTURE);
	geos.GEOSMakeValidParams_setKeepCollapsed_r(h, p, 0);
	out = geos.GEOSMakeValidWithParams_r(h, g, p);
	geos.GEOSMakeValidParams_destroy_r(h, p);
	return out;
}

void
geovalid_geojson(struct buf *b, const struct geo_shape *const *shapes,
    size_t n, int decimals)
{
	GEOSContextHandle_t h;
	GEOSGeometry *raw, *fixed = NULL, *poly = NULL, *snapped = NULL;
	GEOSGeometry *out = NULL;
	int i, j, np;

	if (n == 0) {
		buf_puts(b, "null");
		return;
	}
	geos_load();
	h = geos.GEOS_init_r();
	/* No message handlers: GEOS says nothing, a failure is a NULL. */
	/* Most boundaries are valid on the grid as they are; only the others
	 * pay for a repair, then a snap back onto the grid that keeps them
	 * valid. */
	raw = multipolygon(h, shapes, n, pow(10, decimals));
	if (raw != NULL && geos.GEOSisValid_r(h, raw) == 1)
		out = geos.GEOSGeom_clone_r(h, raw);
	else if (raw != NULL) {
		fixed = makevalid(h, raw);
		if (fixed != NULL)
			poly = polygonal(h, fixed);
		if (poly != NULL)
			snapped = geos.GEOSGeom_setPrecision_r(h, poly,
			    pow(10, -decimals), 0);
		if (snapped != NULL)
			out = polygonal(h, snapped);
	}
	np = out != NULL ? geos.GEOSGetNumGeometries_r(h, out) : 0;
	if (np <= 0)
		buf_puts(b, "null");
	else {
		buf_puts(b, "{\"type\":\"MultiPolygon\",\"coordinates\":[");
		for (i = 0; i < np; i++) {
			const GEOSGeometry *p =
			    geos.GEOSGetGeometryN_r(h, out, i);
			int nh = geos.GEOSGetNumInteriorRings_r(h, p);

			buf_puts(b, i > 0 ? ",[" : "[");
			putring(b, h, geos.GEOSGetExteriorRing_r(h, p), false,
			    decimals);
			for (j = 0; j < nh; j++) {
				buf_putc(b, ',');
				putring(b, h,
				    geos.GEOSGetInteriorRingN_r(h, p, j), true,
				    decimals);
			}
			buf_putc(b, ']');
		}
		buf_puts(b, "]}");
	}
	if (out != NULL)
		geos.GEOSGeom_destroy_r(h, out);
	if (snapped != NULL)
		geos.GEOSGeom_destroy_r(h, snapped);
	if (poly != NULL)
		geos.GEOSGeom_destroy_r(h, poly);
	if (fixed != NULL)
		geos.GEOSGeom_destroy_r(h, fixed);
	if (raw != NULL)
		geos.GEOSGeom_destroy_r(h, raw);
	geos.GEOS_finish_r(h);
}

/* ==== every area, cached ================================================= */

struct batch {
	const struct geo_shape *const *const *shapes;
	const size_t	*nshapes;
	int		 decimals;
	char		**out;
};

static void
one(size_t i, int worker, void *ud)
{
	struct batch *bt = ud;
	struct buf b;

	(void)worker;
	buf_init(&b);
	geovalid_geojson(&b, bt->shapes[i], bt->nshapes[i], bt->decimals);
	bt->out[i] = b.data != NULL ? b.data : xstrdup("null");
}

/* The cache entry's name: a SHA-256 of GEOS's version, the decimals and
 * every point of every ring, in order. */
static void
cachename(char *name, size_t size, const struct batch *bt, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dn = 0, k;
	const char *ver = geos.GEOSversion();
	size_t i, j, r;
	char *p;

	if (md == NULL || !EVP_DigestInit_ex(md, sha256_md(), NULL))
		xdie("SHA-256 failed");
	EVP_DigestUpdate(md, ver, strlen(ver));
	EVP_DigestUpdate(md, &bt->decimals, sizeof(bt->decimals));
	EVP_DigestUpdate(md, &n, sizeof(n));
	for (i = 0; i < n; i++) {
		EVP_DigestUpdate(md, &bt->nshapes[i], sizeof(size_t));
		for (j = 0; j < bt->nshapes[i]; j++) {
			const struct geo_shape *sh = bt->shapes[i][j];

			EVP_DigestUpdate(md, &sh->nrings, sizeof(sh->nrings));
			for (r = 0; r < sh->nrings; r++) {
				EVP_DigestUpdate(md, &sh->rings[r].hole, 1);
				EVP_DigestUpdate(md, &sh->rings[r].n,
				    sizeof(size_t));
				EVP_DigestUpdate(md, sh->rings[r].pts,
				    sh->rings[r].n * sizeof(struct geo_pt));
			}
		}
	}
	EVP_DigestFinal_ex(md, d, &dn);
	EVP_MD_CTX_free(md);
	snprintf(name, size, "geojson-");
	p = name + strlen(name);
	for (k = 0; k < dn && (size_t)(p - name) + 3 < size; k++) {
		*p++ = hex[d[k] >> 4];
		*p++ = hex[d[k] & 15];
	}
	*p = '\0';
}

char **
geovalid_geometries(const struct geo_shape *const *const *shapes,
    const size_t *nshapes, size_t n, int decimals, int jobs)
{
	struct batch bt = { shapes, nshapes, decimals, NULL };
	char name[96], *text, *line, *end;
	size_t len, i;
	struct buf b;

	geos_load();
	bt.out = xcalloc(n ? n : 1, sizeof(*bt.out));
	cachename(name, sizeof(name), &bt, n);
	/* The entry: one geometry per line, in area order. */
	if ((text = cache_get(name, &len)) != NULL) {
		for (i = 0, line = text; i < n && line < text + len; i++) {
			end = memchr(line, '\n', (size_t)(text + len - line));
			/* Only what this module writes: a damaged entry is
			 * made again, never copied into the data. */
			if (end == NULL ||
			    memchr(line, '\0', (size_t)(end - line)) != NULL ||
			    (!str_has_prefix(line, "null\n") &&
			    !str_has_prefix(line, "{\"type\":\"MultiPolygon\",")))
				break;
			bt.out[i] = xstrndup(line, (size_t)(end - line));
			line = end + 1;
		}
		free(text);
		if (i == n && line == text + len)
			return bt.out;
		geovalid_free(bt.out, n);	/* damaged: make it again */
		bt.out = xcalloc(n ? n : 1, sizeof(*bt.out));
	}
	jobs_run(n, jobs > 0 ? jobs : 1, one, &bt);
	buf_init(&b);
	for (i = 0; i < n; i++) {
		buf_puts(&b, bt.out[i]);
		buf_putc(&b, '\n');
	}
	cache_put(name, b.data != NULL ? b.data : "", b.len);
	buf_release(&b);
	return bt.out;
}

void
geovalid_free(char **geoms, size_t n)
{
	size_t i;

	for (i = 0; geoms != NULL && i < n; i++)
		free(geoms[i]);
	free(geoms);
}
