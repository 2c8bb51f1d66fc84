/*
 * csvtab: RFC 4180 CSV text (parsed by libcsv) into rows of fields, each row
 * with the file line it starts on.  Used for reference divisions and for
 * records.  A UTF-8 BOM is tolerated (spreadsheets write one).
 */
#ifndef HEARTH_CSVTAB_H
#define HEARTH_CSVTAB_H

#include <stddef.h>

struct arena;

struct csvrow {
	const char	**fields;	/* NUL-terminated copies */
	size_t		 n;
	int		 line;
};

struct csvtab {
	struct csvrow	*rows;		/* rows[0] is the header */
	size_t		 n;
};

#define CSVTAB_MAX_ROWS		1000000
#define CSVTAB_MAX_FIELDS	256

/*
 * Parse text.  Returns 0, or -1 after reporting malformed CSV (a stray
 * quote, an unterminated quoted field), invalid UTF-8, a row whose field
 * count differs from the header's, or more than the limits above.
 * Everything is allocated in a.
 */
int	csvtab_parse(struct csvtab *out, struct arena *a, const char *path,
	    const char *text, size_t len);

/* Index of the header column called name, or -1. */
int	csvtab_column(const struct csvtab *t, const char *name);

#endif
