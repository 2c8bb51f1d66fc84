/*
 * out_data: the open-data files under /data/ — the latest at stable URLs
 * (/data/<dataset>.<ext>), the same bytes again under /data/v/<version>/,
 * and every earlier version, rebuilt from git history (release.c).  The bytes come
 * from the dataset stage; this output only writes them.
 */
#include <stdio.h>
#include <string.h>

#include "dataset.h"
#include "release.h"
#include "out.h"
#include "util.h"
#include "write.h"

int
out_data_run(struct out_ctx *ctx)
{
	const struct datapkg *p = ctx->data;
	char path[4096];
	size_t i;
	int rc = 0;

	for (i = 0; i < p->nfiles; i++) {
		const struct dfile *f = &p->files[i];

		char latest[4096];

		snprintf(latest, sizeof(latest), "data/%s", f->path);
		rc |= writer_put(ctx->w, latest, f->data, f->len);
		/* This version's copy: the same bytes under a second name. */
		snprintf(path, sizeof(path), "data/v/%s/%s", p->version,
		    f->path);
		rc |= writer_alias(ctx->w, path, latest);
	}
	/* Every other version, rebuilt from git. */
	for (i = 0; i < ctx->releases->n; i++) {
		const struct datapkg *r = &ctx->releases->v[i]->pkg;
		size_t k;

		if (strcmp(r->version, p->version) == 0)
			continue;
		for (k = 0; k < r->nfiles; k++) {
			snprintf(path, sizeof(path), "data/v/%s/%s", r->version,
			    r->files[k].path);
			rc |= writer_put(ctx->w, path, r->files[k].data,
			    r->files[k].len);
		}
	}
	if (ctx->releases->json != NULL) {
		rc |= writer_put(ctx->w, "data/changes.json",
		    ctx->releases->json, ctx->releases->jsonlen);
		rc |= writer_put(ctx->w, "data/schemas/changes.json",
		    releases_schema, strlen(releases_schema));
	}
	return rc < 0 ? -1 : 0;
}
