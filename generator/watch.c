/*
 * watch: inotify over the site's source folders.
 *
 * inotify watches one folder, not a tree, so every folder below a watched
 * one gets a watch of its own, and a folder created later is added when
 * its creation is seen (with everything already in it, since files may
 * land before the watch does).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "util.h"
#include "watch.h"

#define MASK	(IN_CREATE | IN_DELETE | IN_CLOSE_WRITE | IN_MOVED_FROM | \
		 IN_MOVED_TO | IN_DELETE_SELF | IN_ONLYDIR)

struct wdir {
	int		 wd;		/* -1: free */
	char		*path;		/* "content/news"; "." for the root */
};

struct watch {
	int		 fd;
	struct wdir	*dirs;
	size_t		 n, cap;
	const char *const *roots;	/* the folders asked for */
	const char *const *files;	/* the files asked for, in "." */
};

static bool
ignored(const char *name)
{
	size_t n = strlen(name);

	return name[0] == '.' || (n > 0 && name[n - 1] == '~');
}

static bool
listed(const char *const *list, const char *name)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, name) == 0)
			return true;
	return false;
}

static struct wdir *
bywd(struct watch *w, int wd)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		if (w->dirs[i].wd == wd)
			return &w->dirs[i];
	return NULL;
}

static int
addone(struct watch *w, const char *path)
{
	int wd = inotify_add_watch(w->fd, path, MASK);

	if (wd < 0) {
		diag_error(path, 0, 0, "cannot watch: %s%s", strerror(errno),
		    errno == ENOSPC ? " (raise fs.inotify.max_user_watches)" :
		    "");
		return -1;
	}
	if (bywd(w, wd) != NULL)
		return 0;		/* seen already (moved back, say) */
	xgrow(&w->dirs, &w->cap, w->n + 1, sizeof(*w->dirs));
	w->dirs[w->n].wd = wd;
	w->dirs[w->n].path = xstrdup(path);
	w->n++;
	return 0;
}

/* Watch path and every folder under it. */
static int
addtree(struct watch *w, const char *path)
{
	struct dirent *de;
	DIR *d;
	int rc = 0;

	if (addone(w, path) < 0)
		return -1;
	if ((d = opendir(path)) == NULL)
		return 0;		/* gone again: its deletion is seen */
	while ((de = readdir(d)) != NULL && rc == 0) {
		char sub[PATH_MAX];
		struct stat st;

		if (ignored(de->d_name))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		if ((de->d_type == DT_DIR || (de->d_type == DT_UNKNOWN &&
		    lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))))
			rc = addtree(w, sub);
	}
	closedir(d);
	return rc;
}

int
watch_open(struct watch **out, const char *const *dirs,
    const char *const *files)
{
	struct watch *w = xcalloc(1, sizeof(*w));
	const char *const *p;
	struct stat st;

	*out = NULL;
	w->roots = dirs;
	w->files = files;
	if ((w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) < 0) {
		diag_error(NULL, 0, 0, "inotify: %s", strerror(errno));
		free(w);
		return -1;
	}
	/* The site's folder itself: for the files, and for watched folders
	 * that appear later. */
	if (addone(w, ".") < 0)
		goto fail;
	for (p = dirs; *p != NULL; p++)
		if (stat(*p, &st) == 0 && S_ISDIR(st.st_mode) &&
		    addtree(w, *p) < 0)
			goto fail;
	*out = w;
	return 0;
fail:
	watch_close(w);
	return -1;
}

int
watch_fd(const struct watch *w)
{
	return w->fd;
}

int
watch_drain(struct watch *w)
{
	char ev[16384] __attribute__((aligned(__alignof__(struct
	    inotify_event))));
	int changed = 0;

	for (;;) {
		ssize_t n = read(w->fd, ev, sizeof(ev));
		const char *p;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return changed;
		if (n <= 0) {
			diag_error(NULL, 0, 0, "inotify: %s", n < 0 ?
			    strerror(errno) : "end of events");
			return -1;
		}
		for (p = ev; p < ev + n; ) {
			const struct inotify_event *e = (const void *)p;
			struct wdir *d = bywd(w, e->wd);
			const char *name = e->len > 0 ? e->name : "";
			bool root;

			p += sizeof(*e) + e->len;
			if (e->mask & IN_Q_OVERFLOW) {
				changed = 1;	/* lost events: assume */
				continue;
			}
			if (d == NULL)
				continue;
			if (e->mask & IN_IGNORED) {
				free(d->path);
				*d = w->dirs[--w->n];
				continue;
			}
			root = strcmp(d->path, ".") == 0;
			if (*name == '\0' || ignored(name)) {
				if (e->mask & IN_DELETE_SELF)
					changed = 1;
				continue;
			}
			if (root && !listed(w->files, name) &&
			    !listed(w->roots, name))
				continue;
			changed = 1;
			if ((e->mask & IN_ISDIR) &&
			    (e->mask & (IN_CREATE | IN_MOVED_TO))) {
				char sub[PATH_MAX];

				if (root)
					snprintf(sub, sizeof(sub), "%s", name);
				else
					snprintf(sub, sizeof(sub), "%s/%s",
					    d->path, name);
				if (addtree(w, sub) < 0)
					return -1;
			}
		}
	}
}

void
watch_close(struct watch *w)
{
	size_t i;

	if (w == NULL)
		return;
	for (i = 0; i < w->n; i++)
		free(w->dirs[i].path);
	free(w->dirs);
	close(w->fd);
	free(w);
}
