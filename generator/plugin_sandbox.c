/*
 * plugin_sandbox: the environment a plugin's code runs in — a whitelist of
 * library functions, the read-only proxies the host hands out, HTML
 * userdata that only hearth makes, and the wrapped functions that charge
 * memory and instructions for the work they do (see plugin.c).
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

static int	ro_newindex(lua_State *);
static int	ro_len(lua_State *);
static int	ro_pairs(lua_State *);

/* ---- sandbox ------------------------------------------------------------- */

void
pl_pushenv(lua_State *L, const struct plugin *p)	/* [-0, +1] */
{
	lua_rawgeti(L, LUA_REGISTRYINDEX, p->env);
}

/*
 * A read-only proxy: an empty table whose protected metatable reads from
 * the data table and refuses writes (rawset is refused by our rawset).
 */
void
pl_makero(lua_State *L)	/* [-1, +1]: table -> its read-only proxy */
{
	lua_createtable(L, 0, 0);
	lua_createtable(L, 0, 5);
	lua_pushvalue(L, -3);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, ro_newindex);
	lua_setfield(L, -2, "__newindex");
	lua_pushcfunction(L, ro_len);
	lua_setfield(L, -2, "__len");
	lua_pushcfunction(L, ro_pairs);
	lua_setfield(L, -2, "__pairs");
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_setmetatable(L, -2);
	lua_remove(L, -2);
}

/* If the value at idx is a read-only proxy, push its data table and
 * return 1; else push nothing and return 0.  Raw access only, so no
 * plugin code runs. */
int
pl_rodata(lua_State *L, int idx)	/* [-0, +(0|1)] */
{
	idx = lua_absindex(L, idx);
	if (lua_type(L, idx) != LUA_TTABLE || !lua_getmetatable(L, idx))
		return 0;
	lua_pushliteral(L, "__newindex");
	if (lua_rawget(L, -2) != LUA_TFUNCTION ||
	    lua_tocfunction(L, -1) != ro_newindex) {
		lua_pop(L, 2);
		return 0;
	}
	lua_pop(L, 1);
	lua_pushliteral(L, "__index");
	lua_rawget(L, -2);
	lua_remove(L, -2);
	return 1;
}

static int
ro_newindex(lua_State *L)	/* [-0, +0]: __newindex(t, k, v) raises */
{
	if (lua_type(L, 2) == LUA_TSTRING)
		return luaL_error(L, "attempt to modify a read-only table "
		    "(field '%s')", lua_tostring(L, 2));
	return luaL_error(L, "attempt to modify a read-only table");
}

static int
ro_len(lua_State *L)	/* [-0, +1]: __len(t) -> #data */
{
	if (!pl_rodata(L, 1))
		return luaL_error(L, "not a read-only table");
	lua_pushinteger(L, (lua_Integer)lua_rawlen(L, -1));
	return 1;
}

/* next over the data table, its upvalue: the table itself never reaches
 * the plugin (pairs' second value would be a writable handle on it). */
static int
ro_next(lua_State *L)	/* [-0, +(1|2)]: (proxy, key) -> key, value */
{
	lua_settop(L, 2);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_pushvalue(L, 2);
	if (lua_next(L, -2))
		return 2;
	lua_pushnil(L);
	return 1;
}

static int
ro_pairs(lua_State *L)	/* [-0, +3]: __pairs(t) -> next, t, nil */
{
	if (!pl_rodata(L, 1))
		return luaL_error(L, "not a read-only table");
	lua_pushcclosure(L, ro_next, 1);
	lua_pushvalue(L, 1);
	lua_pushnil(L);
	return 3;
}

void
pl_pushhtml(lua_State *L, const char *s, size_t n)	/* [-0, +1] */
{
	lua_newuserdatauv(L, 0, 1);
	lua_pushlstring(L, s != NULL ? s : "", n);
	lua_setiuservalue(L, -2, 1);
	luaL_setmetatable(L, HTML);
}

/* The text of an HTML userdata at idx, or NULL.  The string stays alive
 * as long as the userdata. */
const char *
pl_tohtml(lua_State *L, int idx, size_t *n)	/* [-0, +0] */
{
	const char *s;

	if (luaL_testudata(L, idx, HTML) == NULL)
		return NULL;
	lua_getiuservalue(L, idx, 1);
	s = lua_tolstring(L, -1, n);
	lua_pop(L, 1);
	return s;
}

static int
html_tostring(lua_State *L)	/* [-0, +1]: the HTML as a string */
{
	luaL_checkudata(L, 1, HTML);
	lua_getiuservalue(L, 1, 1);
	return 1;
}

/* HTML .. x: the result is plain text; only hearth makes HTML. */
static int
html_concat(lua_State *L)	/* [-0, +1] */
{
	int i;

	for (i = 1; i <= 2; i++) {
		size_t n;
		const char *s = pl_tohtml(L, i, &n);

		if (s != NULL)
			lua_pushlstring(L, s, n);
		else if (lua_type(L, i) == LUA_TSTRING ||
		    lua_type(L, i) == LUA_TNUMBER)
			lua_pushstring(L, lua_tostring(L, i));
		else
			return luaL_error(L, "attempt to concatenate a %s "
			    "value", luaL_typename(L, i));
	}
	lua_concat(L, 2);
	return 1;
}

static int
html_eq(lua_State *L)	/* [-0, +1] */
{
	size_t n1, n2;
	const char *a = pl_tohtml(L, 1, &n1), *b = pl_tohtml(L, 2, &n2);

	lua_pushboolean(L, a != NULL && b != NULL && n1 == n2 &&
	    memcmp(a, b, n1) == 0);
	return 1;
}

/* setmetatable without finalizers: __gc would run plugin code inside the
 * host's conversions and at lua_close. */
static int
sb_setmetatable(lua_State *L)	/* [-0, +1]: setmetatable(t, mt) -> t */
{
	int t = lua_type(L, 2);

	luaL_checktype(L, 1, LUA_TTABLE);
	luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2,
	    "nil or table");
	if (t == LUA_TTABLE) {
		lua_pushliteral(L, "__gc");
		if (lua_rawget(L, 2) != LUA_TNIL)
			return luaL_error(L, "plugins may not set __gc "
			    "finalizers");
		lua_pop(L, 1);
	}
	if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
		return luaL_error(L, "cannot change a protected metatable");
	lua_settop(L, 2);
	lua_setmetatable(L, 1);
	return 1;
}

static int
sb_rawset(lua_State *L)	/* [-0, +1]: rawset(t, k, v) -> t */
{
	luaL_checktype(L, 1, LUA_TTABLE);
	luaL_checkany(L, 2);
	luaL_checkany(L, 3);
	if (pl_rodata(L, 1))
		return luaL_error(L, "attempt to modify a read-only table");
	lua_settop(L, 3);
	lua_rawset(L, 1);
	return 1;
}

/* load(chunk [, chunkname [, mode [, env]]]): text only, the plugin's
 * environment by default, and never a chunk name that poses as a file. */
static int
sb_load(lua_State *L)	/* [-0, +(1|2)]: function, or nil and message */
{
	struct plugin *p = pl_self(L);
	size_t len;
	/* Whether an environment was passed, counted before anything is
	 * pushed: load(s, name, mode) has none, whatever the stack holds. */
	bool hasenv = lua_gettop(L) >= 4;
	const char *s, *name = luaL_optstring(L, 2, "(load)");
	const char *mode = luaL_optstring(L, 3, "t");

	if (lua_type(L, 1) != LUA_TSTRING)
		return luaL_typeerror(L, 1, "string");
	s = lua_tolstring(L, 1, &len);
	if (strcmp(mode, "t") != 0)
		return luaL_error(L, "plugins may load text chunks only "
		    "(mode \"t\")");
	lua_pushfstring(L, "=%s", name);
	if (luaL_loadbufferx(L, s, len, lua_tostring(L, -1), "t") != LUA_OK) {
		luaL_pushfail(L);
		lua_insert(L, -2);
		return 2;
	}
	if (hasenv)
		lua_pushvalue(L, 4);
	else
		pl_pushenv(L, p);
	if (lua_setupvalue(L, -2, 1) == NULL)
		lua_pop(L, 1);
	return 1;
}

/*
 * Library loops whose length comes from an argument rather than from
 * memory the plugin holds run in C, where the count hook never fires:
 * these wrappers charge them to the budget (or skip them) first, then
 * call the library's function, their upvalue 1.  Pattern matching
 * (find, match, gmatch, gsub) also runs in C and can backtrack for a very
 * long time on a pathological pattern; no wrapper can bound that short
 * of a matcher of our own that counts its steps.
 */
static int
delegate(lua_State *L)	/* [-n, +m]: upvalue 1 (the arguments) */
{
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
	return lua_gettop(L);
}

/* string.rep(s, n [, sep]): an empty result would still loop n times. */
static int
sb_rep(lua_State *L)	/* [-0, +1] */
{
	size_t l, lsep;

	luaL_checklstring(L, 1, &l);
	luaL_optlstring(L, 3, "", &lsep);
	if (luaL_checkinteger(L, 2) > 0 && l + lsep == 0) {
		lua_pushliteral(L, "");
		return 1;
	}
	return delegate(L);
}

/* string.find, match, gmatch, gsub, byte, sub, upper, lower, reverse,
 * format and utf8.len, codepoint: each call runs over its subject in C,
 * where the count hook never fires, so a loop of a few instructions could
 * scan gigabytes.  Charge the strings' lengths (an eighth of an
 * instruction a byte, as hearth.escape) before the library runs. */
static int
sb_scan(lua_State *L)	/* [-0, +m] */
{
	size_t n = 0, l;
	int i;

	for (i = 1; i <= 3; i++)
		if (lua_type(L, i) == LUA_TSTRING) {
			lua_tolstring(L, i, &l);
			n += l;
		}
	pl_charge(L, pl_self(L), n / 8 + 1);
	return delegate(L);
}

/* table.concat(t [, sep [, i [, j]]]): a loop over the list in C. */
static int
sb_concat(lua_State *L)	/* [-0, +1] */
{
	if (lua_type(L, 1) == LUA_TTABLE)
		pl_charge(L, pl_self(L), (size_t)lua_rawlen(L, 1) + 1);
	return delegate(L);
}

/* Elements from f to e, as the library counts them (0 when e < f). */
static size_t
span(lua_Integer f, lua_Integer e)
{
	return e < f ? 0 : (size_t)((lua_Unsigned)e - (lua_Unsigned)f) + 1;
}

/* table.move(a1, f, e, t [, a2]) */
static int
sb_move(lua_State *L)	/* [-0, +1] */
{
	pl_charge(L, pl_self(L), span(luaL_checkinteger(L, 2),
	    luaL_checkinteger(L, 3)));
	return delegate(L);
}

/* table.insert(t, pos, v) and table.remove(t, pos) shift the elements
 * after pos; only a __len metamethod can make them more than the table
 * holds (the library calls it again).  Upvalue 2: true for insert. */
static int
sb_shift(lua_State *L)	/* [-0, +(0|1)] */
{
	bool insert = lua_toboolean(L, lua_upvalueindex(2));
	int n = lua_gettop(L), isint;
	lua_Integer pos = lua_tointegerx(L, 2, &isint);

	if (lua_type(L, 1) == LUA_TTABLE && (insert ? n == 3 : n >= 2) &&
	    isint && luaL_getmetafield(L, 1, "__len") != LUA_TNIL) {
		lua_pop(L, 1);
		pl_charge(L, pl_self(L), span(pos, luaL_len(L, 1)));
	}
	return delegate(L);
}

/* A chunk of the source table, without a UTF-8 byte order mark. */
int
pl_loadsource(lua_State *L, const struct sfile *f)	/* [-0, +1] */
{
	const char *s = f->data;
	size_t n = f->len;
	int st;

	if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
		s += 3;
		n -= 3;
	}
	lua_pushfstring(L, "@%s", f->path);
	st = luaL_loadbufferx(L, s, n, lua_tostring(L, -1), "t");
	lua_remove(L, -2);
	return st;
}

/* require(name): <plugin's folder>/<name>.lua from the source table, run
 * once in the plugin's environment. */
static int
sb_require(lua_State *L)	/* [-0, +1]: the module's value */
{
	struct plugin *p = pl_self(L);
	const char *name = luaL_checkstring(L, 1), *c, *path;
	const struct sfile *f;

	for (c = name; isalnum((unsigned char)*c) || *c == '_'; c++)
		;
	if (c == name || *c != '\0' || c - name > MAX_NAME)
		return luaL_error(L, "require(\"%s\"): plugins may only "
		    "require NAME.lua from their own folder %s (NAME: "
		    "letters, digits and '_')", name, p->dir);
	lua_settop(L, 1);
	lua_rawgeti(L, LUA_REGISTRYINDEX, p->loaded);
	lua_pushvalue(L, 1);
	if (lua_rawget(L, 2) != LUA_TNIL) {
		if (lua_touserdata(L, -1) == p)
			return luaL_error(L, "module '%s' is still being "
			    "loaded (a require loop, or it failed)", name);
		return 1;
	}
	lua_pop(L, 1);
	path = lua_pushfstring(L, "%s%s.lua", p->dir, name);
	if ((f = source_get(p->h->src, path)) == NULL)
		return luaL_error(L, "module '%s' not found: plugins may only "
		    "require NAME.lua from their own folder (no %s)", name,
		    path);
	if (pl_knownpath(p, path, strlen(path)) == NULL) {
		p->modules = xrealloc(p->modules, (p->nmodules + 1) *
		    sizeof(*p->modules));
		p->modules[p->nmodules++] = xstrdup(path);
	}
	lua_pushvalue(L, 1);
	lua_pushlightuserdata(L, p);
	lua_rawset(L, 2);
	if (pl_loadsource(L, f) != LUA_OK)
		return lua_error(L);
	pl_pushenv(L, p);
	lua_setupvalue(L, -2, 1);
	lua_call(L, 0, 1);
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		lua_pushboolean(L, 1);
	}
	lua_pushvalue(L, 1);
	lua_pushvalue(L, -2);
	lua_rawset(L, 2);
	return 1;
}

/* The libraries, in the manner of linit.c; only parts of them reach the
 * environment (see setup). */
static const luaL_Reg libs[] = {
	{ LUA_GNAME, luaopen_base },
	{ LUA_STRLIBNAME, luaopen_string },
	{ LUA_TABLIBNAME, luaopen_table },
	{ LUA_MATHLIBNAME, luaopen_math },
	{ LUA_UTF8LIBNAME, luaopen_utf8 },
	{ LUA_OSLIBNAME, luaopen_os },
	{ NULL, NULL }
};

static const char *const basefns[] = {
	"assert", "error", "getmetatable", "ipairs", "next", "pairs", "pcall",
	"rawequal", "rawget", "rawlen", "select", "tonumber", "tostring",
	"type", "xpcall", NULL
};

static const luaL_Reg sandboxfns[] = {
	{ "load", sb_load },
	{ "print", pl_api_log },
	{ "rawset", sb_rawset },
	{ "require", sb_require },
	{ "setmetatable", sb_setmetatable },
	{ NULL, NULL }
};

static const luaL_Reg htmlmeta[] = {
	{ "__tostring", html_tostring },
	{ "__concat", html_concat },
	{ "__eq", html_eq },
	{ NULL, NULL }
};

/* Replace the function name of the library on top by fn, with the
 * original as upvalue 1 and, unless flag < 0, the boolean flag as 2. */
static void
wrap(lua_State *L, const char *name, lua_CFunction fn, int flag)
{
	lua_getfield(L, -1, name);
	if (flag >= 0)
		lua_pushboolean(L, flag);
	lua_pushcclosure(L, fn, flag >= 0 ? 2 : 1);
	lua_setfield(L, -2, name);
}

/* String functions charged by the length of what they scan. */
static const char *const scanfns[] = { "find", "match", "gmatch", "gsub",
    "byte", "sub", "upper", "lower", "reverse", "format", NULL };

/* Build the plugin's environment (trampoline; ud: the plugin). */
int
pl_setup(lua_State *L)	/* [-0, +0] */
{
	struct plugin *p = lua_touserdata(L, 1);
	const luaL_Reg *lib;
	const char *const *fn;

	luaL_newmetatable(L, HTML);
	luaL_setfuncs(L, htmlmeta, 0);
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	luaL_newmetatable(L, LAMBDA);
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 2);

	lua_newtable(L);	/* the environment, at 2 */
	for (lib = libs; lib->func != NULL; lib++) {
		luaL_requiref(L, lib->name, lib->func, 0);
		if (strcmp(lib->name, LUA_GNAME) == 0) {
			for (fn = basefns; *fn != NULL; fn++) {
				lua_getfield(L, -1, *fn);
				lua_setfield(L, 2, *fn);
			}
			lua_pop(L, 1);
			continue;
		}
		if (strcmp(lib->name, LUA_STRLIBNAME) == 0) {
			/* Gone from the real table, which string methods
			 * reach through the string metatable; that one
			 * is protected so it cannot be reached at all. */
			lua_pushnil(L);
			lua_setfield(L, -2, "dump");
			wrap(L, "rep", sb_rep, -1);
			for (fn = scanfns; *fn != NULL; fn++)
				wrap(L, *fn, sb_scan, -1);
			lua_pushliteral(L, "");
			lua_getmetatable(L, -1);
			lua_pushboolean(L, 0);
			lua_setfield(L, -2, "__metatable");
			lua_pop(L, 2);
		} else if (strcmp(lib->name, LUA_TABLIBNAME) == 0) {
			wrap(L, "move", sb_move, -1);
			wrap(L, "concat", sb_concat, -1);
			wrap(L, "insert", sb_shift, 1);
			wrap(L, "remove", sb_shift, 0);
		} else if (strcmp(lib->name, LUA_UTF8LIBNAME) == 0) {
			wrap(L, "len", sb_scan, -1);
			wrap(L, "codepoint", sb_scan, -1);
			wrap(L, "offset", sb_scan, -1);
		} else if (strcmp(lib->name, LUA_MATHLIBNAME) == 0) {
			/* Reproducible builds: a fixed seed. */
			lua_getfield(L, -1, "randomseed");
			lua_pushinteger(L, 0);
			lua_call(L, 1, 0);
		} else if (strcmp(lib->name, LUA_OSLIBNAME) == 0) {
			lua_createtable(L, 0, 3);
			lua_getfield(L, -2, "time");
			lua_setfield(L, -2, "time");
			lua_getfield(L, -2, "date");
			lua_setfield(L, -2, "date");
			lua_getfield(L, -2, "clock");
			lua_setfield(L, -2, "clock");
			lua_remove(L, -2);
		}
		pl_makero(L);
		lua_setfield(L, 2, lib->name);
	}
	luaL_setfuncs(L, sandboxfns, 0);

	pl_api_push(L, p);
	lua_setfield(L, 2, "hearth");

	p->env = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_newtable(L);
	p->loaded = luaL_ref(L, LUA_REGISTRYINDEX);
	return 0;
}
