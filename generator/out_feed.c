/*
 * out_feed: Atom feeds of the news (RFC 4287): /feed.xml for the site and
 * /provinces/<code>/feed.xml for each province, the newest FEED_ITEMS
 * items each, with the rendered body as escaped HTML content.
 */
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "out.h"
#include "record.h"
#include "site.h"
#include "value.h"
#include "view.h"
#include "write.h"

#define FEED_ITEMS 20

static void
text(struct buf *b, const char *tag, const char *s)
{
	if (s == NULL)
		return;
	buf_printf(b, "<%s>", tag);
	buf_put_html(b, s, strlen(s));
	buf_printf(b, "</%s>\n", tag);
}

/* News dates are days in China: their instant is midnight in UTC+8. */
static void
when(struct buf *b, const char *tag, const char *date)
{
	buf_printf(b, "<%s>%sT00:00:00+08:00</%s>\n", tag, date, tag);
}

static int
feed(struct out_ctx *ctx, struct arena *a, const char *path, const char *title,
    const char *selfurl, struct news *const *news, size_t n)
{
	const struct site *s = ctx->site;
	const struct config *c = &s->cfg;
	struct buf b;
	size_t i, j;
	int rc;

	buf_init(&b);
	buf_printf(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed "
	    "xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"%s\">\n",
	    c->language);
	text(&b, "title", title);
	text(&b, "subtitle", c->description);
	buf_puts(&b, "<link rel=\"self\" type=\"application/atom+xml\" href=\"");
	buf_put_html(&b, selfurl, strlen(selfurl));
	buf_puts(&b, "\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
	buf_put_html(&b, c->base_url, strlen(c->base_url));
	buf_puts(&b, "\"/>\n");
	text(&b, "id", selfurl);
	when(&b, "updated", n > 0 ? news[0]->date : s->build_date ?
	    s->build_date : "1970-01-01");
	buf_puts(&b, "<author>");
	text(&b, "name", c->publisher != NULL ? c->publisher : c->title);
	buf_puts(&b, "</author>\n");
	if (c->licence_title != NULL)
		text(&b, "rights", c->licence_title);
	buf_puts(&b, "<generator>hearth</generator>\n");
	for (i = 0; i < n && i < FEED_ITEMS; i++) {
		const struct news *it = news[i];
		const struct page pg = { .kind = PG_NEWS, .obj = it,
		    .file = arena_printf(a, "news/%s/index.html", it->slug) };
		const char *url = view_canonical(ctx->view, a, &pg);
		const struct value *tags = record_get(it->rec, "tags");
		struct value *html = view_news_body(ctx->view, a, it);

		if (html == NULL) {
			buf_release(&b);
			return -1;
		}
		buf_puts(&b, "<entry>\n");
		text(&b, "title", it->title);
		buf_puts(&b, "<link rel=\"alternate\" type=\"text/html\" href=\"");
		buf_put_html(&b, url, strlen(url));
		buf_puts(&b, "\"/>\n");
		text(&b, "id", url);
		when(&b, "published", it->date);
		when(&b, "updated", it->date);
		if (record_str(it->rec, "author") != NULL) {
			buf_puts(&b, "<author>");
			text(&b, "name", record_str(it->rec, "author"));
			buf_puts(&b, "</author>\n");
		}
		for (j = 0; tags != NULL && j < tags->u.arr.len; j++) {
			buf_puts(&b, "<category term=\"");
			buf_put_html(&b, tags->u.arr.v[j]->u.str.s,
			    tags->u.arr.v[j]->u.str.len);
			buf_puts(&b, "\"/>\n");
		}
		text(&b, "summary", record_str(it->rec, "summary"));
		buf_puts(&b, "<content type=\"html\">");
		buf_put_html(&b, html->u.str.s, html->u.str.len);
		buf_puts(&b, "</content>\n</entry>\n");
	}
	buf_puts(&b, "</feed>\n");
	rc = writer_put(ctx->w, path, b.data, b.len);
	buf_release(&b);
	return rc;
}

int
out_feed_run(struct out_ctx *ctx)
{
	const struct site *s = ctx->site;
	struct arena a;
	size_t i;
	int rc;

	arena_init(&a);
	rc = feed(ctx, &a, "feed.xml", s->cfg.title, arena_printf(&a,
	    "%sfeed.xml", s->cfg.base_url), s->news, s->nnews);
	for (i = 0; i < s->nprovinces; i++) {
		const struct area *p = &s->provinces[i];

		rc |= feed(ctx, &a, arena_printf(&a, "provinces/%s/feed.xml",
		    p->div->code), arena_printf(&a, "%s：%s", s->cfg.title,
		    p->div->name), arena_printf(&a, "%sprovinces/%s/feed.xml",
		    s->cfg.base_url, p->div->code), p->news, p->nnews);
	}
	arena_release(&a);
	return rc < 0 ? -1 : 0;
}
