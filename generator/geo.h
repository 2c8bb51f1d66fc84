/*
 * geo: county boundaries for maps and spatial checks.
 *
 * Reads the reference boundaries (RFC 7946 GeoJSON FeatureCollections of
 * county Polygons/MultiPolygons, feature id = county code) through cJSON,
 * projects them with an Albers equal-area conic suited to China (standard
 * parallels 25°N and 47°N, central meridian 105°E, WGS 84 sphere radius
 * 6371 km; lengths in km), and simplifies them for a map's scale without
 * opening gaps between neighbours: rings are cut into arcs at the points
 * where the set of counties sharing an edge changes, each arc is simplified
 * once (Douglas-Peucker) and every ring that uses it gets the same points.
 *
 * Everything is allocated in the caller's arena; a layer is read-only once
 * built, so maps of several provinces can be drawn on several threads.
 */
#ifndef HEARTH_GEO_H
#define HEARTH_GEO_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct buf;

struct geo_pt {
	double		 x, y;	/* lon/lat as read; km east/north once
				   projected */
};

struct geo_ring {
	struct geo_pt	*pts;	/* closed: pts[0] == pts[n-1] */
	size_t		 n;
	bool		 hole;
};

struct geo_shape {
	const char	*code;	/* feature id: the county code */
	const char	*name;	/* properties.name, may be NULL */
	struct geo_ring	*rings;	/* lon/lat, as read */
	size_t		 nrings;
	double		 lon0, lat0, lon1, lat1;	/* bounding box */
	int		 line;	/* where the feature starts in the file */
};

struct geo_layer {
	const char	*path;
	struct geo_shape *shapes;	/* sorted by code */
	size_t		 n;
	double		 lon0, lat0, lon1, lat1;
	void		*topo;	/* arcs, built by geo_simplify */
	bool		 shipped;	/* hearth's reference, gaps known */
};

/*
 * Parse a boundary file.  Reports "path:line:col: error: ..." for malformed
 * JSON, a missing or non-string id, a geometry that is not a Polygon or
 * MultiPolygon, coordinates out of range (|lon| > 180, |lat| > 90), rings
 * with fewer than 4 positions or not closed, and duplicate ids.  Returns 0
 * or -1.
 */
int	geo_load(struct geo_layer *out, struct arena *a, const char *path,
	    const char *text, size_t len);

/* The shape with this code, or NULL. */
const struct geo_shape *geo_find(const struct geo_layer *l, const char *code);

/* Does the shape contain the point (even-odd rule over all its rings)? */
bool	geo_contains(const struct geo_shape *s, double lon, double lat);

/* Albers equal-area conic (see above): lon/lat degrees -> km. */
void	geo_project(double lon, double lat, double *x, double *y);

/*
 * A view maps projected km onto an SVG canvas: y grows downwards, and the
 * chosen shapes fill width x height less margin, keeping the aspect.
 */
struct geo_view {
	double		 scale;		/* SVG units per km */
	double		 x0, y1;	/* projected left and top */
	double		 margin;
	double		 width, height;
	int		 decimals;	/* of SVG coordinates */
};

/* Fit a view of the given width (height follows the shapes' aspect, at
 * most max_height) around the shapes whose codes are in codes (all shapes
 * when codes is NULL). */
void	geo_fit(struct geo_view *v, const struct geo_layer *l,
	    const char *const *codes, size_t ncodes, double width,
	    double max_height, double margin);

/* A lon/lat point (degrees, projected here) to SVG coordinates. */
void	geo_to_svg(const struct geo_view *v, double lon, double lat,
	    double *sx, double *sy);

/*
 * Build the arcs of the layer and simplify them with a tolerance in km
 * (Douglas-Peucker), keeping arc end points, so that borders shared by two
 * counties stay identical and no ring collapses below 4 points.  Must be
 * called once before geo_path / geo_outline.  Returns 0 or -1 (reported).
 * The result is kept in l->topo; to draw the same shapes at two
 * tolerances, simplify two copies of the layer struct (the shapes are
 * shared, never changed).  Not to be run while another thread draws l.
 */
int	geo_simplify(struct geo_layer *l, struct arena *a, double tolerance_km);

/* Append SVG path data ("M x y L ... Z", one subpath per ring) of the
 * simplified shape to out. */
void	geo_path(struct buf *out, const struct geo_layer *l,
	    const struct geo_shape *s, const struct geo_view *v);

/*
 * Append SVG path data of the outline of the union of the given shapes
 * (codes; all when NULL): the arcs used by exactly one of them, chained
 * into closed rings.  The province outline is the union of its counties.
 */
void	geo_outline(struct buf *out, const struct geo_layer *l,
	    const char *const *codes, size_t ncodes,
	    const struct geo_view *v);

#endif
