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

#include "arena.h"
#include "buf.h"
#include "diag.h"
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

/* Report "a county template may not contain WHAT" at p in f; -1. */
static int
markup_error(const struct sfile *f, const char *p, const char *fmt, ...)
{
	const char *q;
	int line = 1, col = 1;
	char what[200];
	va_list ap;

	for (q = f->data; q < p; q++)
		if (*q == '\n')
			line++, col = 1;
		else if (((unsigned char)*q & 0xc0) != 0x80)
			col++;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	diag_error(f->path, line, col, "a county template may not contain "
	    "%s: a county's pages run no script", what);
	return -1;
}

/*
 * A county's template is county content: its literal markup may lay out
 * the page but never run script.  Refuses elements that load or run code,
 * event-handler attributes and link attributes with another scheme than
 * http(s) or mailto, at their line and column.  Values the template
 * prints are escaped by the set, so only the literal text needs this.
 */
static int
county_markup(const struct sfile *f)
{
	static const char *const banned[] = { "script", "iframe", "frame",
	    "object", "embed", "applet", "base", "meta", "link", "style",
	    "form", "svg", "math", "template", NULL };
	const char *p = f->data, *end = f->data + f->len, *q;
	char name[16], quote;
	size_t n, k;
	int rc = 0;

	for (; p < end; p++) {
		if (p + 1 < end && p[0] == '{' && p[1] == '{') {
			q = memmem(p, (size_t)(end - p), "}}", 2);	/* a tag */
			p = q != NULL ? q + 1 : end;
			continue;
		}
		if (*p != '<' || p + 1 >= end || !isalpha((unsigned char)p[1]))
			continue;
		for (q = p + 1, n = 0; q < end && (isalnum((unsigned char)*q) ||
		    *q == '-' || *q == ':'); q++)
			if (n + 1 < sizeof(name))
				name[n++] = (char)tolower((unsigned char)*q);
		name[n] = '\0';
		for (k = 0; banned[k] != NULL; k++)
			if (strcmp(name, banned[k]) == 0)
				break;
		if (banned[k] != NULL) {
			rc = markup_error(f, p, "a <%s> element", name);
			continue;
		}
		/* Attributes up to the tag's end. */
		while (q < end && *q != '>') {
			const char *an = q, *av = NULL;

			if (isspace((unsigned char)*q) || *q == '/') {
				q++;
				continue;
			}
			while (q < end && !isspace((unsigned char)*q) &&
			    *q != '=' && *q != '>')
				q++;
			n = (size_t)(q - an);
			if (q < end && *q == '=') {
				q++;
				quote = q < end && (*q == '"' || *q == '\'') ?
				    *q++ : 0;
				av = q;
				while (q < end && (quote ? *q != quote :
				    !isspace((unsigned char)*q) && *q != '>'))
					q++;
				if (av != NULL && (strncasecmp(an, "href", n) == 0 ||
				    strncasecmp(an, "src", n) == 0 ||
				    strncasecmp(an, "action", n) == 0 ||
				    strncasecmp(an, "formaction", n) == 0 ||
				    strncasecmp(an, "xlink:href", n) == 0)) {
					char *v = xstrndup(av, (size_t)(q - av));

					if (!link_safe(v))
						rc = markup_error(f, av, "a link "
						    "to \"%s\"", v);
					free(v);
				}
				if (quote && q < end)
					q++;
			}
			if (n > 2 && strncasecmp(an, "on", 2) == 0)
				rc = markup_error(f, an, "an event handler "
				    "(%.*s)", (int)n, an);
		}
		p = q - 1;
	}
	return rc;
}

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
	 * theme's layout and partials, and like them it is a safe template. */
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
		if (county_markup(&f[i]) < 0)
			rc = -1;
		else if (tmpl_set_add(set, name, f[i].path, f[i].data, f[i].len) < 0)
			rc = -1;
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

static void
renderone(size_t i, int wid, void *ud)
{
	struct run *r = ud;
	struct worker *w = &r->workers[wid];
	const struct page *p = &r->pages[i];
	struct value *ctx;

	if (atomic_load(&r->failed))
		return;
	arena_reset(&w->scratch);
	buf_reset(&w->html);
	ctx = view_page(r->ctx->view, &w->scratch, p);
	if (ctx == NULL || tmpl_render(r->tmpl, view_page_template(p), ctx,
	    &w->html) < 0 ||
	    writer_put(r->ctx->w, p->file, w->html.data, w->html.len) < 0)
		atomic_store(&r->failed, 1);
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
