/*
 * out_page: every HTML page, rendered on ctx->jobs threads.  Each worker
 * has its own scratch arena and buffer; pages are independent, so the
 * output does not depend on which thread renders which page.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "deps.h"
#include "diag.h"
#include "htmlcheck.h"
#include "jobs.h"
#include "out.h"
#include "site.h"
#include "source.h"
#include "template.h"
#include "util.h"
#include "view.h"
#include "write.h"

struct worker {
	struct arena	 scratch;
	struct buf	 html;
};

struct run {
	struct out_ctx	*ctx;
	struct tmpl_set	*tmpl;
	const struct page *pages;
	struct worker	*workers;
	atomic_int	 failed;
	atomic_size_t	 done;
	size_t		 n;
};

struct tmpl_set *
out_page_theme(const struct site *s, const struct source *src)
{
	struct tmpl_set *set = tmpl_set_new(NULL, NULL);
	const struct sfile *f;
	char dir[256];
	size_t n, i;
	int rc = 0;

	tmpl_set_strict(set, 1);
	tmpl_set_safe(set, 1);
	/* A name no page sets is an error in the default theme (so it cannot
	 * regress) and a warning in a site's own theme. */
	tmpl_set_missing(set, strcmp(s->cfg.theme, "default") == 0 ?
	    TMPL_MISSING_ERROR : TMPL_MISSING_WARN);
	snprintf(dir, sizeof(dir), "themes/%s/templates/", s->cfg.theme);
	n = source_under(src, dir, &f);
	if (n == 0) {
		diag_error("hearth.yaml", 0, 0, "theme \"%s\" has no templates "
		    "(expected %s*.mustache)", s->cfg.theme, dir);
		tmpl_set_free(set);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		const char *base = f[i].path + strlen(dir);
		char *name;

		if (!str_has_suffix(base, ".mustache") || strchr(base, '/'))
			continue;
		name = xstrndup(base, strlen(base) - strlen(".mustache"));
		if (tmpl_set_add(set, name, f[i].path, f[i].data, f[i].len) < 0)
			rc = -1;
		free(name);
	}
	/* A county's own brand template (content/counties/<code>/
	 * brand.mustache) joins the theme as "brand-<code>": it can use the
	 * theme's layout and partials, and like them it is a safe template;
	 * what it produces is checked page by page (scriptfree). */
	tmpl_set_missing(set, TMPL_MISSING_ERROR);
	n = source_under(src, "content/counties/", &f);
	for (i = 0; i < n; i++) {
		const char *rel = f[i].path + strlen("content/counties/");
		const char *slash = strchr(rel, '/');
		char name[64];

		if (slash == NULL || strcmp(slash + 1, "brand.mustache") != 0 ||
		    slash - rel > 32)
			continue;
		snprintf(name, sizeof(name), "brand-%.*s", (int)(slash - rel),
		    rel);
		if (tmpl_set_add(set, name, f[i].path, f[i].data, f[i].len) < 0)
			rc = -1;
		/* Counted, not fatal: the pages still render, so their
		 * errors show in the same run. */
		else
			(void)tmpl_check_fills(set, name);
	}
	for (i = 0; i <= PG_NOT_FOUND; i++)
		if (!tmpl_set_has(set, view_template((enum page_kind)i))) {
			diag_error(dir, 0, 0, "theme has no template \"%s."
			    "mustache\"", view_template((enum page_kind)i));
			rc = -1;
		}
	if (rc < 0) {
		tmpl_set_free(set);
		return NULL;
	}
	return set;
}

/*
 * A page a county template or a plugin shaped is judged by what it is:
 * the rendered HTML, read as a browser reads it, may hold no script but
 * the theme's own (see htmlcheck.h).  Whatever path a value took into
 * the page (a key printed into an href, a theme partial rendered with a
 * plugin's context, a delimiter change), this is where it lands.
 */
static int
scriptfree(const struct out_ctx *ctx, const struct page *p,
    const char *untrusted, const struct buf *html)
{
	struct htmlcheck_problem pr;

	if (htmlcheck(html->data, html->len, ctx->site->cfg.base_path,
	    &pr) == 0)
		return 0;
	diag_error(untrusted, 0, 0, "the page %s (line %d, column %d) has "
	    "%s: pages that county templates and plugins shape run no "
	    "script", p->file, pr.line, pr.col, pr.what);
	return -1;
}

static void
renderone(size_t i, int wid, void *ud)
{
	struct run *r = ud;
	struct worker *w = &r->workers[wid];
	const struct page *p = &r->pages[i];
	struct value *ctx;
	const char *untrusted = NULL;
	uint64_t key;

	if (atomic_load(&r->failed))
		return;
	/* Made of what the published page was made of: that page.  Its
	 * own input is digested only when what it comes from changed. */
	key = (view_key_reads(r->ctx->view, p) & r->ctx->changed) == 0 ?
	    WRITER_SAME_KEY : view_page_key(r->ctx->view, p);
	if ((view_reads(r->ctx->view, p) & r->ctx->changed) == 0)
		switch (writer_keep(r->ctx->w, p->file, key)) {
		case 0:
			goto done;
		case -2:
			atomic_store(&r->failed, 1);
			return;
		}
	if (key == WRITER_SAME_KEY)
		key = view_page_key(r->ctx->view, p);
	arena_reset(&w->scratch);
	buf_reset(&w->html);
	ctx = view_page(r->ctx->view, &w->scratch, p, &untrusted);
	if (ctx == NULL || tmpl_render(r->tmpl, view_page_template(p), ctx,
	    &w->html) < 0 || (untrusted != NULL &&
	    scriptfree(r->ctx, p, untrusted, &w->html) < 0) ||
	    writer_put_key(r->ctx->w, p->file, w->html.data, w->html.len,
	    key) < 0)
		atomic_store(&r->failed, 1);
done:
	if ((atomic_fetch_add(&r->done, 1) + 1) % 256 == 0)
		diag_progress("pages", atomic_load(&r->done), r->n);
}

int
out_page_run(struct out_ctx *ctx)
{
	struct run r;
	size_t n;
	int i;

	memset(&r, 0, sizeof(r));
	r.ctx = ctx;
	r.tmpl = ctx->tmpl;
	r.pages = view_plan(ctx->view, &n);
	r.workers = xcalloc((size_t)ctx->jobs, sizeof(*r.workers));
	for (i = 0; i < ctx->jobs; i++) {
		arena_init(&r.workers[i].scratch);
		buf_init(&r.workers[i].html);
	}
	atomic_init(&r.failed, 0);
	atomic_init(&r.done, 0);
	r.n = n;
	jobs_run(n, ctx->jobs, renderone, &r);
	diag_progress("pages", n, n);
	for (i = 0; i < ctx->jobs; i++) {
		arena_release(&r.workers[i].scratch);
		buf_release(&r.workers[i].html);
	}
	free(r.workers);
	return atomic_load(&r.failed) ? -1 : 0;
}

/* The pages of /data/: they show the data files' sizes and checksums. */
static bool
datapage(const struct page *p)
{
	switch (p->kind) {
	case PG_DATA:
	case PG_DATASET:
	case PG_CHANGES:
	case PG_VERSION:
	case PG_GUIDE:
		return true;
	default:
		return false;
	}
}

int
out_page_send(struct out_ctx *ctx, struct view *v, const char *const *files,
    int nfiles, int fd, bool held)
{
	/* Before the maps, the pages the stations do not shape; after,
	 * those they do; held, both, and those that read the history too
	 * (a brand page's recent changes: the held model ends when a
	 * commit is made).  Never the data pages (the files' checksums). */
	const unsigned skip = held ? 0 : ctx->maps == NULL ? DEP_STATIONS |
	    DEP_HISTORY : DEP_HISTORY, need = ctx->maps == NULL || held ? 0 :
	    DEP_STATIONS;
	const struct page *pages;
	struct arena scratch;
	struct buf html, head;
	size_t n, i;
	int k, later = 0;

	pages = view_plan(v, &n);
	arena_init(&scratch);
	buf_init(&html);
	buf_init(&head);
	/* What fails is reported here, and said once (diag_once): not
	 * again when the build makes the page and fails on it.  Never
	 * muted: the database's and the workbooks' threads may be
	 * reporting too. */
	for (k = 0; k < nfiles; k++)
		for (i = 0; i < n; i++) {
			const struct page *p = &pages[i];
			const char *untrusted = NULL;
			unsigned reads;
			struct value *c;

			if (strcmp(p->file, files[k]) != 0)
				continue;
			reads = view_reads(v, p) | view_key_reads(v, p);
			if (datapage(p) || (reads & skip) != 0 ||
			    (reads & need) != need) {
				later += (reads & DEP_HISTORY) == 0;
				break;
			}
			arena_reset(&scratch);
			buf_reset(&html);
			c = view_page(v, &scratch, p, &untrusted);
			if (c == NULL || tmpl_render(ctx->tmpl,
			    view_page_template(p), c, &html) < 0 ||
			    (untrusted != NULL &&
			    scriptfree(ctx, p, untrusted, &html) < 0))
				break;
			buf_reset(&head);
			buf_printf(&head, "%s\n%zu\n", p->file, html.len);
			if (fd_write(fd, head.data, head.len) < 0 ||
			    fd_write(fd, html.data, html.len) < 0)
				k = nfiles;
			break;
		}
	buf_release(&head);
	buf_release(&html);
	arena_release(&scratch);
	return ctx->maps == NULL ? later : 0;
}

int
out_page_preview(struct out_ctx *ctx, struct plugin_host *plugins,
    const char *const *files, int nfiles, int fd)
{
	struct view *v;
	int later;

	if (nfiles == 0)
		return 0;
	/* The other versions are not made yet, nor the data files' bytes:
	 * the pages sent read none of them. */
	v = view_new(ctx->site, ctx->data, ctx->maps, ctx->releases, plugins,
	    ctx->jobs);
	later = out_page_send(ctx, v, files, nfiles, fd, false);
	view_free(v);
	return later;
}
