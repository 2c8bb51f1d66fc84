/*
 * pipeline: the one sequencer of a build, used by every command that
 * makes the site (build, check, diff; serve runs build):
 *
 *   load (load.c: sources, federation, history, model) -> verify
 *   (--verify) -> theme and plugins -> what the inputs are made of (deps)
 *   -> the pages open in hearth serve, sent to it (out_page_preview;
 *   those the stations shape once the maps are drawn)
 *   -> datasets (the maps' shapes while the database is made) and
 *   releases -> /data/ -> view -> static, maps, feeds, sitemap, pages
 *   (search beside them; pages, data files and maps made of the
 *   published site's inputs are kept) -> publish.  When the data files
 *   and maps were kept and the database alone is made, the releases, the
 *   view and search go beside it.  A published site made
 *   of the same inputs and still whole (write.h) ends the build after
 *   deps.
 *
 * Held (hearth serve's held model, hold.h): load, theme and plugins, the
 * tables' names, then the requests, nothing written.
 *
 * `hearth check` is this pipeline with a writer that writes nothing: every
 * plugin hook, shortcode, template render and output check runs, so check
 * and build report the same errors.
 */
#ifndef HEARTH_PIPELINE_H
#define HEARTH_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>

struct pipeline_opts {
	const char	*rev;		/* a git revision, or NULL: worktree */
	const char	*out;		/* the output folder ("public") */
	bool		 dry;		/* check: nothing written */
	bool		 drafts;
	bool		 verify;	/* refuse histories with violations */
	int		 jobs;
	/* hearth serve's open pages (output paths), made first and sent to
	 * preview_fd: out_page_preview. */
	const char *const *preview;
	int		 npreview;
	int		 preview_fd;
	/* hearth serve's held model (hold.h): read the site, then answer
	 * the requests on stdin down preview_fd; nothing written. */
	bool		 hold;
};

struct pipeline_stats {
	size_t		 pages, files, bytes, written;
	bool		 unchanged;	/* the published site was already
					   this build's: nothing made */
};

/* Run every stage; with o->dry nothing is written.  Returns 0, or -1
 * after reporting (nothing was published). */
int	pipeline_run(const struct pipeline_opts *o, struct pipeline_stats *st);

#endif
