/*
 * front: split a Markdown file into YAML front matter and body.
 *
 * The file must start with a line "---"; the front matter ends at the next
 * line "---" (or "...").  The body keeps its first line number so Markdown
 * problems can be reported at the right place.
 */
#ifndef HEARTH_FRONT_H
#define HEARTH_FRONT_H

#include <stddef.h>

struct arena;
struct sfile;
struct value;

struct front {
	struct value	*meta;		/* a mapping */
	const char	*body;		/* points into the file's text */
	size_t		 body_len;
	int		 body_line;	/* file line of body[0] */
};

/* Returns 0, or -1 after reporting (no front matter, malformed YAML, a
 * front matter that is not a mapping, invalid UTF-8 anywhere). */
int	front_parse(struct front *out, struct arena *a, const struct sfile *f);

#endif
