#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "history.h"
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
			f->author = arena_strdup(&src->arena, c->author);
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
			rc = repo_walk(src->repo, NULL, 0, src->commit.id,
			    onecommit, args, &scratch);
			arena_release(&scratch);
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
	free(h->changes);
	arena_release(&h->arena);
	memset(h, 0, sizeof(*h));
}

size_t
history_recent(const struct history *h, const char *prefix,
    const struct change **out, size_t max)
{
	size_t i, j, n = 0, plen = strlen(prefix);

	for (i = 0; i < h->n && n < max; i++)
		for (j = 0; j < h->changes[i].npaths; j++)
			if (strncmp(h->changes[i].paths[j], prefix, plen) == 0) {
				out[n++] = &h->changes[i];
				break;
			}
	return n;
}
