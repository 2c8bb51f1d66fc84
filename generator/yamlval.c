/*
 * yamlval: libyaml's event stream drives a small stack of open containers;
 * scalars are typed as they arrive.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "util.h"
#include "value.h"
#include "yamlval.h"

struct frame {
	struct value	*v;
	const char	*key;	/* pending mapping key, NULL if none */
};

struct ctx {
	struct arena	*a;
	const char	*path;
	int		 line0;
	struct frame	 stack[YAMLVAL_MAX_DEPTH + 1];
	int		 depth;
	struct value	*root;
};

static int
at_error(struct ctx *c, const yaml_mark_t *m, const char *msg)
{
	diag_error(c->path, (int)m->line + c->line0, (int)m->column + 1, "%s",
	    msg);
	return -1;
}

static bool
is_int(const char *s)
{
	const char *p = s;

	if (*p == '-' || *p == '+')
		p++;
	if (!isdigit((unsigned char)*p))
		return false;
	if (p[0] == '0' && p[1] != '\0')
		return false;	/* "0123": a code, not a number */
	while (isdigit((unsigned char)*p))
		p++;
	return *p == '\0';
}

static bool
is_float(const char *s)
{
	const char *p = s;
	int digits = 0;

	if (*p == '-' || *p == '+')
		p++;
	while (isdigit((unsigned char)*p))
		p++, digits++;
	if (*p != '.')
		return false;
	p++;
	while (isdigit((unsigned char)*p))
		p++, digits++;
	if (digits == 0)
		return false;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '-' || *p == '+')
			p++;
		if (!isdigit((unsigned char)*p))
			return false;
		while (isdigit((unsigned char)*p))
			p++;
	}
	return *p == '\0';
}

static struct value *
scalar(struct ctx *c, const yaml_event_t *ev)
{
	const char *s = (const char *)ev->data.scalar.value;
	size_t n = ev->data.scalar.length;

	if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	    strlen(s) == n) {
		if (n == 0 || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
		    strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0)
			return value_null(c->a);
		if (strcmp(s, "true") == 0 || strcmp(s, "True") == 0 ||
		    strcmp(s, "TRUE") == 0)
			return value_bool(c->a, true);
		if (strcmp(s, "false") == 0 || strcmp(s, "False") == 0 ||
		    strcmp(s, "FALSE") == 0)
			return value_bool(c->a, false);
		if (is_int(s)) {
			errno = 0;
			long long i = strtoll(s, NULL, 10);

			if (errno == 0)
				return value_int(c->a, i);
		}
		if (is_float(s))
			return value_num(c->a, strtod(s, NULL), -1);
	}
	return value_strn(c->a, s, n);
}

/* Attach v to the innermost open container (or make it the root). */
static int
attach(struct ctx *c, struct value *v, const yaml_event_t *ev)
{
	struct frame *f;

	v->line = (int)ev->start_mark.line + c->line0;
	v->col = (int)ev->start_mark.column + 1;
	if (c->depth == 0) {
		c->root = v;
		return 0;
	}
	f = &c->stack[c->depth - 1];
	if (f->v->kind == VAL_ARR) {
		value_push(c->a, f->v, v);
		return 0;
	}
	if (f->key == NULL) {
		/* v is a key. */
		if (v->kind == VAL_ARR || v->kind == VAL_OBJ)
			return at_error(c, &ev->start_mark,
			    "mapping keys must be plain text");
		if (v->kind == VAL_STR)
			f->key = v->u.str.s;
		else {
			struct buf b;

			buf_init(&b);
			value_text(&b, v);
			f->key = arena_strndup(c->a, b.data ? b.data : "",
			    b.len);
			buf_release(&b);
		}
		if (value_get(f->v, f->key) != NULL) {
			diag_error(c->path, v->line, v->col,
			    "duplicate key \"%s\"", f->key);
			return -1;
		}
		return 0;
	}
	value_set(c->a, f->v, f->key, v);
	f->key = NULL;
	return 0;
}

static int
push(struct ctx *c, struct value *v, const yaml_event_t *ev)
{
	if (c->depth >= YAMLVAL_MAX_DEPTH)
		return at_error(c, &ev->start_mark,
		    "YAML nested deeper than the limit of 32 levels");
	if (attach(c, v, ev) < 0)
		return -1;
	c->stack[c->depth].v = v;
	c->stack[c->depth].key = NULL;
	c->depth++;
	return 0;
}

/* The line and column (0-based, in characters) of byte off of text. */
static void
offset_mark(const char *text, size_t len, size_t off, yaml_mark_t *m)
{
	size_t i;

	m->line = m->column = 0;
	for (i = 0; i < off && i < len; i++)
		if (text[i] == '\n')
			m->line++, m->column = 0;
		else if (((unsigned char)text[i] & 0xc0) != 0x80)
			m->column++;
}

int
yamlval_parse(struct arena *a, const char *path, const char *text,
    size_t len, int line0, struct value **out)
{
	yaml_parser_t p;
	yaml_event_t ev;
	struct ctx c;
	int rc = -1, docs = 0, done = 0;

	memset(&c, 0, sizeof(c));
	c.a = a;
	c.path = path;
	c.line0 = line0;
	if (!yaml_parser_initialize(&p))
		xdie("yaml_parser_initialize failed");
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	while (!done) {
		if (!yaml_parser_parse(&p, &ev)) {
			char msg[256];

			snprintf(msg, sizeof(msg), "%s%s%s",
			    p.problem ? p.problem : "malformed YAML",
			    p.context ? " " : "", p.context ? p.context : "");
			/* The reader (bad UTF-8, control characters) gives a
			 * byte offset, not a mark. */
			if (p.error == YAML_READER_ERROR)
				offset_mark(text, len, p.problem_offset,
				    &p.problem_mark);
			at_error(&c, &p.problem_mark, msg);
			goto out;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1) {
				at_error(&c, &ev.start_mark,
				    "expected one YAML document, found more");
				goto fail;
			}
			break;
		case YAML_ALIAS_EVENT:
			at_error(&c, &ev.start_mark,
			    "YAML aliases are not supported");
			goto fail;
		case YAML_SCALAR_EVENT:
			if (ev.data.scalar.anchor != NULL) {
				at_error(&c, &ev.start_mark,
				    "YAML anchors are not supported");
				goto fail;
			}
			if (attach(&c, scalar(&c, &ev), &ev) < 0)
				goto fail;
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if ((ev.type == YAML_SEQUENCE_START_EVENT ?
			    ev.data.sequence_start.anchor :
			    ev.data.mapping_start.anchor) != NULL) {
				at_error(&c, &ev.start_mark,
				    "YAML anchors are not supported");
				goto fail;
			}
			if (push(&c, ev.type == YAML_SEQUENCE_START_EVENT ?
			    value_arr(a) : value_obj(a), &ev) < 0)
				goto fail;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			c.depth--;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	if (c.root == NULL || c.root->kind == VAL_NULL) {
		c.root = value_obj(a);
		c.root->line = line0;
		c.root->col = 1;
	}
	*out = c.root;
	rc = 0;
	goto out;
fail:
	yaml_event_delete(&ev);
out:
	yaml_parser_delete(&p);
	return rc;
}
