#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "diag.h"
#include "release.h"
#include "repo.h"
#include "util.h"

/* Read and check one release; NULL (with a warning) when it does not
 * build any more. */
static struct release *
load(struct releases *rs, const struct source *cur, const char *tag)
{
	struct release *r = xcalloc(1, sizeof(*r));
	struct site_opts opts = { 0 };
	int ok;

	r->tag = tag;
	arena_init(&r->pkg.arena);
	diag_set_quiet_errors(1);
	ok = source_load_rev(&r->src, cur->root, tag) == 0 &&
	    site_load(&r->site, &r->src, &opts) == 0 &&
	    datapkg_build(&r->pkg, &r->site) == 0;
	diag_set_quiet_errors(0);
	if (!ok || diag_muted() > 0) {
		diag_warning(NULL, 0, 0, "release %s does not build with this "
		    "version of hearth (%d error%s): its data is not published "
		    "again", tag, diag_muted(), diag_muted() == 1 ? "" : "s");
		datapkg_release(&r->pkg);
		site_release(&r->site);
		source_release(&r->src);
		free(r);
		return NULL;
	}
	(void)rs;
	return r;
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
    const struct datapkg *cur)
{
	const char **tags;
	struct commit *commits;
	struct buf b;
	size_t ntags, i, cap = 0, rcap = 0;
	struct changeset *rev;

	memset(rs, 0, sizeof(*rs));
	arena_init(&rs->arena);
	if (src->repo == NULL || !src->has_commit)
		return 0;
	ntags = repo_tags(src->repo, datapkg_release_tags(cur->site), &tags,
	    &commits, &rs->arena);
	for (i = 0; i < ntags; i++) {
		struct release *r;

		if (!repo_contains(src->repo, src->commit.id, commits[i].id) ||
		    (r = load(rs, src, tags[i])) == NULL)
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
	return 0;
}

void
releases_release(struct releases *rs)
{
	size_t i;

	for (i = 0; i < rs->n; i++) {
		datapkg_release(&rs->v[i]->pkg);
		site_release(&rs->v[i]->site);
		source_release(&rs->v[i]->src);
		free(rs->v[i]);
	}
	free(rs->v);
	free(rs->changes);
	free(rs->json);
	arena_release(&rs->arena);
	memset(rs, 0, sizeof(*rs));
}
