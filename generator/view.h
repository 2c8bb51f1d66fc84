/*
 * view: what each page shows, as a template context built from the site
 * model, and where each page lives (the one place URLs are made, so a link
 * and the page it points to always agree).
 *
 * view_new precomputes what many pages share (the site block, one card per
 * news item) in its own arena; view_page then builds a page's context in a
 * caller's scratch arena, and may run on several threads at once.
 */
#ifndef HEARTH_VIEW_H
#define HEARTH_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct datapkg;
struct news;
struct mapset;
struct releases;
struct plugin_host;
struct tmpl_set;
struct site;
struct value;
struct view;

enum page_kind {
	PG_HOME,
	PG_NEWS_LIST,
	PG_NEWS,
	PG_TAGS,
	PG_TAG,
	PG_PROVINCES,
	PG_PROVINCE,
	PG_PROVINCE_NEWS,	/* a province's news, when its page
				   shows only the newest */
	PG_COUNTY,
	PG_STATIONS,
	PG_STATION,
	PG_CAMPAIGNS,
	PG_CAMPAIGN,
	PG_INITIATIVE,
	PG_BRAND,
	PG_DATA,
	PG_DATASET,
	PG_CHANGES,
	PG_VERSION,	/* a data version's landing page, /data/v/<v>/ */
	PG_GUIDE,	/* how to use the data, /data/guide/ */
	PG_SEARCH,
	PG_NOT_FOUND
};

struct page {
	enum page_kind	 kind;
	const char	*file;		/* output path, e.g. "news/x/index.html" */
	const void	*obj;		/* news, area, record, tag, brand,
					   table or version name */
	int		 pageno;	/* list pages: 1-based */
	int		 npages;
	const char	*tmpl;		/* a page's own template, or NULL */
};

/* Precompute shared parts, on jobs threads.  The view borrows s, data and
 * maps (either may be NULL: no dataset pages, no maps) until view_free. */
struct view *view_new(const struct site *s, const struct datapkg *data,
	    const struct mapset *maps, const struct releases *releases,
	    struct plugin_host *plugins, int jobs);
void	view_free(struct view *v);

/* Every page of the site, in a stable order.  The array belongs to v. */
const struct page *view_plan(struct view *v, size_t *n);

/* The template that renders a page kind ("news", "province", ...). */
const char *view_template(enum page_kind kind);

/* The parts of the inputs (deps.h) page p is made of: a page that reads
 * no news item is the same page after a news edit, and one that lists
 * news items (their front matter) the same after an edit of a body. */
unsigned view_reads(struct view *v, const struct page *p);

/* The page's own input besides those parts as a key for writer_put_key,
 * or 0: a news item's page, its body; a station's, a county's and the
 * station lists' pages, what they show of the stations (view.c). */
uint64_t view_page_key(struct view *v, const struct page *p);
/* The parts that key is made of: when none changed, neither did it. */
unsigned view_key_reads(struct view *v, const struct page *p);

/* The context of page p, allocated in scratch; NULL after reporting a
 * plugin's or shortcode's failure.  *untrusted is set to the path of the
 * county template or plugin that shapes the page (its output must then be
 * checked for script), or NULL. */
struct value *view_page(struct view *v, struct arena *scratch,
	    const struct page *p, const char **untrusted);

/* The page's absolute canonical URL (allocated in a). */
const char *view_canonical(struct view *v, struct arena *a,
	    const struct page *p);

/* The date (YYYY-MM-DD) the page's sources last changed, or NULL. */
const char *view_lastmod(struct view *v, struct arena *a,
	    const struct page *p);

/* A news item's body as HTML, shortcodes expanded (feeds); NULL after
 * reporting. */
struct value *view_news_body(struct view *v, struct arena *a,
	    const struct news *n);

/* What the search index keeps of a page. */
struct search_doc {
	const char	*title;
	const char	*kind;		/* 新闻, 社工站, 县（市、区）... */
	const char	*url;		/* site path with the base */
	const char	*snippet;	/* a line to show under the title */
	const char	*text[3];	/* title, summary and tags, body */
};

/* Fill d for page p; false for pages search leaves out (lists, 404). */
bool	view_search_doc(struct view *v, struct arena *a, const struct page *p,
	    struct search_doc *d);

/* The template of one page: view_template(kind), or for a brand page the
 * county's own template when it ships one ("brand-<code>"). */
const char *view_page_template(const struct page *p);

#endif
