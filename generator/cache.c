/*
 * cache: the build cache under .hearth/cache/ (see cache.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache.h"
#include "util.h"

#define DIR_	".hearth/cache"
#define MAXGET	(512u << 20)	/* nothing the build caches is larger */

static bool writes = true;

/* The names this process read or wrote (cache_prune keeps them): a set
 * by open addressing, as a build asks for thousands of archive pieces. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char **used;
static size_t nused, capused;

/* The slot of name in used (lock held): its own, or the empty one where
 * it goes. */
static size_t
slot(const char *name)
{
	size_t h = hash_str(name, strlen(name)) & (capused - 1);

	while (used[h] != NULL && strcmp(used[h], name) != 0)
		h = (h + 1) & (capused - 1);
	return h;
}

static bool
wasused(const char *name)
{
	bool yes;

	pthread_mutex_lock(&lock);
	yes = capused > 0 && used[slot(name)] != NULL;
	pthread_mutex_unlock(&lock);
	return yes;
}

void
cache_writes(bool on)
{
	writes = on;
}

bool
cache_writable(void)
{
	return writes;
}

static bool
valid(const char *name)
{
	size_t i, n = strlen(name);

	if (n == 0 || n > 200 || name[0] == '.')
		return false;
	for (i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= 'A' && name[i] <= 'Z') ||
		    (name[i] >= '0' && name[i] <= '9') || name[i] == '-' ||
		    name[i] == '.' || name[i] == '_'))
			return false;
	return true;
}

static void
use(const char *name)
{
	size_t i, h;

	pthread_mutex_lock(&lock);
	if (2 * (nused + 1) > capused) {
		char **old = used;
		size_t oldcap = capused;

		capused = capused ? 2 * capused : 256;
		used = xcalloc(capused, sizeof(*used));
		for (i = 0; i < oldcap; i++)
			if (old[i] != NULL)
				used[slot(old[i])] = old[i];
		free(old);
	}
	if (used[h = slot(name)] == NULL) {
		used[h] = xstrdup(name);
		nused++;
	}
	pthread_mutex_unlock(&lock);
}

void
cache_keep(const char *name)
{
	if (valid(name))
		use(name);
}

int
cache_open(const char *name, size_t *len)
{
	char path[512];
	struct stat st;
	int fd;

	if (!valid(name))
		return -1;
	use(name);
	snprintf(path, sizeof(path), DIR_ "/%s", name);
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC)) < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size > MAXGET) {
		close(fd);
		return -1;
	}
	*len = (size_t)st.st_size;
	return fd;
}

char *
cache_get(const char *name, size_t *len)
{
	char *data;
	ssize_t got;
	size_t have = 0, size;
	int fd;

	if ((fd = cache_open(name, &size)) < 0)
		return NULL;
	data = xmalloc(size + 1);
	while (have < size && ((got = read(fd, data + have, size - have)) >
	    0 || (got < 0 && errno == EINTR)))
		if (got > 0)
			have += (size_t)got;
	close(fd);
	if (have != size) {
		free(data);
		return NULL;
	}
	data[have] = '\0';
	*len = have;
	return data;
}

const char *
cache_map(const char *name, size_t *len)
{
	void *p;
	size_t size;
	int fd;

	if ((fd = cache_open(name, &size)) < 0)
		return NULL;
	p = size > 0 ? mmap(NULL, size, PROT_READ, MAP_PRIVATE |
	    MAP_POPULATE, fd, 0) : MAP_FAILED;
	close(fd);
	if (p == MAP_FAILED)
		return NULL;
	*len = size;
	return p;
}

void
cache_unmap(const char *bytes, size_t len)
{
	if (bytes != NULL)
		munmap((void *)bytes, len);
}

bool
cache_has(const char *name)
{
	char path[512];
	struct stat st;

	if (!valid(name))
		return false;
	use(name);
	snprintf(path, sizeof(path), DIR_ "/%s", name);
	return lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    (size_t)st.st_size <= MAXGET;
}

/* Write through a temporary name, then rename: what fill writes to the
 * open file (0, or -1 to give the entry up). */
static void
put(const char *name, int (*fill)(int fd, void *ud), void *ud)
{
	char path[512], tmp[600];
	int fd, rc;

	if (!writes || !valid(name))
		return;
	use(name);
	/* Never through a link: the folders are made here or refused. */
	if ((mkdir(".hearth", 0755) < 0 && errno != EEXIST) ||
	    (mkdir(DIR_, 0755) < 0 && errno != EEXIST))
		return;
	snprintf(path, sizeof(path), DIR_ "/%s", name);
	snprintf(tmp, sizeof(tmp), DIR_ "/.%s.%ld.%lx", name, (long)getpid(),
	    (unsigned long)pthread_self());
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0644)) < 0)
		return;
	rc = fill(fd, ud);
	if (close(fd) == 0 && rc == 0 && rename(tmp, path) == 0)
		return;
	unlink(tmp);
}

struct bytes {
	const void	*data;
	int		 from;
	size_t		 len;
};

static int
fillbytes(int fd, void *ud)
{
	const struct bytes *b = ud;

	return b->data != NULL ? fd_write(fd, b->data, b->len) :
	    fd_copy(fd, b->from, b->len);
}

void
cache_put(const char *name, const void *data, size_t len)
{
	struct bytes b = { data != NULL ? data : "", -1, len };

	put(name, fillbytes, &b);
}

void
cache_put_fd(const char *name, int fd, size_t len)
{
	struct bytes b = { NULL, fd, len };

	put(name, fillbytes, &b);
}

void
cache_put_with(const char *name, int (*fill)(int fd, void *ud), void *ud)
{
	put(name, fill, ud);
}

/* Did this process ask for any entry whose name starts with prefix? */
static bool
asked(const char *prefix)
{
	bool yes = false;
	size_t i;

	pthread_mutex_lock(&lock);
	for (i = 0; i < capused && !yes; i++)
		yes = used[i] != NULL && str_has_prefix(used[i], prefix);
	pthread_mutex_unlock(&lock);
	return yes;
}

void
cache_prune(const char *const prefixes[], size_t n,
    const char *const retired[], size_t m)
{
	char path[512];
	DIR *d;
	struct dirent *de;
	bool *judged;
	size_t i;

	if (!writes || (d = opendir(DIR_)) == NULL)
		return;
	judged = xcalloc(n + 1, sizeof(*judged));
	for (i = 0; i < n; i++)
		judged[i] = asked(prefixes[i]);
	while ((de = readdir(d)) != NULL) {
		for (i = 0; i < m; i++)
			if (str_has_prefix(de->d_name, retired[i]))
				break;
		if (i == m) {
			for (i = 0; i < n; i++)
				if (str_has_prefix(de->d_name, prefixes[i]))
					break;
			if (i == n || !judged[i] || wasused(de->d_name))
				continue;
		}
		snprintf(path, sizeof(path), DIR_ "/%s", de->d_name);
		unlink(path);
	}
	closedir(d);
	free(judged);
}
