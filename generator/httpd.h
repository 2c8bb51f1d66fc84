/*
 * httpd: the preview server of `hearth serve` (libmicrohttpd).
 *
 * Serves the files of one output directory, read afresh on every request
 * (a rebuild swaps the tree underneath, so each response is wholly the old
 * site or wholly the new one), under the site's base path.  HTML responses
 * get a small live-reload script injected on the way out: the files on
 * disk are exactly those of a published build.  Open pages learn of new
 * builds through server-sent events at /__hearth/events.
 */
#ifndef HEARTH_HTTPD_H
#define HEARTH_HTTPD_H

struct httpd;

/*
 * Listen on bind:port (port 0: any free port) and serve root, whose URLs
 * start with base_path ("/" or "/x/"); connections idle for idle seconds
 * are closed.  Returns 0, or -1 after reporting.
 */
int	httpd_start(struct httpd **out, const char *bind, int port,
	    const char *root, const char *base_path, int idle);

/* The port listened on. */
int	httpd_port(const struct httpd *h);

/* The site's base path changed (hearth.yaml was edited). */
void	httpd_set_base(struct httpd *h, const char *base_path);

/* The pages open in browsers, as files under the root
 * ("news/a/index.html"), each once, at most max: NUL-terminated strings
 * one after the other in out. */
struct buf;
void	httpd_pages(struct httpd *h, struct buf *out, size_t max);

/* A page of the build under way, sent before it publishes (len bytes of
 * file under the root): served in place of the published one, and its
 * open viewers reload, unless the published one is the same.  The build
 * then publishes the same bytes, and they do not reload again.  Another
 * file (a theme's style sheet) is served so too, and every open page
 * reloads at once, and again when the build publishes. */
void	httpd_preview(struct httpd *h, const char *file, const char *bytes,
	    size_t len);

/* A new build is published: open pages reload. */
void	httpd_reload(struct httpd *h);

/* The build under way published nothing: previews are forgotten. */
void	httpd_unchanged(struct httpd *h);

/* A rebuild failed with this report (shown on open pages, as text, until
 * the next build that publishes). */
void	httpd_failed(struct httpd *h, const char *report);

/* Close every connection and stop; frees h. */
void	httpd_stop(struct httpd *h);

/* The Content-Type served for a file name ("application/octet-stream"
 * when the extension is not known). */
const char *httpd_mime(const char *name);

#endif
