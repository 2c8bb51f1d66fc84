/*
 * view_int: what the parts of the view share (view.c the plan, areas and
 * pages; view_data.c the open-data pages; view_ld.c structured data and
 * the search documents).  Not for other modules: view.h is the view's
 * contract.
 */
#ifndef HEARTH_VIEW_INT_H
#define HEARTH_VIEW_INT_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "ui.h"
#include "view.h"

struct arena;
struct buf;
struct record;
struct table;
struct value;

/* Records of a type by the value of one field, for related lists (a
 * station's service figures, a campaign's actions) without a scan of the
 * whole type per page. */
struct keyrec {
	const char	*key;
	struct record	*r;
};

struct byfield {
	const char	*type, *field;
	struct keyrec	*v;		/* sorted by key, then id */
	size_t		 n;
};

static const char *const indexed[][2] __attribute__((unused)) = {
	{ "service_stats", "station" },
	{ "action", "campaign" },
	{ "campaign", "province" },
	{ "initiative", "province" },
};
#define NINDEXED (sizeof(indexed) / sizeof(indexed[0]))


struct view {
	const struct site *s;
	struct byfield	 idx[NINDEXED];
	const struct datapkg *data;
	const struct mapset *maps;
	const struct releases *releases;
	struct plugin_host *plugins;	/* NULL: none */
	struct arena	 a;		/* shared contexts and the plan */
	struct value	*site;		/* the "site" block of every page */
	struct value	**cards;	/* one per s->news[i] */
	const struct news **byslug;	/* s->news by slug, for links */
	const char	**files;	/* the plan's page files, sorted */
	struct page	*pages;
	size_t		 npages, cap;
	struct pagekey	*keys;		/* view_page_key's, by page */
};

/* A page's key, made once for the page threads and the search index's:
 * known is set (release) after key is. */
struct pagekey {
	_Atomic uint64_t key;
	atomic_bool	 known;
};


/* Formatting, once for every page (view.c). */
struct value *vw_str(struct arena *a, const char *s);	/* null for NULL */
char	*vw_grouped(struct arena *a, long long n, int lower_bound);
/* "2023-06-01" and "2022-05" in the theme's words (date.day, date.month). */
char	*vw_date(struct view *v, struct arena *a, const char *iso);

/* The theme's words (ui.h): a text, and a text with placeholders. */
#define UI(k)	(v->s->ui.text[UI_##k])
#define UIF(k, ...) ui_fmt(a, &v->s->ui, UI_##k, __VA_ARGS__, (char *)NULL)

/* Links: a path of the site made absolute-from-root, and {title, url}. */
char	*vw_href(struct view *v, struct arena *a, const char *path);
struct value *vw_link(struct view *v, struct arena *a, const char *title,
	    const char *path);

/* Markdown with shortcodes, as trusted HTML; NULL after reporting.  reads
 * (or NULL) gathers the records the shortcodes cited; bundle is the
 * folder whose files its relative links may name (a news item's), or
 * NULL. */
struct plugin_reads;
struct value *vw_markdown(struct view *v, struct arena *a, const char *text,
	    size_t len, const char *path, int line, const char *bundle,
	    const struct value *page, const char *county,
	    struct plugin_reads *reads);

/* The open-data pages (view_data.c). */
struct value *vw_scriptjson(struct arena *a, const struct buf *json);
void	vw_datasetpage(struct view *v, struct arena *a, struct value *ctx,
	    const struct table *t);
void	vw_datapage(struct view *v, struct arena *a, struct value *ctx);
void	vw_changespage(struct view *v, struct arena *a, struct value *ctx);
void	vw_versionpage(struct view *v, struct arena *a, struct value *ctx,
	    const char *version);
void	vw_guidepage(struct view *v, struct arena *a, struct value *ctx);

/* "The data behind this page" (view_data.c): rows of a dataset whose
 * field is value (all when field is NULL), from a slice's files when slice
 * names one ("counties/522702"); and the row of one record. */
struct value *vw_datarows(struct view *v, struct arena *a, struct value *list,
	    const char *dataset, const char *field, const char *value,
	    long long n, const char *slice);
void	vw_datarecord(struct view *v, struct arena *a, struct value *list,
	    const struct record *r);

/* schema.org JSON-LD of a page (view_ld.c). */
struct value *vw_jsonld(struct view *v, struct arena *a, const struct page *p,
	    const char *canonical);

#endif
