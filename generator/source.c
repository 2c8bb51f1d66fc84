#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "arena.h"
#include "diag.h"
#include "jobs.h"
#include "source.h"
#include "util.h"

const char *const source_roots[SOURCE_NROOTS] = { "hearth.yaml",
    "content", "themes", "plugins" };

/* hearth's own files and where a site sees them; whole: the site's copy
 * replaces the tree as a whole (a reference is one consistent table),
 * else file by file (a site changes one template of the theme). */
static const struct {
	const char	*from, *as;
	bool		 whole;
} shipped[] = {
	{ "reference", "content/reference", true },
	{ "themes/default", "themes/default", false },
};

/* The contents of one regular file, already opened without following
 * links, into the arena: NULL after reporting. */
static char *
readdata(struct source *s, const char *rel, int fd, const struct stat *st,
    size_t *len)
{
	char *data;
	size_t got = 0, size = (size_t)st->st_size;

	if (st->st_size > SOURCE_MAX_FILE) {
		diag_error(rel, 0, 0, "file is %lld bytes, over the limit of "
		    "%ld", (long long)st->st_size, SOURCE_MAX_FILE);
		return NULL;
	}
	data = arena_alloc(&s->arena, size + 1);
	while (got < size) {
		ssize_t r = read(fd, data + got, size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			diag_error(rel, 0, 0, "cannot read: %s",
			    r < 0 ? strerror(errno) : "file shrank");
			return NULL;
		}
		got += (size_t)r;
	}
	data[got] = '\0';
	*len = got;
	return data;
}

/* Add a file read: its path (in s's arena) and contents. */
static void
addfile(struct source *s, const char *path, char *data, size_t len,
    time_t mtime)
{
	struct sfile *f;

	xgrow(&s->files, &s->cap, s->n + 1, sizeof(*s->files));
	f = &s->files[s->n++];
	memset(f, 0, sizeof(*f));
	f->path = path;
	f->data = data;
	f->len = len;
	f->mtime = mtime;
}

/* Add one regular file, already opened without following links. */
static int
readfile(struct source *s, const char *rel, int fd, const struct stat *st)
{
	char *data;
	size_t len;

	if ((data = readdata(s, rel, fd, st, &len)) == NULL)
		return -1;
	addfile(s, arena_strdup(&s->arena, rel), data, len, st->st_mtime);
	return 0;
}

/* The file at path below s's root open for reading, each part opened
 * from its folder without following a link (as walk reads it), or -1. */
static int
openbelow(const struct source *s, const char *path)
{
	char part[PATH_MAX];
	const char *at = path, *slash;
	int fd, next;

	if (strlen(path) >= sizeof(part) ||
	    (fd = open(s->root, O_RDONLY | O_CLOEXEC | O_DIRECTORY)) < 0)
		return -1;
	for (;;) {
		slash = strchr(at, '/');
		memcpy(part, at, slash != NULL ? (size_t)(slash - at) :
		    strlen(at) + 1);
		if (slash != NULL)
			part[slash - at] = '\0';
		next = openat(fd, part, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
		    (slash != NULL ? O_DIRECTORY : O_NONBLOCK));
		close(fd);
		if ((fd = next) < 0 || slash == NULL)
			return fd;
		at = slash + 1;
	}
}

/* The regular file at path below s's root read as walk reads it (its
 * bytes into *data and *len, its stat into *st): 0, or -1. */
static int
readbelow(struct source *s, const char *path, struct stat *st, char **data,
    size_t *len)
{
	int fd, rc;

	if ((fd = openbelow(s, path)) < 0)
		return -1;
	rc = fstat(fd, st) < 0 || !S_ISREG(st->st_mode) ||
	    (*data = readdata(s, path, fd, st, len)) == NULL ? -1 : 0;
	close(fd);
	return rc;
}

int
source_reread(struct source *s, const char *path)
{
	struct sfile *f = (struct sfile *)source_get(s, path);
	struct stat st;
	char *data;
	size_t len;

	if (f == NULL || f->shipped || s->from_rev ||
	    readbelow(s, path, &st, &data, &len) < 0)
		return -1;
	f->data = data;
	f->len = len;
	f->mtime = st.st_mtime;
	/* Dated as history_load dates it: by its commit, else its time. */
	if (!f->committed)
		f->lastmod = f->mtime;
	return 0;
}

int
source_add(struct source *s, const char *path)
{
	const char *part, *slash;
	struct stat st;
	size_t lo = 0, hi = s->n, i, len;
	char *data;

	/* Only what the walk would read: below a root, no hidden part. */
	for (i = 0; i < SOURCE_NROOTS; i++)
		if (str_has_prefix(path, source_roots[i]) &&
		    path[strlen(source_roots[i])] == '/')
			break;
	for (part = path; i < SOURCE_NROOTS; part = slash + 1) {
		if (*part == '.' || *part == '/' || *part == '\0')
			i = SOURCE_NROOTS;
		if ((slash = strchr(part, '/')) == NULL)
			break;
	}
	if (i == SOURCE_NROOTS || s->from_rev || source_get(s, path) != NULL ||
	    readbelow(s, path, &st, &data, &len) < 0)
		return -1;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (strcmp(s->files[mid].path, path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Its place in the table: the entries after it move up one. */
	addfile(s, arena_strdup(&s->arena, path), data, len, st.st_mtime);
	if (lo < s->n - 1) {
		struct sfile f = s->files[s->n - 1];

		memmove(&s->files[lo + 1], &s->files[lo],
		    (s->n - 1 - lo) * sizeof(*s->files));
		s->files[lo] = f;
	}
	s->files[lo].lastmod = s->files[lo].mtime;
	return 0;
}

int
source_remove(struct source *s, const char *path)
{
	const struct sfile *f = source_get(s, path);
	size_t at;

	if (f == NULL || f->shipped || s->from_rev)
		return -1;
	at = (size_t)(f - s->files);
	memmove(&s->files[at], &s->files[at + 1],
	    (s->n - at - 1) * sizeof(*s->files));
	s->n--;
	return 0;
}

/*
 * Walk the sources relative to open directory descriptors, never following
 * a symbolic link: a link is refused wherever it points, as a build from a
 * git revision refuses it.  Resolving names one component at a time from
 * the site's own descriptor means no link (not even one swapped in during
 * the walk) can lead the build to .git/, another county's folder or
 * anything outside the site.
 */
static int
walk(struct source *s, int at, const char *name, const char *rel,
    unsigned char type, int depth)
{
	char child[PATH_MAX];
	struct stat st;
	DIR *d;
	struct dirent *de;
	int fd, rc = 0;

	/* What the folder's listing says of an entry (type) spares a stat
	 * of each file; where it says nothing, the stat says it.  Either
	 * way the entry is opened without following a link, and taken for
	 * what the open file is. */
	if (type == DT_UNKNOWN) {
		if (fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno == ENOENT && depth == 0)
				return 0;
			diag_error(rel, 0, 0, "cannot read: %s",
			    strerror(errno));
			return -1;
		}
		type = S_ISLNK(st.st_mode) ? DT_LNK : S_ISREG(st.st_mode) ?
		    DT_REG : S_ISDIR(st.st_mode) ? DT_DIR : DT_FIFO;
	}
	if (type == DT_LNK) {
		diag_error(rel, 0, 0, "symbolic link: the site's files may "
		    "not be links (copy the file or folder instead)");
		return -1;
	}
	if (type != DT_REG && type != DT_DIR)
		return 0;
	fd = openat(at, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
	    (type == DT_DIR ? O_DIRECTORY : O_NONBLOCK));
	if (fd < 0 || fstat(fd, &st) < 0) {
		if (errno == ELOOP)
			diag_error(rel, 0, 0, "symbolic link: the site's "
			    "files may not be links (copy the file or folder "
			    "instead)");
		else
			diag_error(rel, 0, 0, "cannot read: %s",
			    strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (S_ISREG(st.st_mode)) {
		rc = readfile(s, rel, fd, &st);
		close(fd);
		return rc;
	}
	if (S_ISDIR(st.st_mode) && depth > 32) {
		diag_error(rel, 0, 0, "directories nested too deeply");
		close(fd);
		return -1;
	}
	if (!S_ISDIR(st.st_mode) || (d = fdopendir(fd)) == NULL) {
		if (S_ISDIR(st.st_mode))
			diag_error(rel, 0, 0, "cannot read directory: %s",
			    strerror(errno));
		close(fd);
		return S_ISDIR(st.st_mode) ? -1 : 0;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (snprintf(child, sizeof(child), "%s/%s", rel, de->d_name) >=
		    (int)sizeof(child)) {
			diag_error(rel, 0, 0, "path too long");
			rc = -1;
			continue;
		}
		if (walk(s, dirfd(d), de->d_name, child, de->d_type,
		    depth + 1) < 0)
			rc = -1;
	}
	closedir(d);
	return rc;
}

/*
 * A tree read on every thread.  The listing walks the folders as walk
 * does, from descriptors, never through a link, but only notes each
 * regular file; the jobs then open each and read it into an arena of
 * their worker's, and the files are added in the listing's order.  A
 * file is opened by its name from its folder's descriptor, kept for the
 * first TREE_DIRS folders that hold files (a national site has 8), else
 * from the tree's own with openat2 and RESOLVE_NO_SYMLINKS: a link
 * anywhere on the path is refused either way, as walk refuses it, and a
 * site of many folders holds no more descriptors than that.  Reading
 * 10,000 news items one after the other took the main thread about 0.1 s
 * of every national build, the opens, reads and closes nearly all of it.
 *
 * Anything out of the ordinary (a link, a folder that cannot be read, a
 * file over the limit or that changed under the read, a kernel without
 * openat2) stops this quietly and the tree is walked again by walk, one
 * file at a time, which reports every problem as it always has, in
 * order.
 */
#define TREE_DIRS	64

struct listed {
	const char	*rel;		/* its path, in the source's arena */
	const char	*path;		/* the same below the tree's folder */
	const char	*name;		/* its last part */
	int		 dir;		/* its folder's descriptor, or -1 */
	char		*data;
	size_t		 len;
	time_t		 mtime;
};

struct tree {
	int		 at;		/* the folder the tree is in */
	int		 dirs[TREE_DIRS];	/* held folders' descriptors */
	int		 ndirs;
	struct listed	*files;
	size_t		 n, cap;
	struct arena	*arenas;	/* a worker's each */
	atomic_bool	 odd;		/* walk it instead */
};

/* atdir: at's copy held for its files, 0 until one is listed (-1 when
 * none could be held). */
static bool
list(struct source *s, struct tree *t, int at, int *atdir, const char *name,
    const char *path, const char *rel, unsigned char type, int depth)
{
	char child[PATH_MAX], below[PATH_MAX];
	struct listed *f;
	struct stat st;
	struct dirent *de;
	DIR *d;
	int fd, dir = 0;
	bool ok = true;

	if (type == DT_UNKNOWN) {
		if (fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return errno == ENOENT && depth == 0;
		type = S_ISLNK(st.st_mode) ? DT_LNK : S_ISREG(st.st_mode) ?
		    DT_REG : S_ISDIR(st.st_mode) ? DT_DIR : DT_FIFO;
	}
	if (type == DT_REG) {
		xgrow(&t->files, &t->cap, t->n + 1, sizeof(*t->files));
		f = &t->files[t->n++];
		memset(f, 0, sizeof(*f));
		f->rel = arena_strdup(&s->arena, rel);
		f->path = strcmp(path, rel) == 0 ? f->rel :
		    arena_strdup(&s->arena, path);
		f->name = f->rel + strlen(rel) - strlen(name);
		if (*atdir == 0) {	/* the folder's first file */
			*atdir = -1;
			if (t->ndirs < TREE_DIRS &&
			    (fd = fcntl(at, F_DUPFD_CLOEXEC, 3)) >= 0)
				*atdir = t->dirs[t->ndirs++] = fd;
		}
		f->dir = *atdir;
		return true;
	}
	if (type != DT_DIR)
		return type != DT_LNK;	/* walk skips what is neither */
	if (depth > 32 || (fd = openat(at, name, O_RDONLY | O_CLOEXEC |
	    O_NOFOLLOW | O_DIRECTORY)) < 0)
		return false;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return false;
	}
	while (ok && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		ok = snprintf(child, sizeof(child), "%s/%s", rel,
		    de->d_name) < (int)sizeof(child) && snprintf(below,
		    sizeof(below), "%s/%s", path, de->d_name) <
		    (int)sizeof(below) && list(s, t, dirfd(d), &dir,
		    de->d_name, below, child, de->d_type, depth + 1);
	}
	closedir(d);
	return ok;
}

static void
readone(size_t i, int worker, void *ud)
{
	struct tree *t = ud;
	struct listed *f = &t->files[i];
	struct open_how how;
	struct stat st;
	size_t got = 0, size;
	int fd;

	if (atomic_load_explicit(&t->odd, memory_order_relaxed))
		return;
	memset(&how, 0, sizeof(how));
	how.flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK;
	how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH;
	fd = f->dir >= 0 ? openat(f->dir, f->name, (int)how.flags) :
	    (int)syscall(SYS_openat2, t->at, f->path, &how, sizeof(how));
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > SOURCE_MAX_FILE) {
		atomic_store(&t->odd, true);
		if (fd >= 0)
			close(fd);
		return;
	}
	size = (size_t)st.st_size;
	f->data = arena_alloc(&t->arenas[worker], size + 1);
	while (got < size) {
		ssize_t r = read(fd, f->data + got, size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			atomic_store(&t->odd, true);
			break;
		}
		got += (size_t)r;
	}
	close(fd);
	f->data[got] = '\0';
	f->len = got;
	f->mtime = st.st_mtime;
}

/* Read name (rel) under the folder at into s, as walk does: 0, or -1
 * after reporting. */
static int
readtree(struct source *s, int at, const char *name, const char *rel,
    int jobs)
{
	struct tree t;
	size_t i, before = s->n;
	int w, nw = jobs > 1 ? jobs : 1, atdir = 0;
	bool ok;

	memset(&t, 0, sizeof(t));
	t.at = at;
	atomic_init(&t.odd, false);
	t.arenas = xcalloc((size_t)nw, sizeof(*t.arenas));
	for (w = 0; w < nw; w++)
		arena_init(&t.arenas[w]);
	ok = list(s, &t, at, &atdir, name, name, rel, DT_UNKNOWN, 0);
	if (ok && t.n > 0)
		jobs_run(t.n, nw, readone, &t);
	ok = ok && !atomic_load(&t.odd);
	for (i = 0; ok && i < t.n; i++)
		addfile(s, t.files[i].rel, t.files[i].data, t.files[i].len,
		    t.files[i].mtime);
	for (w = 0; w < nw; w++)
		if (ok)
			arena_adopt(&s->arena, &t.arenas[w]);
		else
			arena_release(&t.arenas[w]);
	for (w = 0; w < t.ndirs; w++)
		close(t.dirs[w]);
	free(t.arenas);
	free(t.files);
	if (ok)
		return 0;
	s->n = before;
	return walk(s, at, name, rel, DT_UNKNOWN, 0);
}

/*
 * The stamps of every entry below the roots: its path, size, mode, inode
 * and both times (the ctime too, so a file put back with its old mtime
 * still counts as changed).  The fingerprint sums them, so their order
 * does not matter: the walk lists the entries, then the stat calls, nearly
 * all of a no-op build's time, run on every thread, each relative to its
 * folder rather than through the whole path.
 */
struct stampent {
	size_t		 dir;	/* index into source_stamps.dirs */
	const char	*rel;	/* the path below the root */
	const char	*name;	/* its last part, within the folder */
	uint64_t	 stamp;	/* 0: not there when stamped */
	bool		 isdir;
};

struct source_stamps {
	struct arena	  arena;
	int		  rootfd;
	const char	**dirs;	/* folders below the root, "." first */
	size_t		  ndirs, dircap;
	struct stampent	 *ents;
	size_t		  n, cap;
	size_t		 *slots;	/* ents by their path's hash, + 1 */
	size_t		  nslots;
};

#define STAMP_CHUNK	256	/* entries a job stamps */

static uint64_t
nanos(struct timespec t)
{
	return (uint64_t)t.tv_sec * 1000000000ULL + (uint64_t)t.tv_nsec;
}

static void
stampjob(size_t job, int worker, void *ud)
{
	struct source_stamps *s = ud;
	size_t i, end = (job + 1) * STAMP_CHUNK, dir = SIZE_MAX;
	struct stat st;
	int fd = -1;

	(void)worker;
	if (end > s->n)
		end = s->n;
	for (i = job * STAMP_CHUNK; i < end; i++) {
		struct stampent *e = &s->ents[i];

		if (e->dir != dir) {
			if (fd >= 0)
				close(fd);
			dir = e->dir;
			fd = openat(s->rootfd, s->dirs[dir], O_RDONLY |
			    O_DIRECTORY | O_CLOEXEC);
		}
		if (fd < 0 ||
		    fstatat(fd, e->name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		e->stamp = hash_mix64(hash_str(e->rel, strlen(e->rel)) ^
		    hash_mix64((uint64_t)st.st_size) ^
		    hash_mix64(nanos(st.st_mtim)) ^
		    hash_mix64(nanos(st.st_ctim) ^ (uint64_t)st.st_ino) ^
		    st.st_mode);
	}
	if (fd >= 0)
		close(fd);
}

static void
stampadd(struct source_stamps *s, size_t dir, const char *rel)
{
	const char *slash = strrchr(rel, '/');

	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 1024;
		s->ents = xrealloc(s->ents, s->cap * sizeof(*s->ents));
	}
	s->ents[s->n++] = (struct stampent){ dir, rel,
	    slash != NULL ? slash + 1 : rel, 0, false };
}

/* List the entry rel (in the folder at, the dir'th) and, if it is a
 * folder and no link, what it holds. */
static void
stampwalk(struct source_stamps *s, int at, size_t dir, const char *rel,
    int depth)
{
	struct dirent *de;
	size_t self;
	DIR *d;
	int fd;

	stampadd(s, dir, rel);
	if (depth > 32 || (fd = openat(at, s->ents[s->n - 1].name, O_RDONLY |
	    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	s->ents[s->n - 1].isdir = true;
	if (s->ndirs == s->dircap) {
		s->dircap = 2 * s->dircap;
		s->dirs = xrealloc(s->dirs, s->dircap * sizeof(*s->dirs));
	}
	self = s->ndirs;
	s->dirs[s->ndirs++] = rel;
	while ((de = readdir(d)) != NULL) {
		const char *child;

		if (de->d_name[0] == '.')
			continue;
		child = arena_printf(&s->arena, "%s/%s", rel, de->d_name);
		if (de->d_type == DT_DIR || de->d_type == DT_UNKNOWN)
			stampwalk(s, dirfd(d), self, child, depth + 1);
		else
			stampadd(s, self, child);
	}
	closedir(d);
}

struct source_stamps *
source_stamps(const char *root, int jobs)
{
	struct source_stamps *s = xcalloc(1, sizeof(*s));
	size_t i;

	arena_init(&s->arena);
	s->dircap = 64;
	s->dirs = xmalloc(s->dircap * sizeof(*s->dirs));
	s->dirs[s->ndirs++] = ".";
	if ((s->rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return s;
	for (i = 0; i < SOURCE_NROOTS; i++)
		stampwalk(s, s->rootfd, 0, source_roots[i], 0);
	jobs_run((s->n + STAMP_CHUNK - 1) / STAMP_CHUNK, jobs, stampjob, s);
	close(s->rootfd);
	s->rootfd = -1;
	return s;
}

void
source_stamps_free(struct source_stamps *s)
{
	if (s == NULL)
		return;
	free(s->slots);
	free(s->ents);
	free(s->dirs);
	arena_release(&s->arena);
	free(s);
}

unsigned long long
source_fingerprint(const char *root, int jobs)
{
	struct source_stamps *s = source_stamps(root, jobs);
	unsigned long long h = 0;
	size_t i;

	for (i = 0; i < s->n; i++)
		h += s->ents[i].stamp;
	source_stamps_free(s);
	return h;
}

/* The entry of was at rel, or NULL; was is indexed by path on first use. */
static const struct stampent *
stampof(struct source_stamps *was, const char *rel)
{
	size_t i, mask;

	if (was->slots == NULL) {
		for (was->nslots = 64; was->nslots < 2 * was->n;
		    was->nslots *= 2)
			continue;
		was->slots = xcalloc(was->nslots, sizeof(*was->slots));
		mask = was->nslots - 1;
		for (i = 0; i < was->n; i++) {
			size_t k = hash_str(was->ents[i].rel,
			    strlen(was->ents[i].rel)) & mask;

			while (was->slots[k] != 0)
				k = (k + 1) & mask;
			was->slots[k] = i + 1;
		}
	}
	mask = was->nslots - 1;
	for (i = hash_str(rel, strlen(rel)) & mask; was->slots[i] != 0;
	    i = (i + 1) & mask)
		if (strcmp(was->ents[was->slots[i] - 1].rel, rel) == 0)
			return &was->ents[was->slots[i] - 1];
	return NULL;
}

static void
note(const char ***v, size_t *n, size_t *cap, const char *path)
{
	xgrow(v, cap, *n + 1, sizeof(**v));
	(*v)[(*n)++] = path;
}

int
source_stamps_changed(struct source_stamps *was, struct source_stamps *now,
    struct source_changes *out)
{
	size_t i, seen = 0, cap[3] = { 0, 0, 0 };

	memset(out, 0, sizeof(*out));
	for (i = 0; i < now->n; i++) {
		const struct stampent *e = &now->ents[i],
		    *old = stampof(was, e->rel);

		/* Added: a new folder says nothing of itself (its files
		 * are entries too). */
		if (old == NULL) {
			if (e->stamp == 0)
				goto refused;
			if (!e->isdir)
				note(&out->added, &out->nadded, &cap[1],
				    e->rel);
			continue;
		}
		seen++;
		/* No longer a folder, or a root the site lacked (listed,
		 * and stamped 0) that it now has, or the other way. */
		if (old->isdir != e->isdir ||
		    (old->stamp == 0) != (e->stamp == 0))
			goto refused;
		/* A folder's times move with what it holds, whose entries
		 * say what changed. */
		if (e->isdir || old->stamp == e->stamp)
			continue;
		note(&out->changed, &out->nchanged, &cap[0], e->rel);
	}
	for (i = 0; i < was->n && seen < was->n; i++)
		if (stampof(now, was->ents[i].rel) == NULL) {
			seen++;
			if (!was->ents[i].isdir)
				note(&out->removed, &out->nremoved, &cap[2],
				    was->ents[i].rel);
		}
	return 0;
refused:
	source_changes_free(out);
	return -1;
}

void
source_changes_free(struct source_changes *c)
{
	free(c->changed);
	free(c->added);
	free(c->removed);
	memset(c, 0, sizeof(*c));
}

static int
cmpfile(const void *x, const void *y)
{
	return strcmp(((const struct sfile *)x)->path,
	    ((const struct sfile *)y)->path);
}

static void
sortfiles(struct source *s)
{
	if (s->n > 1)
		qsort(s->files, s->n, sizeof(*s->files), cmpfile);
}

const char *
source_datadir(void)
{
	static const char *const near[] = { "/share/hearth",
	    "/../share/hearth" };
	static char dir[PATH_MAX + 32];
	char exe[PATH_MAX], *slash;
	struct stat st;
	ssize_t n;
	size_t i;

	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL)
			*slash = '\0';
		for (i = 0; i < sizeof(near) / sizeof(near[0]); i++) {
			snprintf(dir, sizeof(dir), "%s%s", exe, near[i]);
			if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
				return dir;
		}
	}
	return stat(DATADIR, &st) == 0 && S_ISDIR(st.st_mode) ? DATADIR : NULL;
}

/* Add what the site lacks of hearth's own files (see source.h); the
 * table is sorted on entry and on return. */
static int
addshipped(struct source *s, int jobs)
{
	const char *dir = source_datadir();
	const struct sfile *f;
	char prefix[64];
	size_t i, j, before;
	int dfd, rc = 0;

	if (dir == NULL || (dfd = open(dir, O_RDONLY | O_CLOEXEC |
	    O_DIRECTORY)) < 0) {
		/* A site that has all of them itself needs none; else the
		 * reference or the theme would be missing, and every
		 * division code and template an error of its own. */
		for (i = 0; i < sizeof(shipped) / sizeof(shipped[0]); i++) {
			snprintf(prefix, sizeof(prefix), "%s/", shipped[i].as);
			if (source_under(s, prefix, &f) == 0) {
				diag_error(NULL, 0, 0, "hearth's data folder is "
				    "missing (expected %s): reinstall hearth",
				    DATADIR);
				return -1;
			}
		}
		return 0;
	}
	for (i = 0; i < sizeof(shipped) / sizeof(shipped[0]); i++) {
		snprintf(prefix, sizeof(prefix), "%s/", shipped[i].as);
		if (shipped[i].whole && source_under(s, prefix, &f) > 0)
			continue;
		before = s->n;
		/* Read as a site's files are: no link is followed. */
		if (readtree(s, dfd, shipped[i].from, shipped[i].as, jobs) < 0)
			rc = -1;
		for (j = before; j < s->n; j++)
			s->files[j].shipped = true;
	}
	close(dfd);
	sortfiles(s);
	/* The site's own file wins over the theme's. */
	for (i = j = 0; i < s->n; i++) {
		if (j > 0 && strcmp(s->files[j - 1].path, s->files[i].path) == 0) {
			if (s->files[j - 1].shipped)
				s->files[j - 1] = s->files[i];
			continue;
		}
		s->files[j++] = s->files[i];
	}
	s->n = j;
	return rc;
}

/* Find the repository around the site, and its HEAD, for history and the
 * data's source commit.  A site outside any repository is fine. */
static int
openrepo(struct source *s, const char *root)
{
	int rc = repo_open(&s->repo, root);

	if (rc < 0)
		return -1;
	if (rc > 0 && repo_head(s->repo, &s->commit, &s->arena) == 0)
		s->has_commit = true;
	return 0;
}

int
source_load_dir(struct source *out, const char *root, int jobs)
{
	size_t i;
	int rootfd, rc = 0;

	memset(out, 0, sizeof(*out));
	arena_init(&out->arena);
	out->root = xstrdup(root);
	if ((rootfd = open(root, O_RDONLY | O_CLOEXEC | O_DIRECTORY)) < 0) {
		diag_error(root, 0, 0, "cannot open site directory: %s",
		    strerror(errno));
		return -1;
	}
	for (i = 0; i < SOURCE_NROOTS; i++)
		if (readtree(out, rootfd, source_roots[i], source_roots[i],
		    jobs) < 0)
			rc = -1;
	/* Where other generators keep site-wide files: say where ours go
	 * rather than publish nothing in silence. */
	if (faccessat(rootfd, "static", F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		diag_warning("static/", 0, 0, "not read: the site's own files "
		    "(PDFs, robots.txt, a favicon) go in content/static/, "
		    "published at the site root");
	close(rootfd);
	sortfiles(out);
	if (addshipped(out, jobs) < 0)
		rc = -1;
	if (openrepo(out, root) < 0)
		rc = -1;
	return rc;
}

struct collect {
	struct source	*s;
	const char	*mount;		/* prefix for mounted trees, or "" */
	time_t		 time;
};

static int
addblob(const char *path, const char *data, size_t len, void *ud)
{
	struct collect *c = ud;
	struct sfile *f;
	char *copy;

	xgrow(&c->s->files, &c->s->cap, c->s->n + 1, sizeof(*c->s->files));
	f = &c->s->files[c->s->n++];
	memset(f, 0, sizeof(*f));
	copy = arena_alloc(&c->s->arena, len + 1);
	memcpy(copy, data, len);
	copy[len] = '\0';
	f->path = arena_printf(&c->s->arena, "%s%s", c->mount, path);
	f->data = copy;
	f->len = len;
	f->mtime = c->time;
	return 0;
}

int
source_load_rev(struct source *out, const char *root, const char *rev)
{
	struct collect c;
	int rc;

	memset(out, 0, sizeof(*out));
	arena_init(&out->arena);
	out->root = xstrdup(root);
	out->from_rev = true;
	rc = repo_open(&out->repo, root);
	if (rc == 0) {
		diag_error(root, 0, 0, "not in a git repository: --rev needs "
		    "one");
		return -1;
	}
	if (rc < 0 || repo_resolve(out->repo, rev, &out->commit,
	    &out->arena) < 0)
		return -1;
	out->has_commit = true;
	c.s = out;
	c.mount = "";
	c.time = out->commit.time;
	if (repo_files(out->repo, &out->commit, "", source_roots,
	    SOURCE_NROOTS, addblob, &c) < 0)
		return -1;
	sortfiles(out);
	return addshipped(out, 1);
}

int
source_mount(struct source *src, struct repo *r, const struct commit *cm,
    const char *mount, const char *label)
{
	struct collect c;
	size_t i;
	int rc = 0;

	c.s = src;
	c.mount = mount;
	c.time = cm->time;
	if (repo_files(r, cm, mount, NULL, 0, addblob, &c) < 0)
		return -1;
	sortfiles(src);
	/* One owner per path: the site or the mounted repository. */
	for (i = 1; i < src->n; i++)
		if (strcmp(src->files[i - 1].path, src->files[i].path) == 0) {
			diag_error(src->files[i].path, 0, 0, "both the site and "
			    "source %s provide this file", label);
			rc = -1;
		}
	return rc;
}

void
source_release(struct source *src)
{
	repo_free(src->repo);
	free(src->files);
	free(src->root);
	arena_release(&src->arena);
	memset(src, 0, sizeof(*src));
}

const struct sfile *
source_get(const struct source *src, const char *path)
{
	size_t lo = 0, hi = src->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(src->files[mid].path, path);

		if (c == 0)
			return &src->files[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

size_t
source_under(const struct source *src, const char *prefix,
    const struct sfile **first)
{
	size_t lo = 0, hi = src->n, n = strlen(prefix), start;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (strcmp(src->files[mid].path, prefix) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	start = lo;
	while (lo < src->n && strncmp(src->files[lo].path, prefix, n) == 0)
		lo++;
	*first = src->files + start;
	return lo - start;
}
