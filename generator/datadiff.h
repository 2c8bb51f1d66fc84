/*
 * datadiff: what changed in the datasets between two versions, record by
 * record (matched by primary key) and field by field.  Used by `hearth
 * diff` and by the data changelog of the built site.
 */
#ifndef HEARTH_DATADIFF_H
#define HEARTH_DATADIFF_H

#include <stddef.h>

struct arena;
struct buf;
struct datapkg;
struct value;

enum rowchange_kind { ROW_ADDED, ROW_REMOVED, ROW_CHANGED };

struct rowchange {
	enum rowchange_kind kind;
	const char	*id;
	const struct value *before, *after;	/* NULL when absent */
	const char	**fields;		/* CHANGED: in schema order */
	size_t		 nfields;
};

struct tablediff {
	const char	*name;
	struct rowchange *rows;			/* by id */
	size_t		 n, added, removed, changed;
};

/* Compare every dataset of a and b (a dataset only one has counts as all
 * added or all removed).  Allocates in arena; returns the number of
 * tables and sets *out. */
size_t	datadiff(struct tablediff **out, const struct datapkg *a,
	    const struct datapkg *b, struct arena *arena);

/* A readable table of the changes. */
void	datadiff_text(struct buf *b, const struct tablediff *d, size_t n);

/* JSON: {"from":..,"to":..,"datasets":{name:{"added":[..],"removed":[..],
 * "changed":[{"id":..,"fields":{f:{"before":..,"after":..}}}]}}}. */
void	datadiff_json(struct buf *b, const char *from, const char *to,
	    const struct tablediff *d, size_t n);

#endif
