#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "hold.h"
#include "map.h"
#include "out.h"
#include "plugin.h"
#include "repo.h"
#include "site.h"
#include "source.h"
#include "template.h"
#include "util.h"
#include "view.h"

#define HOLD_PAGES	64	/* pages a request may name */
#define HOLD_REQUEST	(64u << 10)	/* its longest */

/* Was a plugin's records hook given r?  (site_given_fn) */
static bool
given(const void *plugins, const struct record *r)
{
	return plugin_given(plugins, r);
}

/* A news item's own file (not an item's folder, whose other files go
 * with it). */
static bool
newsfile(const char *path)
{
	return str_has_prefix(path, "content/news/") &&
	    str_has_suffix(path, ".md") && !str_has_suffix(path, "/index.md");
}

/* Where out_static publishes a file of the site's theme's static folder
 * (themes/<theme>/static/x: assets/x), into out; false for any other
 * file.  No page reads such a file's bytes: pages only link to it. */
static bool
asset(const struct site *site, const char *path, char *out, size_t size)
{
	char dir[300];

	snprintf(dir, sizeof(dir), "themes/%s/static/", site->cfg.theme);
	return str_has_prefix(path, dir) && snprintf(out, size, "assets/%s",
	    path + strlen(dir)) < (int)size;
}

/* A template of the theme, or a county's own brand template: what
 * out_page_theme reads (any theme's: the set is made again). */
static bool
template(const char *path)
{
	return str_has_suffix(path, ".mustache") && (str_has_prefix(path,
	    "themes/") || (str_has_prefix(path, "content/counties/") &&
	    str_has_suffix(path, "/brand.mustache")));
}

/* The theme made again from the templates as they are now, in ctx and
 * for the plugins' hearth.render: 0, or -1 when the build would refuse
 * them (reported where no one reads it: the build reports it). */
static int
retheme(struct out_ctx *ctx, struct plugin_host *plugins, struct site *site,
    struct source *src)
{
	struct tmpl_set *t = out_page_theme(site, src);

	if (t == NULL)
		return -1;
	plugin_set_theme(plugins, t);
	tmpl_set_free(ctx->tmpl);
	ctx->tmpl = t;
	return 0;
}

/*
 * Take into the model what changed since the site was stamped as was: 0
 * when that is news items' bodies or templates alone (or nothing), 1
 * when it is their front matter, the records of a file of them or a news
 * item added or removed too (the view must then be made again), -1 when
 * anything else changed.
 * What is taken is what the file holds, read again from the worktree.
 * *taken: the site's stamps as taken, when anything changed and all of
 * it was taken (the next request's was; the caller frees it), else NULL.
 */
static int
current(struct out_ctx *ctx, struct source *src, struct site *site,
    struct source_stamps *was, struct plugin_host *plugins,
    struct source_stamps **taken, struct buf *assets)
{
	char to[1024];
	struct source_stamps *now;
	struct source_changes c;
	struct commit head;
	struct arena a;
	size_t i;
	bool ok, remade = false, themed = false;

	*taken = NULL;
	/* A commit dates the files it changed anew (history.h). */
	if (src->has_commit) {
		arena_init(&a);
		ok = repo_head(src->repo, &head, &a) == 0 &&
		    strcmp(head.id, src->commit.id) == 0;
		arena_release(&a);
		if (!ok)
			return -1;
	}
	now = source_stamps(src->root, ctx->jobs);
	if (source_stamps_changed(was, now, &c) < 0) {
		source_stamps_free(now);
		return -1;
	}
	for (ok = true, i = 0; i < c.nchanged && ok; i++) {
		struct sfile *f = (struct sfile *)source_get(src,
		    c.changed[i]);
		struct sfile old;
		bool news, brand;

		/* A file site_rerecords does not take is refused there:
		 * site.c knows which files hold records.  Refused, perhaps
		 * once taken in part, the model is let go at once. */
		news = f != NULL && str_has_prefix(f->path, "content/news/") &&
		    str_has_suffix(f->path, ".md");
		brand = f != NULL && str_has_prefix(f->path,
		    "content/counties/") && str_has_suffix(f->path,
		    "/index.md");
		if (f == NULL || (old = *f, source_reread(src,
		    c.changed[i]) < 0))
			ok = false;
		else if (news && site_rebody(site, &old) == 0)
			continue;
		else if (asset(site, f->path, to, sizeof(to))) {
			/* Sent as the build publishes it (out_static). */
			buf_printf(assets, "%s\n%zu\n", to, f->len);
			buf_put(assets, f->data, f->len);
		} else if (template(f->path))
			themed = true;
		else if ((news ? site_refront(site, &old, given, plugins) :
		    brand ? site_rebrand(site, &old) :
		    site_rerecords(site, &old, given, plugins)) < 0)
			ok = false;
		else
			remade = true;
	}
	/* News items removed or added (a file moved is both), after the
	 * edits: the table the edits found their files in moves.  No
	 * other file is taken so. */
	for (i = 0; i < c.nremoved && ok; i++)
		if (!newsfile(c.removed[i]) ||
		    source_remove(src, c.removed[i]) < 0 ||
		    site_removenews(site, c.removed[i], given, plugins) < 0)
			ok = false;
		else
			remade = true;
	for (i = 0; i < c.nadded && ok; i++)
		if (!newsfile(c.added[i]) || source_add(src, c.added[i]) < 0 ||
		    site_addnews(site, c.added[i], given, plugins) < 0)
			ok = false;
		else
			remade = true;
	if (ok && themed && retheme(ctx, plugins, site, src) < 0)
		ok = false;
	if (ok && c.nchanged + c.nadded + c.nremoved > 0)
		*taken = now;	/* a file taken is read again only when
				   it changes again */
	else
		source_stamps_free(now);
	source_changes_free(&c);
	return !ok ? -1 : remade ? 1 : 0;
}

/* Every map laid out, none drawn: pages read only the maps' sizes and
 * projections, which follow from the boundaries and the options, never
 * from the stations (map.h). */
static int
laidout(void *ud, const char *code, uint64_t key, size_t *len)
{
	(void)ud;
	(void)code;
	(void)key;
	*len = 0;
	return 0;
}

int
hold_run(struct out_ctx *ctx, struct plugin_host *plugins, struct source *src,
    struct site *site, struct source_stamps *stamped, int in, int out)
{
	struct map_keeper layout = { laidout, NULL };
	struct source_stamps *last = NULL, *now;
	struct mapset maps;
	struct view *v = NULL;
	struct buf req, assets;
	char chunk[4096];
	ssize_t got = 0;
	int rc = -1;

	buf_init(&req);
	buf_init(&assets);
	memset(&maps, 0, sizeof(maps));
	arena_init(&maps.arena);
	if (mapset_build(&maps, ctx->site, ctx->jobs, &layout) < 0)
		goto out;
	ctx->maps = &maps;
	/* No page it makes reads a news item's body but when rendered
	 * (view_reads), so one view serves every request until the model
	 * changes more than a body. */
	v = view_new(ctx->site, ctx->data, ctx->maps, ctx->releases, plugins,
	    ctx->jobs);
	if (fd_write(out, "\n", 1) < 0)
		goto out;
	for (;;) {
		const char *pages[HOLD_PAGES];
		char *s, *nl, *end;
		size_t used;
		int npages = 0;

		/* A whole request is its pages' lines, then an empty one. */
		if (req.len > 0 && req.data[0] == '\n') {
			end = req.data;
			used = 1;
		} else if (req.len > 0 && (end = memmem(req.data, req.len,
		    "\n\n", 2)) != NULL)
			used = (size_t)(end + 2 - req.data);
		else {
			if (req.len > HOLD_REQUEST)
				goto out;
			if ((got = read(in, chunk, sizeof(chunk))) < 0 &&
			    errno == EINTR)
				continue;
			if (got <= 0)
				break;
			buf_put(&req, chunk, (size_t)got);
			continue;
		}
		for (s = req.data; s < end && npages < HOLD_PAGES; s = nl + 1) {
			nl = memchr(s, '\n', (size_t)(end + 1 - s));
			*nl = '\0';
			pages[npages++] = s;
		}
		/* Every request, with pages or none, follows the site:
		 * an edit the model cannot take ends it then, not at a
		 * later edit it could have taken. */
		buf_reset(&assets);
		switch (current(ctx, src, site, last != NULL ? last : stamped,
		    plugins, &now, &assets)) {
		case -1:
			/* What it holds can no longer follow the site:
			 * serve reads it anew once a build published. */
			rc = fd_write(out, "\n", 1);
			goto out;
		case 1:
			/* Lists, cards, tags, counts and the plan follow
			 * the front matter or the records. */
			view_free(v);
			v = view_new(ctx->site, ctx->data, ctx->maps,
			    ctx->releases, plugins, ctx->jobs);
			break;
		}
		if (now != NULL) {
			source_stamps_free(last);
			last = now;
		}
		if (npages > 0)
			out_page_send(ctx, v, pages, npages, out, true);
		if ((assets.len > 0 && fd_write(out, assets.data,
		    assets.len) < 0) || fd_write(out, "\n", 1) < 0)
			goto out;
		memmove(req.data, req.data + used, req.len - used);
		req.len -= used;
	}
	rc = got == 0 ? 0 : -1;
out:
	buf_release(&req);
	buf_release(&assets);
	source_stamps_free(last);
	view_free(v);
	ctx->maps = NULL;
	mapset_release(&maps);
	return rc;
}
