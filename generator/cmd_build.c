/*
 * cmd_build: `hearth build`: its options, the check that anything changed
 * since the last build, then the pipeline (pipeline.h), which knows the
 * order of the stages.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "cmdopt.h"
#include "diag.h"
#include "jobs.h"
#include "pipeline.h"
#include "repo.h"
#include "restart.h"
#include "source.h"
#include "util.h"
#include "write.h"

/*
 * What a build depends on, cheaply: the inputs' fingerprint (or the
 * commit built), the history's head, every tag (releases come from them),
 * the options, SOURCE_DATE_EPOCH and this very binary.  NULL when a build
 * must run anyway: federated sources may have moved on without any local
 * file changing.  The head and the tags are the last build's while the
 * files that name them are as they were then (repo_refstamp), so libgit2
 * is started only when they changed.
 */
static char *
fpline(unsigned long long fp, const char *refs, unsigned long long tags,
    const char *commit, const char *tail)
{
	size_t n = strlen(refs) + strlen(commit) + strlen(tail) + 40;
	char *line = xmalloc(n);

	snprintf(line, n, "%016llx %s %016llx %s %s", fp, refs, tags, commit,
	    tail);
	return line;
}

static char *
inputs(const char *rev, bool drafts, const char *out, int jobs)
{
	struct source probe;
	struct stat exe;
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	unsigned long long fp = 0, tagsum = 0, wfp, wtags;
	uint64_t refs;
	char buf[512], tail[PATH_MAX + 256], refstr[24], wrefs[24], wid[48];
	char *was, *line = NULL;
	size_t i;
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
		fp = source_fingerprint(".", jobs);
	if (stat("/proc/self/exe", &exe) < 0)
		memset(&exe, 0, sizeof(exe));
	snprintf(tail, sizeof(tail), "%s %d %s %lld.%09ld %lld %s %s\n",
	    rev ? rev : "-", drafts, sde ? sde : "-",
	    (long long)exe.st_mtim.tv_sec, exe.st_mtim.tv_nsec,
	    (long long)exe.st_size, HEARTH_VERSION, out);
	if (repo_refstamp(".", &refs))
		snprintf(refstr, sizeof(refstr), "%016llx",
		    (unsigned long long)refs);
	else
		strcpy(refstr, "-");
	if (strcmp(refstr, "-") != 0 && (was = writer_recorded(out)) != NULL) {
		if (sscanf(was, "%llx %23s %llx %47s", &wfp, wrefs, &wtags,
		    wid) == 4 && strcmp(wrefs, refstr) == 0) {
			line = fpline(fp, refstr, wtags, wid, tail);
			if (strcmp(line, was) != 0) {
				free(line);
				line = NULL;
			}
		}
		free(was);
		if (line != NULL)
			return line;
	}
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
	/* Tags are inputs: a new release tag publishes a release. */
	if (probe.repo != NULL) {
		const char **tags;
		struct commit *tc;
		size_t n = repo_tags(probe.repo, "*", &tags, &tc, &probe.arena);

		for (i = 0; i < n; i++)
			tagsum = hash_mix64(tagsum ^ hash_str(tags[i],
			    strlen(tags[i])) ^ hash_str(tc[i].id, 40));
	}
	line = fpline(fp, refstr, tagsum, probe.has_commit ?
	    probe.commit.id : "-", tail);
	repo_free(probe.repo);
	arena_release(&probe.arena);
	return line;
}

static const char usage[] = N_(
    "usage: hearth build [-C DIR] [--rev REV] [--verify] [--out DIR] "
    "[--jobs N]\n                   [--drafts] [--quiet|--verbose]\n");

int
cmd_build(int argc, char **argv)
{
	struct pipeline_opts po = { .jobs = jobs_ncpu() };
	struct cmdopt_strs preview = { .n = 0 };
	const struct cmdopt opts[] = {
		{ "out", 'o', OPT_STR, &po.out, 0, 0, NULL },
		{ "rev", 0, OPT_STR, &po.rev, 0, 0, NULL },
		{ "verify", 0, OPT_FLAG, &po.verify, 0, 0, NULL },
		{ "jobs", 'j', OPT_INT, &po.jobs, 1, 256, NULL },
		{ "drafts", 0, OPT_FLAG, &po.drafts, 0, 0, NULL },
		/* hearth serve's: the pages open in its preview, sent
		 * first to the pipe it reads (cmd_serve.c). */
		{ "preview", 0, OPT_STRS, &preview, 0, 0, NULL },
		{ "preview-fd", 0, OPT_INT, &po.preview_fd, 3, 1023, NULL },
		/* and its held model (hold.h). */
		{ "hold", 0, OPT_FLAG, &po.hold, 0, 0, NULL },
		{ NULL, 0, 0, NULL, 0, 0, NULL },
	};
	struct pipeline_stats st;
	const char *out;
	char *fp = NULL;
	double t0 = diag_now();
	int rc;

	po.out = "public";
	if ((rc = cmdopt_parse(argc, argv, opts, usage, 0, 0, NULL, NULL)) >= 0)
		return rc;
	rc = 1;
	out = po.out;
	if (po.preview_fd > 0) {
		po.preview = preview.v;
		po.npreview = preview.n;
	}
	if (po.hold) {
		/* Nothing is built: the site is read and held. */
		if (po.preview_fd <= 0 || po.rev != NULL || po.verify) {
			diag_error(NULL, 0, 0, "--hold needs --preview-fd, "
			    "and the worktree");
			return 1;
		}
		po.dry = true;
		/* It reads the site as a build does, and makes a view
		 * again on most edits: on huge pages too (restart.h). */
		if (restart_handed() == NULL)
			restart_with(NULL);
		return pipeline_run(&po, &st) < 0 ? 1 : 0;
	}
	if (restart_handed() != NULL) {
		/* Started again (restart.h) by the check below, which
		 * found work: its line is this build's. */
		fp = strcmp(restart_handed(), "-") != 0 ?
		    xstrdup(restart_handed()) : NULL;
	} else {
		/* Nothing changed since the last build: nothing to do. */
		fp = po.verify ? NULL : inputs(po.rev, po.drafts, out,
		    po.jobs);
		if (fp != NULL && writer_uptodate(out, fp)) {
			diag_info("nothing changed: %s/ is up to date", out);
			free(fp);
			return 0;
		}
		restart_with(fp);
	}
	if (pipeline_run(&po, &st) < 0)
		goto fail;
	if (fp != NULL)
		writer_record(out, fp);
	if (st.unchanged)
		diag_info("nothing changed: %s/ holds what these inputs make "
		    "(%zu files checked) in %.0f ms", out, st.files,
		    (diag_now() - t0) * 1e3);
	else
		diag_info("built %zu pages, %zu files (%.1f MiB; %zu written, "
		    "%zu unchanged) into %s/ in %.0f ms", st.pages, st.files,
		    st.bytes / 1048576.0, st.written, st.files - st.written,
		    out, (diag_now() - t0) * 1e3);
	rc = 0;
fail:
	if (rc != 0)
		fprintf(stderr, ngettext("hearth: build failed with %d error; "
		    "%s/ was not changed\n", "hearth: build failed with %d "
		    "errors; %s/ was not changed\n", diag_errors()),
		    diag_errors(), out);
	free(fp);
	return rc;
}
