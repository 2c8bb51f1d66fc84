/*
 * write: two trees and one swap.
 *
 * Beside the published directory <out> lives a spare tree, .<out>.spare,
 * holding the site as it was one build ago, with a manifest (path, size,
 * hash of every file) kept next to it and named by the tree's inode, so it
 * follows the tree through renames.  A build brings the spare up to date —
 * a file whose bytes did not change is not written, so it keeps its mtime;
 * a changed one is written to a temporary name and renamed over; a file
 * the new site no longer has is removed — then exchanges the spare with
 * <out> in one renameat2(RENAME_EXCHANGE).  The old site becomes the next
 * build's spare.
 *
 * Readers see the old site or the new one, never a mix; a build that dies
 * half-way leaves the spare without a manifest, and the next build, not
 * trusting it, starts the spare afresh.  Writing only what changed is what
 * makes rebuilds cheap: the disk, not the CPU, bounds a large build.
 *
 * Each tree also holds its own record (RECORD): the manifest without the
 * stamps, which only hold on this disk.  A published tree restored
 * without the files beside it is trusted through its record once each
 * file has been read and hashed; one that is exactly its record, made of
 * the same inputs, is the build's output as it stands (writer_leave).
 *
 * Both trees are hearth's own, yet the published one is served and may be
 * tampered with; the writer never follows a symbolic link in them.  Every
 * path in the spare is resolved from the spare's own descriptor with
 * openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS), and files are made and
 * renamed relative to their folder's descriptor; a link found on the way
 * (it can only be someone else's: hearth makes none) is removed and
 * replaced by a real folder or file.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "buf.h"
#include "diag.h"
#include "jobs.h"
#include "util.h"
#include "write.h"

/*
 * Which file a tree's path held when hearth left it: inode and mtime.  A
 * manifest entry is believed only while the file still has its stamp, so
 * a tree changed behind hearth's back (a file edited or restored from a
 * backup) is written again, never trusted or linked from.
 */
struct stamp {
	uint64_t	 ino;
	int64_t		 mtime;		/* nanoseconds */
};

/* A file of a tree as its manifest lists it. */
struct entry {
	char		*path;
	uint64_t	 hash;		/* 0: not known */
	size_t		 size;
	struct stamp	 st;
	uint64_t	 key;		/* its own input beside the tree's
					   (writer_put_key), 0: none */
	atomic_bool	 seen;		/* this build produced it (spare only) */
	atomic_bool	 checked;	/* found with its stamp by this build
					   (spare only): ahead, or by
					   writer_keepable */
	uint32_t	 phash;		/* of path: probes compare it first,
					   and the index grows without
					   hashing every path again */
};

/* A manifest: its files in the order read, found by path through an
 * open-addressing index of 4 bytes a slot (a national site's two tables
 * are at the build's peak: slots of whole entries cost 30 MB). */
struct table {
	struct entry	*ent;
	size_t		 n, alloc;
	uint32_t	*index;		/* ent's index + 1; 0: free */
	size_t		 cap;		/* slots, a power of 2 */
	int64_t		 since;		/* the manifest's own mtime */
	char		*inputs;	/* what the tree was made of, or NULL */
	dev_t		 dev;		/* the tree's file system; 0: any */
};

/* A file this build produced that the old manifest did not have (or had
 * with other bytes). */
struct added {
	char		*path;
	uint64_t	 hash;
	size_t		 size;
	struct stamp	 st;
	uint64_t	 key;
};

/* A file writer_scratch made, until put moves it into the spare. */
struct scratch {
	char		*path;		/* NULL once moved or removed */
	dev_t		 dev;
	ino_t		 ino;
};

struct writer {
	char		*out;		/* the published directory */
	char		*staging;	/* the spare tree, brought up to date */
	char		*dir;		/* the folder holding both */
	char		*name;		/* <out>'s last component */
	int		 lockfd;
	int		 stagefd;	/* the spare, opened without links */
	int		 livefd;	/* the published tree when it has no
					   manifest, else -1 (see linksame) */
	struct table	 old;		/* the spare's manifest */
	struct table	 live;		/* the published tree's */
	struct added	*add;
	size_t		 nadd, capadd;
	size_t		*addset;	/* indexes into add + 1, by path */
	size_t		 capset;
	pthread_mutex_t	 lock;		/* guards add and addset */
	atomic_size_t	 files;		/* produced */
	atomic_size_t	 written;	/* of which written */
	atomic_size_t	 linked;	/* of which linked from the live tree */
	atomic_size_t	 kept;		/* kept from it without being made */
	atomic_size_t	 bytes;
	char		*inputs;	/* what this build's tree is made of */
	bool		 dry;		/* hearth check: nothing written */
	bool		 recorded;	/* w->live is the published tree's
					   own record, checked byte for byte */
	bool		 whole;		/* ... and the tree is exactly it */
	bool		 sealing;	/* writing the record (commit) */
	atomic_int	 full;		/* ENOSPC, EDQUOT or EROFS once met
					   (cannotwrite), else 0 */
	struct scratch	*scratch;	/* writer_scratch's files, under lock */
	size_t		 nscratch, capscratch;
	bool		 scratched;	/* its folder made (under lock) */
};

static int mkparents(char *path);
static long note(struct writer *, const char *, uint64_t, size_t);

/* ==== small helpers ===================================================== */

/*
 * Say relpath cannot be written, as errno says.  A full disk, a quota or
 * a read-only file system fails every file alike: that is said once, for
 * the output with the first path, and the writer takes no file after it
 * (put, linkfile), so a full disk is one line, not one per file, and the
 * build stops at once.  The published tree is left as it was either way.
 */
static void
cannotwrite(struct writer *w, const char *relpath)
{
	int e = errno, none = 0;

	if (e != ENOSPC && e != EDQUOT && e != EROFS) {
		diag_error(relpath, 0, 0, "cannot write: %s", strerror(e));
		return;
	}
	if (atomic_compare_exchange_strong(&w->full, &none, e))
		diag_error(w->out, 0, 0, "cannot write %s: %s; no other file "
		    "is written", relpath, strerror(e));
}

/*
 * A file's hash, as the manifests keep it: the first 8 bytes of its
 * SHA-256 (never 0, which is "not known").  The writer takes a file of
 * the same size and hash for the same bytes and does not write it, so the
 * hash must hold against bytes chosen to collide: a county shapes text on
 * pages it shares with others (a province's page lists its stations), and
 * a fast hash (multiply-mixed words) could be steered, with 8 bytes of a
 * station's name, to the hash of the published page, keeping it, and the
 * other counties' changes on it, unpublished.  A second preimage of 64
 * bits of SHA-256 is out of reach, and with the CPU's SHA instructions it
 * hashes some 2 GB/s.
 */
static uint64_t
head64(EVP_MD_CTX *c)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	uint64_t h = 0;

	if (!EVP_DigestFinal_ex(c, md, &n) || n < 8)
		xdie("SHA-256 failed");
	memcpy(&h, md, 8);
	return h != 0 ? h : 1;
}

static uint64_t
hash64(const void *data, size_t n)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	uint64_t h;

	if (c == NULL || !EVP_DigestInit_ex(c, sha256_md(), NULL) ||
	    !EVP_DigestUpdate(c, data, n))
		xdie("SHA-256 failed");
	h = head64(c);
	EVP_MD_CTX_free(c);
	return h;
}

#define PIECE	(1u << 20)	/* a file is read in pieces */

/* hash64 of the len bytes of the open file fd, read through buf (PIECE
 * bytes); 0 when it cannot be read whole (0 is "not known" to the
 * manifests). */
static uint64_t
hash64_read(int fd, size_t len, unsigned char *buf)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	uint64_t h = 0;
	size_t at = 0;

	if (c == NULL || !EVP_DigestInit_ex(c, sha256_md(), NULL))
		xdie("SHA-256 failed");
	while (at < len) {
		size_t want = len - at < PIECE ? len - at : PIECE;
		ssize_t r = pread(fd, buf, want, (off_t)at);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || (size_t)r != want)
			goto out;
		if (!EVP_DigestUpdate(c, buf, want))
			xdie("SHA-256 failed");
		at += want;
	}
	h = head64(c);
out:
	EVP_MD_CTX_free(c);
	return h;
}

static uint64_t
hash64_fd(int fd, size_t len)
{
	unsigned char *buf = xmalloc(PIECE);
	uint64_t h = hash64_read(fd, len, buf);

	free(buf);
	return h;
}

static struct stamp
stampof(const struct stat *st)
{
	struct stamp s = { (uint64_t)st->st_ino, (int64_t)st->st_mtim.tv_sec *
	    1000000000 + st->st_mtim.tv_nsec };

	return s;
}

/* Do the bytes of name (in folder at) hash to e's? */
static bool
samebytes(int at, const char *name, const struct entry *e)
{
	char *data;
	size_t got = 0;
	ssize_t r;
	bool same = false;
	int fd;

	if (e->hash == 0 || (fd = openat(at, name, O_RDONLY | O_CLOEXEC |
	    O_NOFOLLOW | O_NONBLOCK)) < 0)
		return false;
	data = xmalloc(e->size + 1);
	while (got <= e->size && (r = read(fd, data + got,
	    e->size + 1 - got)) > 0)
		got += (size_t)r;
	close(fd);
	same = got == e->size && hash64(data, got) == e->hash;
	free(data);
	return same;
}

/*
 * Does path still hold the file e of table t lists: same inode, mtime
 * and size?  File times are coarse (a clock tick), so a file changed in
 * the tick its manifest was written may keep both; such a "racy" entry is
 * believed only if its bytes still match.
 */
static bool
unchangedat(int at, const char *name, const struct entry *e,
    const struct table *t)
{
	struct stat st;
	struct stamp now;

	if (fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    !S_ISREG(st.st_mode) || (size_t)st.st_size != e->size ||
	    (t->dev != 0 && st.st_dev != t->dev))
		return false;
	now = stampof(&st);
	if (now.ino != e->st.ino || now.mtime != e->st.mtime)
		return false;
	return now.mtime < t->since || samebytes(at, name, e);
}

static bool
unchanged(const char *path, const struct entry *e, const struct table *t)
{
	return unchangedat(AT_FDCWD, path, e, t);
}

/* Does the spare hold e, its entry for relpath: found with its stamp by
 * this build (ahead, or by writer_keepable), or now. */
static bool
spareholds(struct writer *w, const char *relpath, struct entry *e)
{
	return atomic_load(&e->checked) ||
	    unchangedat(w->stagefd, relpath, e, &w->old);
}

/* ==== paths in the spare, never through a link ========================== */

/* Open the folder dir (relative, "" for the top) of the spare without
 * crossing a symbolic link; -1 with errno set.  openat2 does it in one
 * call; where the kernel (or valgrind) lacks it, one openat per folder,
 * each refusing a link, does the same. */
static int
opendirat(int top, const char *dir)
{
	static atomic_bool no_openat2;
	char comp[NAME_MAX + 1];
	struct open_how how;
	long fd;
	int cur, next;

	if (!atomic_load(&no_openat2)) {
		memset(&how, 0, sizeof(how));
		how.flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
		how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
		    RESOLVE_NO_MAGICLINKS;
		fd = syscall(SYS_openat2, top, *dir != '\0' ? dir : ".", &how,
		    sizeof(how));
		if (fd >= 0 || errno != ENOSYS)
			return (int)fd;
		atomic_store(&no_openat2, true);
	}
	if ((cur = dup(top)) < 0)
		return -1;
	while (*dir != '\0') {
		size_t n = strcspn(dir, "/");

		if (n == 0 || n > NAME_MAX || (n <= 2 &&
		    strncmp(dir, "..", n) == 0)) {
			close(cur);
			errno = EINVAL;
			return -1;
		}
		memcpy(comp, dir, n);
		comp[n] = '\0';
		dir += n + (dir[n] == '/');
		/* A link is not a folder: O_DIRECTORY with O_NOFOLLOW fails
		 * on it (ENOTDIR), as RESOLVE_NO_SYMLINKS would (ELOOP). */
		next = openat(cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		close(cur);
		if (next < 0)
			return -1;
		cur = next;
	}
	return cur;
}

/* Make dir a chain of real folders under top: a missing one is made, a
 * link or a file in the way (someone else's) is removed first. */
static int
mkdirsat(int top, const char *dir)
{
	char comp[NAME_MAX + 1];
	struct stat st;
	int cur = dup(top), next;

	while (cur >= 0 && *dir != '\0') {
		size_t n = strcspn(dir, "/");

		if (n > NAME_MAX) {
			close(cur);
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(comp, dir, n);
		comp[n] = '\0';
		dir += n + (dir[n] == '/');
		if (fstatat(cur, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    !S_ISDIR(st.st_mode))
			unlinkat(cur, comp, 0);
		if (mkdirat(cur, comp, 0755) < 0 && errno != EEXIST) {
			close(cur);
			return -1;
		}
		next = openat(cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		close(cur);
		cur = next;
	}
	if (cur >= 0)
		close(cur);
	return cur >= 0 ? 0 : -1;
}

/* The folder dir when only its last component is missing (a page's own
 * folder, most often): made under its parent, which must be a real
 * folder already; -1 with errno set when that is not the case. */
static int
newleaf(int top, const char *dir)
{
	const char *slash = strrchr(dir, '/');
	const char *leaf = slash != NULL ? slash + 1 : dir;
	char parent[PATH_MAX];
	int pfd, fd = -1;

	snprintf(parent, sizeof(parent), "%.*s", slash != NULL ?
	    (int)(slash - dir) : 0, dir);
	if (*leaf == '\0' || (pfd = opendirat(top, parent)) < 0)
		return -1;
	/* mkdirat makes a new folder or fails (EEXIST also for a link):
	 * what is opened is the folder just made. */
	if (mkdirat(pfd, leaf, 0755) == 0)
		fd = openat(pfd, leaf, O_PATH | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
	close(pfd);
	if (fd < 0)
		errno = ENOENT;		/* let the caller's slow path decide */
	return fd;
}

/*
 * The folder of relpath in the spare, as a descriptor (the caller closes
 * it), made when missing and cleared of links; *base is relpath's last
 * component.  -1 after reporting.
 */
static int
stagedir(struct writer *w, const char *relpath, const char **base)
{
	const char *slash = strrchr(relpath, '/');
	char dir[PATH_MAX];
	int fd;

	*base = slash != NULL ? slash + 1 : relpath;
	snprintf(dir, sizeof(dir), "%.*s", slash != NULL ?
	    (int)(slash - relpath) : 0, relpath);
	if ((fd = opendirat(w->stagefd, dir)) >= 0)
		return fd;
	if (errno == ENOENT && (fd = newleaf(w->stagefd, dir)) >= 0)
		return fd;
	if ((errno == ENOENT || errno == ELOOP || errno == ENOTDIR ||
	    errno == EXDEV) && mkdirsat(w->stagefd, dir) == 0 &&
	    (fd = opendirat(w->stagefd, dir)) >= 0)
		return fd;
	cannotwrite(w, relpath);
	return -1;
}

static uint32_t
pathhash(const char *path)
{
	return (uint32_t)hash_str(path, strlen(path));
}

static struct entry *
lookuph(struct table *t, const char *path, uint32_t ph)
{
	size_t h;

	if (t->cap == 0)
		return NULL;
	for (h = ph & (t->cap - 1); t->index[h] != 0;
	    h = (h + 1) & (t->cap - 1)) {
		struct entry *e = &t->ent[t->index[h] - 1];

		if (e->phash == ph && strcmp(e->path, path) == 0)
			return e;
	}
	return NULL;
}

static struct entry *
lookup(struct table *t, const char *path)
{
	return lookuph(t, path, pathhash(path));
}

/* Room for n entries in all, the index laid again from the hashes kept. */
static void
reserve(struct table *t, size_t n)
{
	size_t h, i;

	xgrow(&t->ent, &t->alloc, n, sizeof(*t->ent));
	if (n * 2 <= t->cap)
		return;
	free(t->index);
	t->cap = t->cap ? t->cap : 1024;
	while (n * 2 > t->cap)
		t->cap *= 2;
	t->index = xcalloc(t->cap, sizeof(*t->index));
	for (i = 0; i < t->n; i++) {
		for (h = t->ent[i].phash & (t->cap - 1); t->index[h] != 0;
		    h = (h + 1) & (t->cap - 1))
			;
		t->index[h] = (uint32_t)i + 1;
	}
}

/* Add path (taking it over) to t; a path already there keeps the first
 * entry, as the manifest can only list it once.  Only while a manifest
 * is read: entries move as t grows. */
static void
insert(struct table *t, char *path, uint64_t hash, size_t size,
    struct stamp st, uint64_t key)
{
	uint32_t ph = pathhash(path);
	size_t h;

	if (lookuph(t, path, ph) != NULL || t->n >= UINT32_MAX - 1) {
		free(path);
		return;
	}
	reserve(t, t->n + 1);
	memset(&t->ent[t->n], 0, sizeof(t->ent[t->n]));
	t->ent[t->n].path = path;
	t->ent[t->n].hash = hash;
	t->ent[t->n].size = size;
	t->ent[t->n].st = st;
	t->ent[t->n].key = key;
	t->ent[t->n].phash = ph;
	for (h = ph & (t->cap - 1); t->index[h] != 0;
	    h = (h + 1) & (t->cap - 1))
		;
	t->index[h] = (uint32_t)++t->n;
}

static void
freetable(struct table *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->ent[i].path);
	free(t->ent);
	free(t->index);
	free(t->inputs);
	memset(t, 0, sizeof(*t));
}

static int
path_ok(const char *p)
{
	const char *s = p;

	if (*p == '\0' || *p == '/' || strlen(p) > 1024)
		return 0;
	for (;;) {
		size_t n = strcspn(s, "/");

		if (n == 0 || (n == 1 && s[0] == '.') ||
		    (n == 2 && s[0] == '.' && s[1] == '.'))
			return 0;
		if (s[n] == '\0')
			return 1;
		s += n + 1;
	}
}

/*
 * The published tree's record: the same list as its manifest, without
 * the stamps (which only hold on this disk), inside the tree itself, so
 * it goes wherever the tree goes.  A tree restored without hearth's side
 * files (a CI runner's cache, a backup) is trusted through it once every
 * file it lists has been read and found with its bytes (readrecord).
 */
#define RECORD		".hearth-manifest"
#define RECORD_HEAD	"hearth-manifest 1"

/* May the build write relpath?  Reports when not (a full output was
 * reported once: cannotwrite). */
static bool
writable(const struct writer *w, const char *relpath)
{
	if (atomic_load(&w->full) != 0)
		return false;
	if (!path_ok(relpath)) {
		diag_error(relpath, 0, 0, "refusing to write outside the output "
		    "directory");
		return false;
	}
	if (strcmp(relpath, RECORD) == 0 && !w->sealing) {
		diag_error(relpath, 0, 0, "refusing to write the output's own "
		    "record of its files");
		return false;
	}
	return true;
}

/* mkdir -p for the parents of path. */
static int
mkparents(char *path)
{
	char *p;

	for (p = strchr(path + 1, '/'); p != NULL; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return 0;
}

/* ==== manifests ========================================================= */

/* A new file beside the trees, for writing: whatever was at path (a link
 * someone planted included) is removed, not written through. */
static FILE *
create(const char *path)
{
	int fd;

	unlink(path);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0644)) < 0)
		return NULL;
	return fdopen(fd, "w");
}

/* The manifest of the tree at path: named by the tree's inode, so it
 * follows the tree when the two trees are exchanged. */
static char *
manifestpath(const struct writer *w, const char *tree)
{
	struct stat st;
	char *p;

	if (stat(tree, &st) < 0)
		return NULL;
	p = xmalloc(strlen(w->dir) + strlen(w->name) + 64);
	sprintf(p, "%s/.%s.manifest.%llu", w->dir, w->name,
	    (unsigned long long)st.st_ino);
	return p;
}

/* Remove what builds killed before their end left beside the trees: a
 * manifest half written, or the manifest of a spare since started
 * afresh (another inode); only the two trees' own manifests stay.  Run
 * once a build has published or left the trees as they are (one build
 * at a time holds the lock). */
static void
sweep(const struct writer *w)
{
	char *keep[2] = { manifestpath(w, w->out), manifestpath(w, w->staging) };
	char prefix[NAME_MAX + 16];
	struct dirent *de;
	DIR *d;
	int i;

	snprintf(prefix, sizeof(prefix), ".%s.manifest.", w->name);
	if ((d = opendir(w->dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			bool mine = false;

			if (strncmp(de->d_name, prefix, strlen(prefix)) != 0)
				continue;
			for (i = 0; i < 2; i++)
				mine |= keep[i] != NULL && strcmp(strrchr(keep[i],
				    '/') + 1, de->d_name) == 0;
			if (!mine)
				unlinkat(dirfd(d), de->d_name, 0);
		}
		closedir(d);
	}
	free(keep[0]);
	free(keep[1]);
}

/* The value of the hex digit c, or -1. */
static int
xdigit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * The numbers a manifest's line begins with, into v, each followed by one
 * space: in hex or decimal, as each letter of bases ('x', 'd') says (a
 * negative decimal comes back as its two's complement).  Returns the rest
 * of the line, or NULL when it does not begin so.  sscanf, here (two
 * manifests of 77,000 lines a national build) and in fromsha (eight calls
 * a digest), took some 40 ms of a news edit; strtoull still took 25 ms of
 * the thread reading them.
 */
static const char *
numbers(const char *s, const char *bases, unsigned long long *v)
{
	for (; *bases != '\0'; bases++, v++) {
		unsigned long long n = 0, base = *bases == 'x' ? 16 : 10;
		bool neg = *bases == 'd' && *s == '-';
		const char *from;
		int d;

		s += neg;
		for (from = s; (d = xdigit((unsigned char)*s)) >= 0 &&
		    (unsigned)d < base; s++)
			if (__builtin_mul_overflow(n, base, &n) ||
			    __builtin_add_overflow(n, (unsigned)d, &n))
				return NULL;
		if (s == from || *s != ' ')
			return NULL;
		*v = neg ? -n : n;
		s++;
	}
	return s;
}

/* Read a manifest into t; false when there is none to trust. */
static bool
readmanifest(struct table *t, const char *file, struct stat *seen)
{
	FILE *fp = fopen(file, "r");
	char line[2048];
	struct stat st;

	if (fp == NULL)
		return false;
	if (fstat(fileno(fp), &st) < 0) {
		fclose(fp);
		return false;
	}
	if (seen != NULL)
		*seen = st;
	t->since = stampof(&st).mtime;
	/* A line is some 100 bytes: the index laid once, not doubled up
	 * to a national site's 77,000 files. */
	if (st.st_size > 0)
		reserve(t, t->n + (size_t)st.st_size / 80);
	while (fgets(line, sizeof(line), fp) != NULL) {
		unsigned long long v[5];
		const char *path;
		char *nl = strchr(line, '\n');

		if (nl != NULL)
			*nl = '\0';
		if (strncmp(line, "inputs ", 7) == 0 && t->inputs == NULL &&
		    t->n == 0) {
			t->inputs = xstrdup(line + 7);
			continue;
		}
		if ((path = numbers(line, "xdddx", v)) == NULL ||
		    !path_ok(path)) {
			fclose(fp);
			return false;
		}
		insert(t, xstrdup(path), (uint64_t)v[0], (size_t)v[1],
		    (struct stamp){ (uint64_t)v[2], (int64_t)v[3] },
		    (uint64_t)v[4]);
	}
	fclose(fp);
	return true;
}

/*
 * Every file of the published tree, against t: a file t lists with the
 * same size is stamped (when its bytes hash to t's, byhash) or checked
 * (by its stamp) and counted in found; anything else makes the tree not
 * whole.  A national tree holds 60,000 folders (a page is a folder), and
 * opening and listing them took a second on one thread: the top two
 * levels are listed first, and what they hold is walked on every
 * thread, each file hashed while its folder is open.
 */
struct walk {
	struct table	*t;
	bool		 byhash, whole;
	size_t		 found;
	unsigned char	*buf;		/* byhash: PIECE bytes to read into */
	char		 path[PATH_MAX];	/* the folder's path */
};

/* An entry of the top two levels: a file, or a folder to walk. */
struct unit {
	int		 at;		/* the folder holding it, open */
	const char	*path;		/* from the top */
	const char	*name;		/* within at */
	bool		 isdir;
};

/* The units the top two levels hold, the folders they are in (kept
 * open), and what the jobs found walking them. */
struct walkrun {
	struct table	*t;
	bool		 byhash;
	struct unit	*v;
	size_t		 n, cap;
	int		*fds;
	size_t		 nfds;
	atomic_size_t	 found;
	atomic_bool	 whole;
};

#define WALK_CHUNK	64	/* units a job walks */

/* The file name of folder at, which t lists as path (k->path). */
static void
walkfile(struct walk *k, int at, const char *name)
{
	struct entry *e = lookup(k->t, k->path);
	struct stat st;
	int fd;

	if (e == NULL) {
		k->whole = false;
		return;
	}
	if (!k->byhash) {
		if (unchangedat(at, name, e, k->t))
			k->found++;
		else
			k->whole = false;
		return;
	}
	/* Opened without following a link or waiting on a pipe, and
	 * checked to be a regular file of the listed size. */
	fd = openat(at, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd >= 0 && e->hash != 0 && fstat(fd, &st) == 0 &&
	    S_ISREG(st.st_mode) && (size_t)st.st_size == e->size &&
	    hash64_read(fd, e->size, k->buf) == e->hash) {
		e->st = stampof(&st);
		k->found++;
	} else {
		e->hash = 0;	/* never linked or kept */
		k->whole = false;
	}
	if (fd >= 0)
		close(fd);
}

/* The kind of entry de of folder d: from the folder itself, where the
 * file system gives it (no stat for each of 77,000 files). */
static unsigned char
kindof(DIR *d, const struct dirent *de)
{
	struct stat st;

	if (de->d_type != DT_UNKNOWN)
		return de->d_type;
	if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return DT_UNKNOWN;
	return S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG :
	    DT_UNKNOWN;
}

/* Walk the folder open at dfd (which this closes), whose path k->path
 * holds, n bytes long.  With units, its entries are listed there instead
 * (the top two levels, depth 0 and 1), their folders kept open. */
static void
walkdir(struct walk *k, int dfd, size_t n, int depth, struct walkrun *units)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;
	bool empty = true;
	int keep = -1;

	if (d == NULL) {
		close(dfd);
		k->whole = false;
		return;
	}
	if (units != NULL) {
		/* Kept open for the units listed from it. */
		units->fds = xrealloc(units->fds, (units->nfds + 1) *
		    sizeof(*units->fds));
		if ((keep = units->fds[units->nfds++] = dup(dirfd(d))) < 0)
			k->whole = false;
	}
	while ((de = readdir(d)) != NULL) {
		const char *name = de->d_name;
		size_t len = strlen(name), m = n + (n > 0) + len;
		unsigned char type;
		struct unit *u;
		int fd;

		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			continue;
		empty = false;
		if (n == 0 && k->byhash && strcmp(name, RECORD) == 0)
			continue;	/* the record does not list itself */
		if (m >= sizeof(k->path)) {
			k->whole = false;
			continue;
		}
		if (n > 0)
			k->path[n] = '/';
		memcpy(k->path + n + (n > 0), name, len + 1);
		type = kindof(d, de);
		if (type != DT_DIR && type != DT_REG) {
			k->whole = false;
			continue;
		}
		if (units != NULL && (depth == 1 || type == DT_REG)) {
			xgrow(&units->v, &units->cap, units->n + 1,
			    sizeof(*units->v));
			u = &units->v[units->n++];
			u->at = keep;
			u->path = xstrdup(k->path);
			u->name = u->path + (m - len);
			u->isdir = type == DT_DIR;
			continue;
		}
		if (type == DT_DIR) {
			if ((fd = openat(dirfd(d), name, O_RDONLY | O_DIRECTORY |
			    O_NOFOLLOW | O_CLOEXEC)) < 0)
				k->whole = false;
			else
				walkdir(k, fd, m, depth + 1, units);
			continue;
		}
		walkfile(k, dirfd(d), name);
	}
	if (empty)
		k->whole = false;	/* a folder no file needs */
	closedir(d);
}

static void
walkjob(size_t job, int worker, void *ud)
{
	struct walkrun *r = ud;
	struct walk *k = xmalloc(sizeof(*k));
	size_t i, end = (job + 1) * WALK_CHUNK;

	(void)worker;
	if (end > r->n)
		end = r->n;
	k->t = r->t;
	k->byhash = r->byhash;
	k->whole = true;
	k->found = 0;
	k->buf = r->byhash ? xmalloc(PIECE) : NULL;
	for (i = job * WALK_CHUNK; i < end; i++) {
		const struct unit *u = &r->v[i];
		size_t n = strlen(u->path);
		int fd;

		memcpy(k->path, u->path, n + 1);
		if (!u->isdir)
			walkfile(k, u->at, u->name);
		else if ((fd = openat(u->at, u->name, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC)) < 0)
			k->whole = false;
		else
			walkdir(k, fd, n, 2, NULL);
	}
	atomic_fetch_add(&r->found, k->found);
	if (!k->whole)
		atomic_store(&r->whole, false);
	free(k->buf);
	free(k);
}

/* Walk the published tree (the folder descriptor top) against t; true
 * when it holds exactly t's files.  byhash: each file is read and hashed
 * (a tree of unknown stamps, trusted through its record). */
static bool
walktree(struct table *t, int top, bool byhash)
{
	struct walk *k = xcalloc(1, sizeof(*k));
	struct walkrun r = { .t = t, .byhash = byhash };
	size_t i;
	int fd = openat(top, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	bool whole;

	if (fd < 0) {
		free(k);
		return false;
	}
	k->t = t;
	k->byhash = byhash;
	k->whole = true;
	walkdir(k, fd, 0, 0, &r);
	atomic_init(&r.found, k->found);
	atomic_init(&r.whole, k->whole);
	jobs_run((r.n + WALK_CHUNK - 1) / WALK_CHUNK, jobs_ncpu(), walkjob,
	    &r);
	whole = atomic_load(&r.whole) && atomic_load(&r.found) == t->n;
	for (i = 0; i < r.n; i++)
		free((char *)r.v[i].path);
	free(r.v);
	for (i = 0; i < r.nfds; i++)
		if (r.fds[i] >= 0)
			close(r.fds[i]);
	free(r.fds);
	free(k);
	return whole;
}

/* The published tree's record into w->live, each file it lists read
 * and stamped as found (see RECORD); false when it has none to use. */
static bool
readrecord(struct writer *w)
{
	char line[2048];
	struct timespec now;
	int fd = openat(w->livefd, RECORD, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC);
	struct stat st;
	uint64_t hash;
	FILE *fp;
	bool ok = false;

	if (fd < 0)
		return false;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (fp = fdopen(fd, "r")) == NULL) {
		close(fd);
		return false;
	}
	/* The record is a file of the tree too, for the manifest that
	 * writer_leave writes from this table. */
	hash = hash64_fd(fd, (size_t)st.st_size);
	if (fgets(line, sizeof(line), fp) == NULL ||
	    strcmp(line, RECORD_HEAD "\n") != 0 ||
	    fgets(line, sizeof(line), fp) == NULL ||
	    strncmp(line, "inputs ", 7) != 0 || strchr(line, '\n') == NULL)
		goto out;
	*strchr(line, '\n') = '\0';
	w->live.inputs = xstrdup(line + 7);
	while (fgets(line, sizeof(line), fp) != NULL) {
		unsigned long long v[3];
		const char *path;
		char *nl = strchr(line, '\n');

		if (nl == NULL)
			goto out;
		*nl = '\0';
		if ((path = numbers(line, "xdx", v)) == NULL ||
		    !path_ok(path))
			goto out;
		insert(&w->live, xstrdup(path), (uint64_t)v[0], (size_t)v[1],
		    (struct stamp){ 0, 0 }, (uint64_t)v[2]);
	}
	ok = !ferror(fp);
out:
	fclose(fp);
	if (!ok) {
		freetable(&w->live);
		return false;
	}
	/* A file altered after this moment is read again (unchangedat). */
	clock_gettime(CLOCK_REALTIME, &now);
	w->live.since = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
	w->recorded = true;
	w->whole = walktree(&w->live, w->livefd, true);
	if (hash != 0)
		insert(&w->live, xstrdup(RECORD), hash, (size_t)st.st_size,
		    stampof(&st), 0);
	return true;
}

/*
 * Write a line of numbers then path to fp, as numbers reads it: each of v
 * as the letter of bases says ('x': 16 hex digits, 'd': decimal, '-':
 * decimal of a signed number), then a space.  For the manifests' 230,000
 * lines of a national build, fprintf took some 16 ms; this takes 6.
 */
static void
putline(FILE *fp, const char *bases, const unsigned long long *v,
    const char *path)
{
	static const char hex[] = "0123456789abcdef";
	char line[128], digits[24], *o = line;
	int i, n;

	for (; *bases != '\0'; bases++, v++) {
		unsigned long long x = *v;

		if (*bases == 'x') {
			for (i = 15; i >= 0; i--, x >>= 4)
				o[i] = hex[x & 15];
			o += 16;
		} else {
			if (*bases == '-' && (long long)x < 0) {
				*o++ = '-';
				x = -x;
			}
			n = 0;
			do
				digits[n++] = (char)('0' + x % 10);
			while ((x /= 10) != 0);
			while (n > 0)
				*o++ = digits[--n];
		}
		*o++ = ' ';
	}
	fwrite(line, 1, (size_t)(o - line), fp);
	fputs(path, fp);
	putc('\n', fp);
}

/* One line of a manifest: hash, size, stamp, key, path. */
static void
manifestline(FILE *fp, uint64_t hash, size_t size, struct stamp st,
    uint64_t key, const char *path)
{
	putline(fp, "xdd-x", (unsigned long long[]){ hash, size, st.ino,
	    (unsigned long long)st.mtime, key }, path);
}

/* A manifest (see readmanifest) at man, written whole or not at all:
 * inputs, then t's files (only those this build saw, seen) and add's,
 * streamed (the national site's is 7 MB, at the build's peak). */
static int
writemanifest(const char *man, const char *inputs, const struct table *t,
    bool seen, const struct added *add, size_t nadd, int64_t since)
{
	char *tmp = xmalloc(strlen(man) + 8);
	size_t i;
	FILE *fp;
	bool bad;

	sprintf(tmp, "%s.tmp", man);
	if ((fp = create(tmp)) == NULL)
		goto fail;
	if (inputs != NULL)
		fprintf(fp, "inputs %s\n", inputs);
	for (i = 0; i < t->n; i++) {
		const struct entry *e = &t->ent[i];

		if (!seen || atomic_load(&e->seen))
			manifestline(fp, e->hash, e->size, e->st, e->key,
			    e->path);
	}
	for (i = 0; i < nadd; i++)
		manifestline(fp, add[i].hash, add[i].size, add[i].st,
		    add[i].key, add[i].path);
	bad = ferror(fp);
	if (fclose(fp) != 0 || bad || (since != 0 && utimensat(AT_FDCWD,
	    tmp, (struct timespec[2]){ { since / 1000000000, since %
	    1000000000 }, { since / 1000000000, since % 1000000000 } }, 0) <
	    0) || rename(tmp, man) < 0)
		goto fail;
	free(tmp);
	return 0;
fail:
	diag_error(man, 0, 0, "cannot write the output manifest: %s",
	    strerror(errno));
	unlink(tmp);
	free(tmp);
	return -1;
}

static void
freemanifest(struct writer *w)
{
	size_t i;

	freetable(&w->old);
	freetable(&w->live);
	for (i = 0; i < w->nadd; i++)
		free(w->add[i].path);
	free(w->add);
	free(w->addset);
	w->add = NULL;
	w->addset = NULL;
	w->nadd = w->capadd = w->capset = 0;
}

/* ==== opening ============================================================ */

/* .<out>.scratch beside the spare: on its file system, never published. */
static void
scratchdir(const struct writer *w, char *path, size_t size)
{
	snprintf(path, size, "%s/.%s.scratch", w->dir, w->name);
}

static void
freew(struct writer *w)
{
	char dir[PATH_MAX];
	size_t i;

	for (i = 0; i < w->nscratch; i++) {
		if (w->scratch[i].path != NULL)
			unlink(w->scratch[i].path);
		free(w->scratch[i].path);
	}
	if (w->scratched) {
		scratchdir(w, dir, sizeof(dir));
		rmdir(dir);
	}
	free(w->scratch);
	freemanifest(w);
	if (w->lockfd >= 0)
		close(w->lockfd);
	if (w->stagefd >= 0)
		close(w->stagefd);
	if (w->livefd >= 0)
		close(w->livefd);
	pthread_mutex_destroy(&w->lock);
	free(w->inputs);
	free(w->out);
	free(w->staging);
	free(w->dir);
	free(w->name);
	free(w);
}

/* w's names of the output, its folder and its spare, from outdir. */
static void
setnames(struct writer *w, const char *outdir)
{
	size_t n = strlen(outdir);
	const char *slash;

	while (n > 1 && outdir[n - 1] == '/')
		n--;
	w->out = xstrndup(outdir, n);
	slash = strrchr(w->out, '/');
	w->dir = slash == NULL ? xstrdup(".") : slash == w->out ? xstrdup("/") :
	    xstrndup(w->out, (size_t)(slash - w->out));
	w->name = xstrdup(slash == NULL ? w->out : slash + 1);
	w->staging = xmalloc(strlen(w->dir) + strlen(w->name) + 16);
	sprintf(w->staging, "%s/.%s.spare", w->dir, w->name);
}

/* ==== reading ahead ====================================================== */

/* A manifest as the thread ahead read it. */
struct readlist {
	char		*path;		/* NULL: its tree has none */
	struct stat	 st;		/* the file read */
	struct table	 t;
	bool		 ok;
};

struct writer_ahead {
	pthread_t	 thread;
	bool		 joined;
	struct writer	 names;		/* out, dir, name and staging only */
	struct readlist	 spare, live;
};

static void
readone(struct writer_ahead *a, struct readlist *l, const char *tree)
{
	if ((l->path = manifestpath(&a->names, tree)) != NULL)
		l->ok = readmanifest(&l->t, l->path, &l->st);
}

/* Each file the spare's manifest lists, found there with its stamp or
 * not: what writer_keep and writer_put would otherwise ask file by file
 * as the pages are made, when both cores are busy (59,000 stats, a
 * quarter of a national news edit's CPU time), asked here while the site
 * is read.  What a later build changed is no matter: it replaced the
 * manifest, and takemanifest then drops what was read here. */
static void
precheck(struct readlist *l, const char *staging)
{
	struct stat st;
	size_t i;
	int fd;

	if (!l->ok || (fd = open(staging, O_PATH | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) < 0)
		return;
	if (fstat(fd, &st) == 0) {
		l->t.dev = st.st_dev;
		for (i = 0; i < l->t.n; i++)
			if (l->t.ent[i].hash != 0 && unchangedat(fd,
			    l->t.ent[i].path, &l->t.ent[i], &l->t))
				atomic_store(&l->t.ent[i].checked, true);
	}
	close(fd);
}

static void *
ahead(void *arg)
{
	struct writer_ahead *a = arg;

	readone(a, &a->spare, a->names.staging);
	readone(a, &a->live, a->names.out);
	precheck(&a->spare, a->names.staging);
	return NULL;
}

struct writer_ahead *
writer_ahead(const char *outdir)
{
	struct writer_ahead *a = xcalloc(1, sizeof(*a));

	setnames(&a->names, outdir);
	if (pthread_create(&a->thread, NULL, ahead, a) != 0)
		xdie("pthread_create failed");
	return a;
}

static void
joinahead(struct writer_ahead *a)
{
	if (!a->joined)
		pthread_join(a->thread, NULL);
	a->joined = true;
}

void
writer_ahead_free(struct writer_ahead *a)
{
	if (a == NULL)
		return;
	joinahead(a);
	freetable(&a->spare.t);
	freetable(&a->live.t);
	free(a->spare.path);
	free(a->live.path);
	free(a->names.out);
	free(a->names.dir);
	free(a->names.name);
	free(a->names.staging);
	free(a);
}

/* The manifest file into t, from what was read ahead when that is still
 * the file (under the lock now; a build that published since replaced
 * it), else read now; true when it was read whole. */
static bool
takemanifest(struct table *t, const char *file, struct writer_ahead *a,
    struct readlist *l)
{
	struct stat st;

	if (a != NULL && l->path != NULL && strcmp(l->path, file) == 0 &&
	    stat(file, &st) == 0 && st.st_dev == l->st.st_dev &&
	    st.st_ino == l->st.st_ino && st.st_size == l->st.st_size &&
	    st.st_mtim.tv_sec == l->st.st_mtim.tv_sec &&
	    st.st_mtim.tv_nsec == l->st.st_mtim.tv_nsec &&
	    st.st_ctim.tv_sec == l->st.st_ctim.tv_sec &&
	    st.st_ctim.tv_nsec == l->st.st_ctim.tv_nsec) {
		*t = l->t;
		memset(&l->t, 0, sizeof(l->t));
		return l->ok;
	}
	return readmanifest(t, file, NULL);
}

int
writer_open(struct writer **out, const char *outdir)
{
	return writer_open_ahead(out, outdir, NULL);
}

int
writer_open_ahead(struct writer **out, const char *outdir,
    struct writer_ahead *a)
{
	struct writer *w;
	char *lockpath, *man;
	struct stat sst;
	bool trusted = false;

	*out = NULL;
	if (a != NULL)
		joinahead(a);
	w = xcalloc(1, sizeof(*w));
	pthread_mutex_init(&w->lock, NULL);
	w->lockfd = w->stagefd = w->livefd = -1;
	setnames(w, outdir);

	/* One build at a time per output. */
	lockpath = xmalloc(strlen(w->dir) + strlen(w->name) + 16);
	sprintf(lockpath, "%s/.%s.lock", w->dir, w->name);
	if (mkparents(lockpath) < 0 || (w->lockfd = open(lockpath,
	    O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644)) < 0) {
		diag_error(w->out, 0, 0, "cannot create the output's folder: "
		    "%s", strerror(errno));
		free(lockpath);
		freew(w);
		return -1;
	}
	free(lockpath);
	if (flock(w->lockfd, LOCK_EX | LOCK_NB) < 0) {
		diag_error(w->out, 0, 0, "another build is publishing here");
		freew(w);
		return -1;
	}

	/* The spare is trusted only with its manifest; the manifest goes
	 * before the first change, so a build that dies leaves none. */
	if ((man = manifestpath(w, w->staging)) != NULL) {
		trusted = takemanifest(&w->old, man, a, a ? &a->spare : NULL);
		unlink(man);
		free(man);
	}
	/* What the published tree holds: a file the spare lacks but the
	 * live tree has with the same bytes is linked, not written, so both
	 * trees share its inode and its mtime stays put. */
	if ((man = manifestpath(w, w->out)) != NULL) {
		if (!takemanifest(&w->live, man, a, a ? &a->live : NULL)) {
			freetable(&w->live);
			w->livefd = open(w->out, O_PATH | O_DIRECTORY |
			    O_NOFOLLOW | O_CLOEXEC);
			/* Said, as reading every file is the slow path. */
			if (w->livefd >= 0 && readrecord(w) &&
			    diag_verbosity() > 1)
				diag_info("  %s/ checked file by file: no list "
				    "of its files beside it", w->out);
		}
		free(man);
	}
	/* A spare that is a link (hearth makes none) is not trusted. */
	if (trusted && (lstat(w->staging, &sst) < 0 || !S_ISDIR(sst.st_mode)))
		trusted = false;
	if (!trusted) {
		freetable(&w->old);
		if (lstat(w->staging, &sst) == 0 && !S_ISDIR(sst.st_mode))
			unlink(w->staging);
		rmtree(w->staging);
		if (mkdir(w->staging, 0755) < 0) {
			diag_error(w->staging, 0, 0, "cannot create the staging "
			    "directory: %s", strerror(errno));
			freew(w);
			return -1;
		}
	}
	if ((w->stagefd = open(w->staging, O_PATH | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) < 0 || fstat(w->stagefd, &sst) < 0) {
		diag_error(w->staging, 0, 0, "cannot open the staging "
		    "directory: %s", strerror(errno));
		freew(w);
		return -1;
	}
	w->old.dev = sst.st_dev;
	*out = w;
	return 0;
}

int
writer_open_dry(struct writer **out, const char *outdir)
{
	struct writer *w = xcalloc(1, sizeof(*w));

	pthread_mutex_init(&w->lock, NULL);
	w->lockfd = -1;
	w->out = xstrdup(outdir);
	w->dry = true;
	*out = w;
	return 0;
}

/* A dry run's put: the same path checks and the same "written twice" as
 * a real one, then nothing. */
static int
dryput(struct writer *w, const char *relpath, size_t len)
{
	if (!writable(w, relpath))
		return -1;
	if (note(w, relpath, 0, len) < 0) {
		diag_error(relpath, 0, 0, "written twice in one build (two "
		    "pages share a URL)");
		return -1;
	}
	atomic_fetch_add(&w->files, 1);
	atomic_fetch_add(&w->bytes, len);
	return 0;
}

/* ==== writing ============================================================ */

/* Index the new paths (lock held). */
static void
addindex(struct writer *w, size_t k)
{
	size_t h, mask = w->capset - 1;

	for (h = hash_str(w->add[k].path, strlen(w->add[k].path)) & mask;
	    w->addset[h] != 0; h = (h + 1) & mask)
		;
	w->addset[h] = k + 1;
}

/* relpath's index in w->add, or -1 (lock held). */
static long
added(const struct writer *w, const char *relpath)
{
	size_t h;

	if (w->capset == 0)
		return -1;
	for (h = hash_str(relpath, strlen(relpath)) & (w->capset - 1);
	    w->addset[h] != 0; h = (h + 1) & (w->capset - 1))
		if (strcmp(w->add[w->addset[h] - 1].path, relpath) == 0)
			return (long)w->addset[h] - 1;
	return -1;
}

/* Note that path, which the spare did not have, is in the new tree with
 * these bytes.  Returns its index in w->add, or -1 when the build
 * produced it already. */
static long
note(struct writer *w, const char *relpath, uint64_t hash, size_t size)
{
	size_t k;
	long rc;

	pthread_mutex_lock(&w->lock);
	if ((w->nadd + 1) * 2 > w->capset) {
		free(w->addset);
		w->capset = w->capset ? w->capset * 2 : 1024;
		w->addset = xcalloc(w->capset, sizeof(*w->addset));
		for (k = 0; k < w->nadd; k++)
			addindex(w, k);
	}
	if (added(w, relpath) >= 0) {
		rc = -1;
		goto out;
	}
	xgrow(&w->add, &w->capadd, w->nadd + 1, sizeof(*w->add));
	w->add[w->nadd].path = xstrdup(relpath);
	w->add[w->nadd].hash = hash;
	w->add[w->nadd].size = size;
	memset(&w->add[w->nadd].st, 0, sizeof(w->add[w->nadd].st));
	w->add[w->nadd].key = 0;
	addindex(w, w->nadd);
	rc = (long)w->nadd++;
out:
	pthread_mutex_unlock(&w->lock);
	return rc;
}

/* Record what file a path of the new tree holds: in its spare entry e,
 * or in w->add[k]. */
static void
stamped(struct writer *w, struct entry *e, long k, const struct stat *st)
{
	if (e != NULL) {
		e->st = stampof(st);
		return;
	}
	pthread_mutex_lock(&w->lock);
	w->add[k].st = stampof(st);
	pthread_mutex_unlock(&w->lock);
}

/* Record the key of what a path of the new tree holds, as stamped. */
static void
keyed(struct writer *w, struct entry *e, long k, uint64_t key)
{
	if (e != NULL) {
		e->key = key;
		return;
	}
	pthread_mutex_lock(&w->lock);
	w->add[k].key = key;
	pthread_mutex_unlock(&w->lock);
}

/* The spare's manifest entry for relpath, marked seen (only this call
 * will touch it), or NULL when the spare has no such file.  *twice is set
 * when the build already produced relpath. */
static struct entry *
claim(struct writer *w, const char *relpath, bool *twice)
{
	struct entry *e = lookup(&w->old, relpath);

	*twice = false;
	if (e != NULL && atomic_exchange(&e->seen, true))
		*twice = true;
	return e;
}

static int
writeall(struct writer *w, int fd, const char *p, size_t len,
    const char *relpath)
{
	if (fd_write(fd, p, len) == 0)
		return 0;
	cannotwrite(w, relpath);
	return -1;
}

/* The len bytes of the open file src (from offset 0) into fd. */
static int
copyall(struct writer *w, int fd, int src, size_t len, const char *relpath)
{
	if (fd_copy(fd, src, len) == 0)
		return 0;
	cannotwrite(w, relpath);
	return -1;
}

/* The bytes (data, or the open file src when data is NULL) into fd,
 * which is closed; *st gets the file's stamp.  -1 after reporting. */
static int
fill(struct writer *w, int fd, const char *data, int src, size_t len,
    const char *relpath, struct stat *st)
{
	int rc;

	if ((data != NULL ? writeall(w, fd, data, len, relpath) :
	    copyall(w, fd, src, len, relpath)) < 0) {
		close(fd);
		return -1;
	}
	rc = fstat(fd, st);
	if (close(fd) < 0 || rc < 0) {
		cannotwrite(w, relpath);
		return -1;
	}
	return 0;
}

/* Give the spare's path (base in folder dfd) the live tree's file (same
 * bytes, by its manifest) through tmp.  Returns 0, or -1 to write the
 * bytes instead. */
static int
linklive(struct writer *w, const char *relpath, const struct entry *le,
    int dfd, const char *tmp, const char *base, struct stat *st)
{
	char from[PATH_MAX];

	if (snprintf(from, sizeof(from), "%s/%s", w->out, relpath) >=
	    (int)sizeof(from) || !unchanged(from, le, &w->live))
		return -1;
	unlinkat(dfd, tmp, 0);
	if (linkat(AT_FDCWD, from, dfd, tmp, 0) < 0)
		return -1;
	/* What was linked must be the file the manifest names. */
	if (fstatat(dfd, tmp, st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    !S_ISREG(st->st_mode) || (uint64_t)st->st_ino != le->st.ino ||
	    renameat(dfd, tmp, dfd, base) < 0) {
		unlinkat(dfd, tmp, 0);
		return -1;
	}
	unlinkat(dfd, tmp, 0);	/* left when base was a link to the file */
	return 0;
}

/* Where linklive cannot link (the trees on two file systems): the live
 * file's bytes copied, when it is still the file its manifest names, with
 * those bytes.  Returns 0, or -1 to make the file instead. */
static int
copylive(struct writer *w, const char *relpath, const struct entry *le,
    int dfd, const char *tmp, const char *base, struct stat *st)
{
	char from[PATH_MAX];
	struct stat lst;
	int src, out, rc = -1;

	if (snprintf(from, sizeof(from), "%s/%s", w->out, relpath) >=
	    (int)sizeof(from) || (src = open(from, O_RDONLY | O_NOFOLLOW |
	    O_NONBLOCK | O_CLOEXEC)) < 0)
		return -1;
	if (fstat(src, &lst) < 0 || !S_ISREG(lst.st_mode) ||
	    (uint64_t)lst.st_ino != le->st.ino || (size_t)lst.st_size !=
	    le->size || hash64_fd(src, le->size) != le->hash)
		goto out;
	unlinkat(dfd, tmp, 0);
	if ((out = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0644)) < 0)
		goto out;
	if (fill(w, out, NULL, src, le->size, relpath, st) < 0 ||
	    renameat(dfd, tmp, dfd, base) < 0) {
		unlinkat(dfd, tmp, 0);
		goto out;
	}
	rc = 0;
out:
	close(src);
	return rc;
}

/*
 * A published tree without its manifest (restored from a backup or a CI
 * cache without hearth's side files) is still used: a file whose bytes
 * are already there, read and compared, is linked rather than written, so
 * such a build writes only what changed.  The file is reached beneath the
 * tree without following a link, and the link made must be the inode that
 * was read.
 */
static int
linksame(struct writer *w, const char *relpath, const char *data, int src,
    size_t len, int dfd, const char *tmp, const char *base, struct stat *st)
{
	const char *slash = strrchr(relpath, '/');
	char dir[PATH_MAX], chunk[65536], mine[65536];
	struct stat lst;
	size_t at = 0;
	ssize_t r;
	int ldir, fd, rc = -1;

	snprintf(dir, sizeof(dir), "%.*s", slash != NULL ?
	    (int)(slash - relpath) : 0, relpath);
	if ((ldir = opendirat(w->livefd, dir)) < 0)
		return -1;
	if ((fd = openat(ldir, base, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC)) < 0) {
		close(ldir);
		return -1;
	}
	if (fstat(fd, &lst) < 0 || !S_ISREG(lst.st_mode) ||
	    (size_t)lst.st_size != len)
		goto out;
	while ((r = read(fd, chunk, sizeof(chunk))) > 0) {
		if ((size_t)r > len - at || (data == NULL && pread(src, mine,
		    (size_t)r, (off_t)at) != r) || memcmp(chunk, data != NULL ?
		    data + at : mine, (size_t)r) != 0)
			goto out;
		at += (size_t)r;
	}
	if (r < 0 || at != len)
		goto out;
	unlinkat(dfd, tmp, 0);
	if (linkat(ldir, base, dfd, tmp, 0) < 0)
		goto out;
	if (fstatat(dfd, tmp, st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    st->st_ino != lst.st_ino || renameat(dfd, tmp, dfd, base) < 0) {
		unlinkat(dfd, tmp, 0);
		goto out;
	}
	unlinkat(dfd, tmp, 0);	/* left when base was a link to the file */
	rc = 0;
out:
	close(fd);
	close(ldir);
	return rc;
}

/*
 * Claim relpath for this build and open its folder in the spare: 1 when
 * the spare holds h and size there already (nothing to write), 0 to go
 * on with *e (its spare entry, or NULL for a path the spare never had),
 * *dfd and *base, -1 after reporting.
 */
static int
begin(struct writer *w, const char *relpath, uint64_t h, size_t size,
    struct entry **e, int *dfd, const char **base)
{
	bool twice;

	*e = claim(w, relpath, &twice);
	if (twice) {
		diag_error(relpath, 0, 0, "written twice in one build (two "
		    "pages share a URL)");
		return -1;
	}
	/* A stat says whether the spare holds those bytes already.  Then
	 * nothing is written, and the folders need not be opened one by one
	 * without crossing a link (three calls, most of a kept page's time):
	 * what is there must be the very file recorded (file system, inode,
	 * time, size), itself never a link. */
	if (*e != NULL && (*e)->hash == h && (*e)->size == size &&
	    spareholds(w, relpath, *e))
		return 1;
	if ((*dfd = stagedir(w, relpath, base)) < 0)
		return -1;
	return 0;
}

/* The hash64 of bytes whose SHA-256 is sha256 (hex): its first 8 bytes,
 * as hash64 takes them. */
static uint64_t
fromsha(const char *sha256)
{
	unsigned char md[8];
	uint64_t h;
	int i;

	for (i = 0; i < 8; i++) {
		int hi = xdigit(sha256[2 * i]), lo;

		if (hi < 0 || (lo = xdigit(sha256[2 * i + 1])) < 0)
			return 0;
		md[i] = (unsigned char)(hi << 4 | lo);
	}
	memcpy(&h, md, 8);
	return h != 0 ? h : 1;
}

int
writer_scratch(struct writer *w, char *path, size_t size)
{
	struct stat st;
	int fd = -1;

	if (w->dry)
		return -1;
	pthread_mutex_lock(&w->lock);
	scratchdir(w, path, size);
	/* A build killed before it removed its files left them here. */
	if (!w->scratched && rmtree(path) == 0 && mkdir(path, 0700) == 0)
		w->scratched = true;
	if (w->scratched && strlen(path) + 14 < size) {
		strcat(path, "/file-XXXXXX");
		/* Moved in as it is: the mode the writer gives its files
		 * (mkostemp's is 0600). */
		if ((fd = mkostemp(path, O_CLOEXEC)) >= 0 &&
		    fchmod(fd, 0644) == 0 && fstat(fd, &st) == 0) {
			xgrow(&w->scratch, &w->capscratch, w->nscratch + 1,
			    sizeof(*w->scratch));
			w->scratch[w->nscratch].path = xstrdup(path);
			w->scratch[w->nscratch].dev = st.st_dev;
			w->scratch[w->nscratch++].ino = st.st_ino;
		} else if (fd >= 0) {
			close(fd);
			unlink(path);
			fd = -1;
		}
	}
	pthread_mutex_unlock(&w->lock);
	return fd;
}

/* Move src, when it is a file of writer_scratch's, to base in dfd in
 * one rename (the national database's 45 MB, on every edit, were
 * copied): 0, or -1 to write its bytes. */
static int
movescratch(struct writer *w, int src, size_t len, int dfd, const char *base,
    struct stat *st)
{
	struct scratch *sc = NULL;
	size_t i;
	int rc = -1;

	if (fstat(src, st) < 0 || (size_t)st->st_size != len)
		return -1;
	pthread_mutex_lock(&w->lock);
	for (i = 0; i < w->nscratch; i++)
		if (w->scratch[i].path != NULL &&
		    w->scratch[i].dev == st->st_dev &&
		    w->scratch[i].ino == st->st_ino)
			sc = &w->scratch[i];
	if (sc != NULL && renameat(AT_FDCWD, sc->path, dfd, base) == 0) {
		free(sc->path);
		sc->path = NULL;
		rc = fstatat(dfd, base, st, AT_SYMLINK_NOFOLLOW);
	}
	pthread_mutex_unlock(&w->lock);
	return rc;
}

/* writer_put of data, or of the open file src when data is NULL, made
 * of the page's own input key besides the tree's (0: none); sha256, when
 * not NULL, is the bytes' SHA-256 the caller made. */
static int
put(struct writer *w, const char *relpath, const void *data, int src,
    size_t len, uint64_t key, const char *sha256)
{
	char tmp[NAME_MAX + 32];
	const char *base;
	struct entry *e, *le;
	struct stat st;
	uint64_t h;
	long k = -1;
	int fd, dfd;

	if (w->dry)
		return dryput(w, relpath, len);
	if (!writable(w, relpath))
		return -1;
	if ((h = sha256 != NULL ? fromsha(sha256) : data != NULL ?
	    hash64(data, len) : hash64_fd(src, len)) == 0 && data == NULL) {
		diag_error(relpath, 0, 0, "cannot read what to write: %s",
		    strerror(errno));
		return -1;
	}
	switch (begin(w, relpath, h, len, &e, &dfd, &base)) {
	case -1:
		return -1;
	case 1:
		e->key = key;
		atomic_fetch_add(&w->files, 1);
		atomic_fetch_add(&w->bytes, len);
		return 0;		/* the same bytes: not written */
	}
	if (e != NULL) {
		e->hash = h;
		e->size = len;
	} else if ((k = note(w, relpath, h, len)) < 0) {
		close(dfd);
		diag_error(relpath, 0, 0, "written twice in one build (two "
		    "pages share a URL)");
		return -1;
	}
	keyed(w, e, k, key);
	/* A new name, then a rename over the old file: the spare never
	 * holds half a file either. */
	snprintf(tmp, sizeof(tmp), "%.*s.%ld.tmp", NAME_MAX, base,
	    (long)pthread_self() % 1000000);
	if ((h != 0 && (le = lookup(&w->live, relpath)) != NULL &&
	    le->hash == h && le->size == len && linklive(w, relpath, le, dfd,
	    tmp, base, &st) == 0) || (w->livefd >= 0 && linksame(w, relpath,
	    data, src, len, dfd, tmp, base, &st) == 0)) {
		close(dfd);
		stamped(w, e, k, &st);
		atomic_fetch_add(&w->files, 1);
		atomic_fetch_add(&w->bytes, len);
		atomic_fetch_add(&w->linked, 1);
		return 0;
	}
	if (data == NULL && movescratch(w, src, len, dfd, base, &st) == 0)
		goto made;
	/* A path the spare has never held is made under its own name: no
	 * one reads the spare, and no file (no link into the published
	 * tree) is there to be replaced.  Anything there after all, which
	 * hearth did not list, is replaced through a new name below. */
	if (e == NULL && (fd = openat(dfd, base, O_WRONLY | O_CREAT | O_EXCL |
	    O_NOFOLLOW | O_CLOEXEC, 0644)) >= 0) {
		if (fill(w, fd, data, src, len, relpath, &st) < 0) {
			unlinkat(dfd, base, 0);
			close(dfd);
			return -1;
		}
		goto made;
	}
	unlinkat(dfd, tmp, 0);
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0644);
	if (fd < 0) {
		cannotwrite(w, relpath);
		close(dfd);
		return -1;
	}
	if (fill(w, fd, data, src, len, relpath, &st) < 0) {
		unlinkat(dfd, tmp, 0);
		close(dfd);
		return -1;
	}
	if (renameat(dfd, tmp, dfd, base) < 0) {
		cannotwrite(w, relpath);
		unlinkat(dfd, tmp, 0);
		close(dfd);
		return -1;
	}
made:
	close(dfd);
	stamped(w, e, k, &st);
	atomic_fetch_add(&w->files, 1);
	atomic_fetch_add(&w->bytes, len);
	atomic_fetch_add(&w->written, 1);
	return 0;
}

void
writer_inputs(struct writer *w, const char *inputs)
{
	free(w->inputs);
	w->inputs = inputs != NULL && strchr(inputs, '\n') == NULL ?
	    xstrdup(inputs) : NULL;
}

const char *
writer_published_inputs(const struct writer *w)
{
	return w->live.inputs;
}

int
writer_keep(struct writer *w, const char *relpath, uint64_t key)
{
	char tmp[NAME_MAX + 32];
	const char *base;
	struct entry *e, *le;
	struct stat st;
	long k = -1;
	int dfd;

	if (w->dry || w->live.inputs == NULL || !path_ok(relpath) ||
	    strcmp(relpath, RECORD) == 0 ||
	    (le = lookup(&w->live, relpath)) == NULL || le->hash == 0 ||
	    (le->key != key && key != WRITER_SAME_KEY))
		return -1;
	key = le->key;
	/* The spare may hold those bytes already (it was published one
	 * build before): then it is left as it is. */
	switch (begin(w, relpath, le->hash, le->size, &e, &dfd, &base)) {
	case -1:
		return -2;
	case 1:
		e->key = key;
		goto kept;
	}
	snprintf(tmp, sizeof(tmp), "%.*s.%ld.tmp", NAME_MAX, base,
	    (long)pthread_self() % 1000000);
	if (linklive(w, relpath, le, dfd, tmp, base, &st) == 0)
		atomic_fetch_add(&w->linked, 1);
	else if (copylive(w, relpath, le, dfd, tmp, base, &st) == 0)
		atomic_fetch_add(&w->written, 1);
	else {
		/* Not the file its manifest names: the page is made. */
		if (e != NULL)
			atomic_store(&e->seen, false);
		close(dfd);
		return -1;
	}
	close(dfd);
	if (e != NULL) {
		e->hash = le->hash;
		e->size = le->size;
	} else if ((k = note(w, relpath, le->hash, le->size)) < 0) {
		diag_error(relpath, 0, 0, "written twice in one build (two "
		    "pages share a URL)");
		return -2;
	}
	stamped(w, e, k, &st);
	keyed(w, e, k, key);
kept:
	atomic_fetch_add(&w->files, 1);
	atomic_fetch_add(&w->bytes, le->size);
	atomic_fetch_add(&w->kept, 1);
	return 0;
}

bool
writer_keepable(struct writer *w, const char *relpath, size_t size,
    const char *sha256)
{
	const struct entry *le;
	struct entry *e;
	char from[PATH_MAX];

	if (w->dry || w->live.inputs == NULL || !path_ok(relpath) ||
	    (le = lookup(&w->live, relpath)) == NULL || le->hash == 0 ||
	    le->size != size || (sha256 != NULL &&
	    le->hash != fromsha(sha256)))
		return false;
	/* The spare holding those bytes (it was published one build
	 * before) is enough, and writer_keep then takes them without
	 * looking again: one stat a file, not two. */
	if ((e = lookup(&w->old, relpath)) != NULL && e->hash == le->hash &&
	    e->size == le->size && !atomic_load(&e->seen) &&
	    spareholds(w, relpath, e)) {
		atomic_store(&e->checked, true);
		return true;
	}
	return snprintf(from, sizeof(from), "%s/%s", w->out, relpath) <
	    (int)sizeof(from) && unchanged(from, le, &w->live);
}

size_t
writer_published_size(struct writer *w, const char *relpath)
{
	const struct entry *le = w->live.inputs != NULL ?
	    lookup(&w->live, relpath) : NULL;

	return le != NULL ? le->size : 0;
}

uint64_t
writer_published_key(struct writer *w, const char *relpath)
{
	const struct entry *le = w->live.inputs != NULL ?
	    lookup(&w->live, relpath) : NULL;

	return le != NULL ? le->key : 0;
}

int
writer_keep_known(struct writer *w, const char *relpath)
{
	switch (writer_keep(w, relpath, WRITER_SAME_KEY)) {
	case 0:
		return 0;
	case -1:
		diag_error(relpath, 0, 0, "the published file changed during "
		    "the build");
		/* FALLTHROUGH */
	default:
		return -1;
	}
}

bool
writer_published_whole(struct writer *w)
{
	size_t i, bytes = 0;
	int top;

	if (w->dry || w->live.inputs == NULL)
		return false;
	if (!w->recorded) {
		if ((top = open(w->out, O_PATH | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC)) < 0)
			return false;
		w->whole = walktree(&w->live, top, false);
		close(top);
	}
	if (w->whole && atomic_load(&w->files) == 0) {
		for (i = 0; i < w->live.n; i++)
			bytes += w->live.ent[i].size;
		atomic_fetch_add(&w->files, w->live.n);
		atomic_fetch_add(&w->kept, w->live.n);
		atomic_fetch_add(&w->bytes, bytes);
	}
	return w->whole;
}

int
writer_leave(struct writer *w)
{
	char *man;
	int rc = 0;

	/* A tree trusted by its record gets its manifest, with the stamps
	 * its files were read with. */
	if (w->recorded && (man = manifestpath(w, w->out)) != NULL) {
		rc = writemanifest(man, w->live.inputs, &w->live, false, NULL,
		    0, w->live.since);
		free(man);
	}
	/* The spare is as writer_open found it (or emptied): its manifest
	 * back, as old as it was. */
	if (rc == 0 && (man = manifestpath(w, w->staging)) != NULL) {
		rc = writemanifest(man, w->old.inputs, &w->old, false, NULL, 0,
		    w->old.since);
		free(man);
	}
	if (rc == 0 && !w->dry)
		sweep(w);
	freew(w);
	return rc;
}

size_t
writer_kept(const struct writer *w)
{
	return atomic_load(&w->kept);
}

int
writer_put(struct writer *w, const char *relpath, const void *data,
    size_t len)
{
	return put(w, relpath, data, -1, len, 0, NULL);
}

int
writer_put_key(struct writer *w, const char *relpath, const void *data,
    size_t len, uint64_t key)
{
	return put(w, relpath, data, -1, len, key, NULL);
}

int
writer_put_known(struct writer *w, const char *relpath, const void *data,
    int fd, size_t len, const char *sha256)
{
	return put(w, relpath, data, data != NULL ? -1 : fd, len, 0, sha256);
}

/* The hash of the bytes this build gave relpath; 0 when not known. */
static uint64_t
madehash(struct writer *w, const char *relpath)
{
	struct entry *e = lookup(&w->old, relpath);
	uint64_t h = 0;
	long k;

	if (e != NULL)
		return atomic_load(&e->seen) ? e->hash : 0;
	pthread_mutex_lock(&w->lock);
	if ((k = added(w, relpath)) >= 0)
		h = w->add[k].hash;
	pthread_mutex_unlock(&w->lock);
	return h;
}

/* Link existing, a file of the spare this build made, as relpath of the
 * spare; h is its hash. */
static int
linkfile(struct writer *w, const char *relpath, const char *existing,
    uint64_t h)
{
	char tmp[NAME_MAX + 32];
	const char *base, *name;
	struct stat st;
	struct entry *e, *from;
	bool twice;
	long k = -1;
	int dfd, fromfd;

	if (!writable(w, relpath))
		return -1;
	/* What existing holds is known when this build made or kept it
	 * (its stamp found or given then): no stat. */
	memset(&st, 0, sizeof(st));
	if ((from = lookup(&w->old, existing)) != NULL &&
	    atomic_load(&from->seen) && from->st.ino != 0) {
		st.st_size = (off_t)from->size;
		st.st_ino = (ino_t)from->st.ino;
	} else if (fstatat(w->stagefd, existing, &st, AT_SYMLINK_NOFOLLOW) <
	    0 || !S_ISREG(st.st_mode)) {
		diag_error(existing, 0, 0, "cannot read: %s", errno != 0 ?
		    strerror(errno) : "not a regular file");
		return -1;
	}
	atomic_fetch_add(&w->files, 1);
	e = claim(w, relpath, &twice);
	if (twice) {
		diag_error(relpath, 0, 0, "written twice in one build");
		return -1;
	}
	/* The spare's file is a link to existing when it has existing's
	 * stamp: it stays.  Its stamp is found as in begin (or was, ahead);
	 * a link is only made between folders opened without crossing
	 * one. */
	if (e != NULL && e->size == (size_t)st.st_size &&
	    e->st.ino == (uint64_t)st.st_ino && spareholds(w, relpath, e)) {
		e->hash = h;
		atomic_fetch_add(&w->bytes, (size_t)st.st_size);
		return 0;
	}
	if ((fromfd = stagedir(w, existing, &name)) < 0)
		return -1;
	if ((dfd = stagedir(w, relpath, &base)) < 0) {
		close(fromfd);
		return -1;
	}
	/* What is linked is the file in the folder opened without links:
	 * the stamp recorded is its own. */
	if (fstatat(fromfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    !S_ISREG(st.st_mode)) {
		diag_error(existing, 0, 0, "cannot read: %s", errno != 0 ?
		    strerror(errno) : "not a regular file");
		goto fail;
	}
	/* A path the spare has never held takes the link under its own
	 * name (as in writer_put). */
	if (e == NULL && linkat(fromfd, name, dfd, base, 0) == 0)
		goto linked;
	snprintf(tmp, sizeof(tmp), "%.*s.%ld.tmp", NAME_MAX, base,
	    (long)pthread_self() % 1000000);
	unlinkat(dfd, tmp, 0);
	if (linkat(fromfd, name, dfd, tmp, 0) < 0) {
		diag_error(relpath, 0, 0, "cannot link %s: %s", existing,
		    strerror(errno));
		goto fail;
	}
	if (renameat(dfd, tmp, dfd, base) < 0) {
		cannotwrite(w, relpath);
		unlinkat(dfd, tmp, 0);
		goto fail;
	}
	unlinkat(dfd, tmp, 0);	/* left when base was a link to the file */
linked:
	close(dfd);
	close(fromfd);
	/* The linked file's hash is its source's, when this build made it
	 * (0, not known, makes a later build that writes the path write it). */
	if (e != NULL) {
		e->hash = h;
		e->size = (size_t)st.st_size;
		e->key = 0;
	} else if ((k = note(w, relpath, h, (size_t)st.st_size)) < 0) {
		diag_error(relpath, 0, 0, "written twice in one build");
		return -1;
	}
	stamped(w, e, k, &st);
	atomic_fetch_add(&w->bytes, (size_t)st.st_size);
	atomic_fetch_add(&w->written, 1);
	return 0;
fail:
	close(dfd);
	close(fromfd);
	return -1;
}

int
writer_alias(struct writer *w, const char *relpath, const char *existing)
{
	if (w->dry)
		return dryput(w, relpath, 0);
	if (!path_ok(existing)) {
		diag_error(existing, 0, 0, "refusing to read outside the output "
		    "directory");
		return -1;
	}
	return linkfile(w, relpath, existing, madehash(w, existing));
}

/* ==== publishing ========================================================= */

/* Remove what the new site no longer has, then write the tree's
 * manifest: from here on the spare is exactly the new site. */
static int
settle(struct writer *w)
{
	char path[PATH_MAX], *man;
	size_t i;
	int rc;

	for (i = 0; i < w->old.n; i++) {
		char *slash;
		int dfd;

		if (atomic_load(&w->old.ent[i].seen))
			continue;
		/* Relative to the spare's folders, never through a link. */
		snprintf(path, sizeof(path), "%s", w->old.ent[i].path);
		slash = strrchr(path, '/');
		if (slash == NULL) {
			unlinkat(w->stagefd, path, 0);
			continue;
		}
		*slash = '\0';
		if ((dfd = opendirat(w->stagefd, path)) >= 0) {
			unlinkat(dfd, slash + 1, 0);
			close(dfd);
		}
		/* Folders left empty go too (rmdir fails on the others). */
		for (;;) {
			char *up = strrchr(path, '/');
			int pfd;

			if (up != NULL)
				*up = '\0';
			pfd = opendirat(w->stagefd, up != NULL ? path : "");
			if (pfd < 0)
				break;
			rc = unlinkat(pfd, up != NULL ? up + 1 : path,
			    AT_REMOVEDIR);
			close(pfd);
			if (rc < 0 || up == NULL)
				break;
		}
	}
	if ((man = manifestpath(w, w->staging)) == NULL)
		return -1;
	rc = writemanifest(man, w->inputs, &w->old, true, w->add, w->nadd, 0);
	free(man);
	return rc;
}

/* One file of the tree, as its record lists it. */
struct recline {
	const char	*path;
	uint64_t	 hash, key;
	size_t		 size;
};

static int
bypath(const void *a, const void *b)
{
	return strcmp(((const struct recline *)a)->path,
	    ((const struct recline *)b)->path);
}

/* Write the tree's record (RECORD) into the spare, its last file: every
 * other file this build produced, by path.  It is made in a scratch file
 * and put from there, never held whole (5 MB national, at the peak). */
static int
record(struct writer *w)
{
	struct recline *r = xcalloc(w->old.n + w->nadd + 1, sizeof(*r));
	char scratch[PATH_MAX];
	size_t n = 0, i;
	FILE *fp;
	long len;
	int fd, rc = -1;

	for (i = 0; i < w->old.n; i++) {
		const struct entry *e = &w->old.ent[i];

		if (atomic_load(&e->seen) && strcmp(e->path, RECORD) != 0)
			r[n++] = (struct recline){ e->path, e->hash, e->key,
			    e->size };
	}
	for (i = 0; i < w->nadd; i++)
		if (strcmp(w->add[i].path, RECORD) != 0)
			r[n++] = (struct recline){ w->add[i].path,
			    w->add[i].hash, w->add[i].key, w->add[i].size };
	qsort(r, n, sizeof(*r), bypath);
	snprintf(scratch, sizeof(scratch), "%s/hearth-record.XXXXXX",
	    scratch_dir());
	if ((fd = mkstemp(scratch)) < 0 || unlink(scratch) < 0 ||
	    (fp = fdopen(fd, "w+")) == NULL) {
		diag_error(scratch, 0, 0, "cannot make a scratch file: %s",
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		goto out;
	}
	fprintf(fp, RECORD_HEAD "\ninputs %s\n", w->inputs != NULL ?
	    w->inputs : "-");
	for (i = 0; i < n; i++)
		putline(fp, "xdx", (unsigned long long[]){ r[i].hash,
		    r[i].size, r[i].key }, r[i].path);
	if (fflush(fp) != 0 || ferror(fp) || (len = ftell(fp)) < 0) {
		diag_error(scratch, 0, 0, "cannot make a scratch file: %s",
		    strerror(errno));
		fclose(fp);
		goto out;
	}
	w->sealing = true;
	rc = put(w, RECORD, NULL, fileno(fp), (size_t)len, 0, NULL);
	w->sealing = false;
	fclose(fp);
out:
	free(r);
	return rc;
}

int
writer_commit(struct writer *w)
{
	struct stat st;
	int rc = -1;

	if (w->dry) {
		rc = 0;
		goto out;
	}
	if (record(w) < 0 || settle(w) < 0)
		goto out;
	if (lstat(w->out, &st) < 0) {
		/* First build: a plain rename publishes. */
		if (errno == ENOENT && rename(w->staging, w->out) == 0)
			rc = 0;
		else
			diag_error(w->out, 0, 0, "cannot publish: %s",
			    strerror(errno));
	} else if (!S_ISDIR(st.st_mode)) {
		diag_error(w->out, 0, 0, "cannot publish: exists and is not a "
		    "directory");
	} else if (renameat2(AT_FDCWD, w->staging, AT_FDCWD, w->out,
	    RENAME_EXCHANGE) == 0) {
		/* The spare now holds the old site, and its manifest (by
		 * inode) still describes it. */
		rc = 0;
	} else if (errno == EINVAL || errno == ENOSYS)
		diag_error(w->out, 0, 0, "cannot publish (the filesystem must "
		    "support renameat2 RENAME_EXCHANGE): %s", strerror(errno));
	else
		diag_error(w->out, 0, 0, "cannot publish: %s", strerror(errno));
out:
	if (rc == 0 && !w->dry)
		sweep(w);
	freew(w);
	return rc;
}

void
writer_abort(struct writer *w)
{
	/* The spare has no manifest now: the next build starts it afresh. */
	if (w != NULL)
		freew(w);
}

/* <dir>/.<name>.<what> for the output outdir. */
static char *
sidefile(const char *outdir, const char *what)
{
	size_t n = strlen(outdir);
	const char *slash;
	char *p;

	while (n > 1 && outdir[n - 1] == '/')
		n--;
	p = xmalloc(n + strlen(what) + 8);
	slash = memrchr(outdir, '/', n);
	if (slash == NULL)
		sprintf(p, ".%.*s.%s", (int)n, outdir, what);
	else
		sprintf(p, "%.*s/.%.*s.%s", (int)(slash - outdir), outdir,
		    (int)(n - (size_t)(slash - outdir) - 1), slash + 1, what);
	return p;
}

/* The published folder's inode and ctime: adding, removing or renaming
 * anything at its top (restoring it from a backup) changes them. */
static const char *
dirstamp(const struct stat *st, char *buf, size_t size)
{
	snprintf(buf, size, "%llu %lld.%09ld\n", (unsigned long long)st->st_ino,
	    (long long)st->st_ctim.tv_sec, st->st_ctim.tv_nsec);
	return buf;
}

char *
writer_recorded(const char *outdir)
{
	char *inputs = sidefile(outdir, "inputs"), line[PATH_MAX + 512];
	char *fp = NULL;
	FILE *f;

	if ((f = fopen(inputs, "r")) != NULL) {
		if (fgets(line, sizeof(line), f) != NULL)
			fp = xstrdup(line);
		fclose(f);
	}
	free(inputs);
	return fp;
}

bool
writer_uptodate(const char *outdir, const char *fp)
{
	char *inputs = sidefile(outdir, "inputs"), line[PATH_MAX + 512];
	char stamp[64];
	struct stat st;
	bool ok = false;
	FILE *f;

	if ((f = fopen(inputs, "r")) != NULL) {
		if (fgets(line, sizeof(line), f) != NULL &&
		    strcmp(line, fp) == 0 && stat(outdir, &st) == 0 &&
		    fgets(line, sizeof(line), f) != NULL &&
		    strcmp(line, dirstamp(&st, stamp, sizeof(stamp))) == 0) {
			char *man = sidefile(outdir, "manifest.");
			char *full = xmalloc(strlen(man) + 32);

			sprintf(full, "%s%llu", man,
			    (unsigned long long)st.st_ino);
			ok = access(full, F_OK) == 0;
			free(full);
			free(man);
		}
		fclose(f);
	}
	free(inputs);
	return ok;
}

void
writer_record(const char *outdir, const char *fp)
{
	char *inputs = sidefile(outdir, "inputs"), stamp[64];
	struct stat st;
	FILE *f;

	if (stat(outdir, &st) < 0)
		return;
	if ((f = create(inputs)) != NULL) {
		fputs(fp, f);
		fputs(dirstamp(&st, stamp, sizeof(stamp)), f);
		fclose(f);
	}
	free(inputs);
}

size_t
writer_files(const struct writer *w)
{
	return atomic_load(&w->files);
}

size_t
writer_written(const struct writer *w)
{
	return atomic_load(&w->written);
}

size_t
writer_bytes(const struct writer *w)
{
	return atomic_load(&w->bytes);
}
