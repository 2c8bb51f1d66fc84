#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "value.h"

static struct value *
mk(struct arena *a, enum value_kind k)
{
	struct value *v = arena_zalloc(a, sizeof(*v));

	v->kind = k;
	return v;
}

struct value *
value_null(struct arena *a)
{
	return mk(a, VAL_NULL);
}

struct value *
value_bool(struct arena *a, bool b)
{
	struct value *v = mk(a, VAL_BOOL);

	v->u.b = b;
	return v;
}

struct value *
value_int(struct arena *a, long long i)
{
	struct value *v = mk(a, VAL_INT);

	v->u.i = i;
	return v;
}

struct value *
value_num(struct arena *a, double d, int prec)
{
	struct value *v = mk(a, VAL_NUM);

	v->u.num.d = d;
	v->u.num.prec = prec;
	return v;
}

struct value *
value_str_borrow(struct arena *a, const char *s, size_t n)
{
	struct value *v = mk(a, VAL_STR);

	v->u.str.s = s;
	v->u.str.len = n;
	return v;
}

struct value *
value_strn(struct arena *a, const char *s, size_t n)
{
	return value_str_borrow(a, arena_strndup(a, s, n), n);
}

struct value *
value_str(struct arena *a, const char *s)
{
	return value_strn(a, s, strlen(s));
}

struct value *
value_html(struct arena *a, const char *s, size_t n)
{
	struct value *v = value_strn(a, s, n);

	v->html = true;
	return v;
}

struct value *
value_html_borrow(struct arena *a, const char *s, size_t n)
{
	struct value *v = value_str_borrow(a, s, n);

	v->html = true;
	return v;
}

struct value *
value_strf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return value_str_borrow(a, s, strlen(s));
}

struct value *
value_arr(struct arena *a)
{
	return mk(a, VAL_ARR);
}

struct value *
value_obj(struct arena *a)
{
	return mk(a, VAL_OBJ);
}

struct value *
value_obj_n(struct arena *a, size_t n)
{
	struct value *v = mk(a, VAL_OBJ);

	if (n > 0) {
		v->u.obj.m = arena_alloc(a, n * sizeof(*v->u.obj.m));
		v->u.obj.cap = n;
	}
	return v;
}

struct value *
value_func(struct arena *a, value_fn fn, void *ud)
{
	struct value *v = mk(a, VAL_FUNC);

	v->u.fn.fn = fn;
	v->u.fn.ud = ud;
	return v;
}

void
value_push(struct arena *a, struct value *arr, struct value *v)
{
	if (arr->u.arr.len == arr->u.arr.cap) {
		size_t n = arr->u.arr.cap ? arr->u.arr.cap * 2 : 4;

		arr->u.arr.v = arena_realloc(a, arr->u.arr.v,
		    arr->u.arr.cap * sizeof(*arr->u.arr.v),
		    n * sizeof(*arr->u.arr.v));
		arr->u.arr.cap = n;
	}
	arr->u.arr.v[arr->u.arr.len++] = v;
}

void
value_append(struct arena *a, struct value *obj, const char *key,
    struct value *v)
{
	if (obj->u.obj.len == obj->u.obj.cap) {
		size_t n = obj->u.obj.cap ? obj->u.obj.cap * 2 : 8;

		obj->u.obj.m = arena_realloc(a, obj->u.obj.m,
		    obj->u.obj.cap * sizeof(*obj->u.obj.m),
		    n * sizeof(*obj->u.obj.m));
		obj->u.obj.cap = n;
	}
	obj->u.obj.m[obj->u.obj.len].key = key;
	obj->u.obj.m[obj->u.obj.len].val = v;
	obj->u.obj.len++;
}

/* The member of obj named key, or NULL.  Rows keep their schema's names
 * (value_append), which callers often look up with: the same pointer.
 * Otherwise the first byte rules out most members before a call:
 * templates look up every name on every frame of their context stack,
 * and views set hundreds of keys a page. */
static struct member *
member(const struct value *obj, const char *key)
{
	size_t i;

	for (i = 0; i < obj->u.obj.len; i++) {
		struct member *m = &obj->u.obj.m[i];

		if (m->key == key || (m->key[0] == key[0] &&
		    strcmp(m->key, key) == 0))
			return m;
	}
	return NULL;
}

void
value_set(struct arena *a, struct value *obj, const char *key,
    struct value *v)
{
	struct member *m = member(obj, key);

	if (m != NULL)
		m->val = v;
	else
		value_append(a, obj, arena_strdup(a, key), v);
}

void
value_set_str(struct arena *a, struct value *obj, const char *key,
    const char *s)
{
	value_set(a, obj, key, s != NULL ? value_str(a, s) : value_null(a));
}

void
value_set_int(struct arena *a, struct value *obj, const char *key,
    long long i)
{
	value_set(a, obj, key, value_int(a, i));
}

void
value_set_bool(struct arena *a, struct value *obj, const char *key, bool b)
{
	value_set(a, obj, key, value_bool(a, b));
}

struct value *
value_get(const struct value *obj, const char *key)
{
	const struct member *m;

	if (obj == NULL || obj->kind != VAL_OBJ)
		return NULL;
	m = member(obj, key);
	return m != NULL ? m->val : NULL;
}

const char *
value_get_str(const struct value *obj, const char *key)
{
	const struct value *v = value_get(obj, key);

	return v != NULL && v->kind == VAL_STR ? v->u.str.s : NULL;
}

struct value *
value_obj_copy(struct arena *a, const struct value *obj)
{
	struct value *c = value_obj(a);
	size_t n;

	if (obj == NULL || obj->kind != VAL_OBJ)
		return c;
	n = obj->u.obj.len;
	c->u.obj.m = arena_alloc(a, (n ? n : 1) * sizeof(*c->u.obj.m));
	if (n > 0)
		memcpy(c->u.obj.m, obj->u.obj.m, n * sizeof(*c->u.obj.m));
	c->u.obj.len = c->u.obj.cap = n;
	c->line = obj->line;
	c->col = obj->col;
	return c;
}

bool
value_truthy(const struct value *v)
{
	if (v == NULL)
		return false;
	switch (v->kind) {
	case VAL_NULL:
		return false;
	case VAL_BOOL:
		return v->u.b;
	case VAL_STR:
		return v->u.str.len > 0;
	case VAL_ARR:
		return v->u.arr.len > 0;
	default:
		return true;
	}
}

/* n bytes after their count: no two sequences of them read alike. */
static void
putlen(struct buf *b, const void *p, size_t n)
{
	buf_put(b, &n, sizeof(n));
	buf_put(b, p, n);
}

void
value_bytes(struct buf *b, const struct value *v)
{
	unsigned char kind = v != NULL ? (unsigned char)v->kind : 0xff;
	size_t i;

	buf_putc(b, (char)kind);
	if (v == NULL)
		return;
	switch (v->kind) {
	case VAL_BOOL:
		buf_putc(b, v->u.b ? '1' : '0');
		break;
	case VAL_INT:
		buf_put(b, &v->u.i, sizeof(v->u.i));
		break;
	case VAL_NUM:
		buf_put(b, &v->u.num.d, sizeof(v->u.num.d));
		buf_put(b, &v->u.num.prec, sizeof(v->u.num.prec));
		break;
	case VAL_STR:
		buf_putc(b, v->html ? 'h' : 't');
		putlen(b, v->u.str.s, v->u.str.len);
		break;
	case VAL_ARR:
		buf_put(b, &v->u.arr.len, sizeof(v->u.arr.len));
		for (i = 0; i < v->u.arr.len; i++)
			value_bytes(b, v->u.arr.v[i]);
		break;
	case VAL_OBJ:
		buf_put(b, &v->u.obj.len, sizeof(v->u.obj.len));
		for (i = 0; i < v->u.obj.len; i++) {
			putlen(b, v->u.obj.m[i].key,
			    strlen(v->u.obj.m[i].key));
			value_bytes(b, v->u.obj.m[i].val);
		}
		break;
	default:	/* null; a function is its kind alone */
		break;
	}
}

void
value_text(struct buf *b, const struct value *v)
{
	if (v == NULL)
		return;
	switch (v->kind) {
	case VAL_BOOL:
		buf_puts(b, v->u.b ? "true" : "false");
		break;
	case VAL_INT:
		buf_put_int(b, v->u.i);
		break;
	case VAL_NUM:
		if (v->u.num.prec >= 0 && isfinite(v->u.num.d))
			buf_put_fixed(b, v->u.num.d, v->u.num.prec);
		else
			buf_put_double(b, v->u.num.d);
		break;
	case VAL_STR:
		buf_put(b, v->u.str.s, v->u.str.len);
		break;
	default:
		break;
	}
}

const char *
value_kind_name(enum value_kind k)
{
	switch (k) {
	case VAL_NULL: return _(N_("null"));
	case VAL_BOOL: return _(N_("boolean"));
	case VAL_INT: return _(N_("integer"));
	case VAL_NUM: return _(N_("number"));
	case VAL_STR: return _(N_("string"));
	case VAL_ARR: return _(N_("list"));
	case VAL_OBJ: return _(N_("mapping"));
	case VAL_FUNC: return _(N_("function"));
	}
	return "?";
}

bool
value_equal(const struct value *x, const struct value *y)
{
	size_t i;

	if (x == NULL || y == NULL)
		return x == y;
	if ((x->kind == VAL_INT || x->kind == VAL_NUM) &&
	    (y->kind == VAL_INT || y->kind == VAL_NUM)) {
		double dx = x->kind == VAL_INT ? (double)x->u.i : x->u.num.d;
		double dy = y->kind == VAL_INT ? (double)y->u.i : y->u.num.d;

		return dx == dy;
	}
	if (x->kind != y->kind)
		return false;
	switch (x->kind) {
	case VAL_NULL:
		return true;
	case VAL_BOOL:
		return x->u.b == y->u.b;
	case VAL_STR:
		return x->u.str.len == y->u.str.len &&
		    memcmp(x->u.str.s, y->u.str.s, x->u.str.len) == 0;
	case VAL_ARR:
		if (x->u.arr.len != y->u.arr.len)
			return false;
		for (i = 0; i < x->u.arr.len; i++)
			if (!value_equal(x->u.arr.v[i], y->u.arr.v[i]))
				return false;
		return true;
	case VAL_OBJ:
		if (x->u.obj.len != y->u.obj.len)
			return false;
		for (i = 0; i < x->u.obj.len; i++)
			if (!value_equal(x->u.obj.m[i].val,
			    value_get(y, x->u.obj.m[i].key)))
				return false;
		return true;
	case VAL_FUNC:
		return x->u.fn.fn == y->u.fn.fn && x->u.fn.ud == y->u.fn.ud;
	default:
		return false;
	}
}

void
value_keep_names(struct arena *a, struct value *out, const struct value *was)
{
	size_t i;

	if (out == NULL || was == NULL || out == was)
		return;
	if (out->kind == VAL_OBJ && was->kind == VAL_OBJ)
		for (i = 0; i < was->u.obj.len; i++) {
			const char *k = was->u.obj.m[i].key;
			struct value *o = (struct value *)value_get(out, k);

			if (o == NULL)
				value_set(a, out, k, value_null(a));
			else
				value_keep_names(a, o, was->u.obj.m[i].val);
		}
	else if (out->kind == VAL_ARR && was->kind == VAL_ARR &&
	    out->u.arr.len == was->u.arr.len)
		for (i = 0; i < was->u.arr.len; i++)
			value_keep_names(a, out->u.arr.v[i], was->u.arr.v[i]);
}
