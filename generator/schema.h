/*
 * schema: record types, described in content/schemas/<type>.yaml.
 *
 * A schema names its fields in order, with a type and constraints each; the
 * same description checks the records, orders dataset columns, and (later)
 * becomes Table Schema and JSON Schema.  See docs/content.md for the
 * format.
 */
#ifndef HEARTH_SCHEMA_H
#define HEARTH_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "division.h"

struct arena;
struct sfile;
struct value;

enum field_type {
	FT_STRING,
	FT_INTEGER,
	FT_NUMBER,
	FT_BOOLEAN,
	FT_DATE,	/* YYYY-MM-DD */
	FT_YEARMONTH,	/* YYYY-MM */
	FT_LIST,	/* of strings; "a|b|c" in CSV */
	FT_REF,		/* primary key of a record of another type */
	FT_DIVISION	/* a division code at a given level */
};

struct field {
	const char	*name;
	const char	*title;		/* Chinese title */
	const char	*title_en;
	const char	*description;
	const char	*unit;
	enum field_type	 type;
	bool		 required;
	const char	**enums;	/* allowed values, or NULL */
	size_t		 nenums;
	bool		 has_min, has_max;
	double		 min, max;
	int		 precision;	/* decimals for numbers, -1 unset */
	size_t		 max_length;	/* in code points */
	const char	*format;	/* strings: "id", "url"; numbers:
					   "percent" */
	const char	*ref;		/* FT_REF: the schema referred to */
	enum div_level	 level;		/* FT_DIVISION; DIV_NONE: any */
	const char	*within;	/* FT_DIVISION: a field this one must lie
					   inside (township within county) */
	bool		 item_fields;	/* FT_LIST: items name fields of the
					   same schema */
	int		 line, col;	/* in the schema file */
};

/*
 * A figure that must agree with others: field == num / den within
 * tolerance (equals:), or field <= num (at_most:, a figure that cannot be
 * larger than what the reference counts).  Terms name a numeric field of
 * the record, or "<division field>.townships", ".counties" or
 * ".prefectures" (how many divisions of that level the division the
 * record names holds, itself included).  Checked by record_link.
 */
struct check {
	const char	*field;
	const char	*num;
	const char	*den;
	double		 tolerance;
	int		 at_most;	/* field <= num */
	int		 line, col;
};

struct schema {
	const char	*name;		/* the record type, e.g. "station" */
	const char	*dataset;	/* published as /data/<dataset>.*, or
					   NULL: not published */
	const char	*title;
	const char	*title_en;
	const char	*description;
	const char	*path;
	struct field	*fields;	/* in order */
	size_t		 nfields;
	int		 pk;		/* index of the primary key field */
	struct check	*checks;
	size_t		 nchecks;
	struct value	*raw;		/* the whole file, for metadata */
};

#define SCHEMA_MAX_STRING 20000

/* Parse a schema file.  The record type is the file's base name.  Returns
 * 0, or -1 after reporting. */
int	schema_load(struct schema *out, struct arena *a, const struct sfile *f);

/* Parse a schema from text (the built-in news schema). */
int	schema_parse(struct schema *out, struct arena *a, const char *path,
	    const char *name, const char *text, size_t len);

/* Index of the field called name, or -1. */
int	schema_field(const struct schema *s, const char *name);

const char *schema_type_name(enum field_type t);

#endif
