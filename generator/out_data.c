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

		snprintf(path, sizeof(path), "data/%s", f->path);
		rc |= writer_put(ctx->w, path, f->data, f->len);
		snprintf(path, sizeof(path), "data/v/%s/%s", p->version,
		    f->path);
		rc |= writer_put(ctx->w, path, f->data, f->len);
	}
	for (i = 0; i < p->nversions; i++) {
		if (strcmp(p->versions[i], p->version) == 0)
			continue;
		snprintf(from, sizeof(from), "%s/data/v/%s",
		    writer_published(ctx->w), p->versions[i]);
		snprintf(path, sizeof(path), "data/v/%s", p->versions[i]);
		rc |= keep(ctx, from, path, 0);
	}
	return rc < 0 ? -1 : 0;
}
