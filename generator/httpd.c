/*
 * httpd: serve an output directory, with live reload.
 *
 * One thread per connection (libmicrohttpd's simplest mode): a preview
 * has a handful of clients, and an event stream may then simply block
 * until the next build.  Paths are checked segment by segment before any
 * file is opened, so no URL reaches outside the root: no "." or ".."
 * segment, no hidden names, no symbolic links followed at the last step.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "diag.h"
#include "httpd.h"
#include "lazylib.h"
#include "util.h"

#define MHD_FNS(X) X(MHD_add_response_header) \
	X(MHD_create_response_from_buffer) \
	X(MHD_create_response_from_callback) \
	X(MHD_create_response_from_fd64) X(MHD_destroy_response) \
	X(MHD_get_daemon_info) X(MHD_lookup_connection_value) \
	X(MHD_queue_response) X(MHD_start_daemon) X(MHD_stop_daemon)
LAZYLIB(mhd, MHD_SONAME, MHD_FNS)

#define PREFIX		"/__hearth/"
#define EVENT_BLOCK	16384		/* the largest event sent at once */
#define PAGE_MAX	1024		/* the longest page path followed */

struct httpd {
	struct MHD_Daemon *d;
	char		*root;
	int		 port;
	pthread_mutex_t	 lock;		/* guards what follows */
	char		*base;		/* "/" or "/x/" */
	pthread_cond_t	 cond;		/* signalled on a new generation */
	unsigned	 gen;		/* builds published or failed */
	char		*report;	/* the last build failed with this */
	bool		 stopping;
	int		 heartbeat;	/* seconds between event-stream pings */
	struct client	*clients;	/* the open event streams */
	struct preview	*previews;	/* pages of the build under way */
};

/* One open event stream, and the page that follows it. */
struct client {
	struct httpd	*h;
	unsigned	 gen;		/* the generation its page came from */
	bool		 hello;
	char		*page;		/* its file under the root, or NULL */
	struct client	*next, **prev;
};

/* A page of the build under way, sent before it publishes: served in
 * place of the published file until it does (httpd.h). */
struct preview {
	char		*file;
	char		*bytes;
	size_t		 len;
	struct preview	*next;
};

/* Pages load this; it follows the event stream of its generation. */
static const char reload_js[] =
"(function () {\n"
"  'use strict';\n"
"  var me = document.currentScript;\n"
"  var gen = me ? me.getAttribute('data-gen') : '';\n"
/* The page's own path, as the output names its file (not %-encoded). */
"  var path = location.pathname;\n"
"  try { path = decodeURIComponent(path); } catch (e) {}\n"
"  var es = new EventSource('" PREFIX "events?gen=' + "
    "encodeURIComponent(gen) + '&page=' + encodeURIComponent(path));\n"
"  var banner = null;\n"
/* The banner speaks the site's language, as its pages say it (lang). */
"  var zh = /^zh/i.test(document.documentElement.lang || '');\n"
"  es.addEventListener('reload', function () { location.reload(); });\n"
"  es.addEventListener('failed', function (e) {\n"
"    if (banner === null) {\n"
"      banner = document.createElement('pre');\n"
"      banner.setAttribute('role', 'alert');\n"
"      banner.style.cssText = 'position:fixed;left:0;right:0;bottom:0;"
    "margin:0;max-height:50vh;overflow:auto;padding:1em;z-index:99999;"
    "background:#fff0f0;color:#7a0000;border-top:3px solid #c00;"
    "font:13px/1.4 monospace;white-space:pre-wrap';\n"
"      document.body.appendChild(banner);\n"
"    }\n"
"    banner.textContent = (zh ? 'hearth：上次生成失败，这里显示的是上次发布"
    "的网站。' : 'hearth: the last build failed; this is the site as last "
    "published.') + '\\n\\n' + e.data;\n"
"  });\n"
"})();\n";

static const struct {
	const char	*ext;
	const char	*type;
} mimes[] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".json", "application/json" },
	{ ".geojson", "application/geo+json" },
	{ ".jsonld", "application/ld+json" },
	{ ".csv", "text/csv; charset=utf-8; header=present" },
	{ ".xml", "application/xml" },
	{ ".svg", "image/svg+xml" },
	{ ".txt", "text/plain; charset=utf-8" },
	{ ".md", "text/markdown; charset=utf-8" },
	{ ".sha256", "text/plain; charset=utf-8" },
	{ ".gz", "application/gzip" },
	{ ".png", "image/png" },
	{ ".jpg", "image/jpeg" },
	{ ".jpeg", "image/jpeg" },
	{ ".gif", "image/gif" },
	{ ".webp", "image/webp" },
	{ ".ico", "image/vnd.microsoft.icon" },
	{ ".woff2", "font/woff2" },
	{ ".woff", "font/woff" },
	{ ".pdf", "application/pdf" },
};

const char *
httpd_mime(const char *name)
{
	const char *slash = strrchr(name, '/'), *base = slash ? slash + 1 :
	    name, *dot = strrchr(base, '.');
	size_t i;

	if (strcmp(base, "SHA256SUMS") == 0)
		return "text/plain; charset=utf-8";
	if (dot != NULL)
		for (i = 0; i < sizeof(mimes) / sizeof(mimes[0]); i++)
			if (strcasecmp(dot, mimes[i].ext) == 0)
				return mimes[i].type;
	return "application/octet-stream";
}

/* Is path a page (served with the reload script)? */
static bool
html(const char *path)
{
	return strcmp(httpd_mime(path), "text/html; charset=utf-8") == 0;
}

/* ==== responses ========================================================== */

static enum MHD_Result
respond(struct MHD_Connection *c, unsigned status, struct MHD_Response *r,
    const char *type)
{
	enum MHD_Result rc;

	if (r == NULL)
		return MHD_NO;
	mhd.MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	mhd.MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
	    "no-store");
	mhd.MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	rc = mhd.MHD_queue_response(c, status, r);
	mhd.MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result
text(struct MHD_Connection *c, unsigned status, const char *msg)
{
	return respond(c, status,
	    mhd.MHD_create_response_from_buffer(strlen(msg), (void *)msg,
	    MHD_RESPMEM_MUST_COPY), "text/plain; charset=utf-8");
}

static enum MHD_Result
redirect(struct MHD_Connection *c, const char *to)
{
	struct MHD_Response *r = mhd.MHD_create_response_from_buffer(0, NULL,
	    MHD_RESPMEM_PERSISTENT);

	if (r == NULL)
		return MHD_NO;
	mhd.MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, to);
	return respond(c, MHD_HTTP_MOVED_PERMANENTLY, r,
	    "text/plain; charset=utf-8");
}

/* All of fd (closed here) into b; false on a read error. */
static bool
slurp(int fd, struct buf *b)
{
	char chunk[65536];
	ssize_t n;

	buf_grow(b, sizeof(chunk));	/* data is never NULL */
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		buf_put(b, chunk, (size_t)n);
	close(fd);
	return n == 0;
}

/* The page in (released here), of generation gen, with the reload script
 * before </body>. */
static enum MHD_Result
inject(struct MHD_Connection *c, unsigned status, struct buf *in,
    unsigned gen)
{
	struct buf out;
	const char *at = NULL;
	char *body;
	size_t i, len;

	for (i = in->len; i >= 7 && at == NULL; i--)
		if (strncasecmp(in->data + i - 7, "</body>", 7) == 0)
			at = in->data + i - 7;
	if (at == NULL)
		at = in->data + in->len;
	buf_init(&out);
	buf_put(&out, in->data, (size_t)(at - in->data));
	buf_printf(&out, "<script src=\"" PREFIX "reload.js\" data-gen=\"%u\">"
	    "</script>", gen);
	buf_put(&out, at, in->len - (size_t)(at - in->data));
	buf_release(in);
	/* MHD frees the bytes with free() when done with them. */
	body = buf_detach(&out, &len);
	return respond(c, status, mhd.MHD_create_response_from_buffer(len, body,
	    MHD_RESPMEM_MUST_FREE), "text/html; charset=utf-8");
}

/* The published page at fd (closed here). */
static enum MHD_Result
page(struct httpd *h, struct MHD_Connection *c, unsigned status, int fd)
{
	struct buf in;
	unsigned gen;

	buf_init(&in);
	if (!slurp(fd, &in)) {
		buf_release(&in);
		return text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "cannot read\n");
	}
	pthread_mutex_lock(&h->lock);
	gen = h->gen;
	pthread_mutex_unlock(&h->lock);
	return inject(c, status, &in, gen);
}

/* h->lock held: the preview of file, or NULL. */
static struct preview *
previewof(struct httpd *h, const char *file)
{
	struct preview *p;

	for (p = h->previews; p != NULL; p = p->next)
		if (strcmp(p->file, file) == 0)
			return p;
	return NULL;
}

/* The preview of file when the build under way sent one: a page of the
 * generation it will publish (a page that then proves the same does not
 * reload), or another file (the theme's style sheet the held model sent)
 * as it is.  MHD_NO with *served false when there is none. */
static enum MHD_Result
previewed(struct httpd *h, struct MHD_Connection *c, const char *file,
    bool *served)
{
	struct preview *p;
	struct buf in;
	unsigned gen;
	char *bytes;
	size_t len;

	buf_init(&in);
	pthread_mutex_lock(&h->lock);
	if ((p = previewof(h, file)) != NULL)
		buf_put(&in, p->bytes, p->len);
	gen = h->gen + 1;
	pthread_mutex_unlock(&h->lock);
	if (!(*served = p != NULL)) {
		buf_release(&in);
		return MHD_NO;
	}
	if (html(file))
		return inject(c, MHD_HTTP_OK, &in, gen);
	/* MHD frees the bytes with free() when done with them. */
	bytes = buf_detach(&in, &len);
	return respond(c, MHD_HTTP_OK, mhd.MHD_create_response_from_buffer(len,
	    bytes, MHD_RESPMEM_MUST_FREE), httpd_mime(file));
}

static enum MHD_Result
notfound(struct httpd *h, struct MHD_Connection *c)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/404.html", h->root);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) >= 0)
		return page(h, c, MHD_HTTP_NOT_FOUND, fd);
	return text(c, MHD_HTTP_NOT_FOUND, "404 not found\n");
}

/* True when rel ("a/b/c.html", "a/b/", "") names something a site may
 * hold: segments not empty, not "." or "..", not hidden. */
static bool
safe(const char *rel)
{
	const char *s = rel;

	if (strlen(rel) > 2048)
		return false;
	while (*s != '\0') {
		size_t n = strcspn(s, "/");

		if (n == 0 || s[0] == '.')
			return false;
		s += n;
		if (*s == '/')
			s++;
	}
	return true;
}

/* The file of the page at rel ("news/a/" or "": its index.html; a
 * ".html" itself) into out; false when rel names no page or out is too
 * small. */
static bool
pageof(const char *rel, char *out, size_t size)
{
	size_t len = strlen(rel);

	if (len == 0 || rel[len - 1] == '/')
		return snprintf(out, size, "%sindex.html", rel) < (int)size;
	return html(rel) && snprintf(out, size, "%s", rel) < (int)size;
}

static enum MHD_Result
file(struct httpd *h, struct MHD_Connection *c, const char *url)
{
	char path[4096 + 16], base[1024];
	const char *rel;
	size_t nb, len;
	struct MHD_Response *r;
	struct stat st;
	int fd;

	pthread_mutex_lock(&h->lock);
	snprintf(base, sizeof(base), "%s", h->base);
	pthread_mutex_unlock(&h->lock);
	nb = strlen(base);
	if (strncmp(url, base, nb) != 0) {
		/* "/x" for base "/x/", or "/" for "/x/": the site's root. */
		if ((strlen(url) == nb - 1 && strncmp(url, base, nb - 1) ==
		    0) || strcmp(url, "/") == 0)
			return redirect(c, base);
		return notfound(h, c);
	}
	rel = url + nb;
	if (!safe(rel))
		return notfound(h, c);
	if (pageof(rel, path, sizeof(path)) ||
	    snprintf(path, sizeof(path), "%s", rel) < (int)sizeof(path)) {
		enum MHD_Result rc;
		bool served;

		rc = previewed(h, c, path, &served);
		if (served)
			return rc;
	}
	len = strlen(rel);
	snprintf(path, sizeof(path), "%s/%s", h->root, rel);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0 ||
	    fstat(fd, &st) < 0) {
		if (fd >= 0)
			close(fd);
		return notfound(h, c);
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		if (len > 0 && rel[len - 1] != '/') {
			char *to = xmalloc(strlen(url) + 2);
			enum MHD_Result rc;

			sprintf(to, "%s/", url);
			rc = redirect(c, to);
			free(to);
			return rc;
		}
		snprintf(path, sizeof(path), "%s/%sindex.html", h->root, rel);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0 ||
		    fstat(fd, &st) < 0) {
			if (fd >= 0)
				close(fd);
			return notfound(h, c);
		}
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return notfound(h, c);
	}
	if (html(path))
		return page(h, c, MHD_HTTP_OK, fd);
	/* MHD owns fd from here and closes it. */
	r = mhd.MHD_create_response_from_fd64((uint64_t)st.st_size, fd);
	if (r == NULL)
		close(fd);
	return respond(c, MHD_HTTP_OK, r, httpd_mime(path));
}

/* ==== events ============================================================= */

/* Generations count up and may wrap. */
static bool
newer(unsigned gen, unsigned than)
{
	return (int)(gen - than) > 0;
}

/* h->lock held: cl's page has a preview it has not shown yet (its page
 * is the published one: a preview's is of the next generation). */
static bool
stale(const struct httpd *h, const struct client *cl)
{
	return cl->page != NULL && cl->gen == h->gen &&
	    previewof((struct httpd *)h, cl->page) != NULL;
}

static ssize_t
events(void *cls, uint64_t pos, char *out, size_t max)
{
	struct client *cl = cls;
	struct httpd *h = cl->h;
	struct timespec until;
	struct buf b;
	ssize_t n;

	(void)pos;
	buf_init(&b);
	pthread_mutex_lock(&h->lock);
	if (!cl->hello) {
		cl->hello = true;
		buf_puts(&b, "retry: 1000\n\n");
		goto out;
	}
	/* Wait for a build, or say something every heartbeat so that
	 * proxies, browsers and the idle timeout keep the stream open. */
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += h->heartbeat;
	while (!h->stopping && !newer(h->gen, cl->gen) && !stale(h, cl))
		if (pthread_cond_timedwait(&h->cond, &h->lock, &until) ==
		    ETIMEDOUT)
			break;
	if (h->stopping) {
		pthread_mutex_unlock(&h->lock);
		buf_release(&b);
		return MHD_CONTENT_READER_END_OF_STREAM;
	}
	if (stale(h, cl)) {
		cl->gen = h->gen + 1;
		buf_printf(&b, "event: reload\ndata: %u\n\n", cl->gen);
	} else if (!newer(h->gen, cl->gen))
		buf_puts(&b, ": still here\n\n");
	else if (h->report == NULL) {
		cl->gen = h->gen;
		buf_printf(&b, "event: reload\ndata: %u\n\n", cl->gen);
	} else {
		const char *s = h->report;

		cl->gen = h->gen;
		buf_puts(&b, "event: failed\n");
		/* One data line per line of the report. */
		while (*s != '\0' && b.len < EVENT_BLOCK - 512) {
			size_t k = strcspn(s, "\r\n");

			if (k > 400)
				k = 400;
			buf_puts(&b, "data: ");
			buf_put(&b, s, k);
			buf_putc(&b, '\n');
			s += k;
			s += strspn(s, "\r\n");
		}
		buf_putc(&b, '\n');
	}
out:
	pthread_mutex_unlock(&h->lock);
	n = (ssize_t)(b.len < max ? b.len : max);
	memcpy(out, b.data, (size_t)n);
	buf_release(&b);
	return n;
}

/* The file under the root of the page at URL path url ("/x/news/a/"
 * under base "/x/": "news/a/index.html"), or NULL when it names none. */
static char *
pagefile(struct httpd *h, const char *url)
{
	size_t nb = strlen(h->base);
	char file[PAGE_MAX + sizeof("index.html")];

	if (url == NULL || strncmp(url, h->base, nb) != 0 ||
	    strlen(url) > PAGE_MAX || !safe(url + nb) ||
	    !pageof(url + nb, file, sizeof(file)))
		return NULL;
	return xstrdup(file);
}

static void
unfollow(void *cls)
{
	struct client *cl = cls;
	struct httpd *h = cl->h;

	pthread_mutex_lock(&h->lock);
	if ((*cl->prev = cl->next) != NULL)
		cl->next->prev = cl->prev;
	pthread_mutex_unlock(&h->lock);
	free(cl->page);
	free(cl);
}

/* True when the request comes from a page of this server: a browser
 * names the page's origin on a cross-origin event stream, and a page of
 * another site may not choose what the build makes first. */
static bool
sameorigin(struct MHD_Connection *c)
{
	const char *origin = mhd.MHD_lookup_connection_value(c,
	    MHD_HEADER_KIND, "Origin"), *host = mhd.MHD_lookup_connection_value(c,
	    MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);

	if (origin == NULL)
		return true;
	return host != NULL && strncmp(origin, "http://", 7) == 0 &&
	    strcasecmp(origin + 7, host) == 0;
}

static enum MHD_Result
stream(struct httpd *h, struct MHD_Connection *c)
{
	const char *g = mhd.MHD_lookup_connection_value(c,
	    MHD_GET_ARGUMENT_KIND, "gen");
	const char *pg = mhd.MHD_lookup_connection_value(c,
	    MHD_GET_ARGUMENT_KIND, "page");
	struct client *cl = xcalloc(1, sizeof(*cl));
	struct MHD_Response *r;

	cl->h = h;
	pthread_mutex_lock(&h->lock);
	/* A page from an older generation hears of the newer one at once. */
	cl->gen = g != NULL && *g != '\0' ? (unsigned)strtoul(g, NULL, 10) :
	    h->gen;
	cl->page = sameorigin(c) ? pagefile(h, pg) : NULL;
	if ((cl->next = h->clients) != NULL)
		cl->next->prev = &cl->next;
	cl->prev = &h->clients;
	h->clients = cl;
	pthread_mutex_unlock(&h->lock);
	r = mhd.MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, EVENT_BLOCK,
	    events, cl, unfollow);
	if (r == NULL) {
		unfollow(cl);
		return MHD_NO;
	}
	return respond(c, MHD_HTTP_OK, r, "text/event-stream; charset=utf-8");
}

/* ==== the daemon ========================================================= */

/*
 * Which Host a request may name: an IP address (the bound one or any
 * other: a page of another site cannot make a browser send one that
 * points here) or localhost, with or without a port.  A name of any other
 * site is what DNS rebinding sends (a page of evil.example whose name now
 * resolves to 127.0.0.1): answered with 421 and nothing of the site, so
 * such a page can read neither drafts nor error reports.
 */
static bool
hostok(const char *host)
{
	char name[256];
	const char *colon;
	unsigned char addr[16];
	size_t n;

	if (host == NULL)
		return true;		/* HTTP/1.0: no browser sends none */
	if (host[0] == '[') {		/* [v6]:port */
		const char *end = strchr(host, ']');

		if (end == NULL || (size_t)(end - host - 1) >= sizeof(name))
			return false;
		memcpy(name, host + 1, (size_t)(end - host - 1));
		name[end - host - 1] = '\0';
		return inet_pton(AF_INET6, name, addr) == 1 &&
		    (end[1] == '\0' || (end[1] == ':' &&
		    strspn(end + 2, "0123456789") == strlen(end + 2)));
	}
	colon = strchr(host, ':');
	n = colon != NULL ? (size_t)(colon - host) : strlen(host);
	if (n == 0 || n >= sizeof(name) || (colon != NULL &&
	    strspn(colon + 1, "0123456789") != strlen(colon + 1)))
		return false;
	memcpy(name, host, n);
	name[n] = '\0';
	return strcasecmp(name, "localhost") == 0 ||
	    inet_pton(AF_INET, name, addr) == 1;
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **state)
{
	struct httpd *h = cls;

	(void)version;
	(void)upload;
	if (!hostok(mhd.MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_HOST)))
		return text(c, MHD_HTTP_MISDIRECTED_REQUEST, "hearth serve "
		    "answers only localhost and IP addresses; this Host is "
		    "another site's name\n");
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
		struct MHD_Response *r = mhd.MHD_create_response_from_buffer(0,
		    NULL, MHD_RESPMEM_PERSISTENT);

		if (r == NULL)
			return MHD_NO;
		mhd.MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW,
		    "GET, HEAD");
		return respond(c, MHD_HTTP_METHOD_NOT_ALLOWED, r,
		    "text/plain; charset=utf-8");
	}
	if (*upload_size != 0)
		return text(c, MHD_HTTP_BAD_REQUEST, "unexpected body\n");
	*state = NULL;
	if (strcmp(url, PREFIX "reload.js") == 0)
		return respond(c, MHD_HTTP_OK,
		    mhd.MHD_create_response_from_buffer(sizeof(reload_js) - 1,
		    (void *)reload_js, MHD_RESPMEM_PERSISTENT),
		    "text/javascript; charset=utf-8");
	if (strcmp(url, PREFIX "events") == 0)
		return stream(h, c);
	return file(h, c, url);
}

/* libmicrohttpd's own messages are of connections (a reader who closed
 * the page cuts its event stream, as every reload does): in English, of
 * nothing the editor can act on.  The server's own failures are said by
 * hearth, in the editor's language. */
static void
quietlog(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	(void)fmt;
	(void)ap;
}

int
httpd_start(struct httpd **out, const char *bind, int port,
    const char *root, const char *base_path, int idle)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG;
	const union MHD_DaemonInfo *info;
	struct httpd *h;

	*out = NULL;
	mhd_load();
	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, bind, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)port);
	} else if (inet_pton(AF_INET6, bind, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		flags |= MHD_USE_IPv6;
	} else {
		diag_error(NULL, 0, 0, "--bind %s: not an IPv4 or IPv6 address",
		    bind);
		return -1;
	}
	h = xcalloc(1, sizeof(*h));
	h->root = xstrdup(root);
	h->base = xstrdup(base_path);
	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->cond, NULL);
	h->heartbeat = idle > 2 ? idle / 2 : 1;
	/* An idle connection (one that opened and sent nothing, or stopped
	 * half way) is closed after idle seconds, and one address may hold
	 * at most a quarter of the slots: a client that opens connections
	 * and waits cannot take the server from the editor. */
	h->d = mhd.MHD_start_daemon(flags, (uint16_t)port, NULL, NULL,
	    handle, h, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_CONNECTION_LIMIT, 256u,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, 64u,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)idle,
	    MHD_OPTION_EXTERNAL_LOGGER, quietlog, NULL, MHD_OPTION_END);
	if (h->d == NULL) {
		diag_error(NULL, 0, 0, "cannot listen on %s port %d: %s", bind,
		    port, strerror(errno));
		httpd_stop(h);
		return -1;
	}
	info = mhd.MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
	h->port = info != NULL ? info->port : port;
	*out = h;
	return 0;
}

int
httpd_port(const struct httpd *h)
{
	return h->port;
}

void
httpd_set_base(struct httpd *h, const char *base_path)
{
	pthread_mutex_lock(&h->lock);
	free(h->base);
	h->base = xstrdup(base_path);
	pthread_mutex_unlock(&h->lock);
}

/* h->lock held: true when the file root/file holds exactly len bytes
 * of bytes. */
static bool
published(const struct httpd *h, const char *file, const char *bytes,
    size_t len)
{
	char path[4096 + 16];
	struct buf b;
	bool same;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", h->root, file);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return false;
	buf_init(&b);
	same = slurp(fd, &b) && b.len == len && memcmp(b.data, bytes, len) ==
	    0;
	buf_release(&b);
	return same;
}

/* h->lock held: forget the previews.  Returns how far the generation
 * moves: 1, or 2 when a page a preview showed is not what the tree now
 * holds (its viewers, a generation ahead, must reload too). */
static unsigned
drop(struct httpd *h, bool check)
{
	struct preview *p, *next;
	unsigned step = 1;

	for (p = h->previews; p != NULL; p = next) {
		next = p->next;
		if (!check || !published(h, p->file, p->bytes, p->len))
			step = 2;
		free(p->file);
		free(p->bytes);
		free(p);
	}
	h->previews = NULL;
	return step;
}

void
httpd_pages(struct httpd *h, struct buf *out, size_t max)
{
	const struct client *cl;
	size_t n = 0;

	buf_reset(out);
	pthread_mutex_lock(&h->lock);
	for (cl = h->clients; cl != NULL && n < max; cl = cl->next)
		if (cl->page != NULL && !buf_has_str(out, cl->page)) {
			buf_put(out, cl->page, strlen(cl->page) + 1);
			n++;
		}
	pthread_mutex_unlock(&h->lock);
}

void
httpd_preview(struct httpd *h, const char *file, const char *bytes,
    size_t len)
{
	struct preview *p;

	if (!safe(file) || strlen(file) > PAGE_MAX)
		return;
	pthread_mutex_lock(&h->lock);
	/* A page the edit did not change: nothing to show. */
	if (previewof(h, file) == NULL && !published(h, file, bytes, len)) {
		p = xcalloc(1, sizeof(*p));
		p->file = xstrdup(file);
		p->bytes = xmalloc(len > 0 ? len : 1);
		memcpy(p->bytes, bytes, len);
		p->len = len;
		p->next = h->previews;
		h->previews = p;
		/* A file that is no page (the theme's style sheet): every
		 * open page shows it, so every one reloads now, as after a
		 * build, and again once the build has published. */
		if (!html(file))
			h->gen++;
		pthread_cond_broadcast(&h->cond);
	}
	pthread_mutex_unlock(&h->lock);
}

void
httpd_reload(struct httpd *h)
{
	pthread_mutex_lock(&h->lock);
	h->gen += drop(h, true);
	free(h->report);
	h->report = NULL;
	pthread_cond_broadcast(&h->cond);
	pthread_mutex_unlock(&h->lock);
}

void
httpd_unchanged(struct httpd *h)
{
	pthread_mutex_lock(&h->lock);
	if (h->previews != NULL) {
		h->gen += drop(h, false);
		pthread_cond_broadcast(&h->cond);
	}
	pthread_mutex_unlock(&h->lock);
}

void
httpd_failed(struct httpd *h, const char *report)
{
	pthread_mutex_lock(&h->lock);
	h->gen += drop(h, false);
	free(h->report);
	h->report = xstrdup(report != NULL && *report ? report :
	    "(no report)");
	pthread_cond_broadcast(&h->cond);
	pthread_mutex_unlock(&h->lock);
}

void
httpd_stop(struct httpd *h)
{
	if (h == NULL)
		return;
	pthread_mutex_lock(&h->lock);
	h->stopping = true;
	pthread_cond_broadcast(&h->cond);
	pthread_mutex_unlock(&h->lock);
	if (h->d != NULL)
		mhd.MHD_stop_daemon(h->d);
	drop(h, false);
	pthread_cond_destroy(&h->cond);
	pthread_mutex_destroy(&h->lock);
	free(h->report);
	free(h->root);
	free(h->base);
	free(h);
}
