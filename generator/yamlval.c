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

/* libyaml's own problems and contexts (yaml_parser_t.problem, .context),
 * listed so that they are translated with hearth's messages. */
static const char *const libyaml_words[] __attribute__((unused)) = {
	N_("block sequence entries are not allowed in this context"),
	N_("control characters are not allowed"),
	N_("could not find expected ':'"),
	N_("could not find expected directive name"),
	N_("did not find URI escaped octet"),
	N_("did not find expected '!'"),
	N_("did not find expected ',' or ']'"),
	N_("did not find expected ',' or '}'"),
	N_("did not find expected '-' indicator"),
	N_("did not find expected <document start>"),
	N_("did not find expected <stream-start>"),
	N_("did not find expected alphabetic or numeric character"),
	N_("did not find expected comment or line break"),
	N_("did not find expected digit or '.' character"),
	N_("did not find expected hexdecimal number"),
	N_("did not find expected key"),
	N_("did not find expected node content"),
	N_("did not find expected tag URI"),
	N_("did not find expected version number"),
	N_("did not find expected whitespace"),
	N_("did not find expected whitespace or line break"),
	N_("did not find the expected '>'"),
	N_("duplicate %TAG directive"),
	N_("expected DOCUMENT-END"),
	N_("expected DOCUMENT-START or STREAM-END"),
	N_("expected SCALAR, SEQUENCE-START, MAPPING-START, or ALIAS"),
	N_("expected STREAM-START"),
	N_("expected nothing after STREAM-END"),
	N_("found a tab character that violates indentation"),
	N_("found a tab character where an indentation space is expected"),
	N_("found an incorrect leading UTF-8 octet"),
	N_("found an incorrect trailing UTF-8 octet"),
	N_("found an indentation indicator equal to 0"),
	N_("found character that cannot start any token"),
	N_("found duplicate %TAG directive"),
	N_("found duplicate %YAML directive"),
	N_("found duplicate anchor; first occurrence"),
	N_("second occurrence"),
	N_("found extremely long version number"),
	N_("found incompatible YAML document"),
	N_("found invalid Unicode character escape code"),
	N_("found undefined alias"),
	N_("found undefined tag handle"),
	N_("found unexpected ':'"),
	N_("found unexpected document indicator"),
	N_("found unexpected end of stream"),
	N_("found unexpected non-alphabetical character"),
	N_("found unknown directive name"),
	N_("found unknown escape character"),
	N_("incomplete UTF-16 character"),
	N_("incomplete UTF-16 surrogate pair"),
	N_("incomplete UTF-8 octet sequence"),
	N_("input is too long"),
	N_("invalid Unicode character"),
	N_("invalid leading UTF-8 octet"),
	N_("invalid length of a UTF-8 sequence"),
	N_("invalid trailing UTF-8 octet"),
	N_("mapping keys are not allowed in this context"),
	N_("mapping values are not allowed in this context"),
	N_("tag handle must contain alphanumerical characters only"),
	N_("tag handle must end with '!'"),
	N_("tag handle must not be empty"),
	N_("tag handle must start with '!'"),
	N_("tag prefix must not be empty"),
	N_("tag value must not be empty"),
	N_("unexpected low surrogate area"),
	N_("while parsing a %TAG directive"),
	N_("while parsing a block collection"),
	N_("while parsing a block mapping"),
	N_("while parsing a block node"),
	N_("while parsing a flow mapping"),
	N_("while parsing a flow node"),
	N_("while parsing a flow sequence"),
	N_("while parsing a node"),
	N_("while parsing a quoted scalar"),
	N_("while parsing a tag"),
	N_("while parsing a tag directive"),
	N_("while scanning a %TAG directive"),
	N_("while scanning a %YAML directive"),
	N_("while scanning a block scalar"),
	N_("while scanning a directive"),
	N_("while scanning a plain scalar"),
	N_("while scanning a quoted scalar"),
	N_("while scanning a simple key"),
	N_("while scanning a tag"),
	N_("while scanning a tag directive"),
	N_("while scanning an alias"),
	N_("while scanning an anchor"),
	N_("while scanning for the next token"),
};

static int
at_error(struct ctx *c, const yaml_mark_t *m, const char *msg)
{
	diag_error(c->path, (int)m->line + c->line0, (int)m->column + 1, "%s",
	    _(msg));
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

			const char *problem = _(p.problem != NULL ? p.problem :
			    N_("malformed YAML"));

			if (p.context != NULL)
				/* TRANSLATORS: libyaml's problem, then where
				 * it was found ("while parsing a ..."). */
				snprintf(msg, sizeof(msg), _("%s %s"), problem,
				    _(p.context));
			else
				snprintf(msg, sizeof(msg), "%s", problem);
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
