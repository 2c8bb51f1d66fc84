#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "owners.h"
#include "repo.h"
#include "signers.h"
#include "util.h"
#include "verify.h"

/* The rules at one commit: OWNERS and the keys of SIGNERS. */
struct rules {
	char		 at[41];
	char		*otext, *stext;
	struct owners	*owners;	/* NULL: no OWNERS there */
	struct signers	*signers;	/* NULL: no SIGNERS there */
};

struct state {
	struct repo	*r;
	struct arena	*a;
	const struct verify_range *vr;
	size_t		 commits, violations;
	int		 failed;
	bool		 warned;
	struct rules	 base;		/* the range's base */
	struct rules	 last;		/* the last parent's, reused */
};

static void
state_init(struct state *st, struct repo *r, const struct verify_range *vr,
    struct arena *a)
{
	memset(st, 0, sizeof(*st));
	arena_init(a);
	st->r = r;
	st->a = a;
	st->vr = vr;
}

static void
rules_clear(struct rules *ru)
{
	owners_free(ru->owners);
	signers_free(ru->signers);
	free(ru->otext);
	free(ru->stext);
	memset(ru, 0, sizeof(*ru));
}

static bool
sametext(const char *x, const char *y)
{
	return (x == NULL && y == NULL) || (x != NULL && y != NULL &&
	    strcmp(x, y) == 0);
}

/* Read the rules at commit id into ru (kept as they are when the texts
 * did not change).  Returns 0, or -1 after reporting. */
static int
rules_load(struct state *st, const char *id, struct rules *ru)
{
	char *otext = NULL, *stext = NULL, label[128];
	size_t olen = 0, slen = 0;
	int rc;

	if ((rc = repo_read(st->r, id, OWNERS_PATH, &otext, &olen)) < 0)
		return -1;
	if (rc > 0 && repo_read(st->r, id, SIGNERS_PATH, &stext, &slen) < 0) {
		free(otext);
		return -1;
	}
	if (ru->at[0] != '\0' && sametext(ru->otext, otext) &&
	    sametext(ru->stext, stext)) {
		free(otext);
		free(stext);
		return 0;
	}
	rules_clear(ru);
	snprintf(ru->at, sizeof(ru->at), "%s", id);
	ru->otext = otext;
	ru->stext = stext;
	if (otext == NULL)
		return 0;
	snprintf(label, sizeof(label), "%s (at %.7s)", OWNERS_PATH, id);
	if (owners_parse(&ru->owners, label, otext, olen) < 0)
		return -1;
	if (stext != NULL) {
		if (slen > SIGNERS_MAX) {
			diag_error(SIGNERS_PATH, 0, 0, "over the limit of %d "
			    "bytes (at %.7s)", SIGNERS_MAX, id);
			return -1;
		}
		if (signers_open(&ru->signers, stext, slen) < 0)
			return -1;
	}
	return 0;
}

/* The rules that judge commit c: its first parent's, or the base's when
 * it has no parent or the parent has no OWNERS. */
static int
rules_for(struct state *st, const struct commit *c, const struct rules **out)
{
	struct commit parent;

	*out = &st->base;
	if (repo_parent(st->r, c->id, &parent, st->a) < 0)
		return 0;
	if (rules_load(st, parent.id, &st->last) < 0)
		return -1;
	if (st->last.owners != NULL)
		*out = &st->last;
	return 0;
}

static void
violation(struct state *st, const struct owners *o, const char *id,
    const char *who, const char *path, const char *why)
{
	const char *const *owners;
	struct buf b;
	size_t k, n;

	st->violations++;
	owners = owners_of(o, path, &n);
	buf_init(&b);
	for (k = 0; k < n; k++)
		buf_printf(&b, "%s%s", k > 0 ? " " : "", owners[k]);
	/* TRANSLATORS: commit (or tag), signer, path, why, the owners. */
	diag_line(stdout, _("%.*s %s %s: %s (owners: %s)"), strncmp(id,
	    "refs/", 5) == 0 ? (int)strlen(id) : 12, id, who, path, _(why),
	    b.data != NULL ? b.data : "");
	buf_release(&b);
}

static int
check(const struct commit *c, const char *const *paths, size_t n, void *ud)
{
	struct state *st = ud;
	const struct rules *ru;
	const char *who = c->email, *why = NULL;
	size_t i;

	st->commits++;
	if (rules_for(st, c, &ru) < 0) {
		st->failed = 1;
		return -1;
	}
	if (ru->owners == NULL)
		return 0;
	if (ru->signers != NULL) {
		int rc = signers_check(ru->signers, st->r, c->id, &who, &why);

		if (rc < 0) {
			st->failed = 1;
			return -1;
		}
		if (rc == 0)
			who = c->email;
		else
			who = arena_strdup(st->a, who);
	} else if (!st->warned) {
		diag_warning(OWNERS_PATH, 0, 0, "no %s beside it (at %.7s): "
		    "commits are judged by their author's e-mail, which anyone "
		    "can type; list the owners' SSH keys there (docs/git.md)",
		    SIGNERS_PATH, ru->at);
		st->warned = true;
	}
	for (i = 0; i < n; i++) {
		const char *p = paths[i];
		size_t nown;

		/* A path no rule covers is anyone's, signed or not. */
		if (owners_of(ru->owners, p, &nown) == NULL)
			continue;
		if (why != NULL)
			violation(st, ru->owners, c->id, who, p, why);
		else if (!owners_allows_any(ru->owners, p, who))
			violation(st, ru->owners, c->id, who, p,
			    N_("not an owner"));
		else if ((strcmp(p, OWNERS_PATH) == 0 ||
		    strcmp(p, SIGNERS_PATH) == 0) &&
		    !owners_allows_any(ru->owners, "hearth.yaml", who))
			violation(st, ru->owners, c->id, who, p, N_("only "
			    "the site's maintainers (the owners of "
			    "hearth.yaml) change the owners and their keys"));
		if (st->vr->pusher != NULL &&
		    owners_has_users(ru->owners) &&
		    !owners_allows(ru->owners, p, st->vr->pusher))
			violation(st, ru->owners, c->id, st->vr->pusher, p,
			    N_("pushed by someone who is not an owner"));
	}
	return 0;
}

int
verify_tag(struct repo *r, const struct verify_range *vr, const char *ref,
    const char *id, size_t *violations)
{
	struct state st;
	struct commit base;
	struct arena a;
	const char *who = NULL, *why = NULL;
	int rc = -1;

	state_init(&st, r, vr, &a);
	if (vr->base == NULL || repo_resolve(r, vr->base, &base, &a) < 0 ||
	    rules_load(&st, base.id, &st.base) < 0)
		goto out;
	rc = 0;
	if (st.base.owners == NULL)
		goto out;
	if (st.base.signers != NULL) {
		rc = signers_check_tag(st.base.signers, r, id, &who, &why);
		if (rc < 0)
			goto out;
		who = rc > 0 ? arena_strdup(&a, who) : "-";
		rc = 0;
		if (why != NULL)
			violation(&st, st.base.owners, ref, who, "hearth.yaml",
			    why);
		else if (!owners_allows_any(st.base.owners, "hearth.yaml",
		    who))
			violation(&st, st.base.owners, ref, who, "hearth.yaml",
			    N_("a tag (a data release) is signed by a maintainer"));
	}
	if (vr->pusher != NULL && owners_has_users(st.base.owners) &&
	    !owners_allows(st.base.owners, "hearth.yaml", vr->pusher))
		violation(&st, st.base.owners, ref, vr->pusher, "hearth.yaml",
		    N_("a tag (a data release) is pushed by a maintainer"));
out:
	*violations = st.violations;
	rules_clear(&st.base);
	arena_release(&a);
	return rc;
}

void
verify_default(struct repo *r, const char *to, struct verify_range *vr,
    struct arena *a)
{
	struct commit c;
	const char *name;

	memset(vr, 0, sizeof(*vr));
	vr->to = to;
	vr->label = N_("all history");
	if (repo_upstream(r, &c, &name, a) > 0) {
		vr->hide[vr->nhide++] = vr->base = arena_strdup(a, c.id);
		vr->label = arena_printf(a, _("not on %s"), name);
	}
	if (repo_ref_read(r, VERIFIED_REF, &c, a) > 0) {
		vr->hide[vr->nhide++] = arena_strdup(a, c.id);
		if (vr->base == NULL) {
			vr->base = vr->hide[vr->nhide - 1];
			vr->label = N_("since the last verified commit "
			    "(refs/hearth/verified)");
		}
	}
}

int
verify_run(struct repo *r, const struct verify_range *vr, size_t *commits,
    size_t *violations)
{
	const char *hide[sizeof(vr->hide) / sizeof(vr->hide[0]) + 1];
	struct commit base;
	struct arena a;
	struct state st;
	size_t nhide;
	int rc = -1;

	state_init(&st, r, vr, &a);
	*commits = *violations = 0;
	if (repo_shallow(r)) {
		diag_error(NULL, 0, 0, "the repository is shallow: its history "
		    "cannot be verified; fetch it in full (git fetch "
		    "--unshallow)");
		goto out;
	}
	if (repo_resolve(r, vr->base != NULL ? vr->base : vr->to, &base,
	    &a) < 0 || rules_load(&st, base.id, &st.base) < 0)
		goto out;
	memcpy(hide, vr->hide, vr->nhide * sizeof(*hide));
	nhide = vr->nhide;
	if (st.base.owners != NULL && owners_trust(st.base.owners) != NULL) {
		struct commit t;

		if (repo_resolve(r, owners_trust(st.base.owners), &t, &a) < 0) {
			diag_error(OWNERS_PATH, 0, 0, "the \"trust:\" commit "
			    "%s is not in this repository",
			    owners_trust(st.base.owners));
			goto out;
		}
		hide[nhide++] = owners_trust(st.base.owners);
	}
	rc = repo_walk(r, hide, nhide, NULL, 0, vr->to, check, &st, &a);
	if (st.failed)
		rc = -1;
out:
	*commits = st.commits;
	*violations = st.violations;
	rules_clear(&st.base);
	rules_clear(&st.last);
	arena_release(&a);
	return rc;
}
