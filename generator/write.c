#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "util.h"
#include "write.h"

static int create(struct writer *w, const char *relpath);
static int mkparents(char *path);

struct writer {
	char		*out;		/* the published directory */
	char		*staging;	/* where this build writes */
	atomic_size_t	 files;
	atomic_size_t	 bytes;
};

static int
rmone(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

int
rmtree(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	return nftw(path, rmone, 32, FTW_DEPTH | FTW_PHYS);
}

/* Remove "<out>.staging.<pid>" folders whose build process is gone. */
static void
sweep(const char *out)
{
	char dir[PATH_MAX], prefix[PATH_MAX], path[PATH_MAX * 2];
	const char *slash = strrchr(out, '/');
	DIR *d;
	struct dirent *de;

	if (slash != NULL) {
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - out),
		    slash == out ? "/" : out);
		snprintf(prefix, sizeof(prefix), "%s.staging.", slash + 1);
	} else {
		snprintf(dir, sizeof(dir), ".");
		snprintf(prefix, sizeof(prefix), "%s.staging.", out);
	}
	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		long pid;
		char *end;

		if (!str_has_prefix(de->d_name, prefix))
			continue;
		pid = strtol(de->d_name + strlen(prefix), &end, 10);
		if (*end != '\0' || pid <= 0 ||
		    (kill((pid_t)pid, 0) == 0 || errno == EPERM))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		rmtree(path);
	}
	closedir(d);
}

int
writer_open(struct writer **out, const char *outdir)
{
	struct writer *w;
	size_t n = strlen(outdir);

	*out = NULL;
	while (n > 1 && outdir[n - 1] == '/')
		n--;
	w = xcalloc(1, sizeof(*w));
	w->out = xstrndup(outdir, n);
	sweep(w->out);
	w->staging = xmalloc(n + 64);
	snprintf(w->staging, n + 64, "%s.staging.%ld", w->out, (long)getpid());
	rmtree(w->staging);
	/* The output's parent may not exist yet (--out deep/new/path). */
	if (mkparents(w->staging) < 0 || mkdir(w->staging, 0755) < 0) {
		diag_error(w->staging, 0, 0, "cannot create the staging "
		    "directory: %s", strerror(errno));
		free(w->staging);
		free(w->out);
		free(w);
		return -1;
	}
	*out = w;
	return 0;
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

/* mkdir -p for the parents of path (inside the staging tree). */
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

int
writer_put(struct writer *w, const char *relpath, const void *data,
    size_t len)
{
	const char *p = data;
	size_t done = 0;
	int fd;

	if ((fd = create(w, relpath)) < 0)
		return -1;
	while (done < len) {
		ssize_t r = write(fd, p + done, len - done);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			diag_error(relpath, 0, 0, "cannot write: %s",
			    r < 0 ? strerror(errno) : "no progress");
			close(fd);
			return -1;
		}
		done += (size_t)r;
	}
	if (close(fd) < 0) {
		diag_error(relpath, 0, 0, "cannot write: %s", strerror(errno));
		return -1;
	}
	atomic_fetch_add(&w->files, 1);
	atomic_fetch_add(&w->bytes, len);
	return 0;
}

const char *
writer_published(const struct writer *w)
{
	return w->out;
}

/* Open relpath for writing in the staging tree, creating folders. */
static int
create(struct writer *w, const char *relpath)
{
	char path[PATH_MAX];
	int fd;

	if (!path_ok(relpath)) {
		diag_error(relpath, 0, 0, "refusing to write outside the output "
		    "directory");
		return -1;
	}
	if (snprintf(path, sizeof(path), "%s/%s", w->staging, relpath) >=
	    (int)sizeof(path)) {
		diag_error(relpath, 0, 0, "output path too long");
		return -1;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 && errno == ENOENT && mkparents(path) == 0)
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		if (errno == EEXIST)
			diag_error(relpath, 0, 0, "written twice in one build "
			    "(two pages share a URL)");
		else
			diag_error(relpath, 0, 0, "cannot write: %s",
			    strerror(errno));
	}
	return fd;
}

int
writer_link(struct writer *w, const char *relpath, const char *from)
{
	char path[PATH_MAX], chunk[65536];
	int in, out;
	ssize_t r;

	if (!path_ok(relpath) || snprintf(path, sizeof(path), "%s/%s",
	    w->staging, relpath) >= (int)sizeof(path)) {
		diag_error(relpath, 0, 0, "refusing to write outside the output "
		    "directory");
		return -1;
	}
	if (link(from, path) == 0 || (errno == ENOENT && mkparents(path) == 0 &&
	    link(from, path) == 0)) {
		atomic_fetch_add(&w->files, 1);
		return 0;
	}
	/* No hard links here (another filesystem): copy. */
	if ((in = open(from, O_RDONLY | O_CLOEXEC)) < 0) {
		diag_error(from, 0, 0, "cannot read: %s", strerror(errno));
		return -1;
	}
	if ((out = create(w, relpath)) < 0) {
		close(in);
		return -1;
	}
	while ((r = read(in, chunk, sizeof(chunk))) > 0)
		if (write(out, chunk, (size_t)r) != r) {
			r = -1;
			break;
		}
	close(in);
	if (close(out) < 0 || r < 0) {
		diag_error(relpath, 0, 0, "cannot write: %s", strerror(errno));
		return -1;
	}
	atomic_fetch_add(&w->files, 1);
	return 0;
}

int
writer_alias(struct writer *w, const char *relpath, const char *existing)
{
	char from[PATH_MAX];

	if (!path_ok(existing) || snprintf(from, sizeof(from), "%s/%s",
	    w->staging, existing) >= (int)sizeof(from)) {
		diag_error(existing, 0, 0, "refusing to read outside the output "
		    "directory");
		return -1;
	}
	return writer_link(w, relpath, from);
}

static void
freew(struct writer *w)
{
	free(w->out);
	free(w->staging);
	free(w);
}

int
writer_commit(struct writer *w)
{
	struct stat st;
	int rc = -1;

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
		/* The staging name now holds the old site. */
		rmtree(w->staging);
		rc = 0;
	} else if (errno == EINVAL || errno == ENOSYS) {
		/* A filesystem without exchange: two renames, with the old
		 * tree kept aside until the new one is in place. */
		char old[PATH_MAX];

		snprintf(old, sizeof(old), "%s.old", w->staging);
		if (rename(w->out, old) == 0) {
			if (rename(w->staging, w->out) == 0) {
				rmtree(old);
				rc = 0;
			} else {
				rename(old, w->out);
				diag_error(w->out, 0, 0, "cannot publish: %s",
				    strerror(errno));
			}
		} else
			diag_error(w->out, 0, 0, "cannot publish: %s",
			    strerror(errno));
	} else
		diag_error(w->out, 0, 0, "cannot publish: %s", strerror(errno));
	if (rc < 0)
		rmtree(w->staging);
	freew(w);
	return rc;
}

void
writer_abort(struct writer *w)
{
	if (w == NULL)
		return;
	rmtree(w->staging);
	freew(w);
}

size_t
writer_files(const struct writer *w)
{
	return atomic_load(&w->files);
}

size_t
writer_bytes(const struct writer *w)
{
	return atomic_load(&w->bytes);
}
