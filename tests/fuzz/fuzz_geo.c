/*
 * fuzz_geo: a boundary file (GeoJSON) through everything maps do with it.
 * geo_load reads the input; when it loads, a view is fitted around all the
 * shapes and around the first two, two copies of the layer are simplified
 * at a fine and a coarse tolerance (as map.c draws county and province
 * maps), and every shape is drawn with geo_path from both, the outline of
 * all shapes and of the first two with geo_outline, and geo_contains is
 * asked about the bounding box corners and centre, the first vertex and a
 * few fixed points.
 */
#include "arena.h"
#include "buf.h"
#include "fuzz.h"
#include "geo.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	return 0;
}

static void
draw(struct geo_layer *l, struct arena *a, double tol,
    const struct geo_view *v, const char *const *codes, size_t ncodes)
{
	struct buf b;
	size_t i;

	if (geo_simplify(l, a, tol) < 0)
		return;
	buf_init(&b);
	for (i = 0; i < l->n; i++) {
		geo_path(&b, l, &l->shapes[i], v);
		buf_reset(&b);
	}
	geo_outline(&b, l, NULL, 0, v);
	buf_reset(&b);
	geo_outline(&b, l, codes, ncodes, v);
	buf_release(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const double pts[][2] = { { 0, 0 }, { 106.7, 26.6 },
	    { 117.2, 39.1 }, { 113.6, 34.7 }, { -180, -90 }, { 180, 90 } };
	char *text = fuzz_text(data, size);
	struct geo_layer l, fine, coarse;
	struct geo_view all, two;
	struct arena a;
	const char *codes[2];
	size_t i, j, ncodes = 0;
	double sx, sy;

	diag_reset();
	arena_init(&a);
	if (geo_load(&l, &a, "content/reference/boundaries/99.geojson", text,
	    size) == 0) {
		for (i = 0; i < l.n && i < 2; i++)
			codes[ncodes++] = l.shapes[i].code;
		geo_fit(&all, &l, NULL, 0, 800, 800, 12);
		geo_fit(&two, &l, codes, ncodes, 400, 300, 8);
		geo_to_svg(&all, l.lon0, l.lat0, &sx, &sy);
		if (ncodes > 0)
			geo_find(&l, codes[0]);
		geo_find(&l, "990101");
		fine = l;
		coarse = l;
		draw(&fine, &a, 0.05, &two, codes, ncodes);
		draw(&coarse, &a, 0.6 / all.scale > 0.5 ? 0.6 / all.scale : 0.5,
		    &all, codes, ncodes);
		for (i = 0; i < l.n; i++) {
			const struct geo_shape *s = &l.shapes[i];

			geo_contains(s, (s->lon0 + s->lon1) / 2,
			    (s->lat0 + s->lat1) / 2);
			geo_contains(s, s->lon0, s->lat0);
			geo_contains(s, s->lon1, s->lat1);
			if (s->nrings > 0 && s->rings[0].n > 0)
				geo_contains(s, s->rings[0].pts[0].x,
				    s->rings[0].pts[0].y);
			for (j = 0; j < sizeof(pts) / sizeof(pts[0]); j++)
				geo_contains(s, pts[j][0], pts[j][1]);
		}
	}
	arena_release(&a);
	free(text);
	return 0;
}
