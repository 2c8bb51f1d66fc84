/*
 * geovalid: boundaries as published GeoJSON, valid OGC simple features.
 *
 * Reference boundaries come with self-intersecting rings, and rounding
 * coordinates to the published decimals makes new ones.  GEOS (the C API
 * of the library PostGIS and GDAL use) repairs a county's rings
 * (GEOSMakeValid) and snaps them to the published grid with a rounding
 * that keeps them valid (GEOSGeom_setPrecision), so every polygon in
 * /data/<dataset>.geojson passes an OGC validity check.
 */
#ifndef HEARTH_GEOVALID_H
#define HEARTH_GEOVALID_H

#include <stddef.h>

struct buf;
struct geo_shape;

/*
 * The GeoJSON geometries of n areas, area i made of the nshapes[i] shapes
 * shapes[i][0..], each as geovalid_geojson writes it: out[i], from malloc,
 * freed by the caller with geovalid_free.  The results are kept in the
 * build cache under a hash of every input point, so only a build whose
 * boundaries changed repairs them again, on jobs threads.
 */
char	**geovalid_geometries(const struct geo_shape *const *const *shapes,
	    const size_t *nshapes, size_t n, int decimals, int jobs);
void	geovalid_free(char **geoms, size_t n);

/*
 * Append to b the GeoJSON geometry of the n shapes together (their rings
 * as read, lon/lat): a MultiPolygon, valid, its coordinates on a grid of
 * 10^-decimals degrees; "null" when there is nothing polygonal left.
 * Thread-safe (a GEOS context per call).
 */
void	geovalid_geojson(struct buf *b, const struct geo_shape *const *shapes,
	    size_t n, int decimals);

#endif
