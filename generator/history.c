#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "cache.h"
#include "diag.h"
#include "history.h"
#include "owners.h"
#include "signers.h"
#include "source.h"
#include "util.h"

static int
onecommit(const struct commit *c, const char *const *paths, size_t n,
    void *ud)
{
	void **args = ud;
	struct history *h = args[0];
	struct source *src = args[1];
	struct change *ch;
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		struct sfile *f = (struct sfile *)source_get(src, paths[i]);

		if (f == NULL)
			continue;	/* not (or no longer) in the site */
		if (f->lastmod == 0) {
			f->lastmod = c->time;
			f->committed = true;
			/* A county folder's author names are typed by the
			 * county (any name, the province's too): its pages
			 * show dates, and the brand page signed subjects. */
			f->author = str_has_prefix(paths[i],
			    "content/counties/") ? NULL :
			    arena_strdup(&src->arena, c->author);
		}
		k++;
	}
	if (k == 0)
		return 0;
	xgrow(&h->changes, &h->cap, h->n + 1, sizeof(*h->changes));
	ch = &h->changes[h->n++];
	memset(ch, 0, sizeof(*ch));
	ch->c = *c;
	ch->c.author = arena_strdup(&h->arena, c->author);
	ch->c.email = arena_strdup(&h->arena, c->email);
	ch->c.summary = arena_strdup(&h->arena, c->summary);
	ch->paths = arena_alloc(&h->arena, (k + 1) * sizeof(*ch->paths));
	for (i = 0; i < n; i++)
		if (source_get(src, paths[i]) != NULL)
			ch->paths[ch->npaths++] = arena_strdup(&h->arena,
			    paths[i]);
	return 0;
}

/* Is a principal of who named as an owner of path by a rule? */
static bool
owns(const struct owners *o, const char *path, const char *who)
{
	size_t n;

	return owners_of(o, path, &n) != NULL &&
	    owners_allows_any(o, path, who);
}

/* The county folder ("content/counties/X/") of a path, into dir. */
static bool
countydir(const char *path, char *dir, size_t cap)
{
	static const char pre[] = "content/counties/";
	const char *slash;

	if (strncmp(path, pre, sizeof(pre) - 1) != 0 ||
	    (slash = strchr(path + sizeof(pre) - 1, '/')) == NULL ||
	    (size_t)(slash - path) + 2 > cap)
		return false;
	memcpy(dir, path, (size_t)(slash - path) + 1);
	dir[slash - path + 1] = '\0';
	return true;
}

/*
 * Who signed commit id, as signers_check, remembered in the build cache
 * by the commit and the SIGNERS text (key names both): a verdict costs two
 * runs of ssh-keygen, and a site's history is mostly the same from one
 * build to the next.  Sets *who to the principals or NULL.
 */
static int
signer(struct signers *sg, struct repo *r, const char *id, const char *keys,
    struct arena *a, const char **who)
{
	const char *why, *name = arena_printf(a, "sig-%s-%s", id, keys);
	size_t len;
	char *hit = cache_get(name, &len);
	int rc;

	*who = NULL;
	if (hit != NULL) {
		if (len > 1 && hit[0] == '+')
			*who = arena_strdup(a, hit + 1);
		free(hit);
		return 0;
	}
	if ((rc = signers_check(sg, r, id, who, &why)) < 0)
		return -1;
	if (rc > 0)
		*who = arena_strdup(a, *who);
	hit = arena_printf(a, "%c%s", rc > 0 ? '+' : '-', rc > 0 ? *who : "");
	cache_put(name, hit, strlen(hit));
	return 0;
}

/* A name for a SIGNERS text: the first 128 bits of its SHA-256, in hex. */
static const char *
textkey(struct arena *a, const char *text, size_t len)
{
	char sum[65];

	sha256_hex(text, len, sum);
	return arena_strndup(a, sum, 32);
}

struct tally {
	char	 dir[128];
	int	 tried, shown;
};

/*
 * Prove the signers of the changes brand pages may list: newest first,
 * for each county folder until it has HISTORY_RECENT changes signed by an
 * owner or twice as many were tried, so a long history costs a bounded
 * number of checks (two runs of ssh-keygen each).
 */
static int
prove(struct history *h, struct source *src)
{
	const struct sfile *of = source_get(src, OWNERS_PATH);
	const struct sfile *sf = source_get(src, SIGNERS_PATH);
	struct signers *sg = NULL;
	struct tally *t = NULL;
	const char *keys;
	size_t nt = 0, cap = 0, i, j, k;
	int rc = 0;

	if (of == NULL || sf == NULL || sf->len > SIGNERS_MAX)
		return 0;
	if (owners_parse(&h->owners, OWNERS_PATH, of->data, of->len) < 0 ||
	    signers_open(&sg, sf->data, sf->len) < 0)
		return -1;
	keys = textkey(&h->arena, sf->data, sf->len);
	for (i = 0; i < h->n && rc == 0; i++) {
		struct change *ch = &h->changes[i];
		bool want = false;
		const char *who;
		char dir[128], last[128] = "";

		for (j = 0; j < ch->npaths; j++) {
			/* Paths are sorted: a folder's are together. */
			if (!countydir(ch->paths[j], dir, sizeof(dir)) ||
			    strcmp(dir, last) == 0)
				continue;
			memcpy(last, dir, sizeof(last));
			for (k = 0; k < nt && strcmp(t[k].dir, dir) != 0; k++)
				;
			if (k == nt) {
				xgrow(&t, &cap, nt + 1, sizeof(*t));
				memset(&t[nt], 0, sizeof(*t));
				snprintf(t[nt++].dir, sizeof(t->dir), "%s", dir);
			}
			if (t[k].shown < HISTORY_RECENT &&
			    t[k].tried < 2 * HISTORY_RECENT) {
				want = true;
				t[k].tried++;
			}
		}
		if (!want)
			continue;
		if ((rc = signer(sg, src->repo, ch->c.id, keys, &h->arena,
		    &who)) < 0 || who == NULL)
			continue;
		ch->signer = who;
		for (k = 0; k < nt; k++)
			if (owns(h->owners, t[k].dir, ch->signer))
				t[k].shown++;
	}
	free(t);
	signers_free(sg);
	/* Verdicts this history no longer needs. */
	cache_prune((const char *[]){ "sig-" }, 1, NULL, 0);
	return rc;
}

int
history_load(struct history *h, struct source *src)
{
	struct arena scratch;
	void *args[2] = { h, src };
	size_t i;
	int rc = 0;

	memset(h, 0, sizeof(*h));
	arena_init(&h->arena);
	if (src->repo != NULL && src->has_commit) {
		if (repo_shallow(src->repo)) {
			if (src->from_rev) {
				diag_error(src->root, 0, 0, "the repository is "
				    "shallow, so the history of the site is "
				    "incomplete; fetch it in full (git fetch "
				    "--unshallow)");
				return -1;
			}
			diag_warning(src->root, 0, 0, "the repository is "
			    "shallow: page dates come from file times");
		} else {
			arena_init(&scratch);
			rc = repo_walk(src->repo, NULL, 0, source_roots,
			    SOURCE_NROOTS, src->commit.id, onecommit, args,
			    &scratch);
			arena_release(&scratch);
			if (rc == 0)
				rc = prove(h, src);
		}
	}
	for (i = 0; i < src->n; i++)
		if (src->files[i].lastmod == 0)
			src->files[i].lastmod = src->files[i].mtime;
	return rc;
}

void
history_release(struct history *h)
{
	owners_free(h->owners);
	free(h->changes);
	arena_release(&h->arena);
	memset(h, 0, sizeof(*h));
}

size_t
history_recent(const struct history *h, const char *prefix,
    const struct change **out, size_t max)
{
	size_t i, j, n = 0, plen = strlen(prefix);

	if (h->owners == NULL)
		return 0;
	for (i = 0; i < h->n && n < max; i++) {
		if (h->changes[i].signer == NULL ||
		    !owns(h->owners, prefix, h->changes[i].signer))
			continue;
		for (j = 0; j < h->changes[i].npaths; j++)
			if (strncmp(h->changes[i].paths[j], prefix, plen) == 0) {
				out[n++] = &h->changes[i];
				break;
			}
	}
	return n;
}
