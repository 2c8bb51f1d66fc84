/*
 * json: cJSON parses; values are built from its tree.  cJSON keeps no
 * positions, so a record array is walked element by element: the bytes
 * between elements are only whitespace, commas and brackets, and each
 * element is handed to cJSON on its own, which gives its starting offset.
 */
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "json.h"
#include "util.h"
#include "value.h"

#define JSON_MAX_DEPTH 64

struct conv {
	struct arena	*a;
	const char	*path;
	int		 line, col;	/* where the converted element starts */
	int		 failed;
};

static struct value *
convert(struct conv *c, const cJSON *j, int depth)
{
	struct value *v;
	const cJSON *it, *jt;

	if (depth > JSON_MAX_DEPTH) {
		if (!c->failed)
			diag_error(c->path, c->line, c->col,
			    "JSON nested deeper than %d levels", JSON_MAX_DEPTH);
		c->failed = 1;
		return value_null(c->a);
	}
	if (cJSON_IsNull(j))
		v = value_null(c->a);
	else if (cJSON_IsBool(j))
		v = value_bool(c->a, cJSON_IsTrue(j));
	else if (cJSON_IsNumber(j)) {
		double d = j->valuedouble;

		if (d == floor(d) && fabs(d) < 9007199254740992.0)
			v = value_int(c->a, (long long)d);
		else
			v = value_num(c->a, d, -1);
	} else if (cJSON_IsString(j)) {
		size_t n = strlen(j->valuestring), bad;

		if (!utf8_valid(j->valuestring, n, &bad)) {
			if (!c->failed)
				diag_error(c->path, c->line, c->col,
				    "invalid UTF-8 in string");
			c->failed = 1;
		}
		v = value_strn(c->a, j->valuestring, n);
	} else if (cJSON_IsArray(j)) {
		v = value_arr(c->a);
		cJSON_ArrayForEach(it, j)
			value_push(c->a, v, convert(c, it, depth + 1));
	} else if (cJSON_IsObject(j)) {
		v = value_obj(c->a);
		cJSON_ArrayForEach(it, j) {
			for (jt = j->child; jt != it; jt = jt->next)
				if (strcmp(jt->string, it->string) == 0)
					break;
			if (jt != it) {
				if (!c->failed)
					diag_error(c->path, c->line, c->col,
					    "duplicate key \"%s\"", it->string);
				c->failed = 1;
				continue;
			}
			value_set(c->a, v, it->string,
			    convert(c, it, depth + 1));
		}
	} else
		v = value_null(c->a);
	v->line = c->line;
	v->col = c->col;
	return v;
}

/* cJSON reports where it stopped; turn that into a message. */
static void
parse_error(const char *path, const char *text, size_t len, const char *at)
{
	int line, col;
	size_t off = at != NULL && at >= text && at <= text + len ?
	    (size_t)(at - text) : 0;

	text_position(text, off, &line, &col);
	if (off >= len)
		diag_error(path, line, col, "unexpected end of JSON");
	else
		diag_error(path, line, col, "malformed JSON");
}

static int
parse_one(struct arena *a, const char *path, const char *text, size_t len,
    size_t off, size_t *end, struct value **out)
{
	const char *stop = NULL;
	cJSON *j;
	struct conv c = { a, path, 0, 0, 0 };

	*end = 0;
	j = cJSON_ParseWithLengthOpts(text + off, len - off, &stop, 0);
	if (j == NULL) {
		parse_error(path, text, len, cJSON_GetErrorPtr());
		return -1;
	}
	text_position(text, off, &c.line, &c.col);
	*out = convert(&c, j, 0);
	*end = (size_t)(stop - text);
	cJSON_Delete(j);
	return c.failed ? -1 : 0;
}

static size_t
skipws(const char *t, size_t i, size_t len)
{
	while (i < len && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' ||
	    t[i] == '\r'))
		i++;
	return i;
}

static int
checktext(const char *path, const char *text, size_t len)
{
	size_t bad;
	int line, col;

	if (utf8_valid(text, len, &bad))
		return 0;
	text_position(text, bad, &line, &col);
	diag_error(path, line, col, text[bad] == '\0' ?
	    N_("NUL byte in JSON text") : N_("invalid UTF-8"));
	return -1;
}

/*
 * What cJSON would take without a word: a "\u0000" escape (its strings end
 * at a NUL, so the rest of the text would silently vanish) and nesting
 * deeper than JSON_MAX_DEPTH (refused here at its place, before cJSON
 * recurses into it).  Backslashes only occur inside strings in JSON.
 */
static int
checklex(const char *path, const char *text, size_t len)
{
	size_t i;
	int depth = 0, line, col;
	bool str = false;

	for (i = 0; i < len; i++) {
		if (str) {
			if (text[i] == '"')
				str = false;
			else if (text[i] == '\\' && i + 1 < len) {
				if (text[i + 1] == 'u' && i + 6 <= len &&
				    memcmp(text + i + 2, "0000", 4) == 0) {
					text_position(text, i, &line, &col);
					diag_error(path, line, col, "\\u0000 (a "
					    "NUL character) in a JSON string");
					return -1;
				}
				i++;
			}
		} else if (text[i] == '"')
			str = true;
		else if (text[i] == '[' || text[i] == '{') {
			if (++depth > JSON_MAX_DEPTH) {
				text_position(text, i, &line, &col);
				diag_error(path, line, col, "JSON nested deeper "
				    "than %d levels", JSON_MAX_DEPTH);
				return -1;
			}
		} else if (text[i] == ']' || text[i] == '}')
			depth--;
	}
	return 0;
}

int
json_parse(struct arena *a, const char *path, const char *text, size_t len,
    struct value **out)
{
	size_t end;
	int line, col;

	if (checktext(path, text, len) < 0 || checklex(path, text, len) < 0)
		return -1;
	if (parse_one(a, path, text, len, 0, &end, out) < 0)
		return -1;
	end = skipws(text, end, len);
	if (end < len) {
		text_position(text, end, &line, &col);
		diag_error(path, line, col, "unexpected text after JSON value");
		return -1;
	}
	return 0;
}

int
json_parse_array(struct arena *a, const char *path, const char *text,
    size_t len, struct value **out)
{
	struct value *arr, *el;
	size_t i, end;
	int line, col, rc = 0;

	*out = NULL;
	if (checktext(path, text, len) < 0 || checklex(path, text, len) < 0)
		return -1;
	arr = value_arr(a);
	i = skipws(text, 0, len);
	if (i >= len || text[i] != '[') {
		text_position(text, i, &line, &col);
		diag_error(path, line, col, "expected a JSON array of records");
		return -1;
	}
	arr->line = 1;
	arr->col = 1;
	i = skipws(text, i + 1, len);
	if (i < len && text[i] == ']')
		goto done;
	for (;;) {
		if (parse_one(a, path, text, len, i, &end, &el) < 0) {
			/* A malformed element leaves no safe place to resume
			 * (end == 0); a merely invalid one (a duplicate key)
			 * does, so later records are still checked. */
			if (end == 0)
				return -1;
			rc = -1;
		}
		value_push(a, arr, el);
		i = skipws(text, end, len);
		if (i < len && text[i] == ',') {
			i = skipws(text, i + 1, len);
			continue;
		}
		if (i < len && text[i] == ']')
			break;
		text_position(text, i, &line, &col);
		diag_error(path, line, col, "expected ',' or ']' in array");
		return -1;
	}
done:
	i = skipws(text, i + 1, len);
	if (i < len) {
		text_position(text, i, &line, &col);
		diag_error(path, line, col, "unexpected text after JSON array");
		return -1;
	}
	*out = arr;
	return rc;
}

static void
newline(struct buf *b, int indent, int level)
{
	if (indent < 0)
		return;
	buf_putc(b, '\n');
	for (int i = 0; i < indent * level; i++)
		buf_putc(b, ' ');
}

static void
write_value(struct buf *b, const struct value *v, int indent, int level)
{
	size_t i;

	switch (v->kind) {
	case VAL_NULL:
	case VAL_FUNC:
		buf_puts(b, "null");
		break;
	case VAL_BOOL:
		buf_puts(b, v->u.b ? "true" : "false");
		break;
	case VAL_INT:
	case VAL_NUM:
		value_text(b, v);
		break;
	case VAL_STR:
		buf_put_json_str(b, v->u.str.s, v->u.str.len);
		break;
	case VAL_ARR:
		buf_putc(b, '[');
		for (i = 0; i < v->u.arr.len; i++) {
			if (i > 0)
				buf_putc(b, ',');
			newline(b, indent, level + 1);
			write_value(b, v->u.arr.v[i], indent, level + 1);
		}
		if (v->u.arr.len > 0)
			newline(b, indent, level);
		buf_putc(b, ']');
		break;
	case VAL_OBJ:
		buf_putc(b, '{');
		for (i = 0; i < v->u.obj.len; i++) {
			if (i > 0)
				buf_putc(b, ',');
			newline(b, indent, level + 1);
			buf_put_json_str(b, v->u.obj.m[i].key,
			    strlen(v->u.obj.m[i].key));
			buf_puts(b, indent >= 0 ? ": " : ":");
			write_value(b, v->u.obj.m[i].val, indent, level + 1);
		}
		if (v->u.obj.len > 0)
			newline(b, indent, level);
		buf_putc(b, '}');
		break;
	}
}

void
json_write(struct buf *b, const struct value *v, int indent)
{
	write_value(b, v, indent, 0);
}
