/*
 * out_map: the SVG maps under /maps/<code>.svg (provinces, counties, and
 * "china", the national overview), as the map stage drew them.
 */
#include <stdio.h>

#include "map.h"
#include "out.h"
#include "write.h"

int
out_map_run(struct out_ctx *ctx)
{
	const struct mapset *m = ctx->maps;
	char path[64];
	size_t i;
	int rc = 0;

	for (i = 0; i < m->n; i++) {
		snprintf(path, sizeof(path), "maps/%s.svg", m->maps[i].code);
		rc |= writer_put(ctx->w, path, m->maps[i].svg, m->maps[i].len);
	}
	return rc < 0 ? -1 : 0;
}
