#include <limits.h>
#include <locale.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "diag.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int nerrors, nwarnings;
static int verbosity = 1;
static int muted, nmuted;
static bool noted_errors, noted_warnings;	/* past SHOWN_MAX */
static int progress_shown;		/* a progress line is on the terminal */
static double progress_t0, progress_last;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Progress shows the time since the program started. */
__attribute__((constructor)) static void
start_clock(void)
{
	progress_t0 = now();
}

/* Wipe the progress line before any other output (lock held). */
static void
unprogress(void)
{
	if (progress_shown) {
		fputs("\r\033[K", stderr);
		progress_shown = 0;
	}
}

/* Errors already printed, by a hash of their line: pages rendered on
 * several threads can hit the same fault (one plugin hook, one template)
 * before the first failure stops the others; each is said once, so
 * check and build, on any number of threads, print the same list. */
#define SEEN_CAP 4096
static unsigned long long seen[SEEN_CAP];
static size_t nseen;
static bool dedupe;

void
diag_once(bool on)
{
	pthread_mutex_lock(&lock);
	dedupe = on;
	pthread_mutex_unlock(&lock);
}

static bool
said(const char *s, size_t n)
{
	unsigned long long h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	h |= 1;
	for (i = h % SEEN_CAP; seen[i] != 0; i = (i + 1) % SEEN_CAP)
		if (seen[i] == h)
			return true;
	if (nseen < SEEN_CAP / 2) {
		seen[i] = h;
		nseen++;
	}
	return false;
}

#ifndef LOCALEDIR
#define LOCALEDIR "/usr/local/share/locale"
#endif

void
diag_locale(void)
{
	static const char *const near[] = { "/locale", "/../locale" };
	char exe[PATH_MAX], dir[PATH_MAX + 16], *slash;
	const char *use = LOCALEDIR;
	struct stat st;
	ssize_t n;
	size_t i;

	setlocale(LC_MESSAGES, "");
	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL)
			*slash = '\0';
		for (i = 0; i < sizeof(near) / sizeof(near[0]); i++) {
			snprintf(dir, sizeof(dir), "%s%s", exe, near[i]);
			if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode)) {
				use = dir;
				break;
			}
		}
	}
	bindtextdomain(HEARTH_DOMAIN, use);
	textdomain(HEARTH_DOMAIN);
	bind_textdomain_codeset(HEARTH_DOMAIN, "UTF-8");
	/* The C library's own messages (strerror) too: LC_CTYPE stays "C"
	 * so that input is read alike everywhere, and the library would
	 * otherwise give a Chinese reader each character as '?'. */
	bind_textdomain_codeset("libc", "UTF-8");
}

/* Control characters of a line (but tabs) as '?': messages quote file
 * names, values and commit paths that anyone may have written, and an
 * escape sequence must not reach the reader's terminal. */
static void
defang(char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] < 0x20 && s[i] != '\t') ||
		    s[i] == 0x7f)
			s[i] = '?';
}

void
diag_line(FILE *fp, const char *fmt, ...)
{
	struct buf b;
	va_list ap;

	buf_init(&b);
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (b.len > 0) {
		defang(b.data, b.len);
		fputs(b.data, fp);
		fputc('\n', fp);
	}
	buf_release(&b);
}

/* Errors (and warnings) past this many are counted, not printed: one
 * wrong column in a county's file is a line per row, a missing reference
 * one per division code, and the first ones say what to fix.  The count
 * is in the summary; --verbose prints every one. */
#define SHOWN_MAX	100

/* Print one diagnostic (when show); false when it was said before. */
static bool
emit(const char *kind, const char *path, int line, int col, bool show,
    const char *fmt, va_list ap)
{
	struct buf b;
	bool again;

	buf_init(&b);
	buf_puts(&b, path != NULL ? path : "hearth");
	if (line > 0) {
		buf_printf(&b, ":%d", line);
		if (col > 0)
			buf_printf(&b, ":%d", col);
	}
	buf_printf(&b, ": %s: ", kind);
	buf_vprintf(&b, _(fmt), ap);
	defang(b.data, b.len);
	buf_putc(&b, '\n');
	again = dedupe && said(b.data, b.len);
	if (!again && show) {
		unprogress();
		/* One write per line keeps messages from worker threads
		 * whole. */
		fwrite(b.data, 1, b.len, stderr);
	}
	buf_release(&b);
	return !again;
}

/* Should the next of n diagnostics be printed (lock held)?  At the first
 * that is not, says the note once. */
static bool
shown(int n, bool *noted, const char *note)
{
	if (n < SHOWN_MAX || verbosity > 1)
		return true;
	if (!*noted) {
		*noted = true;
		unprogress();
		fprintf(stderr, "%s\n", _(note));
	}
	return false;
}

void
diag_verror(const char *path, int line, int col, const char *fmt, va_list ap)
{
	pthread_mutex_lock(&lock);
	if (muted)
		nmuted++;
	else if (emit("error", path, line, col, shown(nerrors, &noted_errors,
	    N_("hearth: more errors follow, counted but not shown (--verbose "
	    "shows every one)")), fmt, ap))
		nerrors++;
	pthread_mutex_unlock(&lock);
}

void
diag_error(const char *path, int line, int col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_verror(path, line, col, fmt, ap);
	va_end(ap);
}

void
diag_warning(const char *path, int line, int col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pthread_mutex_lock(&lock);
	if (!muted && emit("warning", path, line, col,
	    shown(nwarnings, &noted_warnings, N_("hearth: more warnings "
	    "follow, counted but not shown (--verbose shows every one)")),
	    fmt, ap))
		nwarnings++;
	pthread_mutex_unlock(&lock);
	va_end(ap);
}

void
diag_info(const char *fmt, ...)
{
	va_list ap;

	if (verbosity < 1)
		return;
	va_start(ap, fmt);
	pthread_mutex_lock(&lock);
	unprogress();
	vfprintf(stderr, _(fmt), ap);
	fputc('\n', stderr);
	pthread_mutex_unlock(&lock);
	va_end(ap);
}

void
diag_set_quiet_errors(int on)
{
	pthread_mutex_lock(&lock);
	muted = on;
	if (on)
		nmuted = 0;
	pthread_mutex_unlock(&lock);
}

bool
diag_quiet_errors(void)
{
	bool on;

	pthread_mutex_lock(&lock);
	on = muted != 0;
	pthread_mutex_unlock(&lock);
	return on;
}

int
diag_muted(void)
{
	return nmuted;
}

int
diag_errors(void)
{
	int n;

	pthread_mutex_lock(&lock);
	n = nerrors;
	pthread_mutex_unlock(&lock);
	return n;
}

int
diag_warnings(void)
{
	return nwarnings;
}

void
diag_reset(void)
{
	pthread_mutex_lock(&lock);
	nerrors = nwarnings = 0;
	noted_errors = noted_warnings = false;
	memset(seen, 0, sizeof(seen));
	nseen = 0;
	pthread_mutex_unlock(&lock);
}

void
diag_set_quiet(int quiet)
{
	verbosity = quiet ? 0 : 1;
}

int
diag_verbosity(void)
{
	return verbosity;
}

void
diag_set_verbosity(int v)
{
	verbosity = v;
}

void
diag_progress(const char *what, size_t done, size_t total)
{
	static int tty = -1;
	double t;

	if (verbosity < 1)
		return;
	pthread_mutex_lock(&lock);
	if (tty < 0)
		tty = isatty(STDERR_FILENO);
	t = now();
	if (tty && done >= total)
		unprogress();
	else if (tty && t - progress_last >= 0.1) {
		/* The first second stays quiet: short builds print nothing
		 * but their summary. */
		if (t - progress_t0 >= 1.0) {
			fprintf(stderr, "\r\033[K%s %zu/%zu (%.1f s)", what, done,
			    total, t - progress_t0);
			fflush(stderr);
			progress_shown = 1;
		}
		progress_last = t;
	}
	pthread_mutex_unlock(&lock);
}

/* The process's peak resident memory so far, in MiB (0: unknown). */
static long
peak_mib(void)
{
	char line[128];
	long kb = 0;
	FILE *f = fopen("/proc/self/status", "r");

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb / 1024;
}

/* With --verbose, how long the step since *t took, and the memory peak
 * after it; *t moves on. */
void
diag_lap(const char *what, double *t)
{
	double n = diag_now();

	if (diag_verbosity() > 1)
		diag_info("  %-8s %7.1f ms  peak %5ld MiB", what,
		    (n - *t) * 1e3, peak_mib());
	*t = n;
}


double
diag_now(void)
{
	return now();
}
