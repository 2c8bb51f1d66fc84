/*
 * markdown: CommonMark bodies to HTML through cmark.
 *
 * Raw HTML in Markdown is shown as text (escaped) unless the site allows
 * it (hearth.yaml unsafe_html), so an office editing a news item cannot
 * inject script into the site; cmark's own URL filter drops javascript: and
 * similar links either way.  Links written as site paths ("/news/x/")
 * get the site's base path.  A body that uses level-1 headings is shifted
 * down one level, as the page title is the only h1.
 */
#ifndef HEARTH_MARKDOWN_H
#define HEARTH_MARKDOWN_H

#include <stdbool.h>
#include <stddef.h>

#include "shortcode.h"

struct buf;

/* Image openers times links in one paragraph, at most (see markdown.c):
 * 10,000 images in a paragraph of 10,000 links. */
#define MARKDOWN_MAX_LINKWORK	100000000

struct markdown_opts {
	bool		 unsafe_html;
	/* Shortcodes (NULL: left as text), and where the text comes from,
	 * for their messages. */
	shortcode_fn	 shortcode;
	void		*ud;
	const char	*path;
	int		 line;
	const char	*base_path;	/* "/x/": prefixes links that start
					   with '/', so site paths work under
					   any base URL; NULL or "/": none */
	/* Asked about every link and image destination as written (before
	 * the base path), with its line and column in the file; returns
	 * -1 after reporting a broken one.  NULL: none is checked. */
	int		(*link)(void *ud, const char *url, bool image,
			    int line, int col);
};

/* Append the HTML of text (len bytes of Markdown) to out.  Returns 0, or
 * -1 after reporting a shortcode's failure, a paragraph past
 * MARKDOWN_MAX_LINKWORK, or a link opts->link refused. */
int	markdown_render(struct buf *out, const char *text, size_t len,
	    const struct markdown_opts *opts);

/* Append the plain text of text (for search and summaries). */
void	markdown_text(struct buf *out, const char *text, size_t len);

#endif
