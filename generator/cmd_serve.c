/*
 * cmd_serve: build, serve, watch, rebuild, reload.
 *
 * Each build runs as a child `hearth build`, exactly as a user would run
 * it: a build that fails, or even crashes, costs the server nothing, and
 * the published tree is what a real build publishes (the reload script is
 * added by the server on the way out, never written).  Rebuilds are
 * incremental where it counts: the writer rewrites only the files whose
 * bytes changed, and a build whose inputs did not change stops at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "cmd.h"
#include "cmdopt.h"
#include "config.h"
#include "diag.h"
#include "httpd.h"
#include "source.h"
#include "util.h"
#include "watch.h"

#define REPORT_MAX	16384	/* the tail of a failed build's report kept */
#define QUIET_MS	50	/* without events before a rebuild */
#define PREVIEW_PAGES	8	/* open pages a rebuild makes first */
#define PREVIEW_FD	3	/* where the build sends them */
#define PREVIEW_MAX	(16u << 20)	/* the largest page taken */
#define PREVIEW_HEAD	4096	/* the longest "<file>\n<length>\n" */
#define HOLD_MS		1000	/* the held model's longest answer */

static const char *const watched_dirs[] = {
	"content", "themes", "plugins", NULL
};
static const char *const watched_files[] = { "hearth.yaml", NULL };

static int sigpipe[2] = { -1, -1 };

static void
onsignal(int sig)
{
	int saved = errno;
	char c = (char)sig;

	if (write(sigpipe[1], &c, 1) < 0) {
		/* Nothing to do: a signal is pending already. */
	}
	errno = saved;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The base path of the site's URLs, from hearth.yaml ("/" when it cannot
 * be read: the build reports why). */
static char *
base_path(void)
{
	struct arena a;
	struct config cfg;
	struct sfile f;
	struct buf data;
	char chunk[4096], *base = NULL;
	size_t n;
	FILE *fp;

	if ((fp = fopen("hearth.yaml", "r")) == NULL)
		return xstrdup("/");
	buf_init(&data);
	buf_puts(&data, "");
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_put(&data, chunk, n);
	fclose(fp);
	memset(&f, 0, sizeof(f));
	f.path = "hearth.yaml";
	f.data = data.data;
	f.len = data.len;
	arena_init(&a);
	diag_set_quiet_errors(1);
	if (config_load(&cfg, &a, &f) == 0)
		base = xstrdup(cfg.base_path);
	diag_set_quiet_errors(0);
	arena_release(&a);
	buf_release(&data);
	return base != NULL ? base : xstrdup("/");
}

static ino_t
inode(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_ino : 0;
}

/*
 * Hand each whole "<file>\n<length>\n<bytes>" of in (the pages the build
 * or, when held, the held model sends first: out_page_send) to h, each
 * file's name to names (when not NULL), and keep what is not whole yet.
 * Returns 1 when the held model's answer ended (an empty line, taken), 0
 * when more is to come, -1 when in holds something else: the rest is not
 * read.
 */
static int
previews(struct httpd *h, struct buf *in, double t0, struct buf *names,
    bool held)
{
	size_t at = 0;
	int rc = 0;

	for (;;) {
		char *s = in->data + at, *nl, *nl2, *end;
		unsigned long long n;

		if (at < in->len && *s == '\n') {
			at++;
			rc = 1;
			break;
		}
		if ((nl = memchr(s, '\n', in->len - at)) == NULL ||
		    (nl2 = memchr(nl + 1, '\n', (size_t)(in->data + in->len -
		    nl - 1))) == NULL) {
			rc = in->len - at <= PREVIEW_HEAD ? 0 : -1;
			break;
		}
		n = strtoull(nl + 1, &end, 10);
		if (end != nl2 || nl == s || n > PREVIEW_MAX) {
			rc = -1;
			break;
		}
		if ((size_t)(in->data + in->len - nl2 - 1) < n)
			break;
		*nl = '\0';
		httpd_preview(h, s, nl2 + 1, (size_t)n);
		if (names != NULL)
			buf_put(names, s, (size_t)(nl - s) + 1);
		if (diag_verbosity() > 1 && held)
			diag_info("%s made first by the held model, in %.0f ms",
			    s, (now() - t0) * 1e3);
		else if (diag_verbosity() > 1)
			diag_info("%s made first, in %.0f ms", s,
			    (now() - t0) * 1e3);
		at = (size_t)(nl2 + 1 - in->data) + (size_t)n;
	}
	memmove(in->data, in->data + at, in->len - at);
	in->len -= at;
	return rc;
}

/* One chunk of the build's diagnostics: to our stderr, and the last
 * REPORT_MAX bytes into report. */
static void
diagnostics(struct buf *report, const char *chunk, size_t n)
{
	if (fwrite(chunk, 1, n, stderr) != n) {
		/* Our stderr is gone: the report still is kept. */
	}
	buf_put(report, chunk, n);
	if (report->len > 2 * REPORT_MAX) {
		memmove(report->data, report->data + report->len -
		    REPORT_MAX, REPORT_MAX);
		report->len = REPORT_MAX;
		report->data[report->len] = '\0';
	}
}

/* Start hearth with argv: its stdin from in (ours when -1), its stderr
 * to err, and pv as its PREVIEW_FD (none when -1).  Returns its pid, or -1
 * after reporting. */
static pid_t
spawn(const char *const *argv, int in, int err, int pv)
{
	pid_t pid = fork();

	if (pid < 0) {
		diag_error(NULL, 0, 0, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid > 0)
		return pid;
	if (in >= 0)
		dup2(in, STDIN_FILENO);
	dup2(err, STDERR_FILENO);
	/* dup2 onto itself would keep close-on-exec. */
	if (pv == PREVIEW_FD)
		fcntl(PREVIEW_FD, F_SETFD, 0);
	else if (pv >= 0)
		dup2(pv, PREVIEW_FD);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	execv("/proc/self/exe", (char *const *)argv);
	_exit(127);
}

/*
 * Run `hearth build` with args; its diagnostics go to our stderr and the
 * last REPORT_MAX bytes of them into report.  With h, the pages open in
 * it are made first (--preview) and shown as they come, but those listed
 * in shown (NUL-separated: shown already).  Returns its exit status (or
 * -1 when it could not run).
 */
static int
build(const char *const *args, struct buf *report, struct httpd *h,
    const struct buf *shown)
{
	const char *argv[32 + 2 * PREVIEW_PAGES];
	struct buf pages, opts, sent;
	struct pollfd pf[2];
	int p[2], pv[2] = { -1, -1 }, status, nargv = 0, open;
	bool broken = false;
	char chunk[65536], fdarg[16];
	double t0 = now();
	const char *s;
	ssize_t n;
	pid_t pid;

	buf_reset(report);
	buf_init(&pages);
	buf_init(&opts);
	buf_init(&sent);
	while (args[nargv] != NULL && nargv < 32)
		argv[nargv] = args[nargv], nargv++;
	if (h != NULL)
		httpd_pages(h, &pages, PREVIEW_PAGES);
	/* One argument each: a page path is the browser's to name, and is
	 * never read as an option. */
	for (s = pages.data; s != NULL && s < pages.data + pages.len;
	    s += strlen(s) + 1)
		if (!buf_has_str(shown, s)) {
			buf_printf(&opts, "--preview=%s", s);
			buf_put(&opts, "", 1);
		}
	if (opts.len > 0 && pipe2(pv, O_CLOEXEC) == 0) {
		snprintf(fdarg, sizeof(fdarg), "%d", PREVIEW_FD);
		argv[nargv++] = "--preview-fd";
		argv[nargv++] = fdarg;
		for (s = opts.data; s < opts.data + opts.len;
		    s += strlen(s) + 1)
			argv[nargv++] = s;
	}
	argv[nargv] = NULL;
	if (pipe2(p, O_CLOEXEC) < 0) {
		diag_error(NULL, 0, 0, "pipe: %s", strerror(errno));
		goto fail;
	}
	if ((pid = spawn(argv, -1, p[1], pv[1])) < 0) {
		close(p[0]);
		close(p[1]);
		goto fail;
	}
	close(p[1]);
	if (pv[1] >= 0)
		close(pv[1]);
	pf[0].fd = p[0];
	pf[1].fd = pv[0];
	pf[0].events = pf[1].events = POLLIN;
	open = pv[0] >= 0 ? 2 : 1;
	while (open > 0) {
		int i;

		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			for (i = 0; i < 2; i++)
				if (pf[i].fd >= 0)
					close(pf[i].fd);
			break;
		}
		for (i = 0; i < 2; i++) {
			if (pf[i].fd < 0 || pf[i].revents == 0)
				continue;
			if ((n = read(pf[i].fd, chunk, sizeof(chunk))) < 0 &&
			    errno == EINTR)
				continue;
			if (n > 0 && i == 0)
				diagnostics(report, chunk, (size_t)n);
			else if (n > 0 && !broken) {
				/* Read to the end whatever it holds: the
				 * build would die writing to a closed
				 * pipe.  (A build's pages end with the
				 * pipe, not with an empty line.) */
				buf_put(&sent, chunk, (size_t)n);
				broken = previews(h, &sent, t0, NULL,
				    false) != 0;
			} else if (n <= 0) {
				close(pf[i].fd);
				pf[i].fd = -1;
				open--;
			}
		}
	}
	buf_release(&pages);
	buf_release(&opts);
	buf_release(&sent);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	buf_printf(report, "hearth build: killed by signal %d\n",
	    WTERMSIG(status));
	return -1;
fail:
	if (pv[0] >= 0) {
		close(pv[0]);
		close(pv[1]);
	}
	buf_release(&pages);
	buf_release(&opts);
	buf_release(&sent);
	return -1;
}

/*
 * The held model (hold.h): a `hearth build --hold` beside the server,
 * which shows the open pages of an edit of news items or of files of
 * records before the build that follows has read the site.  It follows
 * every edit until one it cannot take, and ends; another is started after the next build that
 * publishes.  Whatever it does wrong costs the server nothing: a held model
 * that dies, or is slow to answer, is stopped and the build goes on.
 */
struct holder {
	pid_t		 pid;	/* 0: none */
	int		 req;	/* its standard input */
	int		 ans;	/* its preview descriptor */
	bool		 ready;
	struct buf	 in;	/* what it sent, not yet taken */
};

static void
holder_stop(struct holder *hd)
{
	if (hd->pid > 0) {
		close(hd->req);
		close(hd->ans);
		kill(hd->pid, SIGKILL);
		while (waitpid(hd->pid, NULL, 0) < 0 && errno == EINTR)
			continue;
	}
	hd->pid = 0;
	hd->ready = false;
	buf_reset(&hd->in);
}

static void
holder_start(struct holder *hd, const char *const *args)
{
	const char *argv[40];
	char fdarg[16];
	int rq[2], an[2], null, nargv = 0;

	holder_stop(hd);
	while (args[nargv] != NULL && nargv < 32)
		argv[nargv] = args[nargv], nargv++;
	snprintf(fdarg, sizeof(fdarg), "%d", PREVIEW_FD);
	argv[nargv++] = "--hold";
	argv[nargv++] = "--preview-fd";
	argv[nargv++] = fdarg;
	argv[nargv] = NULL;
	if ((null = open("/dev/null", O_WRONLY | O_CLOEXEC)) < 0)
		return;
	if (pipe2(rq, O_CLOEXEC) < 0) {
		close(null);
		return;
	}
	if (pipe2(an, O_CLOEXEC) < 0) {
		close(rq[0]);
		close(rq[1]);
		close(null);
		return;
	}
	/* Its reports are the build's to make. */
	hd->pid = spawn(argv, rq[0], null, an[1]);
	close(rq[0]);
	close(an[1]);
	close(null);
	hd->req = rq[1];
	hd->ans = an[0];
	if (hd->pid < 0) {
		hd->pid = 0;
		close(hd->req);
		close(hd->ans);
	}
}

/* Read what the held model sent within ms milliseconds into hd->in:
 * false when it is gone. */
static bool
holder_read(struct holder *hd, int ms)
{
	struct pollfd pf = { .fd = hd->ans, .events = POLLIN };
	char chunk[65536];
	ssize_t n;
	int rc;

	while ((rc = poll(&pf, 1, ms)) < 0 && errno == EINTR)
		continue;
	if (rc <= 0)
		return rc == 0;
	while ((n = read(hd->ans, chunk, sizeof(chunk))) < 0 && errno == EINTR)
		continue;
	if (n <= 0)
		return false;
	buf_put(&hd->in, chunk, (size_t)n);
	return true;
}

/* Ask the held model for the pages open in h, and show what it sends
 * within HOLD_MS; their names go to shown. */
static void
holder_ask(struct holder *hd, struct httpd *h, double t0, struct buf *shown)
{
	struct buf pages, req;
	const char *s;
	int rc = 0;

	buf_reset(shown);
	if (hd->pid == 0)
		return;
	/* Ready when it has said so (an empty line); until then it is
	 * reading the site, and the build alone makes the pages. */
	if (!hd->ready) {
		if (hd->in.len == 0 && !holder_read(hd, 0)) {
			holder_stop(hd);
			return;
		}
		if (hd->in.len == 0)
			return;
		if (hd->in.data[0] != '\n') {
			holder_stop(hd);
			return;
		}
		hd->ready = true;
		memmove(hd->in.data, hd->in.data + 1, --hd->in.len);
	}
	buf_init(&pages);
	buf_init(&req);
	httpd_pages(h, &pages, PREVIEW_PAGES);
	for (s = pages.data; s != NULL && s < pages.data + pages.len;
	    s += strlen(s) + 1)
		buf_printf(&req, "%s\n", s);
	/* Asked with no page open too: it follows every edit, and ends at
	 * the first it cannot take. */
	buf_puts(&req, "\n");
	if (fd_write(hd->req, req.data, req.len) < 0)
		rc = -1;
	while (rc == 0 && (rc = previews(h, &hd->in, t0, shown, true)) == 0)
		if (now() - t0 > HOLD_MS / 1e3 ||
		    !holder_read(hd, HOLD_MS / 10))
			rc = -1;
	if (rc < 0)
		holder_stop(hd);
	buf_release(&pages);
	buf_release(&req);
}

static const char usage[] = N_(
    "usage: hearth serve [-C DIR] [--port N] [--bind ADDR] [--out DIR] "
    "[--jobs N]\n                   [--drafts] [--idle-timeout S] "
    "[--quiet|--verbose]\n");

int
cmd_serve(int argc, char **argv)
{
	const char *out = "public", *bind = "127.0.0.1";
	bool drafts = false;
	int port = 1313, idle = 30, njobs = 0;
	const struct cmdopt opts[] = {
		{ "port", 'p', OPT_INT, &port, 0, 65535, NULL },
		{ "bind", 'b', OPT_STR, &bind, 0, 0, NULL },
		{ "out", 'o', OPT_STR, &out, 0, 0, NULL },
		{ "jobs", 'j', OPT_INT, &njobs, 1, 256, NULL },
		{ "drafts", 0, OPT_FLAG, &drafts, 0, 0, NULL },
		{ "idle-timeout", 0, OPT_INT, &idle, 1, 3600, "seconds" },
		{ NULL, 0, 0, NULL, 0, 0, NULL },
	};
	const char *args[12];
	char jobs[16] = "";
	bool failed;
	int nargs = 0, rc, verbosity;
	struct httpd *h = NULL;
	struct watch *w = NULL;
	struct sigaction sa;
	struct buf report, shown;
	struct holder hd = { 0 };
	char *base = NULL;
	double t;

	if ((rc = cmdopt_parse(argc, argv, opts, usage, 0, 0, NULL, NULL)) >= 0)
		return rc;
	rc = 1;
	verbosity = diag_verbosity();
	if (njobs > 0)
		snprintf(jobs, sizeof(jobs), "%d", njobs);
	args[nargs++] = "hearth";
	args[nargs++] = "build";
	args[nargs++] = "--out";
	args[nargs++] = out;
	if (*jobs != '\0') {
		args[nargs++] = "--jobs";
		args[nargs++] = jobs;
	}
	if (drafts)
		args[nargs++] = "--drafts";
	if (verbosity == 0)
		args[nargs++] = "--quiet";
	if (verbosity == 2)
		args[nargs++] = "--verbose";
	args[nargs] = NULL;

	/* Signals end the loop through a pipe the loop polls. */
	if (pipe2(sigpipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		diag_error(NULL, 0, 0, "pipe: %s", strerror(errno));
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = onsignal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	buf_init(&report);
	buf_init(&shown);
	buf_init(&hd.in);
	/* Watch before the first build: an edit made during it is not
	 * lost. */
	if (watch_open(&w, watched_dirs, watched_files) < 0)
		goto out;
	failed = build(args, &report, NULL, &shown) != 0;
	if (!failed)
		holder_start(&hd, args);
	base = base_path();
	if (httpd_start(&h, bind, port, out, base, idle) < 0)
		goto out;
	if (failed)
		httpd_failed(h, report.data);
	if (strcmp(bind, "127.0.0.1") != 0 && strcmp(bind, "::1") != 0)
		diag_warning(NULL, 0, 0, "listening on %s: the preview is open "
		    "to other machines", bind);
	printf(_("serving %s/ at http://%s%s%s:%d%s (Ctrl-C stops)\n"), out,
	    strchr(bind, ':') ? "[" : "", bind, strchr(bind, ':') ? "]" : "",
	    httpd_port(h), base);
	fflush(stdout);

	for (;;) {
		struct pollfd pf[2] = {
			{ .fd = watch_fd(w), .events = POLLIN },
			{ .fd = sigpipe[0], .events = POLLIN },
		};
		int changed, k;
		ino_t before;

		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			diag_error(NULL, 0, 0, "poll: %s", strerror(errno));
			goto out;
		}
		if (pf[1].revents)
			break;
		if ((changed = watch_drain(w)) < 0)
			goto out;
		if (!changed)
			continue;
		/* Let a burst of writes (a save, a checkout) settle: quiet
		 * for QUIET_MS, or 2 s at most.  The events are of whole
		 * files (closed after writing, renamed, removed), and one
		 * save's come within a few milliseconds of each other; a
		 * build that starts in a slower burst is followed by
		 * another. */
		for (k = 0; k < 2000 / QUIET_MS; k++) {
			if (poll(pf, 2, QUIET_MS) <= 0)
				break;
			if (pf[1].revents || watch_drain(w) < 0)
				break;
		}
		if (pf[1].revents)
			break;
		t = now();
		holder_ask(&hd, h, t, &shown);
		before = inode(out);
		if (build(args, &report, h, &shown) != 0) {
			failed = true;
			httpd_failed(h, report.data);
			continue;
		}
		if (inode(out) != before || failed) {
			free(base);
			base = base_path();
			httpd_set_base(h, base);
			httpd_reload(h);
			diag_info("rebuilt in %.0f ms; open pages reload",
			    (now() - t) * 1e3);
			/* The held model follows the site until an edit it
			 * cannot take, and ends: one reads it anew. */
			if (hd.pid == 0 || !holder_read(&hd, 0))
				holder_start(&hd, args);
		} else
			httpd_unchanged(h);
		failed = false;
	}
	rc = 0;
out:
	holder_stop(&hd);
	httpd_stop(h);
	watch_close(w);
	buf_release(&report);
	buf_release(&shown);
	buf_release(&hd.in);
	free(base);
	close(sigpipe[0]);
	close(sigpipe[1]);
	return rc;
}
