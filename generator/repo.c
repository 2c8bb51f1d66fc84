/*
 * repo: libgit2 behind a small interface (see repo.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "lazylib.h"
#include "repo.h"
#include "util.h"

/*
 * libgit2 is opened when a repository may be there (lazylib.h): its start
 * maps Kerberos, SSH and mbed TLS (6 ms for an empty program linked to
 * it), and git_libgit2_init reads every CA certificate of the system (10
 * ms more), though a site outside any repository needs none of it.
 */
#define GIT_FNS(X)							\
	X(git_blob_free) X(git_blob_lookup) X(git_blob_rawcontent) \
	X(git_blob_rawsize) X(git_branch_upstream) X(git_buf_dispose) \
	X(git_commit_author) X(git_commit_extract_signature) \
	X(git_commit_free) X(git_commit_id) X(git_commit_lookup) \
	X(git_commit_lookup_prefix) X(git_commit_parent) \
	X(git_commit_parentcount) X(git_commit_summary) X(git_commit_tree) \
	X(git_error_clear) X(git_error_last) X(git_fetch_options_init) \
	X(git_graph_descendant_of) X(git_libgit2_init) \
	X(git_libgit2_shutdown) X(git_merge_base) X(git_merge_file) \
	X(git_merge_file_input_init) X(git_merge_file_result_free) \
	X(git_object_free) X(git_object_peel) X(git_odb_free) \
	X(git_odb_hash) X(git_odb_object_data) X(git_odb_object_free) \
	X(git_odb_object_size) X(git_odb_object_type) X(git_odb_read) \
	X(git_odb_read_header) X(git_oid_cpy) X(git_oid_equal) \
	X(git_oid_fromstr) X(git_oid_fromstrn) X(git_oid_tostr) \
	X(git_reference_create) X(git_reference_free) \
	X(git_reference_is_branch) X(git_reference_lookup) \
	X(git_reference_name_to_id) X(git_reference_shorthand) \
	X(git_reference_symbolic_target) X(git_reference_target) \
	X(git_reference_type) X(git_remote_create_anonymous) \
	X(git_remote_fetch) X(git_remote_free) X(git_repository_free) \
	X(git_repository_head) X(git_repository_init) \
	X(git_repository_is_shallow) X(git_repository_odb) \
	X(git_repository_open_bare) X(git_repository_open_ext) \
	X(git_repository_path) X(git_repository_workdir) \
	X(git_revparse_single) X(git_revwalk_free) X(git_revwalk_hide) \
	X(git_revwalk_hide_glob) X(git_revwalk_new) X(git_revwalk_next) \
	X(git_revwalk_push) X(git_revwalk_sorting) \
	X(git_status_list_entrycount) X(git_status_list_free) \
	X(git_status_list_new) X(git_status_options_init) \
	X(git_strarray_dispose) X(git_tag_list_match) \
	X(git_tree_entry_byindex) X(git_tree_entry_bypath) \
	X(git_tree_entry_cmp) X(git_tree_entry_filemode) \
	X(git_tree_entry_free) X(git_tree_entry_id) X(git_tree_entry_name) \
	X(git_tree_entry_type) X(git_tree_entrycount) X(git_tree_free) \
	X(git_tree_lookup)
LAZYLIB(git, GIT2_SONAME, GIT_FNS)

static pthread_once_t gitonce = PTHREAD_ONCE_INIT;
static bool gitstarted;

static void
gitstart(void)
{
	git_load();
	git.git_libgit2_init();
	gitstarted = true;
}

/* libgit2, opened and started once, before any other call to it. */
static void
gitready(void)
{
	pthread_once(&gitonce, gitstart);
}

struct repo {
	git_repository	*git;
	char		*prefix;	/* "" or "dir/sub/" */
	char		*where;		/* for messages */
};

/* Report libgit2's last error once. */
static int
fail(const char *where, const char *what)
{
	const git_error *e = git.git_error_last();

	diag_error(where, 0, 0, "%s%s%s", _(what), e != NULL ? ": " : "",
	    e != NULL ? e->message : "");
	return -1;
}

void
repo_shutdown(void)
{
	if (gitstarted)
		git.git_libgit2_shutdown();
}

/* Whether dir, or a folder above it, may be in a repository: it has a
 * .git (a folder, a file or a link), or a HEAD, as a repository's own
 * folder does.  A "no" is certain, so libgit2 is asked only after a
 * "maybe"; both the path as given and as resolved are walked, whichever
 * libgit2 takes. */
static bool
walkup(char *p)
{
	static const char *const marks[] = { ".git", "HEAD", NULL };
	char *slash;
	size_t i;
	int fd;

	for (;;) {
		if ((fd = open(*p != '\0' ? p : "/", O_RDONLY | O_DIRECTORY |
		    O_CLOEXEC)) >= 0) {
			for (i = 0; marks[i] != NULL; i++)
				if (faccessat(fd, marks[i], F_OK,
				    AT_SYMLINK_NOFOLLOW) == 0) {
					close(fd);
					return true;
				}
			close(fd);
		} else if (errno != ENOENT && errno != ENOTDIR)
			return true;	/* unreadable: let libgit2 say */
		if ((slash = strrchr(p, '/')) == NULL)
			return false;
		*slash = '\0';
	}
}

static bool
mayberepo(const char *dir)
{
	char abs[PATH_MAX], real[PATH_MAX];

	if (*dir == '/') {
		if (strlen(dir) >= sizeof(abs))
			return true;
		strcpy(abs, dir);
	} else if (getcwd(abs, sizeof(abs)) == NULL ||
	    strlen(abs) + strlen(dir) + 2 > sizeof(abs))
		return true;
	else {
		strcat(abs, "/");
		strcat(abs, dir);
	}
	/* Resolved first: walkup cuts its path as it climbs.  Most paths
	 * resolve to themselves, and are walked once. */
	if (realpath(dir, real) == NULL)
		return true;
	return (strcmp(real, abs) != 0 && walkup(real)) || walkup(abs);
}

/* Mix a stat of what names commits into *h: which entry, and its inode,
 * size, mode, owner and both times (git renames a new file over a ref it
 * changes, so each of these moves with it); 0 when it is not there. */
static void
refmix(uint64_t *h, int at, const char *name)
{
	struct stat st;
	uint64_t v = 0;

	/* Chained, not xored: a file's two times are most often equal. */
	if (fstatat(at, name, &st, 0) == 0) {
		v = hash_mix64((uint64_t)st.st_ino + 1);
		v = hash_mix64(v ^ (uint64_t)st.st_size ^
		    ((uint64_t)st.st_mode << 40) ^ ((uint64_t)st.st_uid << 20));
		v = hash_mix64(v ^ ((uint64_t)st.st_mtim.tv_sec * 1000000000ULL +
		    (uint64_t)st.st_mtim.tv_nsec));
		v = hash_mix64(v ^ ((uint64_t)st.st_ctim.tv_sec * 1000000000ULL +
		    (uint64_t)st.st_ctim.tv_nsec));
	}
	*h = hash_mix64(*h ^ hash_str(name, strlen(name)) ^ v);
}

/* Every entry below refs/ (the folder open at fd, which this closes), by
 * name and stat; false past *budget entries or a folder too deep. */
static bool
refwalk(uint64_t *h, int fd, int depth, size_t *budget)
{
	struct dirent *de;
	bool ok = true;
	DIR *d;

	if (depth > 16 || (d = fdopendir(fd)) == NULL) {
		close(fd);
		return false;
	}
	/* The sum does not depend on the listing's order. */
	while (ok && (de = readdir(d)) != NULL) {
		uint64_t e = 0;
		int sub;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if ((*budget)-- == 0)
			ok = false;
		refmix(&e, dirfd(d), de->d_name);
		if (ok && (sub = openat(dirfd(d), de->d_name, O_RDONLY |
		    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) >= 0) {
			e = hash_mix64(e ^ 0x2f);
			ok = refwalk(&e, sub, depth + 1, budget);
		} else if (ok && errno != ENOTDIR)
			ok = false;
		*h += e;
	}
	closedir(d);
	return ok;
}

bool
repo_refstamp(const char *dir, uint64_t *stamp)
{
	char real[PATH_MAX];
	size_t budget = 4096;
	uint64_t h = 0x68656172746872ULL;
	struct stat st;
	char *slash;
	bool ok = false;
	int fd, gd;

	*stamp = 0;
	/* libgit2 climbs the resolved path (git_repository_open_ext). */
	if (realpath(dir, real) == NULL)
		return false;
	for (;;) {
		if ((fd = open(*real != '\0' ? real : "/", O_RDONLY |
		    O_DIRECTORY | O_CLOEXEC)) < 0 || fstat(fd, &st) < 0) {
			if (fd >= 0)
				close(fd);
			return false;
		}
		/* libgit2 does not climb onto another file system. */
		h = hash_mix64(h ^ (uint64_t)st.st_dev);
		if (faccessat(fd, "HEAD", F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
			close(fd);
			return false;	/* perhaps a bare repository */
		}
		if (fstatat(fd, ".git", &st, AT_SYMLINK_NOFOLLOW) == 0)
			break;
		close(fd);
		if ((slash = strrchr(real, '/')) == NULL)
			return true;	/* none: *stamp stays 0 */
		*slash = '\0';
	}
	/* A .git file (a linked worktree, a submodule), a link, or a folder
	 * someone else owns (libgit2 checks the owner): left to libgit2. */
	if (S_ISDIR(st.st_mode) && st.st_uid == geteuid() &&
	    (gd = openat(fd, ".git", O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) >= 0) {
		if (faccessat(gd, "commondir", F_OK, AT_SYMLINK_NOFOLLOW) != 0) {
			int refs;

			/* Which .git, not its times: git writes its index
			 * there (git status, an editor's view of git). */
			h = hash_mix64(h ^ (uint64_t)st.st_ino);
			refmix(&h, gd, "HEAD");
			refmix(&h, gd, "packed-refs");
			refmix(&h, gd, "config");
			if ((refs = openat(gd, "refs", O_RDONLY | O_DIRECTORY |
			    O_NOFOLLOW | O_CLOEXEC)) >= 0)
				ok = refwalk(&h, refs, 0, &budget);
		}
		close(gd);
	}
	close(fd);
	*stamp = h | 1;
	return ok;
}

int
repo_open(struct repo **out, const char *dir)
{
	git_repository *g = NULL;
	char real[PATH_MAX], wd[PATH_MAX];
	const char *workdir;
	struct repo *r;
	int rc;

	*out = NULL;
	if (!mayberepo(dir))
		return 0;
	gitready();
	rc = git.git_repository_open_ext(&g, dir, 0, NULL);
	if (rc == GIT_ENOTFOUND)
		return 0;
	if (rc < 0)
		return fail(dir, "cannot open the git repository");
	workdir = git.git_repository_workdir(g);
	r = xcalloc(1, sizeof(*r));
	r->git = g;
	r->where = xstrdup(dir);
	r->prefix = xstrdup("");
	if (workdir != NULL && realpath(dir, real) != NULL &&
	    realpath(workdir, wd) != NULL) {
		size_t n = strlen(wd);

		if (strncmp(real, wd, n) == 0 && real[n] == '/') {
			free(r->prefix);
			r->prefix = xmalloc(strlen(real + n + 1) + 2);
			sprintf(r->prefix, "%s/", real + n + 1);
		}
	}
	*out = r;
	return 1;
}

int
repo_open_env(struct repo **out)
{
	git_repository *g = NULL;
	struct repo *r;

	gitready();
	/* GIT_DIR, and the quarantine a receiving git sets up for a hook
	 * (GIT_OBJECT_DIRECTORY, GIT_ALTERNATE_OBJECT_DIRECTORIES), so the
	 * pushed objects are readable before they are accepted. */
	*out = NULL;
	if (git.git_repository_open_ext(&g, NULL, GIT_REPOSITORY_OPEN_FROM_ENV,
	    NULL) < 0)
		return fail(".", "cannot open the git repository");
	r = xcalloc(1, sizeof(*r));
	r->git = g;
	r->where = xstrdup(git.git_repository_path(g));
	r->prefix = xstrdup("");
	*out = r;
	return 0;
}

struct repo *
repo_wrap(struct git_repository *g, const char *where)
{
	struct repo *r = xcalloc(1, sizeof(*r));

	gitready();
	r->git = g;
	r->prefix = xstrdup("");
	r->where = xstrdup(where);
	return r;
}

void
repo_free(struct repo *r)
{
	if (r == NULL)
		return;
	git.git_repository_free(r->git);
	free(r->prefix);
	free(r->where);
	free(r);
}

const char *
repo_gitdir(const struct repo *r)
{
	return git.git_repository_path(r->git);
}

int
repo_head_branch(struct repo *r, const char **name, struct arena *a)
{
	git_reference *head = NULL;
	int rc = 0;

	/* HEAD may name a branch that has no commit yet. */
	if (git.git_reference_lookup(&head, r->git, "HEAD") == 0 &&
	    git.git_reference_type(head) == GIT_REFERENCE_SYMBOLIC) {
		*name = arena_strdup(a,
		    git.git_reference_symbolic_target(head));
		rc = 1;
	}
	git.git_error_clear();
	git.git_reference_free(head);
	return rc;
}

const char *
repo_prefix(const struct repo *r)
{
	return r->prefix;
}

bool
repo_shallow(const struct repo *r)
{
	return git.git_repository_is_shallow(r->git) == 1;
}

static void
fill(struct commit *out, git_commit *c, struct arena *a)
{
	const git_signature *s = git.git_commit_author(c);
	const char *sum = git.git_commit_summary(c);

	git.git_oid_tostr(out->id, sizeof(out->id), git.git_commit_id(c));
	out->author = arena_strdup(a, s != NULL && s->name ? s->name : "");
	out->email = arena_strdup(a, s != NULL && s->email ? s->email : "");
	out->summary = arena_strdup(a, sum != NULL ? sum : "");
	out->time = s != NULL ? (time_t)s->when.time : 0;
	out->nparents = git.git_commit_parentcount(c);
}

static int
lookup(struct repo *r, const char *rev, git_commit **out)
{
	git_object *obj = NULL, *peeled = NULL;

	if (git.git_revparse_single(&obj, r->git, rev) < 0) {
		diag_error(r->where, 0, 0, "no revision \"%s\" in this "
		    "repository", rev);
		return -1;
	}
	if (git.git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) < 0) {
		git.git_object_free(obj);
		diag_error(r->where, 0, 0, "revision \"%s\" is not a commit",
		    rev);
		return -1;
	}
	git.git_object_free(obj);
	*out = (git_commit *)peeled;
	return 0;
}

int
repo_head(struct repo *r, struct commit *out, struct arena *a)
{
	git_reference *ref = NULL;
	git_commit *c = NULL;

	if (git.git_repository_head(&ref, r->git) < 0 ||
	    git.git_commit_lookup(&c, r->git,
	    git.git_reference_target(ref)) < 0) {
		git.git_reference_free(ref);
		git.git_error_clear();
		return -1;
	}
	fill(out, c, a);
	git.git_commit_free(c);
	git.git_reference_free(ref);
	return 0;
}

int
repo_resolve(struct repo *r, const char *rev, struct commit *out,
    struct arena *a)
{
	git_commit *c;

	if (lookup(r, rev, &c) < 0)
		return -1;
	fill(out, c, a);
	git.git_commit_free(c);
	return 0;
}

int
repo_resolve_pin(struct repo *r, const char *pin, struct commit *out,
    struct arena *a)
{
	size_t n = strlen(pin);
	git_oid oid;
	git_commit *c;

	if (n < 4 || n > 40 || strspn(pin, "0123456789abcdefABCDEF") != n)
		return repo_resolve(r, pin, out, a);
	/* Only a commit: a branch or tag named like the id (which the
	 * repository's owner can make) must not win over it. */
	if (git.git_oid_fromstrn(&oid, pin, n) < 0 ||
	    git.git_commit_lookup_prefix(&c, r->git, &oid, n) < 0) {
		diag_error(r->where, 0, 0, "no commit %s in this repository "
		    "(a pin that looks like a commit id is read only as one): "
		    "%s", pin, git.git_error_last() != NULL ?
		    git.git_error_last()->message : "not found");
		git.git_error_clear();
		return -1;
	}
	fill(out, c, a);
	git.git_commit_free(c);
	return 0;
}

int
repo_read(struct repo *r, const char *id, const char *path, char **data,
    size_t *len)
{
	git_oid oid;
	git_commit *c = NULL;
	git_tree *tree = NULL;
	git_tree_entry *e = NULL;
	git_blob *blob = NULL;
	git_odb *odb = NULL;
	git_object_t type;
	size_t size;
	char full[PATH_MAX];
	int rc = -1;

	snprintf(full, sizeof(full), "%s%s", r->prefix, path);
	if (git.git_oid_fromstr(&oid, id) < 0 ||
	    git.git_commit_lookup(&c, r->git, &oid) < 0 ||
	    git.git_commit_tree(&tree, c) < 0) {
		fail(r->where, "cannot read a commit");
		goto out;
	}
	if (git.git_tree_entry_bypath(&e, tree, full) < 0 ||
	    git.git_tree_entry_type(e) != GIT_OBJECT_BLOB) {
		git.git_error_clear();
		rc = 0;
		goto out;
	}
	if (git.git_repository_odb(&odb, r->git) < 0 ||
	    git.git_odb_read_header(&size, &type, odb,
	    git.git_tree_entry_id(e)) < 0 ||
	    size > REPO_MAX_FILE) {
		diag_error(path, 0, 0, "file is over the limit of 32 MiB, or "
		    "unreadable (it was not read)");
		git.git_error_clear();
		goto out;
	}
	if (git.git_blob_lookup(&blob, r->git, git.git_tree_entry_id(e)) < 0) {
		fail(path, "cannot read the object");
		goto out;
	}
	*len = (size_t)git.git_blob_rawsize(blob);
	*data = xmalloc(*len + 1);
	memcpy(*data, git.git_blob_rawcontent(blob), *len);
	(*data)[*len] = '\0';
	rc = 1;
out:
	git.git_odb_free(odb);
	git.git_blob_free(blob);
	git.git_tree_entry_free(e);
	git.git_tree_free(tree);
	git.git_commit_free(c);
	return rc;
}

int
repo_parent(struct repo *r, const char *id, struct commit *out,
    struct arena *a)
{
	git_oid oid;
	git_commit *c = NULL, *p = NULL;
	int rc = -1;

	if (git.git_oid_fromstr(&oid, id) == 0 &&
	    git.git_commit_lookup(&c, r->git, &oid) == 0 &&
	    git.git_commit_parentcount(c) > 0 &&
	    git.git_commit_parent(&p, c, 0) == 0) {
		fill(out, p, a);
		rc = 0;
	}
	git.git_error_clear();
	git.git_commit_free(p);
	git.git_commit_free(c);
	return rc;
}

int
repo_signature(struct repo *r, const char *id, char **sig, size_t *siglen,
    char **data, size_t *datalen)
{
	git_buf s = GIT_BUF_INIT, d = GIT_BUF_INIT;
	git_odb *odb = NULL;
	git_object_t type;
	git_oid oid;
	size_t size = 0;
	int rc;

	*sig = *data = NULL;
	*siglen = *datalen = 0;
	if (git.git_oid_fromstr(&oid, id) < 0 ||
	    git.git_repository_odb(&odb, r->git) < 0 ||
	    git.git_odb_read_header(&size, &type, odb, &oid) < 0) {
		git.git_odb_free(odb);
		return fail(r->where, "cannot read a commit");
	}
	git.git_odb_free(odb);
	if (size > REPO_MAX_COMMIT) {
		diag_error(r->where, 0, 0, "commit %.12s is %zu bytes, over the "
		    "limit of %d for a commit", id, size, REPO_MAX_COMMIT);
		return -1;
	}
	rc = git.git_commit_extract_signature(&s, &d, r->git, &oid, NULL);
	if (rc == GIT_ENOTFOUND) {
		git.git_error_clear();
		return 0;
	}
	if (rc < 0)
		return fail(r->where, "cannot read a commit's signature");
	*siglen = s.size;
	*sig = xstrndup(s.ptr, s.size);
	*datalen = d.size;
	*data = xmalloc(d.size + 1);
	memcpy(*data, d.ptr, d.size);
	(*data)[d.size] = '\0';
	git.git_buf_dispose(&s);
	git.git_buf_dispose(&d);
	return 1;
}

int
repo_tag_signature(struct repo *r, const char *id, char **sig, size_t *siglen,
    char **data, size_t *datalen)
{
	static const char mark[] = "\n-----BEGIN ";
	git_odb *odb = NULL;
	git_odb_object *obj = NULL;
	const char *raw, *p, *start = NULL;
	git_oid oid;
	size_t size;
	int rc = -1;

	*sig = *data = NULL;
	*siglen = *datalen = 0;
	if (git.git_oid_fromstr(&oid, id) < 0 ||
	    git.git_repository_odb(&odb, r->git) < 0) {
		fail(r->where, "cannot read a tag");
		goto out;
	}
	if (git.git_odb_read_header(&size, &(git_object_t){ 0 }, odb,
	    &oid) < 0 ||
	    size > REPO_MAX_COMMIT) {
		diag_error(r->where, 0, 0, "object %.12s is unreadable or over "
		    "the limit of %d bytes", id, REPO_MAX_COMMIT);
		git.git_error_clear();
		goto out;
	}
	if (git.git_odb_read(&obj, odb, &oid) < 0) {
		fail(r->where, "cannot read a tag");
		goto out;
	}
	rc = 0;
	if (git.git_odb_object_type(obj) != GIT_OBJECT_TAG)
		goto out;	/* a lightweight tag: nothing signed */
	raw = git.git_odb_object_data(obj);
	size = git.git_odb_object_size(obj);
	/* As git does: the signature is the last armoured block of the
	 * message; what precedes it is what was signed. */
	for (p = raw; (p = memmem(p, size - (size_t)(p - raw), mark,
	    sizeof(mark) - 1)) != NULL; p++)
		start = p + 1;
	if (start == NULL)
		goto out;
	*datalen = (size_t)(start - raw);
	*data = xstrndup(raw, *datalen);
	*siglen = size - *datalen;
	*sig = xstrndup(start, *siglen);
	rc = 1;
out:
	git.git_odb_object_free(obj);
	git.git_odb_free(odb);
	return rc;
}

int
repo_upstream(struct repo *r, struct commit *out, const char **name,
    struct arena *a)
{
	git_reference *head = NULL, *up = NULL;
	git_commit *c = NULL;
	int rc = 0;

	if (git.git_repository_head(&head, r->git) == 0 &&
	    git.git_reference_is_branch(head) &&
	    git.git_branch_upstream(&up, head) == 0 &&
	    git.git_commit_lookup(&c, r->git,
	    git.git_reference_target(up)) == 0) {
		fill(out, c, a);
		*name = arena_strdup(a, git.git_reference_shorthand(up));
		rc = 1;
	}
	git.git_error_clear();
	git.git_commit_free(c);
	git.git_reference_free(up);
	git.git_reference_free(head);
	return rc;
}

int
repo_ref_read(struct repo *r, const char *name, struct commit *out,
    struct arena *a)
{
	git_oid oid;
	git_commit *c = NULL;
	int rc = 0;

	if (git.git_reference_name_to_id(&oid, r->git, name) == 0 &&
	    git.git_commit_lookup(&c, r->git, &oid) == 0) {
		fill(out, c, a);
		rc = 1;
	}
	git.git_error_clear();
	git.git_commit_free(c);
	return rc;
}

int
repo_ref_write(struct repo *r, const char *name, const char *id,
    const char *message)
{
	git_reference *ref = NULL;
	git_oid oid;

	if (git.git_oid_fromstr(&oid, id) < 0 ||
	    git.git_reference_create(&ref, r->git, name, &oid, 1, message) < 0)
		return fail(r->where, "cannot write a reference");
	git.git_reference_free(ref);
	return 0;
}

/* The key of paths in tree t (repo_paths_key); an entry of a listed tree
 * named by except ("content/news", one level below a listed path) is left
 * out of that tree's state. */
static int
treekey(struct repo *r, git_tree *t, const char *const *paths, size_t npaths,
    const char *except, git_oid *out)
{
	struct buf text;
	size_t i, j, plen;
	int rc;

	buf_init(&text);
	/* "path id" lines, hashed as a blob would be: a name for exactly
	 * these trees, whatever else the commit changed. */
	for (i = 0; i < npaths; i++) {
		git_tree_entry *e = NULL;
		git_tree *sub = NULL;
		char path[4096], hex[GIT_OID_HEXSZ + 1] = "-";

		snprintf(path, sizeof(path), "%s%s", r->prefix, paths[i]);
		if (git.git_tree_entry_bypath(&e, t, path) == 0)
			git.git_oid_tostr(hex, sizeof(hex),
			    git.git_tree_entry_id(e));
		plen = strlen(paths[i]);
		if (e != NULL && except != NULL &&
		    strncmp(except, paths[i], plen) == 0 &&
		    except[plen] == '/' &&
		    git.git_tree_entry_type(e) == GIT_OBJECT_TREE &&
		    git.git_tree_lookup(&sub, r->git,
		    git.git_tree_entry_id(e)) == 0) {
			/* Its entries one by one, but the one left out. */
			for (j = 0; j < git.git_tree_entrycount(sub); j++) {
				const git_tree_entry *c =
				    git.git_tree_entry_byindex(sub, j);

				if (strcmp(git.git_tree_entry_name(c),
				    except + plen + 1) == 0)
					continue;
				git.git_oid_tostr(hex, sizeof(hex),
				    git.git_tree_entry_id(c));
				buf_printf(&text, "%s/%s %s\n", paths[i],
				    git.git_tree_entry_name(c), hex);
			}
			git.git_tree_free(sub);
		} else
			buf_printf(&text, "%s %s\n", paths[i], hex);
		git.git_tree_entry_free(e);
	}
	rc = git.git_odb_hash(out, text.data != NULL ? text.data : "", text.len,
	    GIT_OBJECT_BLOB);
	buf_release(&text);
	return rc;
}

int
repo_paths_key(struct repo *r, const char *id, const char *const *paths,
    size_t npaths, char out[41])
{
	git_oid oid, sum;
	git_commit *c = NULL;
	git_tree *t = NULL;
	int rc = -1;

	if (git.git_oid_fromstr(&oid, id) == 0 &&
	    git.git_commit_lookup(&c, r->git, &oid) == 0 &&
	    git.git_commit_tree(&t, c) == 0 &&
	    treekey(r, t, paths, npaths, NULL, &sum) == 0) {
		git.git_oid_tostr(out, 41, &sum);
		rc = 0;
	}
	git.git_error_clear();
	git.git_tree_free(t);
	git.git_commit_free(c);
	return rc;
}

int
repo_since(struct repo *r, const char *id, const char *const *paths,
    size_t npaths, const char *except, char out[41])
{
	git_oid oid, want, key;
	git_commit *c = NULL, *p = NULL;
	git_tree *t = NULL;
	int rc = -1;

	if (git.git_oid_fromstr(&oid, id) < 0 ||
	    git.git_commit_lookup(&c, r->git, &oid) < 0 ||
	    git.git_commit_tree(&t, c) < 0 ||
	    treekey(r, t, paths, npaths, except, &want) < 0)
		goto done;
	/* Back along first parents while the state is the same.  A shallow
	 * repository's history ends where its parents are missing. */
	while (git.git_commit_parentcount(c) > 0 &&
	    git.git_commit_parent(&p, c, 0) == 0) {
		git.git_tree_free(t);
		t = NULL;
		if (git.git_commit_tree(&t, p) < 0 ||
		    treekey(r, t, paths, npaths, except, &key) < 0 ||
		    !git.git_oid_equal(&key, &want))
			break;
		git.git_commit_free(c);
		c = p;
		p = NULL;
	}
	git.git_oid_tostr(out, 41, git.git_commit_id(c));
	rc = 0;
done:
	git.git_error_clear();
	git.git_commit_free(p);
	git.git_tree_free(t);
	git.git_commit_free(c);
	return rc;
}

bool
repo_worktree_clean(struct repo *r, const char *const *paths, size_t npaths)
{
	git_status_options o;
	git_status_list *list = NULL;
	char **spec = xcalloc(npaths + 1, sizeof(*spec));
	bool clean = false;
	size_t i;

	for (i = 0; i < npaths; i++) {
		spec[i] = xmalloc(strlen(r->prefix) + strlen(paths[i]) + 1);
		sprintf(spec[i], "%s%s", r->prefix, paths[i]);
	}
	/* Ignored files count: the site reads every file of its folders.
	 * The paths are literal: as patterns, libgit2 would look at every
	 * file of the repository and of the working tree and match each
	 * (an output tree committed beside the site took 2 s); as a list,
	 * it reads those folders alone. */
	if (git.git_status_options_init(&o, GIT_STATUS_OPTIONS_VERSION) == 0) {
		o.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
		o.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED |
		    GIT_STATUS_OPT_INCLUDE_IGNORED |
		    GIT_STATUS_OPT_DISABLE_PATHSPEC_MATCH;
		o.pathspec.strings = spec;
		o.pathspec.count = npaths;
		if (git.git_status_list_new(&list, r->git, &o) == 0)
			clean = git.git_status_list_entrycount(list) == 0;
	}
	git.git_error_clear();
	git.git_status_list_free(list);
	for (i = 0; i < npaths; i++)
		free(spec[i]);
	free(spec);
	return clean;
}

/* ==== files of a tree ==================================================== */

/*
 * A revision is read with bounds checked before anything is inflated: an
 * object's size comes from its header (git_odb_read_header), so a 1 GiB
 * blob that compresses to a megabyte is refused unread; the walk is our
 * own, iterative, so a tree nested 100,000 deep cannot overflow the stack;
 * and the bytes of all files, counted at every entry that names them, are
 * bounded, so one big blob named by a hundred entries cannot fill memory.
 */
struct frame {
	git_tree	*tree;
	size_t		 next;		/* entry to visit */
	char		*dir;		/* "root/a/b" of this tree */
	int		 depth;
};

struct treewalk {
	struct repo	*r;
	git_odb		*odb;
	repo_file_fn	 fn;
	void		*ud;
	size_t		 strip;		/* bytes of the mount in paths */
	size_t		 entries;
	unsigned long long bytes;
	int		 rc;
};

/* The size and type of an object, from its header only. */
static int
header(struct treewalk *w, const git_oid *id, size_t *size,
    git_object_t *type)
{
	if (git.git_odb_read_header(size, type, w->odb, id) < 0) {
		git.git_error_clear();
		return -1;
	}
	return 0;
}

static void
blobentry(struct treewalk *w, const char *path, const git_tree_entry *e)
{
	size_t size;
	git_object_t type;
	git_blob *blob;

	if (header(w, git.git_tree_entry_id(e), &size, &type) < 0 ||
	    type != GIT_OBJECT_BLOB) {
		w->rc = fail(path, "cannot read the object");
		return;
	}
	if (size > REPO_MAX_FILE) {
		diag_error(path, 0, 0, "file is %zu bytes, over the limit of "
		    "32 MiB (it was not read)", size);
		w->rc = -1;
		return;
	}
	if ((w->bytes += size) > REPO_MAX_TOTAL) {
		diag_error(path, 0, 0, "the revision's files total more than "
		    "%d MiB, counting each file where the tree names it (one "
		    "big file named many times?); reading stopped here",
		    (int)(REPO_MAX_TOTAL >> 20));
		w->rc = -1;
		return;
	}
	if (git.git_blob_lookup(&blob, w->r->git,
	    git.git_tree_entry_id(e)) < 0) {
		w->rc = fail(path, "cannot read the object");
		return;
	}
	if (w->fn(path + w->strip, git.git_blob_rawcontent(blob),
	    (size_t)git.git_blob_rawsize(blob), w->ud) < 0)
		w->rc = -1;
	git.git_blob_free(blob);
}

/* Every file under tree (whose site path is root), depth first in the
 * tree's order, without recursion; the walk stops at the first bound
 * crossed (reported at its path). */
static void
walktree(struct treewalk *w, git_tree *top, const char *root)
{
	struct frame *st = NULL;
	size_t n = 0, cap = 0;
	char path[PATH_MAX];

	xgrow(&st, &cap, 1, sizeof(*st));
	st[n++] = (struct frame){ top, 0, xstrdup(root), 0 };
	while (n > 0 && w->rc == 0) {
		struct frame *f = &st[n - 1];
		const git_tree_entry *e;
		git_filemode_t mode;
		const char *name;
		git_tree *sub;

		if (f->next >= git.git_tree_entrycount(f->tree)) {
			if (f->tree != top)
				git.git_tree_free(f->tree);
			free(f->dir);
			n--;
			continue;
		}
		e = git.git_tree_entry_byindex(f->tree, f->next++);
		name = git.git_tree_entry_name(e);
		mode = git.git_tree_entry_filemode(e);
		if (name[0] == '.')
			continue;	/* hidden: skipped, never read */
		if (snprintf(path, sizeof(path), "%s%s%s", f->dir,
		    *f->dir ? "/" : "", name) >= (int)sizeof(path)) {
			diag_error(f->dir, 0, 0, "path too long");
			w->rc = -1;
			break;
		}
		if (++w->entries > REPO_MAX_ENTRIES) {
			diag_error(path, 0, 0, "the revision has more than %d "
			    "files and folders; reading stopped here",
			    REPO_MAX_ENTRIES);
			w->rc = -1;
			break;
		}
		if (mode == GIT_FILEMODE_LINK || mode == GIT_FILEMODE_COMMIT) {
			diag_error(path, 0, 0, "%s cannot be built from a git "
			    "revision", mode == GIT_FILEMODE_LINK ? "a symbolic "
			    "link" : "a submodule");
			w->rc = -1;
			continue;
		}
		if (mode != GIT_FILEMODE_TREE) {
			blobentry(w, path, e);
			continue;
		}
		if (f->depth + 1 > REPO_MAX_DEPTH) {
			diag_error(path, 0, 0, "directories nested too deeply");
			w->rc = -1;
			break;
		}
		if (git.git_tree_lookup(&sub, w->r->git,
		    git.git_tree_entry_id(e)) < 0) {
			w->rc = fail(path, "cannot read the tree");
			break;
		}
		xgrow(&st, &cap, n + 1, sizeof(*st));
		st[n] = (struct frame){ sub, 0, xstrdup(path), st[n - 1].depth +
		    1 };
		n++;
	}
	while (n > 0) {		/* stopped early: free what is left */
		n--;
		if (st[n].tree != top)
			git.git_tree_free(st[n].tree);
		free(st[n].dir);
	}
	free(st);
}

int
repo_files(struct repo *r, const struct commit *c, const char *mount,
    const char *const *roots, size_t nroots, repo_file_fn fn, void *ud)
{
	git_commit *gc = NULL;
	git_tree *tree = NULL, *sub;
	git_tree_entry *e;
	git_oid oid;
	char path[PATH_MAX];
	struct treewalk w;
	size_t i;
	int rc = -1;

	memset(&w, 0, sizeof(w));
	w.r = r;
	w.fn = fn;
	w.ud = ud;
	if (git.git_repository_odb(&w.odb, r->git) < 0 ||
	    git.git_oid_fromstr(&oid, c->id) < 0 ||
	    git.git_commit_lookup(&gc, r->git, &oid) < 0 ||
	    git.git_commit_tree(&tree, gc) < 0) {
		fail(r->where, "cannot read the commit's tree");
		goto out;
	}
	if (nroots == 0) {
		/* Messages name the site path (mount and all); fn gets the
		 * path inside the tree. */
		char root[PATH_MAX];

		snprintf(root, sizeof(root), "%.*s", (int)(strlen(mount) > 0 &&
		    mount[strlen(mount) - 1] == '/' ? strlen(mount) - 1 :
		    strlen(mount)), mount);
		w.strip = *root != '\0' ? strlen(root) + 1 : 0;
		walktree(&w, tree, root);
	}
	for (i = 0; i < nroots && w.rc == 0; i++) {
		snprintf(path, sizeof(path), "%s%s", r->prefix, roots[i]);
		if (git.git_tree_entry_bypath(&e, tree, path) < 0) {
			git.git_error_clear();
			continue;	/* a site may lack plugins/, say */
		}
		if (git.git_tree_entry_type(e) == GIT_OBJECT_BLOB)
			blobentry(&w, roots[i], e);
		else if (git.git_tree_entry_type(e) == GIT_OBJECT_TREE) {
			if (git.git_tree_lookup(&sub, r->git,
			    git.git_tree_entry_id(e)) < 0)
				w.rc = fail(roots[i], "cannot read the tree");
			else {
				walktree(&w, sub, roots[i]);
				git.git_tree_free(sub);
			}
		}
		git.git_tree_entry_free(e);
	}
	rc = w.rc;
out:
	git.git_odb_free(w.odb);
	git.git_tree_free(tree);
	git.git_commit_free(gc);
	return rc;
}

/* ==== history ============================================================ */

struct pathset {
	char		**v;
	size_t		 n, cap;
};

static void
addpath(struct pathset *s, const char *p)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i], p) == 0)
			return;
	xgrow(&s->v, &s->cap, s->n + 1, sizeof(*s->v));
	s->v[s->n++] = xstrdup(p);
}

static void
clearpaths(struct pathset *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static int
cmpstr(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static void
pushpath(struct pathset *s, const char *p)
{
	xgrow(&s->v, &s->cap, s->n + 1, sizeof(*s->v));
	s->v[s->n++] = xstrdup(p);
}

/* The top-level names of the site a walk looks at (names NULL: all). */
struct scope {
	const char *const *names;
	size_t		 n;
};

static bool
inscope(const struct scope *sc, const char *name)
{
	size_t i;

	if (sc == NULL || sc->names == NULL)
		return true;
	for (i = 0; i < sc->n; i++)
		if (strcmp(sc->names[i], name) == 0)
			return true;
	return false;
}

/*
 * The paths that differ between trees a and b (either may be NULL), under
 * path, into out.  Our own walk rather than git_diff_tree_to_tree, which
 * follows a hostile tree 100,000 folders down (a minute and 10 GB): it
 * descends only where the ids differ, at most REPO_MAX_DEPTH folders deep
 * (a deeper change is reported as the folder at the limit, which no site
 * file can be, but whose owner verify still judges), and gives up after
 * REPO_MAX_ENTRIES entries.  At the top, only the names of sc are looked at.
 */
static int
treediff(struct repo *r, git_tree *a, git_tree *b, struct buf *path,
    int depth, const struct scope *sc, struct pathset *out, size_t *budget)
{
	size_t na = a != NULL ? git.git_tree_entrycount(a) : 0;
	size_t nb = b != NULL ? git.git_tree_entrycount(b) : 0;
	size_t i = 0, j = 0, mark = path->len;
	int rc = 0;

	if (depth > REPO_MAX_DEPTH) {
		pushpath(out, path->data);
		return 0;
	}
	while (rc == 0 && (i < na || j < nb)) {
		const git_tree_entry *ea = i < na ?
		    git.git_tree_entry_byindex(a, i) : NULL;
		const git_tree_entry *eb = j < nb ?
		    git.git_tree_entry_byindex(b, j) : NULL;
		/* In git's order (a folder sorts as if its name ended in
		 * '/'), the order the entries are stored in. */
		int c = ea == NULL ? 1 : eb == NULL ? -1 :
		    git.git_tree_entry_cmp(ea, eb);
		const git_tree_entry *e = c <= 0 ? ea : eb;
		git_tree *ta = NULL, *tb = NULL;
		bool dira, dirb;

		if ((*budget)-- == 0) {
			diag_error(r->where, 0, 0, "the trees of a commit hold "
			    "more than %d entries", REPO_MAX_ENTRIES);
			return -1;
		}
		if (c < 0)
			i++, eb = NULL;
		else if (c > 0)
			j++, ea = NULL;
		else
			i++, j++;
		if (depth == 1 && !inscope(sc, git.git_tree_entry_name(e)))
			continue;
		if (ea != NULL && eb != NULL) {
			if (git.git_oid_equal(git.git_tree_entry_id(ea),
			    git.git_tree_entry_id(eb)) &&
			    git.git_tree_entry_filemode(ea) ==
			    git.git_tree_entry_filemode(eb))
				continue;
		}
		path->len = mark;
		buf_printf(path, "%s%s", mark > 0 ? "/" : "",
		    git.git_tree_entry_name(e));
		dira = ea != NULL &&
		    git.git_tree_entry_type(ea) == GIT_OBJECT_TREE;
		dirb = eb != NULL &&
		    git.git_tree_entry_type(eb) == GIT_OBJECT_TREE;
		if ((ea != NULL && !dira) || (eb != NULL && !dirb))
			pushpath(out, path->data);	/* a file, either side */
		if (!dira && !dirb)
			continue;
		if ((dira && git.git_tree_lookup(&ta, r->git,
		    git.git_tree_entry_id(ea)) < 0) || (dirb &&
		    git.git_tree_lookup(&tb, r->git,
		    git.git_tree_entry_id(eb)) < 0))
			rc = fail(r->where, "cannot read a tree of a commit");
		else
			rc = treediff(r, ta, tb, path, depth + 1, sc, out,
			    budget);
		git.git_tree_free(ta);
		git.git_tree_free(tb);
	}
	path->len = mark;
	if (path->data != NULL)
		path->data[mark] = '\0';
	return rc;
}

/* The site's folder (the repository's prefix) of a commit's tree: the
 * tree itself, another tree, or NULL when it has none. */
static git_tree *
sitetree(struct repo *r, git_tree *root)
{
	git_tree_entry *e = NULL;
	git_tree *t = NULL;
	size_t plen = strlen(r->prefix);
	char *dir;

	if (root == NULL || plen == 0)
		return root;
	dir = xstrndup(r->prefix, plen - 1);	/* "site/" -> "site" */
	if (git.git_tree_entry_bypath(&e, root, dir) == 0 &&
	    git.git_tree_entry_type(e) == GIT_OBJECT_TREE)
		git.git_tree_lookup(&t, r->git, git.git_tree_entry_id(e));
	git.git_tree_entry_free(e);
	free(dir);
	return t;
}

/* Site paths changed between two trees (either may be NULL), relative to
 * the site's folder, below the names of sc. */
static int
changed(struct repo *r, git_tree *from, git_tree *to, const struct scope *sc,
    struct pathset *out)
{
	git_tree *a = sitetree(r, from), *b = sitetree(r, to);
	size_t budget = REPO_MAX_ENTRIES;
	struct buf path;
	int rc;

	buf_init(&path);
	buf_puts(&path, "");
	rc = treediff(r, a, b, &path, 1, sc, out, &budget);
	buf_release(&path);
	if (a != from)
		git.git_tree_free(a);
	if (b != to)
		git.git_tree_free(b);
	return rc;
}

/* What a path holds in a tree: a blob or tree id and mode, or nothing. */
struct fstate {
	git_oid		 id;
	unsigned	 mode;
	bool		 present;
};

static void
stateat(git_tree *t, const char *path, struct fstate *out)
{
	git_tree_entry *e = NULL;

	memset(out, 0, sizeof(*out));
	if (t != NULL && git.git_tree_entry_bypath(&e, t, path) == 0) {
		git.git_oid_cpy(&out->id, git.git_tree_entry_id(e));
		out->mode = git.git_tree_entry_filemode(e);
		out->present = true;
	}
	git.git_tree_entry_free(e);
	git.git_error_clear();
}

static bool
samestate(const struct fstate *a, const struct fstate *b)
{
	return a->present == b->present && (!a->present ||
	    (git.git_oid_equal(&a->id, &b->id) && a->mode == b->mode));
}

#define MERGE_FILE_MAX	(1024 * 1024)	/* content-merged, at most */

/* Do both sides' edits of one file merge cleanly into exactly what the
 * merge holds?  Only small blobs are merged (xdiff's time grows faster
 * than their size); a larger file is the merger's own resolution. */
static bool
mergesclean(struct repo *r, const struct fstate *b, const struct fstate *o,
    const struct fstate *t, const struct fstate *m)
{
	const struct fstate *in[3] = { b, o, t };
	git_merge_file_input fi[3];
	git_merge_file_result res;
	git_blob *blob[3] = { NULL, NULL, NULL };
	git_oid sum;
	bool clean = false;
	int i;

	memset(&res, 0, sizeof(res));
	if (!m->present || !o->present || !t->present || o->mode != t->mode ||
	    m->mode != o->mode || (o->mode & 0170000) != 0100000)
		return false;
	for (i = 0; i < 3; i++) {
		git.git_merge_file_input_init(&fi[i],
		    GIT_MERGE_FILE_INPUT_VERSION);
		if (!in[i]->present)
			continue;	/* no ancestor: added on both sides */
		if (git.git_blob_lookup(&blob[i], r->git, &in[i]->id) < 0 ||
		    git.git_blob_rawsize(blob[i]) > MERGE_FILE_MAX)
			goto out;
		fi[i].ptr = git.git_blob_rawcontent(blob[i]);
		fi[i].size = (size_t)git.git_blob_rawsize(blob[i]);
		fi[i].mode = in[i]->mode;
	}
	if (git.git_merge_file(&res, &fi[0], &fi[1], &fi[2], NULL) == 0 &&
	    res.automergeable && git.git_odb_hash(&sum, res.ptr, res.len,
	    GIT_OBJECT_BLOB) == 0)
		clean = git.git_oid_equal(&sum, &m->id);
out:
	git.git_merge_file_result_free(&res);
	for (i = 0; i < 3; i++)
		git.git_blob_free(blob[i]);
	git.git_error_clear();
	return clean;
}

/*
 * Is the merge's version of path its own doing: other than what a clean
 * three-way merge of its parents o and t (base b) gives?  A side that kept
 * the base's version while the other changed it takes the change; a merge
 * that keeps the old version anyway reverts that change, and the revert is
 * the merge's.
 */
static bool
ownchange(struct repo *r, git_tree *m, git_tree *o, git_tree *t,
    git_tree *b, const char *path)
{
	struct fstate fm, fo, ft, fb;

	stateat(m, path, &fm);
	stateat(o, path, &fo);
	stateat(t, path, &ft);
	stateat(b, path, &fb);
	if (samestate(&fo, &ft))
		return !samestate(&fm, &fo);
	if (samestate(&fb, &fo))
		return !samestate(&fm, &ft);
	if (samestate(&fb, &ft))
		return !samestate(&fm, &fo);
	return !mergesclean(r, &fb, &fo, &ft, &fm);
}

/* The tree of the first merge base of two commits (NULL: none, for
 * histories with no common root). */
static git_tree *
basetree(struct repo *r, git_commit *x, git_commit *y)
{
	git_oid oid;
	git_commit *c = NULL;
	git_tree *t = NULL;

	if (git.git_merge_base(&oid, r->git, git.git_commit_id(x),
	    git.git_commit_id(y)) == 0 &&
	    git.git_commit_lookup(&c, r->git, &oid) == 0)
		git.git_commit_tree(&t, c);
	git.git_commit_free(c);
	git.git_error_clear();
	return t;
}

/*
 * The site paths a commit changed: against its parent; everything for a
 * root commit; for a merge of two, the paths where it differs from a clean
 * three-way merge of its parents (what the merge itself brings in: a
 * conflict's resolution, an edit made while merging, a change reverted);
 * for a merge of more, everything that differs from its first parent.
 */
static int
commitpaths(struct repo *r, git_commit *c, const struct scope *sc,
    struct pathset *out)
{
	git_tree *tree = NULL, *pt[2] = { NULL, NULL }, *base = NULL;
	git_tree *sm = NULL, *so = NULL, *st = NULL, *sb = NULL;
	git_commit *parent[2] = { NULL, NULL };
	struct pathset cand;
	unsigned i, np = git.git_commit_parentcount(c), want;
	size_t k;
	int rc = -1;

	memset(&cand, 0, sizeof(cand));
	if (git.git_commit_tree(&tree, c) < 0) {
		fail(r->where, "cannot read a commit's tree");
		goto out;
	}
	if (np == 0) {
		rc = changed(r, NULL, tree, sc, out);
		goto out;
	}
	want = np == 2 ? 2 : 1;
	for (i = 0; i < want; i++) {
		if (git.git_commit_parent(&parent[i], c, i) < 0) {
			fail(r->where, "cannot read a parent commit (a shallow "
			    "or incomplete repository?)");
			goto out;
		}
		if (git.git_commit_tree(&pt[i], parent[i]) < 0) {
			fail(r->where, "cannot read a parent's tree");
			goto out;
		}
		if (changed(r, pt[i], tree, sc, want == 1 ? out : &cand) < 0)
			goto out;
	}
	if (want == 1) {
		rc = 0;
		goto out;
	}
	base = basetree(r, parent[0], parent[1]);
	sm = sitetree(r, tree);
	so = sitetree(r, pt[0]);
	st = sitetree(r, pt[1]);
	sb = sitetree(r, base);
	for (k = 0; k < cand.n; k++)
		if (ownchange(r, sm, so, st, sb, cand.v[k]))
			addpath(out, cand.v[k]);
	rc = 0;
out:
	if (sm != tree)
		git.git_tree_free(sm);
	if (so != pt[0])
		git.git_tree_free(so);
	if (st != pt[1])
		git.git_tree_free(st);
	if (sb != base)
		git.git_tree_free(sb);
	clearpaths(&cand);
	for (i = 0; i < 2; i++) {
		git.git_tree_free(pt[i]);
		git.git_commit_free(parent[i]);
	}
	git.git_tree_free(base);
	git.git_tree_free(tree);
	return rc;
}

int
repo_walk(struct repo *r, const char *const *hide, size_t nhide,
    const char *const *names, size_t nnames, const char *to,
    repo_commit_fn fn, void *ud, struct arena *a)
{
	const struct scope sc = { names, nnames };
	git_revwalk *w = NULL;
	git_commit *c, *cto = NULL;
	git_oid oid;
	struct pathset ps;
	struct commit info;
	size_t i;
	int rc = -1;

	memset(&ps, 0, sizeof(ps));
	if (lookup(r, to, &cto) < 0)
		goto out;
	if (git.git_revwalk_new(&w, r->git) < 0 ||
	    git.git_revwalk_push(w, git.git_commit_id(cto)) < 0) {
		fail(r->where, "cannot walk the history");
		goto out;
	}
	git.git_revwalk_sorting(w, GIT_SORT_TIME | GIT_SORT_TOPOLOGICAL);
	for (i = 0; i < nhide; i++) {
		git_commit *h;

		if (strncmp(hide[i], "refs/", 5) == 0 &&
		    strchr(hide[i], '*') != NULL) {
			if (git.git_revwalk_hide_glob(w, hide[i]) < 0) {
				fail(r->where, "cannot walk the history");
				goto out;
			}
			continue;
		}
		if (lookup(r, hide[i], &h) < 0)
			goto out;
		rc = git.git_revwalk_hide(w, git.git_commit_id(h));
		git.git_commit_free(h);
		if (rc < 0) {
			rc = -1;
			fail(r->where, "cannot walk the history");
			goto out;
		}
		rc = -1;
	}
	while (git.git_revwalk_next(&oid, w) == 0) {
		if (git.git_commit_lookup(&c, r->git, &oid) < 0) {
			fail(r->where, "cannot read a commit (a shallow or "
			    "corrupt repository?)");
			goto out;
		}
		fill(&info, c, a);
		if (commitpaths(r, c, &sc, &ps) < 0) {
			git.git_commit_free(c);
			goto out;
		}
		git.git_commit_free(c);
		if (ps.n > 1)
			qsort(ps.v, ps.n, sizeof(*ps.v), cmpstr);
		if (fn(&info, (const char *const *)ps.v, ps.n, ud) < 0)
			goto out;
		clearpaths(&ps);
	}
	rc = 0;
out:
	clearpaths(&ps);
	git.git_revwalk_free(w);
	git.git_commit_free(cto);
	return rc;
}

bool
repo_contains(struct repo *r, const char *d, const char *a)
{
	git_oid od, oa;

	if (git.git_oid_fromstr(&od, d) < 0 || git.git_oid_fromstr(&oa, a) < 0)
		return false;
	if (git.git_oid_equal(&od, &oa))
		return true;
	return git.git_graph_descendant_of(r->git, &od, &oa) == 1;
}

/* ==== tags ================================================================ */

struct tagref {
	const char	*name;
	struct commit	 c;
};

static int
cmptag(const void *x, const void *y)
{
	const struct tagref *a = x, *b = y;

	if (a->c.time != b->c.time)
		return a->c.time < b->c.time ? -1 : 1;
	return strcmp(a->name, b->name);
}

size_t
repo_tags(struct repo *r, const char *pattern, const char ***names,
    struct commit **commits, struct arena *a)
{
	git_strarray list = { NULL, 0 };
	struct tagref *t;
	size_t i, n = 0;

	*names = NULL;
	*commits = NULL;
	if (git.git_tag_list_match(&list, pattern, r->git) < 0)
		return 0;
	t = arena_zalloc(a, (list.count + 1) * sizeof(*t));
	for (i = 0; i < list.count; i++) {
		git_commit *c;
		git_object *obj = NULL, *peeled = NULL;

		if (git.git_revparse_single(&obj, r->git, list.strings[i]) < 0)
			continue;
		if (git.git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) == 0) {
			c = (git_commit *)peeled;
			t[n].name = arena_strdup(a, list.strings[i]);
			fill(&t[n].c, c, a);
			n++;
			git.git_commit_free(c);
		}
		git.git_object_free(obj);
	}
	git.git_strarray_dispose(&list);
	if (n > 1)
		qsort(t, n, sizeof(*t), cmptag);
	*names = arena_alloc(a, (n + 1) * sizeof(**names));
	*commits = arena_alloc(a, (n + 1) * sizeof(**commits));
	for (i = 0; i < n; i++) {
		(*names)[i] = t[i].name;
		(*commits)[i] = t[i].c;
	}
	return n;
}

const char *
repo_tag_at(struct repo *r, const struct commit *c, const char *pattern,
    struct arena *a)
{
	const char **names;
	struct commit *cs;
	size_t i, n = repo_tags(r, pattern, &names, &cs, a);

	for (i = 0; i < n; i++)
		if (strcmp(cs[i].id, c->id) == 0)
			return names[i];
	return NULL;
}

/* ==== fetching ============================================================ */

/*
 * libgit2 packs what a local repository sends by recursing into its trees
 * (one C frame per level), so a tree nested 100,000 deep would overflow an
 * ordinary stack.  The fetch runs on a thread whose stack (reserved, and
 * touched only as deep as the recursion goes) holds millions of levels;
 * what was fetched is then read with the bounded walk above, which refuses
 * such a tree at its path.
 */
#define FETCH_STACK	((size_t)1 << 30)

struct fetchjob {
	git_remote		*remote;
	git_strarray		*specs;
	git_fetch_options	*fo;
	int			 rc;
};

static void *
fetchthread(void *arg)
{
	struct fetchjob *j = arg;

	j->rc = git.git_remote_fetch(j->remote, j->specs, j->fo, NULL);
	return NULL;
}

static int
fetch(git_remote *remote, git_strarray *specs, git_fetch_options *fo)
{
	struct fetchjob j = { remote, specs, fo, -1 };
	pthread_attr_t at;
	pthread_t t;

	if (pthread_attr_init(&at) != 0)
		return -1;
	if (pthread_attr_setstacksize(&at, FETCH_STACK) != 0 ||
	    pthread_create(&t, &at, fetchthread, &j) != 0) {
		pthread_attr_destroy(&at);
		return git.git_remote_fetch(remote, specs, fo, NULL);
	}
	pthread_attr_destroy(&at);
	pthread_join(t, NULL);
	return j.rc;
}

/* A fetch's limits, and the bytes the cached copy had before it. */
struct limited {
	struct repo_limits *lim;
	size_t		 had;
};

/* The indexer's progress, checked against the limits: a non-zero
 * return stops the fetch. */
static int
within(const git_indexer_progress *st, void *payload)
{
	struct limited *l = payload;

	if (st->total_objects > l->lim->objects) {
		l->lim->hit = 'o';
		l->lim->seen = st->total_objects;
		return -1;
	}
	if (st->received_bytes > l->lim->bytes - l->had) {
		l->lim->hit = 'b';
		return -1;
	}
	return 0;
}

int
repo_fetch(struct repo **out, const char *url, const char *cache,
    struct repo_limits *lim)
{
	git_repository *g = NULL;
	git_remote *remote = NULL;
	git_fetch_options fo;
	char *refspecs[] = { "+refs/heads/*:refs/heads/*",
	    "+refs/tags/*:refs/tags/*" };
	git_strarray specs = { refspecs, 2 };
	struct limited l = { lim, 0 };
	struct stat st;
	struct repo *r;

	gitready();
	*out = NULL;
	git.git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
	/* Packs only add up: a copy past the limit (many fetches, or a
	 * limit lowered since) is dropped, and what the repository holds
	 * now is fetched within it. */
	if (stat(cache, &st) == 0 && (l.had = (size_t)treesize(cache)) >=
	    lim->bytes) {
		if (rmtree(cache) < 0) {
			diag_error(cache, 0, 0, "cannot remove: %s",
			    strerror(errno));
			return -1;
		}
		l.had = 0;
	}
	if (stat(cache, &st) == 0) {
		if (git.git_repository_open_bare(&g, cache) < 0)
			return fail(cache, "cannot open the cached copy");
	} else if (git.git_repository_init(&g, cache, 1) < 0)
		return fail(cache, "cannot create the cache");
	fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_ALL;
	fo.prune = GIT_FETCH_PRUNE;
	lim->hit = 0;
	fo.callbacks.transfer_progress = within;
	fo.callbacks.payload = &l;
	if (git.git_remote_create_anonymous(&remote, g, url) < 0 ||
	    fetch(remote, &specs, &fo) < 0) {
		if (lim->hit == 0)
			fail(url, "cannot fetch");
		git.git_remote_free(remote);
		git.git_repository_free(g);
		return lim->hit != 0 ? -2 : -1;
	}
	git.git_remote_free(remote);
	r = xcalloc(1, sizeof(*r));
	r->git = g;
	r->where = xstrdup(url);
	r->prefix = xstrdup("");
	*out = r;
	return 0;
}
