/*
 * verify: every commit of a range changes only paths its signer owns.
 *
 * A commit is judged against the rules (content/OWNERS and the keys of
 * content/SIGNERS) as they stood in its first parent, so nobody can grant
 * themselves a folder or a key and use it in the same commit.  A root
 * commit, and one whose parent has no OWNERS (a branch from before the
 * rules, an orphan history merged in), is judged against the rules of the
 * range's base: what is already accepted.  Its signer is the principal of
 * the SSH key that signed it (signers.h); without a SIGNERS file, the
 * author's e-mail (which anyone can type; a warning says so).  A merge is
 * judged by what it brings in itself compared with a clean three-way
 * merge of its parents (repo_walk), so a merge that reverts the other
 * side's change is that change.  OWNERS and SIGNERS change only by the
 * site's maintainers: the owners of hearth.yaml.  The history up to the
 * base's "trust:" commit is not judged.
 */
#ifndef HEARTH_VERIFY_H
#define HEARTH_VERIFY_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct repo;

#define VERIFIED_REF	"refs/hearth/verified"

struct verify_range {
	const char	*to;		/* the tip */
	const char	*hide[4];	/* accepted already, with ancestors */
	size_t		 nhide;
	const char	*base;		/* whose rules judge rule-less commits;
					   NULL: to's */
	const char	*pusher;	/* "user:NAME" of the push, or NULL */
	const char	*label;		/* "not on origin/main", for people */
};

/*
 * The range a county needs checked: the commits of `to` not yet on the
 * current branch's upstream (what is published) nor at VERIFIED_REF (the
 * last range found clean), based on the first of them that exists; with
 * neither, all history.  Strings in a.
 */
void	verify_default(struct repo *r, const char *to, struct verify_range *vr,
	    struct arena *a);

/*
 * Check the commits of the range.  Prints each violation on stdout as
 * "<commit> <signer> <path>: <why> (owners: ...)".  *violations and
 * *commits are counted.  Returns 0 when the check ran (violations or not),
 * -1 after reporting an error (a bad revision, an owners file with a
 * syntax error, a shallow repository, ssh-keygen missing).
 */
int	verify_run(struct repo *r, const struct verify_range *vr,
	    size_t *commits, size_t *violations);

/*
 * A tag pushed as ref ("refs/tags/v2.0"), at object id: a tag names a
 * data release, so where the base has SIGNERS it must be an annotated tag
 * signed by a maintainer (an owner of hearth.yaml), and a pusher the
 * server names (and OWNERS lists accounts) must be a maintainer.  Prints
 * and counts violations as verify_run; returns 0, or -1 after reporting.
 */
int	verify_tag(struct repo *r, const struct verify_range *vr,
	    const char *ref, const char *id, size_t *violations);

#endif
