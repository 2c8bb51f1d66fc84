/*
 * repo: the one module that talks to libgit2.
 *
 * A site may be the root of a repository or a folder inside one; `prefix`
 * maps site paths ("content/x.md") to repository paths
 * ("sites/henan/content/x.md").  Everything is read from the object
 * database: building a revision needs no checkout, and the git command is
 * never run.  libgit2 errors are reported once, with libgit2's own words.
 */
#ifndef HEARTH_REPO_H
#define HEARTH_REPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct arena;
struct repo;

/* A commit as the rest of hearth sees it (strings in the caller's arena). */
struct commit {
	char		 id[41];	/* hex */
	const char	*author;	/* name */
	const char	*email;
	const char	*summary;	/* first line of the message */
	time_t		 time;		/* author time */
	size_t		 nparents;
};

/* Stop libgit2 if it was started: it is opened and started when first
 * needed, by repo_open (when dir may be in a repository), repo_open_env,
 * repo_wrap and repo_fetch. */
void	repo_shutdown(void);

/* Open the repository containing dir.  Returns 1 and sets *out, 0 when dir
 * is in no repository, -1 after reporting a broken one. */
int	repo_open(struct repo **out, const char *dir);
void	repo_free(struct repo *r);
/*
 * A stamp of what names the commits of the repository dir is in (HEAD,
 * packed-refs, every file below refs/ and where .git was found), taken
 * without libgit2 (whose start costs a no-op build some 16 ms): while it
 * is the same, so are HEAD and every tag.  false when it cannot tell
 * cheaply (a .git file, a bare repository, a path through a link, a
 * great many refs); *stamp is 0 when dir is in no repository.
 */
bool	repo_refstamp(const char *dir, uint64_t *stamp);
/* Open the repository a git hook runs in, as the environment names it
 * (GIT_DIR and the quarantine of objects being pushed).  Returns 0, or -1
 * after reporting. */
int	repo_open_env(struct repo **out);
/* A repository over a libgit2 one, taken over (repo_free frees it): for
 * repositories made in memory, as the fuzz target does. */
struct git_repository;
struct repo *repo_wrap(struct git_repository *g, const char *where);

/* The repository's git folder (".git/", or the bare repository). */
const char *repo_gitdir(const struct repo *r);

/* The branch HEAD names ("refs/heads/main"), born or not: 1, or 0 when
 * HEAD is detached. */
int	repo_head_branch(struct repo *r, const char **name, struct arena *a);

/* The site's path inside the repository ("" or "a/b/"). */
const char *repo_prefix(const struct repo *r);

/* Is the repository shallow (history cut off)? */
bool	repo_shallow(const struct repo *r);

/* The commit HEAD points at; -1 (not reported) when there is none yet. */
int	repo_head(struct repo *r, struct commit *out, struct arena *a);

/* Resolve a revision (commit id, tag, branch, "HEAD~2", ...) to a commit.
 * Returns 0, or -1 after reporting ("no revision X in DIR"). */
int	repo_resolve(struct repo *r, const char *rev, struct commit *out,
	    struct arena *a);
/* Like repo_resolve for a pinned source: a pin of 4 to 40 hex digits is
 * a commit id (or its prefix) and nothing else, never a branch or tag
 * that happens to have that name. */
int	repo_resolve_pin(struct repo *r, const char *pin, struct commit *out,
	    struct arena *a);

/* Bounds on what one revision may hold (docs/limits.md), checked from
 * object headers before anything is inflated. */
#define REPO_MAX_FILE		(32L * 1024 * 1024)	/* one file */
#define REPO_MAX_TOTAL		(256ULL * 1024 * 1024)	/* all, per entry */
#define REPO_MAX_ENTRIES	1000000			/* files and folders */
#define REPO_MAX_DEPTH		32			/* folders deep */
#define REPO_MAX_COMMIT		(1024 * 1024)		/* a commit object */

/*
 * Call fn for every blob of the commit's tree under the site prefix whose
 * site path starts with one of the roots ("hearth.yaml", "content" ...);
 * with no roots (nroots 0), every blob of the tree, whose paths messages
 * show under mount.  data is valid only during the call.  Symbolic links and
 * submodules are reported as errors.  Returns 0, or -1 after reporting (a
 * missing object in a corrupt repository, fn's own -1).
 */
typedef int (*repo_file_fn)(const char *path, const char *data, size_t len,
    void *ud);
int	repo_files(struct repo *r, const struct commit *c, const char *mount,
	    const char *const *roots, size_t nroots, repo_file_fn fn, void *ud);

/* The contents of one site file at commit id (a malloc'd, NUL-terminated
 * copy).  Returns 1, 0 when the commit has no such file, -1 after
 * reporting. */
int	repo_read(struct repo *r, const char *id, const char *path, char **data,
	    size_t *len);

/* The first parent of commit id, into out; 0, or -1 for a root commit. */
int	repo_parent(struct repo *r, const char *id, struct commit *out,
	    struct arena *a);

/* A commit's signature (the armoured text of its gpgsig header) and the
 * bytes it signs, malloc'd.  Returns 1, 0 for an unsigned commit, -1
 * after reporting (a commit over REPO_MAX_COMMIT bytes is not read). */
int	repo_signature(struct repo *r, const char *id, char **sig,
	    size_t *siglen, char **data, size_t *datalen);

/* Likewise for an annotated tag object id: its armoured signature and the
 * bytes before it.  0 for an unsigned or lightweight tag. */
int	repo_tag_signature(struct repo *r, const char *id, char **sig,
	    size_t *siglen, char **data, size_t *datalen);

/* The commit the current branch's upstream points at ("origin/main" in
 * *name): 1, or 0 when HEAD is detached or the branch has none. */
int	repo_upstream(struct repo *r, struct commit *out, const char **name,
	    struct arena *a);

/* Read a reference ("refs/hearth/verified") to the commit it names: 1, or
 * 0 when there is none. */
int	repo_ref_read(struct repo *r, const char *name, struct commit *out,
	    struct arena *a);
/* Point a reference at commit id (made or moved).  0, or -1 after
 * reporting. */
int	repo_ref_write(struct repo *r, const char *name, const char *id,
	    const char *message);

/* A name for the state of paths (relative to the site) at commit id: the
 * same 40 hex digits exactly when every one of them has the same tree or
 * blob (or is missing) — what a cache of things derived from those paths
 * is keyed by.  Returns 0 or -1 (no such commit). */
int	repo_paths_key(struct repo *r, const char *id, const char *const *paths,
	    size_t npaths, char out[41]);

/* The commit that brought paths to their state at commit id (an entry
 * except, one level below a listed tree, left out): the oldest of the
 * first-parent run ending at id over which that state held, so the same
 * state names the same commit whatever was committed since.  Returns 0,
 * or -1 (no such commit). */
int	repo_since(struct repo *r, const char *id, const char *const *paths,
	    size_t npaths, const char *except, char out[41]);

/* Does the working tree hold exactly HEAD's files under paths (relative
 * to the site): nothing there changed, added, deleted or ignored?  false
 * when that cannot be told. */
bool	repo_worktree_clean(struct repo *r, const char *const *paths,
	    size_t npaths);

/*
 * Walk history from commit `to` back to (not including) the revisions of
 * hide and their ancestors (none: to the root), newest first, in a stable
 * order (time, then topology); a hide entry "refs/..." with a '*' hides
 * every ref it matches.  For each commit fn gets the site paths it
 * changed: for an ordinary commit against its parent, for a root commit
 * everything, for a merge of two the paths where it differs from a clean
 * three-way merge of its parents (what the merge itself brings in: a
 * resolution, an edit, a change reverted; the merged commits are walked
 * too), for a merge of more everything that differs from its first
 * parent.  With names, only the paths below those top-level names of the
 * site are looked at (the others are not read: a repository may hold far
 * more than the site reads).  Returns 0, or -1 after reporting (or fn's
 * -1).
 */
typedef int (*repo_commit_fn)(const struct commit *c, const char *const *paths,
    size_t npaths, void *ud);
int	repo_walk(struct repo *r, const char *const *hide, size_t nhide,
	    const char *const *names, size_t nnames, const char *to,
	    repo_commit_fn fn, void *ud, struct arena *a);

/* Is commit `a` the commit `d` or one of its ancestors? */
bool	repo_contains(struct repo *r, const char *d, const char *a);

/* Tags, sorted by the time of the commits they point at (oldest first),
 * whose names match the fnmatch pattern; names and commits in a. */
size_t	repo_tags(struct repo *r, const char *pattern, const char ***names,
	    struct commit **commits, struct arena *a);

/* Names of the tags pointing at commit c (for the data version). */
const char *repo_tag_at(struct repo *r, const struct commit *c,
	    const char *pattern, struct arena *a);

/* What a fetched repository may take: a county's repository is not to
 * fill the province's disk.  objects: what one fetch may bring, counted
 * from its pack's header before they come; bytes: the cached copy with
 * what comes, counted as it comes. */
struct repo_limits {
	size_t	objects;
	size_t	bytes;
	/* Set when a limit stopped the fetch: which ('o', 'b'), and for
	 * 'o' the objects announced. */
	char	hit;
	size_t	seen;
};

/*
 * Fetch a repository (a local path or a file:// URL) into the cache folder
 * cache (a bare clone, updated on later calls) within lim, and open it.  A
 * cached copy over lim->bytes is fetched afresh.  Returns 0; -2 when a
 * limit stopped it (lim->hit, nothing reported; nothing of this fetch is
 * kept); or -1 after reporting.
 */
int	repo_fetch(struct repo **out, const char *url, const char *cache,
	    struct repo_limits *lim);

#endif
