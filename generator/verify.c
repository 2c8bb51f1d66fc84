#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "owners.h"
#include "repo.h"
#include "verify.h"

struct state {
	struct repo	*r;
	struct arena	*a;
	size_t		 commits, violations;
	int		 failed;
	/* The owners file of the last parent seen, reused while it is the
	 * same text. */
	char		*text;
	struct owners	*owners;
};

/* The owners in force for commit c: its first parent's file.  Sets *o to
 * NULL when there is none (a root commit sets the rules up; nothing came
 * before it to judge it by). */
static int
rules(struct state *st, const struct commit *c, struct owners **o)
{
	struct commit parent;
	const char *at;
	char *text = NULL, label[128];
	size_t len = 0;
	int rc;

	*o = NULL;
	if (repo_parent(st->r, c->id, &parent, st->a) < 0)
		return 0;
	at = parent.id;
	rc = repo_read(st->r, at, OWNERS_PATH, &text, &len);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		*o = NULL;
		return 0;
	}
	if (st->text != NULL && strcmp(st->text, text) == 0) {
		free(text);
		*o = st->owners;
		return 0;
	}
	owners_free(st->owners);
	free(st->text);
	st->owners = NULL;
	st->text = text;
	snprintf(label, sizeof(label), "%s (at %.7s)", OWNERS_PATH, at);
	if (owners_parse(&st->owners, label, text, len) < 0)
		return -1;
	*o = st->owners;
	return 0;
}

static int
check(const struct commit *c, const char *const *paths, size_t n, void *ud)
{
	struct state *st = ud;
	struct owners *o;
	size_t i, k, nwho;

	st->commits++;
	if (rules(st, c, &o) < 0) {
		st->failed = 1;
		return -1;
	}
	if (o == NULL)
		return 0;
	for (i = 0; i < n; i++) {
		const char *const *who;

		if (owners_allows(o, paths[i], c->email))
			continue;
		st->violations++;
		who = owners_of(o, paths[i], &nwho);
		printf("%.12s %s %s: not an owner (owners:", c->id, c->email,
		    paths[i]);
		for (k = 0; k < nwho; k++)
			printf(" %s", who[k]);
		printf(")\n");
	}
	return 0;
}

int
verify_run(struct repo *r, const char *since, const char *to,
    size_t *commits, size_t *violations)
{
	struct arena a;
	struct state st;
	int rc;

	memset(&st, 0, sizeof(st));
	arena_init(&a);
	st.r = r;
	st.a = &a;
	if (repo_shallow(r)) {
		diag_error(NULL, 0, 0, "the repository is shallow: its history "
		    "cannot be verified; fetch it in full (git fetch "
		    "--unshallow)");
		arena_release(&a);
		return -1;
	}
	rc = repo_walk(r, since, to, check, &st, &a);
	*commits = st.commits;
	*violations = st.violations;
	owners_free(st.owners);
	free(st.text);
	arena_release(&a);
	return rc < 0 || st.failed ? -1 : 0;
}
