/*
 * htmlcheck: is a piece of rendered HTML free of anything that runs code?
 *
 * Pages that a county's template or a plugin helped make are judged by
 * what they produce, read with an HTML5 parser (gumbo) the way a browser
 * reads them: entities decoded, attributes as the tokenizer sees them,
 * foreign (SVG, MathML) content in its namespace.  The rule is an
 * allow-list of what the theme itself needs: JSON-LD data blocks, the
 * site's own scripts under <base>assets/ and its SVG maps under
 * <base>maps/ embedded by an <object>; nothing else that runs, loads or
 * redirects code, and every URL-valued attribute http(s), mailto or a path.
 */
#ifndef HEARTH_HTMLCHECK_H
#define HEARTH_HTMLCHECK_H

#include <stddef.h>

/* Tags past this count are not parsed: the page is refused as too big to
 * check (bounds the parser's time and its recursive tree teardown). */
#define HTMLCHECK_MAX_TAGS 50000

struct htmlcheck_problem {
	int	 line, col;		/* in the HTML, 1-based */
	char	 what[240];		/* "a <script> element", ... */
};

/*
 * Check html (len bytes).  base is the site's base path ("/" or
 * "/sub/"): scripts may load only from <base>assets/.  Returns 0 when the
 * HTML is safe, 1 with *p filled at the first problem.
 */
int	htmlcheck(const char *html, size_t len, const char *base,
	    struct htmlcheck_problem *p);

#endif
