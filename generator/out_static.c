/*
 * out_static: files copied as they are — the theme's static/ folder to
 * /assets/, content/static/ to the site root (favicons, robots.txt
 * overrides, PDFs an office links to), and the images beside a news
 * item's index.md to the item's own folder (/news/<slug>/).
 */
#include <stdio.h>
#include <string.h>

#include "out.h"
#include "site.h"
#include "source.h"
#include "util.h"
#include "write.h"

static int
copytree(struct out_ctx *ctx, const char *from, const char *to, bool pages)
{
	const struct sfile *f;
	size_t n, i, skip = strlen(from);
	int rc = 0;

	n = source_under(ctx->src, from, &f);
	for (i = 0; i < n; i++) {
		char path[1024];

		if (!pages && str_has_suffix(f[i].path, ".md"))
			continue;	/* news items of their own */
		snprintf(path, sizeof(path), "%s%s", to, f[i].path + skip);
		if (writer_put(ctx->w, path, f[i].data, f[i].len) < 0)
			rc = -1;
	}
	return rc;
}

int
out_static_run(struct out_ctx *ctx)
{
	char theme[256], to[128];
	size_t i;
	int rc = 0;

	snprintf(theme, sizeof(theme), "themes/%s/static/",
	    ctx->site->cfg.theme);
	rc |= copytree(ctx, theme, "assets/", true);
	rc |= copytree(ctx, "content/static/", "", true);
	for (i = 0; i < ctx->site->nnews; i++) {
		const struct news *n = ctx->site->news[i];

		if (n->bundle != NULL) {
			snprintf(to, sizeof(to), "news/%s/", n->slug);
			rc |= copytree(ctx, n->bundle, to, false);
		}
	}
	return rc;
}
