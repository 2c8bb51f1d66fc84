/*
 * config: hearth.yaml, the site's settings.  Unknown keys are warned about
 * (a typo should not silently change nothing); wrong types are errors.
 */
#ifndef HEARTH_CONFIG_H
#define HEARTH_CONFIG_H

#include <stdbool.h>

struct arena;
struct sfile;
struct value;

struct config {
	const char	*title;
	const char	*title_en;
	const char	*description;
	const char	*base_url;	/* absolute, ends with '/' */
	const char	*base_path;	/* path part of base_url: "/" or "/x/" */
	const char	*language;	/* BCP 47, e.g. "zh-CN" */
	const char	*theme;		/* folder under themes/ */
	const char	*publisher;
	const char	*publisher_en;
	const char	*licence_id;	/* SPDX, e.g. "CC-BY-4.0" */
	const char	*licence_title;
	const char	*licence_url;
	const char	**provinces;	/* codes of the published provinces */
	int		 nprovinces;
	int		 paginate;	/* items per list page */
	bool		 unsafe_html;	/* let raw HTML in Markdown through */
	struct value	*raw;		/* the whole file */
};

/* Parse hearth.yaml (f) into out, allocating in a.  Returns 0, or -1 after
 * reporting. */
int	config_load(struct config *out, struct arena *a, const struct sfile *f);

#endif
