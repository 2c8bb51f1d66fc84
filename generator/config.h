/*
 * config: hearth.yaml, the site's settings, every section typed and
 * checked here, with positions, before anything is made.  Unknown keys are
 * warned about (a typo should not silently change nothing); wrong types
 * and values out of range are errors, all of them in one pass.  Later
 * stages read these fields, never the file.
 */
#ifndef HEARTH_CONFIG_H
#define HEARTH_CONFIG_H

#include <stdbool.h>

struct arena;
struct sfile;
struct value;

/* data: the open-data package. */
struct config_data {
	const char	*name;		/* package name, "hearth-data" */
	const char	*version;	/* NULL: the data-as-of date */
	const char	*release_tags;	/* fnmatch pattern of release tags */
	const struct value *sources;	/* list of {title, path, email,
					   version}, checked; or NULL */
	const char	*theme;		/* EU data theme code, "SOCI" */
};

/* contact: whom readers of the data write to (DCAT's contact point). */
struct config_contact {
	const char	*name;		/* NULL: the publisher */
	const char	*email;
	const char	*url;		/* http(s) */
};

/* maps: drawing the province and county maps. */
struct config_maps {
	double		 width;		/* px, 200..4000 */
	double		 province_tolerance_km;	/* floors under the */
	double		 county_tolerance_km;	/* automatic tolerance */
};

/* plugins: the sandbox's limits; 0 means the host's default. */
#define CONFIG_MAX_INSTRUCTIONS	10000000000LL	/* 10^10: minutes of work */
#define CONFIG_MAX_MEMORY_MB	4096
struct config_plugins {
	long long	 instructions;	/* per call */
	long long	 memory_mb;	/* per plugin */
	long long	 seconds;	/* wall time per call */
	long long	 total_seconds;	/* all calls of a build */
};

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
	struct config_data	data;
	struct config_contact	contact;
	struct config_maps	maps;
	struct config_plugins	plugins;
	const struct value *provinces_at;	/* positions of provinces */
	struct value	*raw;		/* the whole file, for federate's
					   sources: (read before the model) */
};

/* Parse hearth.yaml (f) into out, allocating in a.  Returns 0, or -1 after
 * reporting. */
int	config_load(struct config *out, struct arena *a, const struct sfile *f);

/* The English label of an EU data theme code, or NULL if it is none. */
const char *config_theme_label(const char *code);

#endif
