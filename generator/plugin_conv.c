/*
 * plugin_conv: values to Lua and back.  Tables are read raw (no plugin code
 * runs in a conversion), every copy counts against the plugin's memory,
 * links are checked, and HTML keeps its trust only as hearth made it.
 */
#include <assert.h>
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "htmlcheck.h"
#include "markdown.h"
/* plugin.h writes "plugins/<star>.lua" inside a comment. */
#include "plugin.h"
#include "record.h"
#include "schema.h"
#include "site.h"
#include "source.h"
#include "template.h"
#include "util.h"
#include "value.h"
#include "plugin_int.h"

/* ---- conversions --------------------------------------------------------- */

/*
 * Value -> Lua: strings (HTML ones as HTML userdata), numbers, booleans;
 * null is nil, so absent; arrays are sequences (null items dropped) and
 * objects tables.  ro: make every table a read-only proxy.
 */
void
pl_pushvalue(lua_State *L, const struct plugin *p, const struct value *v,
    bool ro)	/* [-0, +1] */
{
	size_t i;
	lua_Integer n = 0;

	luaL_checkstack(L, 4, "value nested too deeply");
	switch (v->kind) {
	case VAL_NULL:
		lua_pushnil(L);
		return;
	case VAL_BOOL:
		lua_pushboolean(L, v->u.b);
		return;
	case VAL_INT:
		lua_pushinteger(L, (lua_Integer)v->u.i);
		return;
	case VAL_NUM:
		lua_pushnumber(L, v->u.num.d);
		return;
	case VAL_STR:
		if (v->html)
			pl_pushhtml(L, v->u.str.s, v->u.str.len);
		else
			lua_pushlstring(L, v->u.str.s, v->u.str.len);
		return;
	case VAL_ARR:
		lua_createtable(L, v->u.arr.len > INT_MAX ? INT_MAX :
		    (int)v->u.arr.len, 0);
		for (i = 0; i < v->u.arr.len; i++) {
			if (v->u.arr.v[i]->kind == VAL_NULL)
				continue;
			pl_pushvalue(L, p, v->u.arr.v[i], ro);
			lua_rawseti(L, -2, ++n);
		}
		break;
	case VAL_OBJ:
		lua_createtable(L, 0, v->u.obj.len > INT_MAX ? INT_MAX :
		    (int)v->u.obj.len);
		for (i = 0; i < v->u.obj.len; i++) {
			if (v->u.obj.m[i].val->kind == VAL_NULL)
				continue;
			pl_pushvalue(L, p, v->u.obj.m[i].val, ro);
			lua_setfield(L, -2, v->u.obj.m[i].key);
		}
		break;
	case VAL_FUNC: {
		struct lambda *l = lua_newuserdatauv(L, sizeof(*l), 0);

		l->v = v;
		l->serial = p->serial;
		luaL_setmetatable(L, LAMBDA);
		return;
	}
	}
	if (ro)
		pl_makero(L);
}

struct conv {
	struct plugin	*p;
	struct arena	*a;
	const char	*what;		/* "the page hook" */
	char		 where[160];	/* "path:line: " or "" */
	char		 at[200];	/* key path of the value in hand */
	size_t		 atlen;
	size_t		 bytes;		/* what the copy has taken so far */
};

static void
convfail(lua_State *L, struct conv *c, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), _(fmt), ap);
	va_end(ap);
	lua_pushfstring(L, "%s%s: %s (at %s)", c->where, c->what, msg, c->at);
	lua_error(L);
}

/* Count n more bytes of the copy against the plugin's memory ceiling: a
 * table or string the plugin refers to many times is copied each time,
 * so 12,000 references to one 1 MiB string are 12 GB on this side. */
static void
convcharge(lua_State *L, struct conv *c, size_t n)
{
	c->bytes += n;
	if (c->bytes > c->p->limit)
		convfail(L, c, "the value would take more than the plugin's "
		    "memory limit of %zu MiB once copied (a string or table "
		    "it refers to many times counts each time)",
		    c->p->limit >> 20);
}

static void
atpush(struct conv *c, const char *key, lua_Integer i, size_t *save)
{
	*save = c->atlen;
	if (c->atlen + 1 >= sizeof(c->at))
		return;
	if (key != NULL)
		snprintf(c->at + c->atlen, sizeof(c->at) - c->atlen, ".%s",
		    key);
	else
		snprintf(c->at + c->atlen, sizeof(c->at) - c->atlen, "[%lld]",
		    (long long)i);
	c->atlen = strlen(c->at);
}

static void
atpop(struct conv *c, size_t save)
{
	c->atlen = save;
	c->at[save] = '\0';
}

int
pl_cmpmember(const void *x, const void *y)
{
	return strcmp(((const struct member *)x)->key,
	    ((const struct member *)y)->key);
}

static struct value *tovalue(lua_State *, struct conv *, int,
    const struct value *, int, bool);

/* Whether the key path at ends in a key that names a link target. */
static bool
linkkey(const char *at)
{
	const char *k = strrchr(at, '.');

	if (k == NULL || strchr(k, '[') != NULL)
		return false;
	k++;
	return strcmp(k, "url") == 0 || strcmp(k, "href") == 0 ||
	    strcmp(k, "src") == 0 || strcmp(k, "link") == 0 ||
	    str_has_suffix(k, "_url");
}

/*
 * A Lua table -> array (keys exactly 1..n) or object (string keys, in
 * sorted order so builds are reproducible).  An empty table is an object
 * where one is wanted or was there before, else an array.
 */
static struct value *
totable(lua_State *L, struct conv *c, int idx, const struct value *orig,
    int depth, bool wantobj)
{
	struct arena *a = c->a;
	struct value *v = NULL;
	struct member *m = NULL;
	size_t count = 0, cap = 0, i, save;
	lua_Integer len;
	bool seq = true, str = true;
	int t, ro;

	if (depth >= MAX_DEPTH)
		convfail(L, c, "tables nested more than %d deep", MAX_DEPTH);
	luaL_checkstack(L, 6, "tables nested too deeply");
	convcharge(L, c, sizeof(struct value));
	ro = pl_rodata(L, idx);
	t = ro ? lua_gettop(L) : idx;
	len = (lua_Integer)lua_rawlen(L, t);
	lua_pushnil(L);
	while (lua_next(L, t)) {
		count++;
		if (lua_type(L, -2) == LUA_TSTRING) {
			size_t n, bad;
			const char *k = lua_tolstring(L, -2, &n);

			seq = false;
			if (!utf8_valid(k, n, &bad))
				convfail(L, c, "a key that is not UTF-8 text");
			if (count > cap) {
				size_t ncap = cap ? cap * 2 : 8;

				m = arena_realloc(a, m, cap * sizeof(*m),
				    ncap * sizeof(*m));
				cap = ncap;
			}
			convcharge(L, c, sizeof(*m) + n + 1);
			m[count - 1].key = arena_strndup(a, k, n);
			m[count - 1].val = NULL;
		} else {
			str = false;
			if (!lua_isinteger(L, -2) || lua_tointeger(L, -2) < 1 ||
			    lua_tointeger(L, -2) > len)
				seq = false;
		}
		lua_pop(L, 1);
	}
	if (count == 0) {
		if (wantobj || (orig != NULL && orig->kind == VAL_OBJ))
			v = value_obj(a);
		else
			v = value_arr(a);
	} else if (seq && (size_t)len == count) {
		v = value_arr(a);
		convcharge(L, c, count * sizeof(*v->u.arr.v));
		v->u.arr.v = arena_alloc(a, count * sizeof(*v->u.arr.v));
		v->u.arr.cap = count;
		for (i = 0; i < count; i++) {
			const struct value *o = orig != NULL &&
			    orig->kind == VAL_ARR && i < orig->u.arr.len ?
			    orig->u.arr.v[i] : NULL;

			lua_rawgeti(L, t, (lua_Integer)i + 1);
			atpush(c, NULL, (lua_Integer)i + 1, &save);
			v->u.arr.v[v->u.arr.len++] = tovalue(L, c, -1, o,
			    depth + 1, false);
			atpop(c, save);
			lua_pop(L, 1);
		}
	} else if (str) {
		qsort(m, count, sizeof(*m), pl_cmpmember);
		v = value_obj(a);
		v->u.obj.m = m;
		for (i = 0; i < count; i++) {
			lua_pushstring(L, m[i].key);
			lua_rawget(L, t);
			atpush(c, m[i].key, 0, &save);
			m[i].val = tovalue(L, c, -1, value_get(orig, m[i].key),
			    depth + 1, false);
			atpop(c, save);
			lua_pop(L, 1);
		}
		v->u.obj.len = v->u.obj.cap = count;
	} else
		convfail(L, c, "a table that is neither a list (keys 1..n) nor "
		    "a map (string keys)");
	if (ro)
		lua_pop(L, 1);
	return v;
}

/*
 * Lua -> value.  orig is the value the Lua value was made from, if any:
 * an unchanged string, number or HTML keeps it (with its precision and
 * position) instead of a copy.
 */
static struct value *
tovalue(lua_State *L, struct conv *c, int idx, const struct value *orig,
    int depth, bool wantobj)
{
	struct arena *a = c->a;
	const char *s;
	size_t n, bad;
	double d;

	idx = lua_absindex(L, idx);
	switch (lua_type(L, idx)) {
	case LUA_TNIL:
		return value_null(a);
	case LUA_TBOOLEAN:
		return value_bool(a, lua_toboolean(L, idx));
	case LUA_TNUMBER:
		if (lua_isinteger(L, idx)) {
			lua_Integer i = lua_tointeger(L, idx);

			if (orig != NULL && orig->kind == VAL_INT &&
			    orig->u.i == (long long)i)
				return (struct value *)orig;
			return value_int(a, (long long)i);
		}
		d = lua_tonumber(L, idx);
		if (!isfinite(d))
			convfail(L, c, "a number that is not finite");
		if (orig != NULL && orig->kind == VAL_NUM && orig->u.num.d == d)
			return (struct value *)orig;
		return value_num(a, d, -1);
	case LUA_TSTRING:
		s = lua_tolstring(L, idx, &n);
		if (orig != NULL && orig->kind == VAL_STR && !orig->html &&
		    orig->u.str.len == n && memcmp(orig->u.str.s, s, n) == 0)
			return (struct value *)orig;
		convcharge(L, c, sizeof(struct value) + n + 1);
		if (!utf8_valid(s, n, &bad))
			convfail(L, c, "a string that is not UTF-8 text");
		/* Escaping cannot make a javascript: href safe. */
		if (linkkey(c->at) && (strlen(s) != n || !link_safe(s)))
			convfail(L, c, "\"%s\" is not a link a page may carry "
			    "(a path, or an http, https or mailto URL)", s);
		return value_strn(a, s, n);
	case LUA_TTABLE:
		return totable(L, c, idx, orig, depth, wantobj);
	case LUA_TUSERDATA:
		if ((s = pl_tohtml(L, idx, &n)) != NULL) {
			if (orig != NULL && orig->kind == VAL_STR &&
			    orig->html && orig->u.str.len == n &&
			    memcmp(orig->u.str.s, s, n) == 0)
				return (struct value *)orig;
			convcharge(L, c, sizeof(struct value) + n + 1);
			if (!utf8_valid(s, n, &bad))
				convfail(L, c, "HTML that is not UTF-8 text");
			return value_html(a, s, n);
		}
		if (luaL_testudata(L, idx, LAMBDA) != NULL) {
			const struct lambda *l = lua_touserdata(L, idx);

			if (l->serial != c->p->serial)
				convfail(L, c, "a host function kept from an "
				    "earlier call");
			return (struct value *)l->v;
		}
		break;
	default:
		break;
	}
	convfail(L, c, "a %s cannot be converted to data",
	    luaL_typename(L, idx));
	return NULL;	/* not reached */
}

/* Convert the value at idx into a; errors start with where ("path:line: "
 * or "") and name what and the key path from root. */
struct value *
pl_convert(lua_State *L, struct plugin *p, struct arena *a, int idx,
    const struct value *orig, const char *what, const char *root,
    const char *where)
{
	struct conv c;

	memset(&c, 0, sizeof(c));
	c.p = p;
	c.a = a;
	c.what = what;
	snprintf(c.where, sizeof(c.where), "%s", where);
	snprintf(c.at, sizeof(c.at), "%s", root);
	c.atlen = strlen(c.at);
	return tovalue(L, &c, idx, orig, 0, true);
}
