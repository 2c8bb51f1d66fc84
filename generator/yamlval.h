/*
 * yamlval: YAML (libyaml) into value trees, for front matter, hearth.yaml
 * and schemas.  Every node keeps its line and column so later stages can
 * point at the exact key that is wrong.
 *
 * Plain scalars are typed the YAML 1.2 core way: null/~/empty, true/false,
 * integers (no leading zeros, so codes like "0123" stay strings), floats;
 * everything else, and every quoted scalar, is a string.  Anchors and
 * aliases are refused (they serve no purpose in content and are the means
 * of "billion laughs" expansion), as are duplicate keys, non-scalar keys,
 * more than one document and nesting deeper than YAMLVAL_MAX_DEPTH.
 */
#ifndef HEARTH_YAMLVAL_H
#define HEARTH_YAMLVAL_H

#include <stddef.h>

struct arena;
struct value;

#define YAMLVAL_MAX_DEPTH 32

/*
 * Parse text (len bytes) as one YAML document.  line0 is the file line of
 * text's first line (front matter starts at line 2).  An empty document is
 * an empty mapping.  Returns 0, or -1 after reporting
 * "path:line:col: error: ...".  *out is allocated in a.
 */
int	yamlval_parse(struct arena *a, const char *path, const char *text,
	    size_t len, int line0, struct value **out);

#endif
