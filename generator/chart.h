/*
 * chart: small build-time SVG charts (horizontal bars), for readers who
 * would rather look than read.  Every chart has a title and description for
 * screen readers, and pages always print the same numbers as text beside
 * it, so the chart is never the only way to read a figure.
 */
#ifndef HEARTH_CHART_H
#define HEARTH_CHART_H

#include <stddef.h>

struct buf;

struct chart_bar {
	const char	*label;
	double		 value;		/* drawn length, 0..max */
	const char	*value_text;	/* printed at the bar's end */
	const char	*href;		/* optional link for the label */
	double		 target;	/* > 0: a target marker at this value */
};

/* Append an inline <svg> bar chart.  max is the value of a full bar; id
 * makes the title/desc ids unique on the page. */
void	chart_bars(struct buf *out, const char *id, const char *title,
	    const char *desc, const struct chart_bar *bars, size_t n,
	    double max);

#endif
