/*
 * division: the administrative divisions of the reference data
 * (content/reference/divisions/LEVEL.csv; the site's own or the
 * national reference hearth ships, see source.h): province -> prefecture -> county ->
 * township, with GB/T 2260-based codes.  Read once, never changed; records
 * and pages refer to divisions by code.
 */
#ifndef HEARTH_DIVISION_H
#define HEARTH_DIVISION_H

#include <stddef.h>

struct arena;
struct source;

enum div_level {
	DIV_NONE,
	DIV_PROVINCE,
	DIV_PREFECTURE,
	DIV_COUNTY,
	DIV_TOWNSHIP
};

struct division {
	const char	*code;
	const char	*name;
	enum div_level	 level;
	struct division	*parent;	/* NULL for provinces */
	const char	*parent_code;
	struct division	**children;	/* sorted by code */
	size_t		 nchildren;
	long		 townships;	/* township-level divisions inside */
	int		 zone;		/* a functional zone (开发区 and the
					   like, counties.csv kind "zone"):
					   townships, but no boundary */
	const char	*path;		/* where it was defined */
	int		 line;
};

struct divisions {
	struct division	**all;		/* sorted by code */
	size_t		 n;
	struct division	**provinces;	/* sorted by code */
	size_t		 nprovinces;
};

/* Load content/reference/divisions/{provinces,prefectures,counties,
 * townships}.csv from src.  A site without them has no divisions (records
 * that refer to one will fail their checks).  Returns 0, or -1 after
 * reporting. */
int	division_load(struct divisions *out, struct arena *a,
	    const struct source *src);

/* The division with this code, or NULL. */
struct division *division_find(const struct divisions *d, const char *code);

/* Is d equal to or inside ancestor? */
int	division_within(const struct division *d,
	    const struct division *ancestor);

/* Nearest ancestor (or d itself) at the given level, or NULL. */
struct division *division_up(struct division *d, enum div_level level);

const char *division_level_name(enum div_level level);
/* The same in the language of messages (diag.h), for people. */
const char *division_level_text(enum div_level level);
enum div_level division_level_parse(const char *name);

#endif
