#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "cache.h"
#include "catalog.h"
#include "diag.h"
#include "load.h"
#include "release.h"
#include "repo.h"
#include "util.h"
#include "value.h"

/* Read and check the site at rev and make its data package: the release
 * tag, or the dated version named version.  NULL (with a warning) when it
 * does not build any more.  Only a version known to build goes to the
 * sink; its bytes are then freed, its tables kept for the changelog. */
static struct release *
load(struct releases *rs, const struct source *cur, const char *rev,
    const char *tag, const char *version)
{
	struct release *r = xcalloc(1, sizeof(*r));
	struct site_opts opts = { 0 };
	struct load_opts lo = { .root = cur->root, .rev = rev };
	int ok;

	r->tag = tag;
	arena_init(&r->pkg.arena);
	diag_set_quiet_errors(1);
	ok = load_site(&r->src, &r->hist, &r->site, &opts, &lo) == 0 &&
	    catalog_package(&r->pkg, &r->site, version, 1, NULL) == 0;
	diag_set_quiet_errors(0);
	if (!ok || diag_muted() > 0) {
		diag_warning(NULL, 0, 0, ngettext("%s %s does not build with "
		    "this version of hearth (%d error): its data is not "
		    "published again", "%s %s does not build with this version "
		    "of hearth (%d errors): its data is not published again",
		    diag_muted()), tag != NULL ? _("release") :
		    _("data version"), tag != NULL ? tag : version,
		    diag_muted());
		datapkg_release(&r->pkg);
		load_release(&r->src, &r->hist, &r->site);
		free(r);
		return NULL;
	}
	if (rs->sink != NULL && datapkg_flush(&r->pkg, rs->sink) < 0)
		rs->rc = -1;
	return r;
}

/*
 * Dated versions.  A build of the working tree publishes its data as
 * /data/v/<data-as-of date>/ (or hearth.yaml's data.version); every such
 * version the site has had stays published, rebuilt from the newest commit
 * of the first-parent history that had it.  So the versions follow from
 * history alone and a build into an empty folder publishes the same
 * /data/v/ as one that has run for years.
 *
 * Finding a commit's version means reading its site; the answer depends
 * only on the files that make the data, so it is cached by their state
 * (repo_paths_key), and commits that left them alone are skipped.
 */
/* Bump the rule number whenever what names a version changes (as when
 * news dates stopped counting), so no cached answer outlives its rule. */
#define CACHE_NAME	"versions-2-" HEARTH_VERSION
#define MAX_COMMITS	1000000

struct known {
	char		 key[41];
	const char	*version;	/* "!" when that state does not build */
};

/* The cached "key version" lines. */
static size_t
readknown(struct known **out, struct arena *a)
{
	size_t len, n = 0, cap = 0;
	char *text = cache_get(CACHE_NAME, &len), *line, *save = NULL;
	struct known *k = NULL;

	if (text == NULL) {
		*out = NULL;
		return 0;
	}
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strlen(line) < 42 || line[40] != ' ' ||
		    (strcmp(line + 41, "!") != 0 &&
		    !version_name_valid(line + 41)))
			continue;
		xgrow(&k, &cap, n + 1, sizeof(*k));
		memcpy(k[n].key, line, 40);
		k[n].key[40] = '\0';
		k[n++].version = arena_strdup(a, line + 41);
	}
	free(text);
	*out = k;
	return n;
}

/* The version of the site at commit id, NULL when it does not build. */
static const char *
versionat(const struct source *cur, const char *id, struct arena *a)
{
	struct source src;
	struct history hist;
	struct site site;
	struct site_opts opts = { 0 };
	struct load_opts lo = { .root = cur->root, .rev = id };
	const char *v = NULL;

	diag_set_quiet_errors(1);
	if (load_site(&src, &hist, &site, &opts, &lo) == 0 &&
	    diag_muted() == 0)
		v = arena_strdup(a, datapkg_dated_version(&site));
	diag_set_quiet_errors(0);
	load_release(&src, &hist, &site);
	return v;
}

/* Is the site being built the one at commit id, as a revision's site is
 * read for its version (versionat)?  Then its version is the build's own,
 * and the site need not be read a second time (0.6 s and 270 MB for a
 * national site, on every build after a commit).  A build of the worktree
 * is when the worktree holds the commit's files that make the data; a
 * site with county repositories mounted is not (versionat mounts none). */
static bool
builds(const struct source *src, const struct datapkg *cur, const char *id)
{
	const struct value *fed = value_get(cur->site->cfg.raw, "sources");

	return src->has_commit && strcmp(id, src->commit.id) == 0 &&
	    (fed == NULL || fed->kind != VAL_ARR || fed->u.arr.len == 0) &&
	    (src->from_rev || repo_worktree_clean(src->repo, datapkg_paths,
	    DATAPKG_NPATHS));
}

static bool
taken(const struct releases *rs, const struct datapkg *cur, const char *v)
{
	size_t i;

	if (strcmp(v, cur->version) == 0)
		return true;
	for (i = 0; i < rs->n; i++)
		if (strcmp(rs->v[i]->pkg.version, v) == 0)
			return true;
	return false;
}

static void
dated(struct releases *rs, const struct source *src,
    const struct datapkg *cur, size_t *rcap)
{
	struct known *k;
	size_t nk = readknown(&k, &rs->arena), kcap = nk, fresh = 0, i, n;
	struct commit c = src->commit, p;
	char key[41], last[41] = "";
	const char **vers = NULL, **ids = NULL;
	size_t nv = 0, vcap = 0, icap = 0;
	struct buf b;

	for (n = 0; n < MAX_COMMITS; n++) {
		const char *v = NULL;

		if (repo_paths_key(src->repo, c.id, datapkg_paths,
		    DATAPKG_NPATHS, key) < 0)
			break;
		if (strcmp(key, last) != 0) {
			memcpy(last, key, sizeof(last));
			for (i = 0; i < nk; i++)
				if (strcmp(k[i].key, key) == 0)
					break;
			if (i == nk) {
				v = builds(src, cur, c.id) ?
				    arena_strdup(&rs->arena,
				    datapkg_dated_version(cur->site)) :
				    versionat(src, c.id, &rs->arena);
				xgrow(&k, &kcap, nk + 1, sizeof(*k));
				memcpy(k[nk].key, key, sizeof(key));
				k[nk++].version = v != NULL ? v : "!";
				fresh++;
			}
			v = k[i].version;
			if (strcmp(v, "!") == 0) {
				if (diag_verbosity() > 1)
					diag_info("  commit %.12s does not "
					    "build: no data version from it",
					    c.id);
			} else {
				size_t j;

				for (j = 0; j < nv && strcmp(vers[j], v) != 0;
				    j++)
					;
				if (j == nv) {
					xgrow(&vers, &vcap, nv + 1,
					    sizeof(*vers));
					xgrow(&ids, &icap, nv + 1, sizeof(*ids));
					vers[nv] = v;
					ids[nv++] = arena_strdup(&rs->arena,
					    c.id);
				}
			}
		}
		if (c.nparents == 0 ||
		    repo_parent(src->repo, c.id, &p, &rs->arena) < 0)
			break;
		c = p;
	}
	if (fresh > 0) {
		buf_init(&b);
		for (i = 0; i < nk; i++)
			buf_printf(&b, "%s %s\n", k[i].key, k[i].version);
		cache_put(CACHE_NAME, b.data, b.len);
		buf_release(&b);
	}
	/* Oldest first, as the releases are. */
	for (i = nv; i-- > 0;) {
		struct release *r;

		if (taken(rs, cur, vers[i]) ||
		    (r = load(rs, src, ids[i], NULL, vers[i])) == NULL)
			continue;
		xgrow(&rs->v, rcap, rs->n + 1, sizeof(*rs->v));
		rs->v[rs->n++] = r;
	}
	free(vers);
	free(ids);
	free(k);
}

static void
addchange(struct releases *rs, size_t *cap, const char *from, const char *to,
    const char *date, const struct datapkg *a, const struct datapkg *b)
{
	struct changeset *c;

	xgrow(&rs->changes, cap, rs->nchanges + 1, sizeof(*rs->changes));
	c = &rs->changes[rs->nchanges++];
	c->from = from;
	c->to = to;
	c->date = date;
	c->ntables = datadiff(&c->tables, a, b, &rs->arena);
}

/* The JSON Schema of /data/changes.json, published beside it. */
const char releases_schema[] =
    "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\","
    "\"title\":\"数据变更记录 / Data changes between versions\","
    "\"type\":\"object\",\"required\":[\"changes\"],\"properties\":{"
    "\"changes\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
    "\"required\":[\"from\",\"to\",\"datasets\"],\"properties\":{"
    "\"from\":{\"type\":\"string\"},\"to\":{\"type\":\"string\"},"
    "\"datasets\":{\"type\":\"object\",\"additionalProperties\":{"
    "\"type\":\"object\",\"required\":[\"added\",\"removed\","
    "\"changed\"],\"properties\":{\"added\":{\"type\":\"array\","
    "\"items\":{\"type\":\"string\"}},\"removed\":{\"type\":\"array\","
    "\"items\":{\"type\":\"string\"}},\"changed\":{\"type\":\"array\","
    "\"items\":{\"type\":\"object\",\"required\":[\"id\",\"fields\"],"
    "\"properties\":{\"id\":{\"type\":\"string\"},\"fields\":{"
    "\"type\":\"object\",\"additionalProperties\":{\"type\":"
    "\"object\",\"required\":[\"before\",\"after\"]}}}}}}}}}}}}}\n";

int
releases_load(struct releases *rs, const struct source *src,
    const struct datapkg *cur, const struct dsink *sink)
{
	const char **tags;
	struct commit *commits;
	struct buf b;
	size_t ntags, i, cap = 0, rcap = 0;
	struct changeset *rev;

	memset(rs, 0, sizeof(*rs));
	arena_init(&rs->arena);
	rs->sink = sink;
	if (src->repo == NULL || !src->has_commit)
		return 0;
	ntags = repo_tags(src->repo, datapkg_release_tags(cur->site), &tags,
	    &commits, &rs->arena);
	for (i = 0; i < ntags; i++) {
		struct release *r;

		if (!repo_contains(src->repo, src->commit.id, commits[i].id) ||
		    (r = load(rs, src, tags[i], tags[i], NULL)) == NULL)
			continue;
		xgrow(&rs->v, &rcap, rs->n + 1, sizeof(*rs->v));
		rs->v[rs->n++] = r;
	}
	for (i = 1; i < rs->n; i++)
		addchange(rs, &cap, rs->v[i - 1]->tag, rs->v[i]->tag,
		    rs->v[i]->pkg.as_of, &rs->v[i - 1]->pkg, &rs->v[i]->pkg);
	if (rs->n > 0 && strcmp(rs->v[rs->n - 1]->tag, cur->version) != 0)
		addchange(rs, &cap, rs->v[rs->n - 1]->tag, cur->version,
		    cur->as_of, &rs->v[rs->n - 1]->pkg, cur);
	/* Newest first, as readers want them. */
	for (i = 0; i < rs->nchanges / 2; i++) {
		struct changeset t = rs->changes[i];

		rs->changes[i] = rs->changes[rs->nchanges - 1 - i];
		rs->changes[rs->nchanges - 1 - i] = t;
	}
	rev = rs->changes;
	buf_init(&b);
	buf_puts(&b, "{\"changes\":[");
	for (i = 0; i < rs->nchanges; i++) {
		buf_puts(&b, i > 0 ? ",\n" : "\n");
		datadiff_json(&b, rev[i].from, rev[i].to, rev[i].tables,
		    rev[i].ntables);
		/* datadiff_json ends with a newline; fine inside an array. */
	}
	buf_puts(&b, "]}\n");
	rs->json = buf_detach(&b, &rs->jsonlen);
	/* The changelog is between releases; dated versions only add
	 * folders. */
	dated(rs, src, cur, &rcap);
	return rs->rc;
}

void
releases_release(struct releases *rs)
{
	size_t i;

	for (i = 0; i < rs->n; i++) {
		datapkg_release(&rs->v[i]->pkg);
		load_release(&rs->v[i]->src, &rs->v[i]->hist,
		    &rs->v[i]->site);
		free(rs->v[i]);
	}
	free(rs->v);
	free(rs->changes);
	free(rs->json);
	arena_release(&rs->arena);
	memset(rs, 0, sizeof(*rs));
}
