/*
 * chart: fixed geometry in a viewBox, so the SVG scales with the page and
 * prints; colours come from the theme's CSS classes (with inline defaults
 * for when the SVG is opened on its own).
 */
#include <string.h>

#include "buf.h"
#include "chart.h"

#define W	760
#define LABEL	150	/* label column width */
#define ROW	28
#define BAR	18
#define PAD	8

void
chart_bars(struct buf *out, const char *id, const char *title,
    const char *desc, const struct chart_bar *bars, size_t n, double max)
{
	size_t i;
	int h = (int)n * ROW + 2 * PAD, plot = W - LABEL - 200;

	buf_printf(out, "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/"
	    "svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
	    "role=\"img\" aria-labelledby=\"%s-t %s-d\">", W, h, W, h, id, id);
	buf_printf(out, "<title id=\"%s-t\">", id);
	buf_put_html(out, title, strlen(title));
	buf_printf(out, "</title><desc id=\"%s-d\">", id);
	buf_put_html(out, desc, strlen(desc));
	buf_puts(out, "</desc>");
	for (i = 0; i < n; i++) {
		const struct chart_bar *b = &bars[i];
		double frac = max > 0 ? b->value / max : 0;
		int y = PAD + (int)i * ROW, len;

		if (frac < 0)
			frac = 0;
		if (frac > 1)
			frac = 1;
		len = (int)(frac * plot + 0.5);
		if (b->href != NULL) {
			buf_puts(out, "<a href=\"");
			buf_put_html(out, b->href, strlen(b->href));
			buf_puts(out, "\">");
		}
		buf_printf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" "
		    "class=\"chart-label\" font-size=\"15\" fill=\"#1f2933\">",
		    LABEL - 8, y + BAR - 4);
		buf_put_html(out, b->label, strlen(b->label));
		buf_puts(out, "</text>");
		if (b->href != NULL)
			buf_puts(out, "</a>");
		buf_printf(out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" "
		    "height=\"%d\" class=\"chart-track\" fill=\"#e4e7eb\"/>",
		    LABEL, y, plot, BAR);
		buf_printf(out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" "
		    "height=\"%d\" class=\"chart-bar\" fill=\"#1d5f8a\"/>",
		    LABEL, y, len, BAR);
		if (b->target > 0 && max > 0) {
			double t = b->target / max;
			int tx = LABEL + (int)((t > 1 ? 1 : t) * plot + 0.5);

			buf_printf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" "
			    "y2=\"%d\" class=\"chart-target\" stroke=\"#b3261e\" "
			    "stroke-width=\"2\"/>", tx, y - 3, tx, y + BAR + 3);
		}
		buf_printf(out, "<text x=\"%d\" y=\"%d\" class=\"chart-value\" "
		    "font-size=\"15\" fill=\"#1f2933\">", LABEL + plot + 6,
		    y + BAR - 4);
		buf_put_html(out, b->value_text, strlen(b->value_text));
		buf_puts(out, "</text>");
	}
	buf_puts(out, "</svg>");
}
