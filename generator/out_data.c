/*
 * out_data: the open-data files under /data/ — the latest at stable URLs
 * (/data/<dataset>.<ext>), the same bytes again under /data/v/<version>/,
 * and every earlier version, rebuilt from git history (release.c).  The
 * bytes come from the dataset stage, one file at a time, through
 * out_data_put; this output only writes them, and the changelog.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dataset.h"
#include "release.h"
#include "out.h"
#include "util.h"
#include "write.h"

int
out_data_put(void *ud, const struct datapkg *p, struct dfile *f)
{
	struct out_ctx *ctx = ud;
	char path[4096], latest[4096];
	int rc = 0;

	if (p == ctx->data) {
		snprintf(latest, sizeof(latest), "data/%s", f->path);
		rc |= writer_put_known(ctx->w, latest, f->data, f->fd, f->len,
		    f->sha256);
		/* This version's copy: the same bytes under a second name. */
		snprintf(path, sizeof(path), "data/v/%s/%s", p->version,
		    f->path);
		rc |= writer_alias(ctx->w, path, latest);
	} else if (strcmp(p->version, ctx->data->version) != 0) {
		/* Another version, rebuilt from git; one with the name of
		 * this build's is this build's. */
		snprintf(path, sizeof(path), "data/v/%s/%s", p->version,
		    f->path);
		rc |= writer_put_known(ctx->w, path, f->data, f->fd, f->len,
		    f->sha256);
	}
	free(f->data);
	f->data = NULL;
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	return rc < 0 ? -1 : 0;
}

int
out_data_keep(void *ud, const struct datapkg *p, const struct dfile *f,
    bool commit)
{
	struct out_ctx *ctx = ud;
	char path[4096], latest[4096];

	if (p != ctx->data)
		return -1;
	snprintf(latest, sizeof(latest), "data/%s", f->path);
	if (!commit)
		return writer_keepable(ctx->w, latest, f->len, f->sha256) ?
		    0 : -1;
	if (writer_keep_known(ctx->w, latest) < 0)
		return -1;
	snprintf(path, sizeof(path), "data/v/%s/%s", p->version, f->path);
	return writer_alias(ctx->w, path, latest);
}

int
out_data_scratch(void *ud, char *path, size_t size)
{
	struct out_ctx *ctx = ud;

	return writer_scratch(ctx->w, path, size);
}

int
out_data_run(struct out_ctx *ctx)
{
	int rc = 0;

	if (ctx->releases->json != NULL) {
		rc |= writer_put(ctx->w, "data/changes.json",
		    ctx->releases->json, ctx->releases->jsonlen);
		rc |= writer_put(ctx->w, "data/schemas/changes.json",
		    releases_schema, strlen(releases_schema));
	}
	return rc < 0 ? -1 : 0;
}
