/*
 * pipeline: the stages of a build in their one order (see pipeline.h).
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cache.h"
#include "catalog.h"
#include "dataset.h"
#include "deps.h"
#include "diag.h"
#include "federate.h"
#include "history.h"
#include "hold.h"
#include "load.h"
#include "map.h"
#include "out.h"
#include "pipeline.h"
#include "plugin.h"
#include "release.h"
#include "site.h"
#include "source.h"
#include "template.h"
#include "util.h"
#include "value.h"
#include "verify.h"
#include "view.h"
#include "write.h"

/* The drawings a build may hold while its search index is made beside
 * the datasets (see pipeline_run): a county's and its province's. */
#define EARLY_DRAWN	(4u << 20)

/* Outputs in the order they run once the view is made; each is
 * independent of the others.  /data/ runs before (see pipeline_run), the
 * search index beside them. */
static const struct output outputs[] = {
	{ "static", out_static_run },
	{ "maps", out_map_run },
	{ "feeds", out_feed_run },
	{ "sitemap", out_sitemap_run },
	{ "pages", out_page_run },
};

/* The kinds of cache entries a build makes: those it did not use are
 * removed once it is published. */
static const char *const made[] = { "tgz-", "tgzl-", "xlsx-", "geojson-",
    "versions-", "tablefiles-", "maps-", "dbtables-", "dbftsg-", "slices-",
    "searchix-" };
/* What earlier versions cached and this one never reads: the database
 * after its full-text table (45 MB nationally). */
static const char *const retired[] = { "dbfts-" };

/*
 * The search index is built on a thread of its own beside the outputs
 * above: it is one thread of CPU work while writing the pages is mostly
 * the kernel creating files, so the two overlap.  It only reads the view
 * and writes through the writer, as the page threads do.
 */
struct background {
	struct out_ctx	*ctx;
	int		 rc;
	double		 ms;
};

static void *
search_thread(void *arg)
{
	struct background *b = arg;
	double t = diag_now();

	b->rc = out_search_run(b->ctx);
	b->ms = (diag_now() - t) * 1e3;
	return NULL;
}

/* Every other version, tagged or dated, is rebuilt from history: what
 * was published before is never read. */
static int
versions(struct releases *rel, const struct source *src, struct datapkg *data,
    const struct dsink *sink)
{
	size_t i;

	if (releases_load(rel, src, data, sink) < 0)
		return -1;
	for (i = 0; i < rel->n; i++)
		datapkg_add_version(data, rel->v[i]->pkg.version);
	return 0;
}

/* The view, then the search index on its thread. */
static void
search(struct out_ctx *ctx, struct background *bg, pthread_t *t,
    const struct releases *rel, struct plugin_host *plugins)
{
	ctx->view = view_new(ctx->site, ctx->data, ctx->maps, rel, plugins,
	    ctx->jobs);
	bg->ctx = ctx;
	if (pthread_create(t, NULL, search_thread, bg) != 0)
		xdie("pthread_create failed");
}

/* --verify: no revision with a commit whose signer did not own the paths
 * it changed is published; the range is verify's default (what is not
 * yet on the upstream branch nor recorded as verified). */
static int
verified(const struct source *src)
{
	struct verify_range vr;
	struct arena a;
	size_t commits = 0, violations = 0;
	int rc;

	if (src->repo == NULL || !src->has_commit) {
		diag_error(".", 0, 0, "--verify needs the site to be in a git "
		    "repository with commits");
		return -1;
	}
	arena_init(&a);
	verify_default(src->repo, src->commit.id, &vr, &a);
	rc = verify_run(src->repo, &vr, &commits, &violations);
	arena_release(&a);
	if (rc < 0)
		return -1;
	if (violations > 0) {
		diag_error(NULL, 0, 0, ngettext("%zu ownership violation in "
		    "the commits of %.12s (listed above)", "%zu ownership "
		    "violations in the commits of %.12s (listed above)",
		    violations), violations, src->commit.id);
		return -1;
	}
	return 0;
}

int
pipeline_run(const struct pipeline_opts *o, struct pipeline_stats *st)
{
	struct site_opts opts = { .drafts = o->drafts, .jobs = o->jobs };
	/* Held, the county repositories are not fetched: a held model
	 * of a site that mounts them is no model of what the build
	 * publishes, and ends at once. */
	struct load_opts lo = { .rev = o->rev, .federate = !o->hold,
	    .history = true };
	struct source src;
	struct history hist;
	struct site site;
	struct datapkg data;
	struct mapset maps;
	struct releases rel;
	struct plugin_host *plugins = NULL;
	struct out_ctx ctx;
	struct background bg;
	struct dsink sink = { out_data_put, out_data_keep, out_data_scratch,
	    &ctx, NULL, NULL, NULL, DEP_ALL };
	struct deps deps;
	struct dbjob *dbjob;
	struct writer_ahead *ahead = NULL;
	struct source_stamps *stamps = NULL;
	int shaped, workbooks, later = 0;
	bool early, searching = false;
	struct buf extras;
	pthread_t bgt;
	double t = diag_now();
	size_t i;
	int rc = -1;

	/* The database and the workbooks are made in scratch files: a
	 * TMPDIR where none can be is one error, not one per file. */
	if (scratch_errno() != 0) {
		diag_error(scratch_dir(), 0, 0, "cannot make scratch files in "
		    "this folder (set TMPDIR to another): %s",
		    strerror(scratch_errno()));
		return -1;
	}
	memset(st, 0, sizeof(*st));
	memset(&ctx, 0, sizeof(ctx));
	memset(&data, 0, sizeof(data));
	memset(&maps, 0, sizeof(maps));
	memset(&rel, 0, sizeof(rel));
	ctx.jobs = o->jobs;
	ctx.site = &site;
	ctx.src = &src;
	ctx.data = &data;
	ctx.releases = &rel;
	cache_writes(!o->dry);
	diag_once(true);
	arena_init(&rel.arena);
	arena_init(&data.arena);
	arena_init(&maps.arena);
	/* What the output holds is read beside the site (held, nothing is
	 * written). */
	if (!o->dry && !o->hold)
		ahead = writer_ahead(o->out);
	/* Held, what changed since the site was read is what changed
	 * since these (hold.h). */
	if (o->hold)
		stamps = source_stamps(".", o->jobs);
	if (load_site(&src, &hist, &site, &opts, &lo) < 0)
		goto fail;
	if (o->hold && value_get(site.cfg.raw, "sources") != NULL) {
		rc = 0;
		goto fail;
	}
	if (o->verify && verified(&src) < 0)
		goto fail;
	/* The theme (one compiled set for every page and for hearth.render),
	 * then the plugins, whose records hooks run before anything is
	 * made from the records. */
	t = diag_now();
	if ((ctx.tmpl = out_page_theme(&site, &src)) == NULL)
		goto fail;
	if (plugin_host_new(&plugins, &site, &src) < 0)
		goto fail;
	plugin_set_theme(plugins, ctx.tmpl);
	if (plugin_records(plugins) < 0)
		goto fail;
	if (o->hold) {
		if (catalog_tables(&data, &site, NULL) == 0)
			rc = hold_run(&ctx, plugins, &src, &site, stamps,
			    STDIN_FILENO, o->preview_fd);
		goto fail;
	}
	buf_init(&extras);
	plugin_extras_json(plugins, &extras);
	deps_digest(&deps, &src, &site, o->drafts, extras.data, extras.len);
	buf_release(&extras);
	diag_lap("plugins", &t);
	/* The open data first, each file written as soon as it is made:
	 * together they would be the largest part of a build's memory, and
	 * once written only their sizes and checksums are read (by the
	 * pages). */
	if ((o->dry ? writer_open_dry(&ctx.w, o->out) :
	    writer_open_ahead(&ctx.w, o->out, ahead)) < 0)
		goto fail;
	writer_ahead_free(ahead);
	ahead = NULL;
	/* What the published site was made of says which of its pages
	 * this build can keep (out_page.c). */
	ctx.changed = deps_changed(&deps, writer_published_inputs(ctx.w));
	writer_inputs(ctx.w, deps.line);
	/* Made of the same inputs, and still all there: the published site
	 * is this build's, file for file (restored from a CI cache, say). */
	if (ctx.changed == 0 && writer_published_whole(ctx.w)) {
		struct writer *w = ctx.w;

		st->unchanged = true;
		st->files = writer_files(w);
		st->bytes = writer_bytes(w);
		ctx.w = NULL;
		diag_lap("checked", &t);
		rc = writer_leave(w);
		goto fail;
	}
	sink.rest = deps_places(&deps);
	ctx.places = deps_places(&deps);
	ctx.inputs = deps.line;
	sink.news = deps_news(&deps);
	sink.frame = deps_frame(&deps);
	sink.changed = ctx.changed;
	if (catalog_tables(&data, &site, NULL) < 0)
		goto fail;
	/* The pages open in hearth serve before the rest of the site: the
	 * editor sees the edit while the datasets are made.  They link
	 * the tables by name, and read nothing of their files. */
	if (o->npreview > 0 && !o->dry)
		later = out_page_preview(&ctx, plugins, o->preview,
		    o->npreview, o->preview_fd);
	if (catalog_start(&data, ctx.jobs, &sink, &dbjob) < 0)
		goto fail;
	/* The maps' shapes while the database and the workbooks are made:
	 * they read the model only, and the main thread would wait.  Unless
	 * they are kept. */
	shaped = out_map_keep(&ctx, &maps) == 0 ? 0 :
	    out_map_draw(&ctx, &maps);
	ctx.maps = &maps;
	/* Then those the stations shape: a station's, a county's. */
	if (later > 0 && shaped == 0)
		out_page_preview(&ctx, plugins, o->preview, o->npreview,
		    o->preview_fd);
	/* The other versions, the view and the search index go beside the
	 * database and the workbooks when little else is held: the maps'
	 * drawings are held until written (46 MB nationally), and a new
	 * revision rebuilds other versions from history, each a package
	 * of its own.  So: few maps drawn, and either no dataset made
	 * again or only the news and the stations changed.  The datasets'
	 * files are written by now, and a workbook is written as it is
	 * made (constant memory).  An edit of the stations draws its
	 * county's and province's maps alone; waiting for its workbook
	 * made the search index end 0.5 s after the pages.  Never with
	 * maps half drawn: the view reads them. */
	early = shaped == 0 && out_map_held(&maps) <= EARLY_DRAWN &&
	    (data.made == 0 || (ctx.changed & (DEP_REST | DEP_HISTORY)) == 0);
	if (early && versions(&rel, &src, &data, &sink) == 0) {
		search(&ctx, &bg, &bgt, &rel, plugins);
		searching = true;
	}
	workbooks = catalog_workbooks(&data);
	if (catalog_finish(&data, dbjob) < 0 || shaped < 0 || workbooks < 0 ||
	    (early && !searching))
		goto fail;
	if (!early && versions(&rel, &src, &data, &sink) < 0)
		goto fail;
	if (out_data_run(&ctx) < 0)
		goto fail;
	diag_lap("datasets", &t);
	if (!early) {
		search(&ctx, &bg, &bgt, &rel, plugins);
		searching = true;
		diag_lap("view", &t);
	}
	for (i = 0; i < sizeof(outputs) / sizeof(outputs[0]); i++) {
		if (outputs[i].run(&ctx) < 0)
			break;
		diag_lap(outputs[i].name, &t);
	}
	pthread_join(bgt, NULL);
	searching = false;
	if (diag_verbosity() > 1) {
		diag_info("  %-8s %7.1f ms  (beside the outputs above)",
		    "search", bg.ms);
		diag_info("  %zu files kept as published: made of the same "
		    "inputs", writer_kept(ctx.w));
	}
	if (bg.rc < 0 || i < sizeof(outputs) / sizeof(outputs[0]) ||
	    diag_errors() > 0)
		goto fail;
	view_plan(ctx.view, &st->pages);
	st->files = writer_files(ctx.w);
	st->bytes = writer_bytes(ctx.w);
	st->written = writer_written(ctx.w);
	{
		struct writer *w = ctx.w;

		ctx.w = NULL;		/* committed or not, it is gone */
		if (writer_commit(w) < 0)
			goto fail;
	}
	/* What this build no longer needs. */
	cache_prune(made, sizeof(made) / sizeof(made[0]), retired,
	    sizeof(retired) / sizeof(retired[0]));
	rc = 0;
fail:
	writer_ahead_free(ahead);
	source_stamps_free(stamps);
	if (searching)
		pthread_join(bgt, NULL);
	if (ctx.w != NULL)
		writer_abort(ctx.w);
	view_free(ctx.view);
	plugin_host_free(plugins);
	if (ctx.tmpl != NULL)
		tmpl_set_free(ctx.tmpl);
	releases_release(&rel);
	mapset_release(&maps);
	datapkg_release(&data);
	site_release(&site);
	history_release(&hist);
	source_release(&src);
	return rc;
}
