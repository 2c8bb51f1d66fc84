/*
 * map: station maps drawn at build time as SVG.
 *
 * Tile services are unreliable or out of reach for many readers, and a
 * site must work offline, so hearth draws its own maps from the reference
 * boundaries: one per published province (counties coloured by coverage,
 * stations as points, every county and station a link), one per county
 * (its outline, neighbours for context, its stations with names), and a
 * national overview of which provinces publish figures.  Pages embed the
 * files out_map writes to /maps/; maps are made before pages because a
 * page needs a map's size and where a station falls on it.
 */
#ifndef HEARTH_MAP_H
#define HEARTH_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

struct area;
struct site;

/* A province map marks its stations only up to this many with a
 * position: beyond it the dots hide the colours, each is a link to tab
 * through and the page carries them all; the county maps show them. */
#define MAP_PROVINCE_MAX_POINTS	300

struct map {
	const char	*code;		/* province or county code, "china" */
	char		*svg;		/* a standalone SVG document, freed
					   once written (pages read only
					   what follows); NULL when kept */
	size_t		 len;
	uint64_t	 key;		/* what it shows of the stations
					   (deps.h), never 0 */
	double		 width, height;	/* of the viewBox */
	/* For locating points on the map (county maps): the projection. */
	double		 scale, x0, y1, margin;
};

struct mapset {
	struct arena	 arena;
	struct map	*maps;		/* sorted by code */
	size_t		 n;
	bool		 kept;		/* the published drawings, as listed */
	/* Options from hearth.yaml "maps:" */
	double		 width;
	double		 tol_province;	/* km */
	double		 tol_county;	/* km */
};

/* How many stations of an area have a position (and are dots on its
 * map, up to MAP_PROVINCE_MAX_POINTS on a province's). */
size_t	map_positioned(const struct area *a);

/*
 * What is published, when only the stations changed since: keep, called
 * from the drawing threads with a map's code and key, keeps the
 * published drawing made of the same stations and gives its length (0),
 * or says it must be drawn (-1).  A map's size and projection follow
 * from the rest of the inputs alone, so a kept map has them all the
 * same; its svg stays NULL.
 */
struct map_keeper {
	int	(*keep)(void *ud, const char *code, uint64_t key,
		    size_t *len);
	void	*ud;
};

/* Draw every map of s on jobs threads, but those keeper keeps (keeper
 * may be NULL).  Returns 0, or -1 after reporting. */
int	mapset_build(struct mapset *out, const struct site *s, int jobs,
	    const struct map_keeper *keeper);
void	mapset_release(struct mapset *m);

/* What pages read of the maps, without their drawings: one line per map
 * (code, bytes, size and projection), for maps kept as published.
 * mapset_from_list reads such a list back into a mapset whose drawings
 * are the published ones (kept); -1 when it is not one. */
char	*mapset_list(const struct mapset *m, size_t *len);
int	mapset_from_list(struct mapset *out, const struct site *s,
	    const char *list);

/* The map with this code, or NULL (no boundaries for it). */
const struct map *mapset_get(const struct mapset *m, const char *code);

/* Where lon/lat falls on a map, in percent of its width and height;
 * returns 0, or -1 when it falls outside. */
int	mapset_locate(const struct map *mp, double lon, double lat,
	    double *px, double *py);

#endif
