/*
 * out_sitemap: sitemap.xml (every page with the date its sources last
 * changed) and robots.txt.  A sitemap holds at most 50,000 URLs, so a
 * large site gets numbered sitemaps and sitemap.xml becomes their index.
 */
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "out.h"
#include "site.h"
#include "view.h"
#include "write.h"

#define PER_SITEMAP 40000

static void
url(struct buf *b, struct out_ctx *ctx, struct arena *a, const struct page *p)
{
	const char *loc = view_canonical(ctx->view, a, p);
	const char *mod = view_lastmod(ctx->view, a, p);

	buf_puts(b, "<url><loc>");
	buf_put_html(b, loc, strlen(loc));
	buf_puts(b, "</loc>");
	if (mod != NULL)
		buf_printf(b, "<lastmod>%s</lastmod>", mod);
	buf_puts(b, "</url>\n");
}

int
out_sitemap_run(struct out_ctx *ctx)
{
	const struct config *c = &ctx->site->cfg;
	const struct page *pages;
	struct arena a;
	struct buf b;
	size_t n, i, k, nmaps, in;
	int rc = 0;

	pages = view_plan(ctx->view, &n);
	arena_init(&a);
	buf_init(&b);
	nmaps = (n + PER_SITEMAP - 1) / PER_SITEMAP;
	for (k = 0, i = 0; k < nmaps || k == 0; k++) {
		buf_reset(&b);
		buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		    "<urlset xmlns=\"http://www.sitemaps.org/schemas/"
		    "sitemap/0.9\">\n");
		for (in = 0; i < n && in < PER_SITEMAP; i++) {
			if (pages[i].kind == PG_NOT_FOUND)
				continue;
			url(&b, ctx, &a, &pages[i]);
			in++;
			arena_reset(&a);
		}
		buf_puts(&b, "</urlset>\n");
		rc |= writer_put(ctx->w, nmaps <= 1 ? "sitemap.xml" :
		    arena_printf(&a, "sitemap-%zu.xml", k + 1), b.data, b.len);
	}
	if (nmaps > 1) {
		buf_reset(&b);
		buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		    "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/"
		    "sitemap/0.9\">\n");
		for (k = 0; k < nmaps; k++)
			buf_printf(&b, "<sitemap><loc>%ssitemap-%zu.xml</loc>"
			    "</sitemap>\n", c->base_url, k + 1);
		buf_puts(&b, "</sitemapindex>\n");
		rc |= writer_put(ctx->w, "sitemap.xml", b.data, b.len);
	}
	buf_reset(&b);
	buf_printf(&b, "User-agent: *\nAllow: /\n\nSitemap: %ssitemap.xml\n",
	    c->base_url);
	rc |= writer_put(ctx->w, "robots.txt", b.data, b.len);
	buf_release(&b);
	arena_release(&a);
	return rc < 0 ? -1 : 0;
}
