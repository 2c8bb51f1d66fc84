/*
 * out: the outputs of a build.  Each output is one file (out_<name>.c) and
 * one row in cmd_build's table; outputs read the site model and the view,
 * write through the writer, and never know about each other.
 */
#ifndef HEARTH_OUT_H
#define HEARTH_OUT_H

#include <stdbool.h>

struct datapkg;
struct dfile;
struct mapset;
struct plugin_host;
struct releases;
struct site;
struct source;
struct tmpl_set;
struct view;
struct writer;

struct out_ctx {
	const struct site	*site;
	const struct source	*src;
	const struct datapkg	*data;
	struct mapset		*maps;	/* out_map frees the drawings */
	const struct releases	*releases;
	struct tmpl_set		*tmpl;	/* the theme, loaded once */
	struct view		*view;
	struct writer		*w;
	int			 jobs;	/* threads to use */
	unsigned		 changed;	/* parts of the inputs not as
						   the published site's (deps.h) */
	const char		*places;	/* the digest of the stations
						   and the rest (deps_places) */
	const char		*inputs;	/* what this build is made
						   of: deps.h's line */
};

struct output {
	const char	*name;
	/* Returns 0, or -1 after reporting. */
	int		(*run)(struct out_ctx *ctx);
};

int	out_static_run(struct out_ctx *ctx);	/* theme assets */
int	out_page_run(struct out_ctx *ctx);	/* HTML pages */
/* The pages hearth serve shows open (their output paths), made before
 * the rest and sent to fd, each as "<file>\n<length>\n<bytes>": without
 * ctx->maps, those the stations and the data files do not shape, from the
 * model and the tables' names; with the maps drawn, those the stations
 * shape (never the data pages, which show the files' checksums).  Each is
 * then the page the build publishes.  What fails is reported (once, with
 * diag_once) and not sent.  Returns how many pages are left for the call
 * with the maps. */
int	out_page_preview(struct out_ctx *ctx, struct plugin_host *plugins,
	    const char *const *files, int nfiles, int fd);
/* The same with the view v; held: hearth serve's held model's (hold.h),
 * made with the maps' layout, which makes the pages of both calls. */
int	out_page_send(struct out_ctx *ctx, struct view *v,
	    const char *const *files, int nfiles, int fd, bool held);
int	out_data_run(struct out_ctx *ctx);	/* /data/changes.json */
/* The dataset stage's sink (ud: the out_ctx): each file of a package is
 * written under /data/ as soon as it is made, then its bytes freed. */
int	out_data_put(void *ud, const struct datapkg *p, struct dfile *f);
/* ... and its keep: this build's file kept as published. */
int	out_data_keep(void *ud, const struct datapkg *p, const struct dfile *f,
	    bool commit);
/* ... and its scratch file for a database (writer_scratch). */
int	out_data_scratch(void *ud, char *path, size_t size);
int	out_map_run(struct out_ctx *ctx);	/* /maps/ SVG */
/* Fill m with the published maps when they are this build's: 0, or -1
 * (nothing reported) when they must be drawn. */
int	out_map_keep(struct out_ctx *ctx, struct mapset *m);
/* Otherwise draw them into m, but those made of the same stations as
 * published when nothing else they show changed (kept in the tree at
 * once).  0, or -1 after reporting. */
int	out_map_draw(struct out_ctx *ctx, struct mapset *m);
/* The bytes of the drawings held until out_map_run writes them. */
size_t	out_map_held(const struct mapset *m);
int	out_feed_run(struct out_ctx *ctx);	/* Atom feeds */
int	out_sitemap_run(struct out_ctx *ctx);	/* sitemap.xml, robots.txt */
int	out_search_run(struct out_ctx *ctx);	/* /search/ index */

/* Load the theme's templates (themes/<theme>/templates/NAME.mustache) into a
 * new strict set; NULL after reporting.  Used by build and check. */
struct tmpl_set *out_page_theme(const struct site *s, const struct source *src);

#endif
