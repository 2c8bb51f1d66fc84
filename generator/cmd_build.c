/*
 * cmd_build: the one place that knows the order of a build:
 * read sources -> load and check the model -> plan views -> run every
 * output into a staging directory -> swap it into place.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "dataset.h"
#include "diag.h"
#include "federate.h"
#include "history.h"
#include "jobs.h"
#include "map.h"
#include "out.h"
#include "plugin.h"
#include "template.h"
#include "release.h"
#include "repo.h"
#include "site.h"
#include "source.h"
#include "util.h"
#include "verify.h"
#include "view.h"
#include "write.h"

/* Outputs in the order they run once the view is made; each is
 * independent of the others.  /data/ runs before (see cmd_build), the
 * search index beside them. */
static const struct output outputs[] = {
	{ "static", out_static_run },
	{ "maps", out_map_run },
	{ "feeds", out_feed_run },
	{ "sitemap", out_sitemap_run },
	{ "pages", out_page_run },
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

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
	double t = now();

	b->rc = out_search_run(b->ctx);
	b->ms = (now() - t) * 1e3;
	return NULL;
}

/* The process's peak resident memory so far, in MiB (0: unknown). */
static long
peak_mib(void)
{
	char line[128];
	long kb = 0;
	FILE *f = fopen("/proc/self/status", "r");

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb / 1024;
}

/* With --verbose, how long the step since *t took, and the memory peak
 * after it; *t moves on. */
static void
lap(const char *what, double *t)
{
	double n = now();

	if (diag_verbosity() > 1)
		diag_info("  %-8s %7.1f ms  peak %5ld MiB", what,
		    (n - *t) * 1e3, peak_mib());
	*t = n;
}

int
cmd_enter(const char *dir)
{
	if (dir != NULL && chdir(dir) < 0) {
		diag_error(dir, 0, 0, "cannot enter: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int
cmd_load(struct source *src, struct history *hist, struct site *site,
    struct site_opts *opts, const char *rev)
{
	double t = now();
	int rc;

	memset(hist, 0, sizeof(*hist));
	memset(site, 0, sizeof(*site));
	rc = rev != NULL ? source_load_rev(src, ".", rev) :
	    source_load_dir(src, ".");
	if (rc == 0 && federate(src) < 0)
		rc = -1;
	lap("read", &t);
	if (rc == 0 && history_load(hist, src) < 0)
		rc = -1;
	lap("history", &t);
	opts->history = hist;
	if (rc == 0 && site_load(site, src, opts) < 0)
		rc = -1;
	lap("model", &t);
	return rc;
}

/*
 * What a build depends on, cheaply: the inputs' fingerprint (or the
 * commit built), the history's head, the options, SOURCE_DATE_EPOCH and
 * this very binary.  NULL when a build must run anyway: federated sources
 * may have moved on without any local file changing.
 */
static char *
inputs(const char *rev, bool drafts, const char *out, int jobs)
{
	struct source probe;
	struct stat exe;
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	unsigned long long fp = 0;
	char buf[512];
	FILE *f;

	if ((f = fopen("hearth.yaml", "r")) != NULL) {
		while (fgets(buf, sizeof(buf), f) != NULL)
			if (strncmp(buf, "sources:", 8) == 0) {
				fclose(f);
				return NULL;
			}
		fclose(f);
	}
	if (rev == NULL)
		fp = source_fingerprint(".");
	memset(&probe, 0, sizeof(probe));
	arena_init(&probe.arena);
	if (repo_open(&probe.repo, ".") > 0 &&
	    (rev != NULL ? repo_resolve(probe.repo, rev, &probe.commit,
	    &probe.arena) : repo_head(probe.repo, &probe.commit,
	    &probe.arena)) == 0)
		probe.has_commit = true;
	if (rev != NULL && !probe.has_commit) {
		repo_free(probe.repo);
		arena_release(&probe.arena);
		return NULL;
	}
	if (stat("/proc/self/exe", &exe) < 0)
		memset(&exe, 0, sizeof(exe));
	snprintf(buf, sizeof(buf), "%016llx %s %s %d %s %lld.%09ld %lld %s "
	    "%s\n", fp, probe.has_commit ? probe.commit.id : "-",
	    rev ? rev : "-", drafts, sde ? sde : "-",
	    (long long)exe.st_mtim.tv_sec, exe.st_mtim.tv_nsec,
	    (long long)exe.st_size, HEARTH_VERSION, out);
	(void)jobs;	/* the output does not depend on it */
	repo_free(probe.repo);
	arena_release(&probe.arena);
	return xstrdup(buf);
}

static void
usage(FILE *fp)
{
	fputs("usage: hearth build [-C DIR] [--rev REV] [--verify] [--out DIR] "
	    "[--jobs N]\n                   [--drafts] [--quiet|--verbose]\n",
	    fp);
}

int
cmd_build(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "rev", required_argument, NULL, 'r' },
		{ "verify", no_argument, NULL, 'V' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "drafts", no_argument, NULL, 'D' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct site_opts opts = { 0 };
	struct source src;
	struct history hist;
	struct site site;
	struct datapkg data;
	struct mapset maps;
	struct releases rel;
	struct plugin_host *plugins = NULL;
	struct out_ctx ctx;
	const char *dir = NULL, *out = "public", *rev = NULL;
	char *fp = NULL;
	bool verify = false;
	double t0 = now(), t;
	size_t i, npages;
	struct background bg;
	pthread_t bgt;
	int c, rc = 1;

	memset(&ctx, 0, sizeof(ctx));
	ctx.jobs = jobs_ncpu();
	while ((c = getopt_long(argc, argv, "C:o:j:qvh", longopts, NULL)) != -1)
		switch (c) {
		case 'C':
			dir = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'r':
			rev = optarg;
			break;
		case 'V':
			verify = true;
			break;
		case 'j':
			ctx.jobs = atoi(optarg);
			if (ctx.jobs < 1 || ctx.jobs > 256) {
				fprintf(stderr, "hearth: --jobs must be 1..256\n");
				return 2;
			}
			break;
		case 'D':
			opts.drafts = true;
			break;
		case 'q':
			diag_set_verbosity(0);
			break;
		case 'v':
			diag_set_verbosity(2);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (cmd_enter(dir) < 0)
		return 1;
	/* Nothing changed since the last build: nothing to do. */
	fp = verify ? NULL : inputs(rev, opts.drafts, out, ctx.jobs);
	if (fp != NULL && writer_uptodate(out, fp)) {
		diag_info("nothing changed: %s/ is up to date", out);
		free(fp);
		return 0;
	}
	memset(&data, 0, sizeof(data));
	memset(&maps, 0, sizeof(maps));
	memset(&rel, 0, sizeof(rel));
	arena_init(&rel.arena);
	arena_init(&data.arena);
	arena_init(&maps.arena);
	if (cmd_load(&src, &hist, &site, &opts, rev) < 0)
		goto fail;
	/* --verify: no revision with a commit its author did not own the
	 * paths of is published. */
	if (verify) {
		size_t commits = 0, violations = 0;

		if (src.repo == NULL || !src.has_commit) {
			diag_error(".", 0, 0, "--verify needs the site to be in "
			    "a git repository with commits");
			goto fail;
		}
		if (verify_run(src.repo, NULL, src.commit.id, &commits,
		    &violations) < 0)
			goto fail;
		if (violations > 0) {
			diag_error(NULL, 0, 0, "%zu ownership violation%s in "
			    "the history of %.12s (listed above)", violations,
			    violations == 1 ? "" : "s", src.commit.id);
			goto fail;
		}
	}
	/* The theme (one compiled set for every page and for hearth.render),
	 * then the plugins, whose records hooks run before anything is
	 * made from the records. */
	t = now();
	if ((ctx.tmpl = out_page_theme(&site, &src)) == NULL)
		goto fail;
	if (plugin_host_new(&plugins, &site, &src) < 0)
		goto fail;
	plugin_set_theme(plugins, ctx.tmpl);
	if (plugin_records(plugins) < 0)
		goto fail;
	lap("plugins", &t);
	/* The open data first, written at once: its files are the largest
	 * part of a build's memory, and once written only their sizes and
	 * checksums are read (by the pages). */
	if (writer_open(&ctx.w, out) < 0)
		goto fail;
	if (datapkg_build(&data, &site) < 0)
		goto fail;
	datapkg_versions(&data, writer_published(ctx.w));
	if (releases_load(&rel, &src, &data) < 0)
		goto fail;
	for (i = 0; i < rel.n; i++)
		datapkg_add_version(&data, rel.v[i]->pkg.version);
	ctx.site = &site;
	ctx.src = &src;
	ctx.data = &data;
	ctx.releases = &rel;
	lap("datasets", &t);
	if (out_data_run(&ctx) < 0)
		goto fail;
	datapkg_drop_bytes(&data);
	for (i = 0; i < rel.n; i++)
		datapkg_drop_bytes(&rel.v[i]->pkg);
	lap("data", &t);
	if (mapset_build(&maps, &site, ctx.jobs) < 0)
		goto fail;
	ctx.maps = &maps;
	ctx.view = view_new(&site, &data, &maps, &rel, plugins);
	lap("shapes", &t);
	bg.ctx = &ctx;
	if (pthread_create(&bgt, NULL, search_thread, &bg) != 0)
		xdie("pthread_create failed");
	for (i = 0; i < sizeof(outputs) / sizeof(outputs[0]); i++) {
		if (outputs[i].run(&ctx) < 0)
			break;
		lap(outputs[i].name, &t);
	}
	pthread_join(bgt, NULL);
	if (diag_verbosity() > 1)
		diag_info("  %-8s %7.1f ms  (beside the outputs above)",
		    "search", bg.ms);
	if (bg.rc < 0)
		goto fail;
	if (i < sizeof(outputs) / sizeof(outputs[0]) || diag_errors() > 0)
		goto fail;
	view_plan(ctx.view, &npages);
	{
		size_t files = writer_files(ctx.w), bytes = writer_bytes(ctx.w);
		size_t written = writer_written(ctx.w);

		struct writer *w = ctx.w;

		ctx.w = NULL;		/* committed or not, it is gone */
		if (writer_commit(w) < 0)
			goto fail;
		if (fp != NULL)
			writer_record(out, fp);
		diag_info("built %zu pages, %zu files (%.1f MiB; %zu written, "
		    "%zu unchanged) into %s/ in %.0f ms", npages, files,
		    bytes / 1048576.0, written, files - written, out,
		    (now() - t0) * 1e3);
	}
	rc = 0;
fail:
	if (rc != 0)
		fprintf(stderr, "hearth: build failed with %d error%s; %s/ was "
		    "not changed\n", diag_errors(), diag_errors() == 1 ? "" :
		    "s", out);
	free(fp);
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
