#include <stdlib.h>
#include <string.h>

#include <cmark.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "markdown.h"
#include "util.h"

/* Replace a raw HTML node by a text node holding its source, so the
 * renderer escapes it: the reader sees the markup, the browser never runs
 * it.  A block becomes a paragraph of that text. */
static void
neutralise(cmark_node *node)
{
	const char *lit = cmark_node_get_literal(node);
	size_t n = lit != NULL ? strlen(lit) : 0;
	char *copy;
	cmark_node *text = cmark_node_new(CMARK_NODE_TEXT), *repl = text;

	while (n > 0 && (lit[n - 1] == '\n' || lit[n - 1] == '\r'))
		n--;
	copy = xstrndup(lit != NULL ? lit : "", n);
	cmark_node_set_literal(text, copy);
	free(copy);
	if (cmark_node_get_type(node) == CMARK_NODE_HTML_BLOCK) {
		repl = cmark_node_new(CMARK_NODE_PARAGRAPH);
		cmark_node_append_child(repl, text);
	}
	cmark_node_replace(node, repl);
	cmark_node_free(node);
}

/* "/provinces/52/" under base path "/shegong/" -> "/shegong/provinces/52/". */
static void
rebase(cmark_node *n, const char *base)
{
	const char *url = cmark_node_get_url(n);
	size_t bl;
	char *full;

	if (url == NULL || url[0] != '/' || url[1] == '/')
		return;
	bl = strlen(base);
	full = xmalloc(bl + strlen(url));
	memcpy(full, base, bl);
	strcpy(full + bl, url + 1);
	cmark_node_set_url(n, full);
	free(full);
}

/* Where a node starts in the file, its column in characters as every
 * message counts them (cmark counts bytes); inlines that cmark gives no
 * position take their block's line. */
static void
position(cmark_node *n, const struct markdown_opts *o, const char *text,
    size_t len, int *line, int *col)
{
	cmark_node *b = n;
	const char *p = text, *end = text + len, *nl;
	int l, c;

	while (b != NULL && cmark_node_get_start_line(b) <= 0)
		b = cmark_node_parent(b);
	l = b != NULL ? cmark_node_get_start_line(b) : 1;
	c = b == n ? cmark_node_get_start_column(n) : 0;
	*line = o->line + l - 1;
	*col = 0;
	while (--l > 0 && p < end && (nl = memchr(p, '\n', (size_t)(end - p))) !=
	    NULL)
		p = nl + 1;
	if (c > 0 && (size_t)(c - 1) <= (size_t)(end - p))
		*col = (int)utf8_count(p, (size_t)(c - 1)) + 1;
}

static int
transform(cmark_node *doc, const struct markdown_opts *o, const char *text,
    size_t len)
{
	bool unsafe = o->unsafe_html;
	const char *base = o->base_path;
	int rc = 0;
	cmark_iter *it;
	cmark_event_type ev;
	cmark_node **html = NULL;
	size_t nhtml = 0, cap = 0, i;
	int minlevel = 7;

	/* Collect first: the tree cannot change under the iterator. */
	it = cmark_iter_new(doc);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(n);

		if (ev != CMARK_EVENT_ENTER)
			continue;
		if ((t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE) &&
		    o->link != NULL && cmark_node_get_url(n) != NULL) {
			int line, col;

			position(n, o, text, len, &line, &col);
			if (o->link(o->ud, cmark_node_get_url(n),
			    t == CMARK_NODE_IMAGE, line, col) < 0)
				rc = -1;
		}
		if ((t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE) &&
		    base != NULL && strcmp(base, "/") != 0)
			rebase(n, base);
		if (t == CMARK_NODE_HEADING &&
		    cmark_node_get_heading_level(n) < minlevel)
			minlevel = cmark_node_get_heading_level(n);
		if (!unsafe && (t == CMARK_NODE_HTML_BLOCK ||
		    t == CMARK_NODE_HTML_INLINE)) {
			xgrow(&html, &cap, nhtml + 1, sizeof(*html));
			html[nhtml++] = n;
		}
	}
	cmark_iter_free(it);
	for (i = 0; i < nhtml; i++)
		neutralise(html[i]);
	free(html);
	if (minlevel != 1)
		return rc;
	it = cmark_iter_new(doc);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		int l;

		if (ev == CMARK_EVENT_ENTER &&
		    cmark_node_get_type(n) == CMARK_NODE_HEADING &&
		    (l = cmark_node_get_heading_level(n)) < 6)
			cmark_node_set_heading_level(n, l + 1);
	}
	cmark_iter_free(it);
	return rc;
}

/*
 * Put shortcodes' HTML back where their markers are, in text only: a text
 * node holding a marker is split around a custom node carrying the HTML;
 * a paragraph that is nothing but a marker becomes a custom block.
 */
static void
unmark(cmark_node *doc, const struct shortcode_html *h, size_t nh)
{
	cmark_iter *it;
	cmark_event_type ev;
	cmark_node **texts = NULL;
	size_t n = 0, cap = 0, i, k;

	it = cmark_iter_new(doc);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *t = cmark_iter_get_node(it);

		if (ev == CMARK_EVENT_ENTER &&
		    cmark_node_get_type(t) == CMARK_NODE_TEXT &&
		    strstr(cmark_node_get_literal(t), "hearthsc") != NULL) {
			xgrow(&texts, &cap, n + 1, sizeof(*texts));
			texts[n++] = t;
		}
	}
	cmark_iter_free(it);
	for (i = 0; i < n; i++) {
		cmark_node *t = texts[i], *parent = cmark_node_parent(t);
		char *lit = xstrdup(cmark_node_get_literal(t)), *p = lit;

		for (;;) {
			const struct shortcode_html *first = NULL;
			char *at = NULL;

			for (k = 0; k < nh; k++) {
				char *m = strstr(p, h[k].marker);

				if (m != NULL && (at == NULL || m < at)) {
					at = m;
					first = &h[k];
				}
			}
			if (first == NULL)
				break;
			if (at == lit && at[strlen(first->marker)] == '\0' &&
			    cmark_node_get_type(parent) == CMARK_NODE_PARAGRAPH &&
			    cmark_node_first_child(parent) == t &&
			    cmark_node_last_child(parent) == t) {
				cmark_node *blk = cmark_node_new(
				    CMARK_NODE_CUSTOM_BLOCK);

				cmark_node_set_on_enter(blk, first->html);
				cmark_node_replace(parent, blk);
				cmark_node_free(parent);
				t = NULL;
				break;
			} else {
				cmark_node *before = cmark_node_new(
				    CMARK_NODE_TEXT);
				cmark_node *raw = cmark_node_new(
				    CMARK_NODE_CUSTOM_INLINE);

				*at = '\0';
				cmark_node_set_literal(before, p);
				cmark_node_set_on_enter(raw, first->html);
				cmark_node_insert_before(t, before);
				cmark_node_insert_before(t, raw);
				p = at + strlen(first->marker);
			}
		}
		if (t != NULL)
			cmark_node_set_literal(t, p);
		free(lit);
	}
	free(texts);
}

/*
 * The first line of a paragraph whose image openers ("![") times its
 * links ("](") pass MARKDOWN_MAX_LINKWORK, or 0.  cmark before 0.30.3
 * takes time in that product and worse (CVE-2023-22486: "![[]()" 80,000
 * times takes 40 s), so such a body is refused before the parser sees it.
 */
static int
link_flood(const char *text, size_t len)
{
	size_t i, img = 0, links = 0;
	int line = 1, start = 1;
	bool blank = true;
	double most = ((double)len + 1) / 4;

	/* Two openers never start a byte apart, so a text of len bytes has
	 * at most (len + 1) / 2 of them, and the product is largest when
	 * they are half "![" and half "](": a body shorter than some 40 KB
	 * cannot pass, and is not read byte by byte (every news item's body
	 * is checked on each build, for its page and for the search). */
	if (most * most <= MARKDOWN_MAX_LINKWORK)
		return 0;
	for (i = 0; i < len; i++) {
		if (text[i] == '\n') {
			if (blank)
				img = links = 0, start = line + 1;
			line++;
			blank = true;
			continue;
		}
		if (text[i] != ' ' && text[i] != '\t' && text[i] != '\r')
			blank = false;
		if (i + 1 < len && text[i] == '!' && text[i + 1] == '[')
			img++;
		else if (i + 1 < len && text[i] == ']' && text[i + 1] == '(')
			links++;
		else
			continue;
		if ((double)img * (double)links > MARKDOWN_MAX_LINKWORK)
			return start;
	}
	return 0;
}

int
markdown_render(struct buf *out, const char *text, size_t len,
    const struct markdown_opts *opts)
{
	cmark_node *doc;
	char *html;
	int flags = CMARK_OPT_DEFAULT | CMARK_OPT_SMART, rc = 0, line;
	struct buf src;
	struct arena a;
	struct shortcode_html *h = NULL;
	size_t nh = 0;

	if ((line = link_flood(text, len)) > 0) {
		diag_error(opts->path, opts->line + line - 1, 1, "paragraph with "
		    "too many images and links: its \"![\" times its \"](\" "
		    "passes %.0f; split it", (double)MARKDOWN_MAX_LINKWORK);
		return -1;
	}
	buf_init(&src);
	arena_init(&a);
	if (opts->shortcode != NULL && memmem(text, len, "{{<", 3) != NULL) {
		rc = shortcode_expand(&src, &a, opts->path, opts->line, text,
		    len, opts->shortcode, opts->ud, &h, &nh);
		text = src.data ? src.data : "";
		len = src.len;
	}
	doc = cmark_parse_document(text, len, flags);
	if (doc == NULL)
		xdie("cmark_parse_document failed");
	if (transform(doc, opts, text, len) < 0)
		rc = -1;
	if (nh > 0)
		unmark(doc, h, nh);
	if (opts->unsafe_html)
		flags |= CMARK_OPT_UNSAFE;
	html = cmark_render_html(doc, flags);
	buf_puts(out, html);
	free(html);
	cmark_node_free(doc);
	buf_release(&src);
	arena_release(&a);
	return rc;
}

void
markdown_text(struct buf *out, const char *text, size_t len)
{
	cmark_node *doc;
	cmark_iter *it;
	cmark_event_type ev;

	if (link_flood(text, len) > 0)
		return;		/* markdown_render says why */
	doc = cmark_parse_document(text, len, CMARK_OPT_DEFAULT);
	if (doc == NULL)
		xdie("cmark_parse_document failed");
	it = cmark_iter_new(doc);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(n);
		const char *lit;

		if (ev == CMARK_EVENT_ENTER && (t == CMARK_NODE_TEXT ||
		    t == CMARK_NODE_CODE) &&
		    (lit = cmark_node_get_literal(n)) != NULL)
			buf_puts(out, lit);
		else if (ev == CMARK_EVENT_ENTER && (t == CMARK_NODE_SOFTBREAK ||
		    t == CMARK_NODE_LINEBREAK))
			buf_putc(out, ' ');
		else if (ev == CMARK_EVENT_EXIT &&
		    (t == CMARK_NODE_PARAGRAPH || t == CMARK_NODE_HEADING ||
		    t == CMARK_NODE_ITEM))
			buf_putc(out, '\n');
	}
	cmark_iter_free(it);
	cmark_node_free(doc);
}
