/*
 * shortcode: {{< name key=value key="quoted value" >}} in Markdown.
 *
 * Shortcodes are expanded before the Markdown is parsed, so what a
 * shortcode returns as text is Markdown like the rest of the body (and as
 * safe).  What it returns as HTML (made by the plugin API, hence trusted)
 * cannot go through the Markdown parser, so a marker takes its place and
 * markdown.c puts the HTML back where the marker ends up in text — never
 * inside a link or an attribute.  Shortcodes inside fenced code blocks are
 * left alone, and one whose inside is wrapped in a C-style comment (as in
 * Hugo) is written out as a plain shortcode, unexpanded.
 */
#ifndef HEARTH_SHORTCODE_H
#define HEARTH_SHORTCODE_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct buf;
struct value;

struct shortcode_call {
	const char	*name;
	struct value	*args;		/* mapping of strings, in order */
	const char	*path;
	int		 line, col;
};

/* Produce a shortcode's result into out; *is_html says it is trusted HTML.
 * Returns 0, or -1 after reporting. */
typedef int (*shortcode_fn)(void *ud, const struct shortcode_call *c,
    struct buf *out, bool *is_html);

/* The HTML results waiting for their markers. */
struct shortcode_html {
	char		*marker;	/* ASCII letters and digits */
	char		*html;
};

#define SHORTCODE_MAX 1000	/* per text */

/*
 * Copy text (the body of path, starting at line0) into out with every
 * shortcode replaced.  HTML results are listed in *html (allocated in a).
 * Errors (an unterminated shortcode, bad arguments, more than
 * SHORTCODE_MAX, fn's failures) are reported as path:line:col; returns 0
 * or -1.
 */
int	shortcode_expand(struct buf *out, struct arena *a, const char *path,
	    int line0, const char *text, size_t len, shortcode_fn fn,
	    void *ud, struct shortcode_html **html, size_t *nhtml);

/* Parse the inside of one shortcode ("name k=v ...") into c (for tests
 * and fuzzing).  Returns 0 or -1 after reporting. */
int	shortcode_parse(struct shortcode_call *c, struct arena *a,
	    const char *path, int line, int col, const char *s, size_t n);

#endif
