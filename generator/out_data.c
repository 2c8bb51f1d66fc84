/*
 * out_data: the open-data files under /data/ — the latest at stable URLs
 * (/data/<dataset>.<ext>), the same bytes again under /data/v/<version>/,
 * and every earlier version kept from the published site.  The bytes come
 * from the dataset stage; this output only writes them.
 */
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "dataset.h"
#include "release.h"
#include "out.h"
#include "util.h"
#include "write.h"

/* Link an earlier version's folder, file by file, into the new build. */
static int
keep(struct out_ctx *ctx, const char *from, const char *rel, int depth)
{
	char f[4096], r[4096];
	DIR *d;
	struct dirent *de;
	struct stat st;
	int rc = 0;

	if (depth > 8 || (d = opendir(from)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(f, sizeof(f), "%s/%s", from, de->d_name);
		snprintf(r, sizeof(r), "%s/%s", rel, de->d_name);
		if (lstat(f, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode))
			rc |= keep(ctx, f, r, depth + 1);
		else if (S_ISREG(st.st_mode))
			rc |= writer_link(ctx->w, r, f);
	}
	closedir(d);
	return rc;
}

int
out_data_run(struct out_ctx *ctx)
{
	const struct datapkg *p = ctx->data;
	char path[4096], from[4096];
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
	/* Releases rebuilt from git, then whatever else was published. */
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
		rc |= writer_put(ctx->w, "data/changes.schema.json",
		    releases_schema, strlen(releases_schema));
	}
	for (i = 0; i < p->nversions; i++) {
		size_t k;

		if (strcmp(p->versions[i], p->version) == 0)
			continue;
		for (k = 0; k < ctx->releases->n; k++)
			if (strcmp(ctx->releases->v[k]->pkg.version,
			    p->versions[i]) == 0)
				break;
		if (k < ctx->releases->n)
			continue;
		snprintf(from, sizeof(from), "%s/data/v/%s",
		    writer_published(ctx->w), p->versions[i]);
		snprintf(path, sizeof(path), "data/v/%s", p->versions[i]);
		rc |= keep(ctx, from, path, 0);
	}
	return rc < 0 ? -1 : 0;
}
