/*
 * out_map: the SVG maps under /maps/<code>.svg (provinces, counties, and
 * "china", the national overview), as the map stage drew them, or kept as
 * published: the maps are made of the stations and the rest of the inputs
 * alone (deps.h: no news, nor the revision), so when they did not change
 * the published drawings are this build's and only what pages read of
 * them (map.h) comes from the cache.  When only the stations changed,
 * each map is kept or drawn by the stations it shows (its key).
 */
#include <stdio.h>
#include <stdlib.h>

#include "cache.h"
#include "deps.h"
#include "diag.h"
#include "map.h"
#include "out.h"
#include "write.h"

static void
listname(const struct out_ctx *ctx, char name[48])
{
	snprintf(name, 48, "maps-%.32s", ctx->places);
}

int
out_map_keep(struct out_ctx *ctx, struct mapset *m)
{
	char name[48], path[64], *list;
	size_t len, i;

	if (ctx->places == NULL ||
	    (ctx->changed & (DEP_REST | DEP_STATIONS)) != 0)
		return -1;
	listname(ctx, name);
	if ((list = cache_get(name, &len)) == NULL)
		return -1;
	if (mapset_from_list(m, ctx->site, list) < 0) {
		free(list);
		return -1;
	}
	free(list);
	for (i = 0; i < m->n; i++) {
		snprintf(path, sizeof(path), "maps/%s.svg", m->maps[i].code);
		if (!writer_keepable(ctx->w, path, m->maps[i].len, NULL)) {
			mapset_release(m);
			return -1;
		}
	}
	return 0;
}

/* A map made of the stations it shows (its key) and the rest, which did
 * not change: kept as published. */
static int
keepone(void *ud, const char *code, uint64_t key, size_t *len)
{
	struct out_ctx *ctx = ud;
	char path[64];

	snprintf(path, sizeof(path), "maps/%s.svg", code);
	if (writer_keep(ctx->w, path, key) != 0)
		return -1;	/* drawn, and a failure to write reported */
	*len = writer_published_size(ctx->w, path);
	return 0;
}

int
out_map_draw(struct out_ctx *ctx, struct mapset *m)
{
	struct map_keeper k = { keepone, ctx };
	size_t i, drawn = 0;
	int rc;

	rc = mapset_build(m, ctx->site, ctx->jobs, ctx->places != NULL &&
	    (ctx->changed & DEP_REST) == 0 ? &k : NULL);
	for (i = 0; i < m->n; i++)
		drawn += m->maps[i].svg != NULL;
	if (diag_verbosity() > 1)
		diag_info("  %zu maps drawn, %zu kept as published: made of "
		    "the same stations", drawn, m->n - drawn);
	return rc;
}

size_t
out_map_held(const struct mapset *m)
{
	size_t i, n = 0;

	for (i = 0; i < m->n; i++)
		if (m->maps[i].svg != NULL)
			n += m->maps[i].len;
	return n;
}

/* Each drawing is freed once written: pages read only the maps' sizes and
 * projections, and the drawings (46 MB nationally) would otherwise be
 * held while they are made.  A map kept by out_map_draw is in the tree
 * already. */
int
out_map_run(struct out_ctx *ctx)
{
	struct mapset *m = ctx->maps;
	char path[64], name[48], *list;
	size_t i, len;
	int rc = 0;

	for (i = 0; i < m->n; i++) {
		snprintf(path, sizeof(path), "maps/%s.svg", m->maps[i].code);
		if (m->kept)
			rc |= writer_keep_known(ctx->w, path);
		else if (m->maps[i].svg != NULL) {
			rc |= writer_put_key(ctx->w, path, m->maps[i].svg,
			    m->maps[i].len, m->maps[i].key);
			free(m->maps[i].svg);
			m->maps[i].svg = NULL;
		}
	}
	if (rc == 0 && !m->kept && ctx->places != NULL) {
		listname(ctx, name);
		list = mapset_list(m, &len);
		cache_put(name, list, len);
		free(list);
	}
	return rc < 0 ? -1 : 0;
}
