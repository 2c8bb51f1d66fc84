/*
 * json: the cJSON bridge.  Parsing is cJSON's; this module turns its tree
 * into values with source positions and enforces what cJSON lets through
 * (duplicate keys, invalid UTF-8).  Writing JSON is done here directly so
 * key order and number precision follow the schema.
 */
#ifndef HEARTH_JSON_H
#define HEARTH_JSON_H

#include <stddef.h>

struct arena;
struct buf;
struct value;

/* Parse a whole JSON document.  Returns 0, or -1 after reporting
 * "path:line:col: error: ...". */
int	json_parse(struct arena *a, const char *path, const char *text,
	    size_t len, struct value **out);

/* Parse a JSON array whose elements are parsed one by one, so each element
 * value carries the line and column where it starts (records report their
 * own line).  Returns 0 or -1 as above.  *out is the array, or NULL when
 * the text is malformed; after an error that spoils no structure (a
 * duplicate key: the first value is kept) it is still set, so the caller
 * can go on checking the records. */
int	json_parse_array(struct arena *a, const char *path, const char *text,
	    size_t len, struct value **out);

/* Append v as JSON.  indent < 0: compact; else pretty with that many
 * spaces per level.  Numbers with a precision print that many decimals. */
void	json_write(struct buf *b, const struct value *v, int indent);

#endif
