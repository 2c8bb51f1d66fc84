/*
 * watch: notice changes to a site's sources (inotify).
 *
 * Folders are watched with everything under them, including folders made
 * later; single files are watched through their folder.  Editors' swap
 * and backup files (hidden names, names ending in "~") are ignored.
 */
#ifndef HEARTH_WATCH_H
#define HEARTH_WATCH_H

struct watch;

/* Watch the folders dirs (those that exist) and the files files, both
 * NULL-terminated lists relative to the current directory.  Returns 0, or
 * -1 after reporting. */
int	watch_open(struct watch **out, const char *const *dirs,
	    const char *const *files);

/* A descriptor that polls readable when something may have changed. */
int	watch_fd(const struct watch *w);

/* Read the pending events: 1 when one of them is a change to a watched
 * file, 0 when none is, -1 on error.  Does not block. */
int	watch_drain(struct watch *w);

void	watch_close(struct watch *w);

#endif
