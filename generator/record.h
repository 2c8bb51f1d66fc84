/*
 * record: typed records, read from CSV (libcsv) or JSON (cJSON) files, or
 * from front matter, and checked against their schema.
 *
 * Checking happens in two passes: record_load/record_add check each record
 * on its own (types, required fields, enums, ranges, lengths); record_link
 * then checks what needs every record: unique ids, references to other
 * records, division codes and ownership.  Records are never changed after
 * record_link, so pages and datasets read the same values.
 */
#ifndef HEARTH_RECORD_H
#define HEARTH_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct arena;
struct divisions;
struct schema;
struct sfile;
struct value;

struct record {
	const struct schema *schema;
	const char	*id;		/* primary key */
	struct value	*fields;	/* mapping in schema order; absent
					   optional fields are null */
	const char	*path;		/* where it was defined */
	int		 line, col;
	const char	*owner;		/* county code when it comes from
					   content/counties/<code>/ */
	time_t		 changed;	/* last change of its file (history),
					   0 when unknown; set by site.c */
	const char	*changed_by;
};

struct recordset {
	const struct schema *schema;
	struct record	**v;		/* in load order (path, then line) */
	size_t		 n, cap;
	struct record	**tab;		/* open-addressing index by id */
	size_t		 tabcap;
};

void	recordset_init(struct recordset *set, const struct schema *schema);
void	recordset_release(struct recordset *set);

/* Move from's records behind set's, in their order (from is emptied): a
 * file's records, read on a thread of their own, join the others. */
void	recordset_take(struct recordset *set, struct recordset *from);

/* Read every record of a CSV or JSON file (chosen by extension) into set.
 * owner: see struct record.  Returns 0, or -1 after reporting each bad
 * record (good ones are still added, so one run lists every problem). */
int	record_load(struct recordset *set, struct arena *a,
	    const struct sfile *f, const char *owner);

/* Check one record given as a mapping (front matter) and add it.  id, when
 * not NULL, is the primary key to use if the mapping has none (the slug of
 * a news item).  Returns the record, or NULL after reporting. */
struct record *record_add(struct recordset *set, struct arena *a,
	    const struct value *raw, const char *path, int line, int col,
	    const char *id, const char *owner);

/* Cross-record checks over all sets (see above), on jobs threads; builds
 * the id indexes.  Returns 0, or -1 after reporting every problem. */
int	record_link(struct recordset *sets, size_t nsets,
	    const struct divisions *div, bool drafts, int jobs);

/* record_link's checks of one record r, against sets as they are.
 * Returns 0, or -1 after reporting. */
int	record_relink(const struct record *r, const struct recordset *sets,
	    size_t nsets, const struct divisions *div, bool drafts);

/* Put r, of the same id, in the place of set's ith record, in the set
 * and its index.  For a held model taking a file's new records
 * (site_refront, site_rerecords). */
void	record_replace(struct recordset *set, size_t i, struct record *r);

/* Put r, whose id set lacks (record_find), at set's ith place, in the
 * set and its index (site_addnews). */
void	record_insert(struct recordset *set, size_t i, struct record *r);

/* Take set's ith record out of the set and its index (site_removenews). */
void	record_remove(struct recordset *set, size_t i);

struct record *record_find(const struct recordset *set, const char *id);

/* Field accessors by name: NULL / 0 / fallback when absent. */
const struct value *record_get(const struct record *r, const char *field);
const char *record_str(const struct record *r, const char *field);
long long record_int(const struct record *r, const char *field,
	    long long fallback);
/* A number field (integer or not) as a double: true and *out set, or
 * false when the record has no such number. */
bool	record_num(const struct record *r, const char *field, double *out);
/* Does the record say "draft: true"? */
bool	record_is_draft(const struct record *r);
/* Is field listed in the record's lower_bounds list ("2,000+")? */
bool	record_is_lower_bound(const struct record *r, const char *field);

#endif
