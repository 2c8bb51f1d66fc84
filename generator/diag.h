/*
 * diag: compiler-style diagnostics, "path:line:col: error: message".
 *
 * Every stage reports a problem once, where its location is known, then
 * returns failure; callers propagate without rewording.  diag counts errors
 * so a run can report all content problems and still exit 1.  Paths are
 * relative to the site root.  Safe to call from worker threads.
 */
#ifndef HEARTH_DIAG_H
#define HEARTH_DIAG_H

#include <libintl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * Messages speak the user's language through GNU gettext (domain
 * "hearth", catalogues in generator/po/): diag translates the format of
 * every diagnostic itself; other texts are marked _() where printed, or
 * N_() where kept for later.  The "path:line:col: error:" prefix stays as
 * compilers write it.
 */
#define HEARTH_DOMAIN	"hearth"
#define _(s)		dgettext(HEARTH_DOMAIN, s)
#define N_(s)		(s)

/* Choose the messages' language from the environment (LANGUAGE, LC_ALL,
 * LC_MESSAGES, LANG) and find the catalogues: beside an uninstalled
 * binary (build/locale), else under the installed LOCALEDIR.  Only
 * LC_MESSAGES is set: numbers in outputs never follow the locale. */
void	diag_locale(void);

/* line 0 omits line and column; col 0 omits the column; path NULL prints
 * "hearth:" in its place. */
void	diag_error(const char *path, int line, int col, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));
void	diag_warning(const char *path, int line, int col, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));
void	diag_verror(const char *path, int line, int col, const char *fmt,
	    va_list ap);

/* One line of a report on fp (a newline added), formatted as printf
 * does, its control characters shown as '?' as in every diagnostic. */
void	diag_line(FILE *fp, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* A plain progress or information line, suppressed by diag_set_quiet. */
void	diag_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Note progress of a long phase ("pages", 1200 of 58000 done): on a
 * terminal, a line rewritten in place with the time since the first call,
 * wiped by any other message and when done reaches total; nothing when
 * stderr is not a terminal or with verbosity 0.  Thread-safe.
 */
void	diag_progress(const char *what, size_t done, size_t total);

/*
 * Mute diagnostics for a probe that may fail harmlessly (rebuilding an old
 * release, peeking at a file checked in full later): while muted, errors
 * and warnings are neither printed nor counted, only tallied for
 * diag_muted().  Single-threaded phases only.
 */
void	diag_set_quiet_errors(int on);
bool	diag_quiet_errors(void);	/* is a probe muting them now? */
int	diag_muted(void);

int	diag_errors(void);
int	diag_warnings(void);
void	diag_reset(void);
void	diag_set_quiet(int quiet);
int	diag_verbosity(void);

/* Monotonic seconds; with --verbose, diag_lap says how long the step
 * since *t took and the memory peak after it, and moves *t on. */
double	diag_now(void);
void	diag_lap(const char *what, double *t);
void	diag_set_verbosity(int v);	/* 0 quiet, 1 normal, 2 verbose */

/* Say each distinct error once (a build's page threads can meet the same
 * fault at once); off by default. */
void	diag_once(bool on);

#endif
