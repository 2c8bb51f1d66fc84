/*
 * plugin: each plugin gets a lua_State of its own, made with lua_newstate
 * over an allocator that counts its bytes, so a plugin's memory ceiling is
 * its own and lua_close frees everything it made at once.  Only a
 * whitelist of functions is copied into the plugin's environment table,
 * which is the _ENV of its chunk, of the modules it requires and of what
 * it loads; the state's real global table is never reachable.
 *
 * A plugin's hooks are globals its chunk leaves in that environment:
 * records(type, list), page(page, kind), brand(county) and a table
 * shortcodes = { name = function(args, page) }.  They are kept in the
 * registry once the chunk has run.
 *
 * Every entry into a plugin goes through docall: one lua_pcall, with a
 * message handler that finds the plugin's line, of a C "trampoline" that
 * converts the arguments, calls the Lua function and converts the result.
 * Conversions thus run in protected mode too, so a memory error in the
 * middle of one is reported like any other error instead of reaching
 * Lua's panic function.  No plugin code runs inside a conversion: tables
 * are read raw, and __gc finalizers (which Lua may run at any allocation)
 * are refused by setmetatable.
 *
 * What the host hands out read-only (API tables, records, divisions, the
 * libraries) is an empty proxy table whose protected metatable reads from
 * the real one; only hearth makes HTML, as userdata that plugins can pass
 * around and return but not forge.
 *
 * Sections: states and limits / sandbox / API / conversions / hooks.
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

#define HOOK_STEP	1000	/* instructions between count hooks */
#define MAX_DEPTH	32	/* nesting of values a plugin returns */
#define MAX_NAME	64	/* module and shortcode names */

#define HTML	"hearth.html"	/* metatable of HTML userdata */
#define LAMBDA	"hearth.value"	/* metatable of host lambdas */

struct hookfn {
	int		 ref;	/* in the registry; LUA_NOREF: none */
	const char	*path;	/* where the function was defined */
	int		 line;
};

struct shortcode {
	char		*name;
	struct hookfn	 fn;
};

/* A host lambda (VAL_FUNC) lent to a plugin: opaque, and good only in the
 * call that lent it, as its value may live in a page's arena. */
struct lambda {
	const struct value *v;
	unsigned long	 serial;
};

struct plugin {
	struct plugin_host *h;
	char		*path;	/* plugins/x.lua or
				   content/counties/<code>/plugin.lua */
	char		*dir;	/* its folder, with a trailing slash */
	const char	*county; /* county plugins: the county code */
	const struct division *cdiv;
	lua_State	*L;
	pthread_mutex_t	 lock;	/* held for every call into L */
	bool		 ok;	/* loaded and ran its chunk */
	_Atomic double	 started; /* monotonic start of the call, 0: idle */

	/* Limits. */
	size_t		 used;	/* bytes */
	size_t		 limit;
	size_t		 mark;	/* usage at which to note a line */
	long long	 budget; /* instructions per call */
	long long	 left;
	int		 step;	/* count hook period */
	bool		 running; /* inside docall */
	bool		 closing; /* in lua_close */
	bool		 oom;	/* the allocator refused a block */
	bool		 spent;	/* the budget ran out */
	bool		 armed;	/* count hook set to fire at once */
	bool		 reported; /* the error was reported already */
	unsigned long	 renderfail; /* serial of the call whose
				   hearth.render failed and reported */

	/* The call in progress, for locating its errors. */
	unsigned long	 serial;
	const char	*defpath; /* default location */
	int		 defline;
	const char	*lastpath; /* last line the count hook saw */
	int		 lastline;
	const char	*errpath; /* innermost plugin line of the error */
	int		 errline;
	char		*trace;	/* traceback, in verbose runs */

	/* Sandbox. */
	int		 env;	/* registry refs */
	int		 loaded;
	char		**modules; /* paths of required modules */
	size_t		 nmodules;
	struct hookfn	 records, page, brand;
	struct shortcode *sc;	/* sorted by name */
	size_t		 nsc;
	struct arena	 scratch; /* hearth.records filters, render ctx */
	struct buf	 buf;
};

struct extra {
	const struct record *r;	/* NULL: empty slot */
	struct value	*v;
};

struct plugin_host {
	const struct site *s;
	const struct source *src;
	struct tmpl_set	*theme;
	struct plugin	*v;
	size_t		 n;
	long long	 instructions;
	size_t		 memory;
	struct arena	 arena;	/* extras */
	struct extra	*extras; /* open addressing by record */
	size_t		 nextras, capextras;
	/* The watchdog: a call stuck in C (a pattern match that backtracks
	 * without end never reaches the count hook) is stopped by wall
	 * time. */
	double		 seconds;
	double		 total_seconds;	/* all calls of the build */
	_Atomic long long total_ns;	/* finished calls so far */
	atomic_bool	 total_reported;
	pthread_t	 watchdog;
	bool		 watching;
	pthread_mutex_t	 wlock;
	pthread_cond_t	 wstop;
	bool		 stopping;
};

static void	counthook(lua_State *, lua_Debug *);
static int	ro_newindex(lua_State *);
static int	ro_len(lua_State *);
static int	ro_pairs(lua_State *);
static void	pushvalue(lua_State *, const struct plugin *,
		    const struct value *, bool);

/* ---- states and limits --------------------------------------------------- */

static struct plugin *
self(lua_State *L)
{
	return *(struct plugin **)lua_getextraspace(L);
}

/* Next usage at which the allocator arms the count hook, in eighths of
 * the ceiling: memory errors have no message handler, so the line of a
 * growing plugin is noted on the way up. */
static size_t
nextmark(const struct plugin *p)
{
	size_t eighth = p->limit / 8 > 0 ? p->limit / 8 : 1;

	return (p->used / eighth + 1) * eighth;
}

/*
 * The lua_Alloc of every state: realloc within the plugin's ceiling.
 * Returning NULL makes Lua collect and retry, then raise "not enough
 * memory".  lua_sethook may be called from anywhere (lua.c calls it from
 * a signal handler), so arming the hook here is safe.
 */
static void *
alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct plugin *p = ud;
	size_t old = ptr != NULL ? osize : 0;
	void *q;

	if (nsize == 0) {
		free(ptr);
		p->used -= old;
		return NULL;
	}
	if (nsize > old && nsize - old > p->limit - p->used) {
		p->oom = true;
		return NULL;
	}
	if ((q = realloc(ptr, nsize)) == NULL) {
		p->oom = true;
		return NULL;
	}
	p->used = p->used - old + nsize;
	if (p->running && !p->spent && !p->armed && p->used > p->mark) {
		p->mark = nextmark(p);
		p->armed = true;
		lua_sethook(p->L, counthook, LUA_MASKCOUNT, 1);
	}
	return q;
}

static int
panic(lua_State *L)
{
	const char *msg = lua_tostring(L, -1);

	xdie("unprotected error in a plugin: %s", msg ? msg : "?");
}

/* A path of the plugin's own files (stable), or NULL. */
static const char *
knownpath(const struct plugin *p, const char *s, size_t n)
{
	size_t i;

	if (strlen(p->path) == n && strncmp(s, p->path, n) == 0)
		return p->path;
	for (i = 0; i < p->nmodules; i++)
		if (strlen(p->modules[i]) == n &&
		    strncmp(s, p->modules[i], n) == 0)
			return p->modules[i];
	return NULL;
}

/* Raise the budget error (the count hook fires at every instruction from
 * now on, so a plugin that catches the error cannot go on). */
static int
spend(lua_State *L, struct plugin *p)
{
	p->spent = true;
	lua_sethook(L, counthook, LUA_MASKCOUNT, 1);
	lua_pushfstring(L, "plugin exceeded its budget of %I instructions",
	    (lua_Integer)p->budget);
	return lua_error(L);
}

/* Charge work done in C (records scanned, bytes rendered) to the call. */
static void
charge(lua_State *L, struct plugin *p, size_t n)
{
	p->left -= (long long)(n > (size_t)1 << 40 ? (size_t)1 << 40 : n);
	if (p->left <= 0 || p->spent)
		spend(L, p);
}

/* The count hook, as lua.c's laction: raise an error when the call has
 * spent its budget.  It also notes the plugin line being run. */
static void
counthook(lua_State *L, lua_Debug *ar)
{
	struct plugin *p = self(L);

	if (p->spent)
		spend(L, p);
	p->left -= p->armed ? 1 : p->step;
	if (lua_getinfo(L, "Sl", ar) && ar->currentline > 0 &&
	    ar->source[0] == '@') {
		const char *path = knownpath(p, ar->source + 1,
		    strlen(ar->source + 1));

		if (path != NULL) {
			p->lastpath = path;
			p->lastline = ar->currentline;
		}
	}
	if (p->armed) {
		p->armed = false;
		lua_sethook(L, counthook, LUA_MASKCOUNT, p->step);
	}
	if (p->left <= 0)
		spend(L, p);
}

/*
 * Split "path:line: message" when path is one of the plugin's files:
 * sets *path and *line and returns the message; else returns msg.
 */
static const char *
splitmsg(const struct plugin *p, const char *msg, const char **path,
    int *line)
{
	const char *c = msg;

	*path = NULL;
	*line = 0;
	while ((c = strchr(c, ':')) != NULL) {
		const char *k = knownpath(p, msg, (size_t)(c - msg));
		char *end;
		long n;

		if (k != NULL && isdigit((unsigned char)c[1])) {
			n = strtol(c + 1, &end, 10);
			if (end[0] == ':' && end[1] == ' ' && n > 0 &&
			    n < 1000000000) {
				*path = k;
				*line = (int)n;
				return end + 2;
			}
		}
		c++;
	}
	return msg;
}

/*
 * The message handler of every call (lua.c msghandler): make the error a
 * string and note the innermost line of the plugin's own files, for
 * messages that carry no position.  In verbose runs it keeps a traceback.
 */
static int
msgh(lua_State *L)	/* [-0, +1]: error object -> message */
{
	struct plugin *p = self(L);
	lua_Debug ar;
	int level;

	/* A string, made here: report() must not allocate, being outside
	 * protected mode.  The plugin itself, as a light userdata, is the
	 * error of a hearth.render that failed in this call: the template
	 * engine has reported that already. */
	p->reported = lua_touserdata(L, 1) == p &&
	    p->renderfail == p->serial;
	if (p->reported)
		lua_pushliteral(L, "hearth.render failed");
	else if (lua_type(L, 1) != LUA_TSTRING &&
	    lua_type(L, 1) != LUA_TNUMBER)
		lua_pushfstring(L, "(error object is a %s value)",
		    luaL_typename(L, 1));
	else {
		lua_pushvalue(L, 1);
		lua_tostring(L, -1);
	}
	p->errpath = NULL;
	p->errline = 0;
	for (level = 1; lua_getstack(L, level, &ar); level++) {
		const char *path;

		if (!lua_getinfo(L, "Sl", &ar) || ar.currentline <= 0 ||
		    ar.source[0] != '@')
			continue;
		path = knownpath(p, ar.source + 1, strlen(ar.source + 1));
		if (path != NULL) {
			p->errpath = path;
			p->errline = ar.currentline;
			break;
		}
	}
	if (diag_verbosity() > 1) {
		luaL_traceback(L, L, NULL, 1);
		free(p->trace);
		p->trace = xstrdup(lua_tostring(L, -1));
		lua_pop(L, 1);
	}
	return 1;
}

/* Turn the error on top of the stack into one diagnostic. */
static void
report(struct plugin *p, int status, const char *suffix)
{
	lua_State *L = p->L;
	const char *msg = lua_tostring(L, -1), *path;
	bool memory;
	int line;

	if (msg == NULL)
		msg = "(error object is not a string)";
	msg = splitmsg(p, msg, &path, &line);
	memory = status == LUA_ERRMEM || (status == LUA_ERRERR && p->oom) ||
	    strcmp(msg, "not enough memory") == 0;
	if (path == NULL && p->errpath != NULL) {
		path = p->errpath;
		line = p->errline;
	}
	/* Memory errors skip the message handler: use the line the count
	 * hook saw last, if any. */
	if (path == NULL && (memory || p->spent) && p->lastpath != NULL) {
		path = p->lastpath;
		line = p->lastline;
	}
	if (path == NULL) {
		path = p->defpath;
		line = p->defline;
	}
	if (p->reported)
		return;	/* by the stage the plugin called */
	if (p->spent)
		diag_error(path, line, 0, "plugin exceeded its budget of %lld "
		    "instructions%s", p->budget, suffix);
	else if (memory)
		diag_error(path, line, 0, "plugin exceeded its memory limit of "
		    "%zu MiB%s", p->limit >> 20, suffix);
	else
		diag_error(path, line, 0, "%s%s", msg, suffix);
	if (p->trace != NULL)
		diag_info("%s", p->trace);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * The watchdog thread: every quarter second, any call running longer than
 * the limit ends the build.  Nothing can be unwound from inside a C
 * function of Lua's, so the process exits (status 1, after a diagnostic);
 * the published site is untouched, as with any failed build, and the next
 * build removes the staging folder.
 */
static void *
watch(void *arg)
{
	struct plugin_host *h = arg;
	struct timespec ts;
	size_t i;

	pthread_mutex_lock(&h->wlock);
	while (!h->stopping) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 250000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&h->wstop, &h->wlock, &ts);
		double total = atomic_load(&h->total_ns) / 1e9;

		for (i = 0; i < h->n; i++) {
			double t = atomic_load(&h->v[i].started);

			total += t > 0 ? now() - t : 0;
		}
		if (!h->stopping && total > h->total_seconds) {
			diag_error("hearth.yaml", 0, 0, "plugins ran for more "
			    "than %g s in all in this build (plugins."
			    "total_seconds); stopping", h->total_seconds);
			fprintf(stderr, "hearth: build stopped; the "
			    "published site was not changed\n");
			_exit(1);
		}
		for (i = 0; i < h->n && !h->stopping; i++) {
			double t = atomic_load(&h->v[i].started);

			if (t > 0 && now() - t > h->seconds) {
				diag_error(h->v[i].path, 0, 0, "a plugin call ran "
				    "for more than %g s (a pattern that "
				    "backtracks without end?); stopping",
				    h->seconds);
				fprintf(stderr, "hearth: build stopped; the "
				    "published site was not changed\n");
				_exit(1);
			}
		}
	}
	pthread_mutex_unlock(&h->wlock);
	return NULL;
}

/*
 * Call fn(ud) in protected mode on the plugin's state, under its limits;
 * errors are reported (located at path:line when nothing better is known,
 * with suffix appended).  Returns 0 or -1.
 */
static int
docall(struct plugin *p, lua_CFunction fn, void *ud, const char *path,
    int line, const char *suffix)
{
	lua_State *L = p->L;
	int top, st;
	double t0;

	if (atomic_load(&p->h->total_ns) / 1e9 > p->h->total_seconds) {
		if (!atomic_exchange(&p->h->total_reported, true))
			diag_error(path, line, 0, "plugins ran for more than "
			    "%g s in all in this build (plugins.total_seconds)",
			    p->h->total_seconds);
		return -1;
	}
	pthread_mutex_lock(&p->lock);
	top = lua_gettop(L);
	p->serial++;
	p->oom = p->spent = p->armed = p->reported = false;
	p->left = p->budget;
	p->defpath = path;
	p->defline = line;
	p->lastpath = p->errpath = NULL;
	p->lastline = p->errline = 0;
	p->mark = nextmark(p);
	p->running = true;
	atomic_store(&p->started, (t0 = now()));
	lua_sethook(L, counthook, LUA_MASKCOUNT, p->step);
	lua_pushcfunction(L, msgh);
	lua_pushcfunction(L, fn);
	lua_pushlightuserdata(L, ud);
	st = lua_pcall(L, 1, 0, top + 1);
	lua_sethook(L, NULL, 0, 0);
	atomic_fetch_add(&p->h->total_ns, (long long)((now() - t0) * 1e9));
	atomic_store(&p->started, 0.0);
	p->running = false;
	if (st != LUA_OK)
		report(p, st, suffix != NULL ? suffix : "");
	lua_settop(L, top);
	free(p->trace);
	p->trace = NULL;
	assert(lua_gettop(L) == top);
	pthread_mutex_unlock(&p->lock);
	return st == LUA_OK ? 0 : -1;
}

/* hearth.yaml "plugins": { instructions, memory_mb }. */
/* hearth.yaml's plugins: section (checked by config.c); 0 keeps the
 * default. */
static void
limits(struct plugin_host *h, const struct config_plugins *c)
{
	if (c->instructions > 0)
		h->instructions = c->instructions;
	if (c->memory_mb > 0)
		h->memory = (size_t)c->memory_mb << 20;
	if (c->seconds > 0)
		h->seconds = (double)c->seconds;
	if (c->total_seconds > 0)
		h->total_seconds = (double)c->total_seconds;
}

/* ---- sandbox ------------------------------------------------------------- */

static void
pushenv(lua_State *L, const struct plugin *p)	/* [-0, +1] */
{
	lua_rawgeti(L, LUA_REGISTRYINDEX, p->env);
}

/*
 * A read-only proxy: an empty table whose protected metatable reads from
 * the data table and refuses writes (rawset is refused by our rawset).
 */
static void
makero(lua_State *L)	/* [-1, +1]: table -> its read-only proxy */
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
static int
rodata(lua_State *L, int idx)	/* [-0, +(0|1)] */
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
	if (!rodata(L, 1))
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
	if (!rodata(L, 1))
		return luaL_error(L, "not a read-only table");
	lua_pushcclosure(L, ro_next, 1);
	lua_pushvalue(L, 1);
	lua_pushnil(L);
	return 3;
}

static void
pushhtml(lua_State *L, const char *s, size_t n)	/* [-0, +1] */
{
	lua_newuserdatauv(L, 0, 1);
	lua_pushlstring(L, s != NULL ? s : "", n);
	lua_setiuservalue(L, -2, 1);
	luaL_setmetatable(L, HTML);
}

/* The text of an HTML userdata at idx, or NULL.  The string stays alive
 * as long as the userdata. */
static const char *
tohtml(lua_State *L, int idx, size_t *n)	/* [-0, +0] */
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
		const char *s = tohtml(L, i, &n);

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
	const char *a = tohtml(L, 1, &n1), *b = tohtml(L, 2, &n2);

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
	if (rodata(L, 1))
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
	struct plugin *p = self(L);
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
		pushenv(L, p);
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
	charge(L, self(L), n / 8 + 1);
	return delegate(L);
}

/* table.concat(t [, sep [, i [, j]]]): a loop over the list in C. */
static int
sb_concat(lua_State *L)	/* [-0, +1] */
{
	if (lua_type(L, 1) == LUA_TTABLE)
		charge(L, self(L), (size_t)lua_rawlen(L, 1) + 1);
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
	charge(L, self(L), span(luaL_checkinteger(L, 2),
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
		charge(L, self(L), span(pos, luaL_len(L, 1)));
	}
	return delegate(L);
}

/* A chunk of the source table, without a UTF-8 byte order mark. */
static int
loadsource(lua_State *L, const struct sfile *f)	/* [-0, +1] */
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
	struct plugin *p = self(L);
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
	if (knownpath(p, path, strlen(path)) == NULL) {
		p->modules = xrealloc(p->modules, (p->nmodules + 1) *
		    sizeof(*p->modules));
		p->modules[p->nmodules++] = xstrdup(path);
	}
	lua_pushvalue(L, 1);
	lua_pushlightuserdata(L, p);
	lua_rawset(L, 2);
	if (loadsource(L, f) != LUA_OK)
		return lua_error(L);
	pushenv(L, p);
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

/* ---- API ----------------------------------------------------------------- */

static void
alive(lua_State *L, const struct plugin *p)
{
	if (p->closing)
		luaL_error(L, "the plugin host is shutting down");
}

/* Is field f of r a division field that places the record somewhere? */
static const struct division *
placeof(const struct plugin *p, const struct record *r, const char *f)
{
	const char *code = record_str(r, f);
	int i = schema_field(r->schema, f);

	if (code == NULL || i < 0 || r->schema->fields[i].type != FT_DIVISION)
		return NULL;
	return division_find(&p->h->s->div, code);
}

static const char *const placefields[] = { "county", "township", "area" };

/* May the plugin see r?  County plugins see their county's records. */
static bool
visible(const struct plugin *p, const struct record *r)
{
	size_t i;

	if (p->county == NULL)
		return true;
	if (r->owner != NULL && strcmp(r->owner, p->county) == 0)
		return true;
	for (i = 0; i < sizeof(placefields) / sizeof(placefields[0]); i++) {
		const struct division *d = placeof(p, r, placefields[i]);

		if (d != NULL && division_within(d, p->cdiv))
			return true;
	}
	return false;
}

/* Does r belong to another county than the plugin's? */
static bool
foreign(const struct plugin *p, const struct record *r)
{
	size_t i;

	if (p->county == NULL || visible(p, r))
		return false;
	if (r->owner != NULL)
		return true;
	for (i = 0; i < sizeof(placefields) / sizeof(placefields[0]); i++) {
		const struct division *d = placeof(p, r, placefields[i]);

		if (d != NULL && d->level >= DIV_COUNTY)
			return true;
	}
	return false;
}

static const struct recordset *
checktype(lua_State *L, const struct plugin *p, int arg)
{
	const char *type = luaL_checkstring(L, arg);
	const struct recordset *set = site_records(p->h->s, type);

	if (set == NULL)
		luaL_error(L, "no record type \"%s\" (content/schemas/%s.yaml)",
		    type, type);
	return set;
}

struct filter {
	const char	*field;
	struct value	*v;
};

/* The filter table of hearth.records, converted to values in scratch. */
static size_t
filters(lua_State *L, struct plugin *p, const struct schema *sc, int arg,
    struct filter **out)
{
	struct arena *a = &p->scratch;
	size_t n = 0, cap = 0;
	int t;

	*out = NULL;
	if (lua_isnoneornil(L, arg))
		return 0;
	luaL_checktype(L, arg, LUA_TTABLE);
	t = rodata(L, arg) ? lua_gettop(L) : lua_absindex(L, arg);
	lua_pushnil(L);
	while (lua_next(L, t)) {
		struct filter *f;
		const char *field, *code = NULL;
		char num[32];

		if (lua_type(L, -2) != LUA_TSTRING)
			luaL_error(L, "hearth.records: filter keys must be "
			    "field names");
		field = lua_tostring(L, -2);
		if (schema_field(sc, field) < 0)
			luaL_error(L, "hearth.records: %s records have no "
			    "field \"%s\"", sc->name, field);
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 4;

			*out = arena_realloc(a, *out, cap * sizeof(**out),
			    ncap * sizeof(**out));
			cap = ncap;
		}
		f = &(*out)[n++];
		f->field = arena_strdup(a, field);
		switch (lua_type(L, -1)) {
		case LUA_TSTRING:
			f->v = value_str(a, code = lua_tostring(L, -1));
			break;
		case LUA_TNUMBER:
			if (lua_isinteger(L, -1)) {
				f->v = value_int(a, lua_tointeger(L, -1));
				snprintf(num, sizeof(num), "%lld",
				    (long long)lua_tointeger(L, -1));
				code = num;
			} else
				f->v = value_num(a, lua_tonumber(L, -1), -1);
			break;
		case LUA_TBOOLEAN:
			f->v = value_bool(a, lua_toboolean(L, -1));
			break;
		default:
			luaL_error(L, "hearth.records: filter values must be "
			    "strings, numbers or booleans (%s is a %s)", field,
			    luaL_typename(L, -1));
		}
		if (p->county != NULL && (strcmp(field, "county") == 0 ||
		    strcmp(field, "township") == 0 ||
		    strcmp(field, "area") == 0)) {
			const struct division *d = code != NULL ?
			    division_find(&p->h->s->div, code) : NULL;

			if (d == NULL || !division_within(d, p->cdiv))
				luaL_error(L, "a county plugin may only read "
				    "its own county's records (asked for %s)",
				    code != NULL ? code : "?");
		}
		lua_pop(L, 1);
	}
	if (t != lua_absindex(L, arg))
		lua_pop(L, 1);
	return n;
}

/* hearth.records(type [, filter]) */
static int
api_records(lua_State *L)	/* [-0, +1]: array of read-only records */
{
	struct plugin *p = self(L);
	const struct recordset *set;
	struct filter *f;
	size_t i, j, nf;
	lua_Integer n = 0;

	alive(L, p);
	set = checktype(L, p, 1);
	arena_reset(&p->scratch);
	nf = filters(L, p, set->schema, 2, &f);
	charge(L, p, set->n + 1);
	lua_createtable(L, 0, 0);
	for (i = 0; i < set->n; i++) {
		const struct record *r = set->v[i];

		if (!visible(p, r))
			continue;
		for (j = 0; j < nf; j++) {
			const struct value *v = record_get(r, f[j].field);

			if (v == NULL || !value_equal(v, f[j].v))
				break;
		}
		if (j < nf)
			continue;
		charge(L, p, set->schema->nfields);
		pushvalue(L, p, r->fields, true);
		lua_rawseti(L, -2, ++n);
	}
	return 1;
}

/* hearth.record(type, id) */
static int
api_record(lua_State *L)	/* [-0, +1]: read-only record, or nil */
{
	struct plugin *p = self(L);
	const struct recordset *set;
	const struct record *r;
	const char *id;

	alive(L, p);
	set = checktype(L, p, 1);
	id = luaL_checkstring(L, 2);
	r = record_find(set, id);
	if (r != NULL && foreign(p, r))
		return luaL_error(L, "a county plugin may only read its own "
		    "county's records (asked for %s %s)", set->schema->name,
		    id);
	if (r == NULL || !visible(p, r)) {
		lua_pushnil(L);
		return 1;
	}
	pushvalue(L, p, r->fields, true);
	return 1;
}

static void
setstr(lua_State *L, const char *k, const char *v)	/* [-0, +0] */
{
	if (v != NULL) {
		lua_pushstring(L, v);
		lua_setfield(L, -2, k);
	}
}

/* hearth.division(code) */
static int
api_division(lua_State *L)	/* [-0, +1]: read-only division, or nil */
{
	struct plugin *p = self(L);
	const struct division *d;
	size_t i;

	alive(L, p);
	d = division_find(&p->h->s->div, luaL_checkstring(L, 1));
	if (d == NULL) {
		lua_pushnil(L);
		return 1;
	}
	lua_createtable(L, 0, 6);
	setstr(L, "code", d->code);
	setstr(L, "name", d->name);
	setstr(L, "level", division_level_name(d->level));
	lua_pushinteger(L, d->townships);
	lua_setfield(L, -2, "townships");
	setstr(L, "parent", d->parent != NULL ? d->parent->code : NULL);
	lua_createtable(L, (int)d->nchildren, 0);
	for (i = 0; i < d->nchildren; i++) {
		lua_pushstring(L, d->children[i]->code);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	makero(L);
	lua_setfield(L, -2, "children");
	makero(L);
	return 1;
}

/* hearth.markdown(text): rendered as the site renders Markdown. */
static int
api_markdown(lua_State *L)	/* [-0, +1]: HTML */
{
	struct plugin *p = self(L);
	const struct config *c = &p->h->s->cfg;
	struct markdown_opts o = { .unsafe_html = c->unsafe_html &&
	    p->county == NULL, .base_path = c->base_path };
	size_t n;
	const char *s;

	alive(L, p);
	s = luaL_checklstring(L, 1, &n);
	charge(L, p, n / 8 + 1);
	buf_reset(&p->buf);
	markdown_render(&p->buf, s, n, &o);
	pushhtml(L, p->buf.data, p->buf.len);
	return 1;
}

/* hearth.escape(s): HTML-escaped text, as a plain string. */
static int
api_escape(lua_State *L)	/* [-0, +1] */
{
	struct plugin *p = self(L);
	size_t n;
	const char *s;

	alive(L, p);
	s = luaL_checklstring(L, 1, &n);
	charge(L, p, n / 8 + 1);
	buf_reset(&p->buf);
	buf_put_html(&p->buf, s, n);
	lua_pushlstring(L, p->buf.data != NULL ? p->buf.data : "", p->buf.len);
	return 1;
}

static struct value *convert(lua_State *, struct plugin *, struct arena *,
    int, const struct value *, const char *, const char *, const char *);

/* hearth.render(partial [, ctx]): a partial of the theme. */
static int
api_render(lua_State *L)	/* [-0, +1]: HTML */
{
	struct plugin *p = self(L);
	struct tmpl_set *theme = p->h->theme;
	const char *name;
	struct value *ctx;
	struct htmlcheck_problem pr;
	char where[128];

	alive(L, p);
	name = luaL_checkstring(L, 1);
	if (!lua_isnoneornil(L, 2))
		luaL_checktype(L, 2, LUA_TTABLE);
	if (theme == NULL)
		return luaL_error(L, "hearth.render: the theme is not loaded "
		    "yet (call it from a hook)");
	if (!tmpl_set_has(theme, name))
		return luaL_error(L, "hearth.render: the theme has no "
		    "template \"%s\"", name);
	luaL_where(L, 1);
	snprintf(where, sizeof(where), "%s", lua_tostring(L, -1));
	lua_pop(L, 1);
	arena_reset(&p->scratch);
	if (lua_isnoneornil(L, 2))
		ctx = value_obj(&p->scratch);
	else
		ctx = convert(L, p, &p->scratch, 2, NULL, "hearth.render",
		    "ctx", where);
	buf_reset(&p->buf);
	if (tmpl_render(theme, name, ctx, &p->buf) < 0) {
		p->renderfail = p->serial;
		lua_pushlightuserdata(L, p);
		return lua_error(L);
	}
	charge(L, p, p->buf.len / 8 + 1);
	/* The partial trusts its context (a script URL, say); the plugin's
	 * values are data, so what the partial made is judged as HTML. */
	if (htmlcheck(p->buf.data != NULL ? p->buf.data : "", p->buf.len,
	    p->h->s->cfg.base_path, &pr) != 0)
		return luaL_error(L, "hearth.render: \"%s\" made %s (line %d, "
		    "column %d of its HTML): plugins' HTML runs no script",
		    name, pr.what, pr.line, pr.col);
	pushhtml(L, p->buf.data, p->buf.len);
	return 1;
}

/* hearth.log(...), also print: an information line. */
static int
api_log(lua_State *L)	/* [-0, +0] */
{
	struct plugin *p = self(L);
	luaL_Buffer b;
	int i, n = lua_gettop(L);

	luaL_buffinit(L, &b);
	for (i = 1; i <= n; i++) {
		if (i > 1)
			luaL_addchar(&b, '\t');
		luaL_tolstring(L, i, NULL);
		luaL_addvalue(&b);
	}
	luaL_pushresult(&b);
	diag_info("%s: %s", p->path, lua_tostring(L, -1));
	return 0;
}

/* hearth.error(msg): an error located at the caller's line. */
static int
api_error(lua_State *L)	/* [-1, +0]: raises */
{
	luaL_checkany(L, 1);
	lua_settop(L, 1);
	luaL_where(L, 1);
	luaL_tolstring(L, 1, NULL);
	lua_concat(L, 2);
	return lua_error(L);
}

static const luaL_Reg api[] = {
	{ "records", api_records },
	{ "record", api_record },
	{ "division", api_division },
	{ "markdown", api_markdown },
	{ "escape", api_escape },
	{ "render", api_render },
	{ "log", api_log },
	{ "error", api_error },
	{ NULL, NULL }
};

static void
pushconfig(lua_State *L, const struct config *c)	/* [-0, +1] */
{
	lua_createtable(L, 0, 7);
	setstr(L, "title", c->title);
	setstr(L, "title_en", c->title_en);
	setstr(L, "description", c->description);
	setstr(L, "base_url", c->base_url);
	setstr(L, "language", c->language);
	setstr(L, "publisher", c->publisher);
	lua_createtable(L, 0, 3);
	setstr(L, "id", c->licence_id);
	setstr(L, "title", c->licence_title);
	setstr(L, "url", c->licence_url);
	makero(L);
	lua_setfield(L, -2, "licence");
	makero(L);
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
	{ "print", api_log },
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
static int
setup(lua_State *L)	/* [-0, +0] */
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
		makero(L);
		lua_setfield(L, 2, lib->name);
	}
	luaL_setfuncs(L, sandboxfns, 0);

	luaL_newlib(L, api);
	pushconfig(L, &p->h->s->cfg);
	lua_setfield(L, -2, "config");
	setstr(L, "county", p->county);
	makero(L);
	lua_setfield(L, 2, "hearth");

	p->env = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_newtable(L);
	p->loaded = luaL_ref(L, LUA_REGISTRYINDEX);
	return 0;
}

/* ---- conversions --------------------------------------------------------- */

/*
 * Value -> Lua: strings (HTML ones as HTML userdata), numbers, booleans;
 * null is nil, so absent; arrays are sequences (null items dropped) and
 * objects tables.  ro: make every table a read-only proxy.
 */
static void
pushvalue(lua_State *L, const struct plugin *p, const struct value *v,
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
			pushhtml(L, v->u.str.s, v->u.str.len);
		else
			lua_pushlstring(L, v->u.str.s, v->u.str.len);
		return;
	case VAL_ARR:
		lua_createtable(L, v->u.arr.len > INT_MAX ? INT_MAX :
		    (int)v->u.arr.len, 0);
		for (i = 0; i < v->u.arr.len; i++) {
			if (v->u.arr.v[i]->kind == VAL_NULL)
				continue;
			pushvalue(L, p, v->u.arr.v[i], ro);
			lua_rawseti(L, -2, ++n);
		}
		break;
	case VAL_OBJ:
		lua_createtable(L, 0, v->u.obj.len > INT_MAX ? INT_MAX :
		    (int)v->u.obj.len);
		for (i = 0; i < v->u.obj.len; i++) {
			if (v->u.obj.m[i].val->kind == VAL_NULL)
				continue;
			pushvalue(L, p, v->u.obj.m[i].val, ro);
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
		makero(L);
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
	vsnprintf(msg, sizeof(msg), fmt, ap);
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

static int
cmpmember(const void *x, const void *y)
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
	ro = rodata(L, idx);
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
		qsort(m, count, sizeof(*m), cmpmember);
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
		if ((s = tohtml(L, idx, &n)) != NULL) {
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
static struct value *
convert(lua_State *L, struct plugin *p, struct arena *a, int idx,
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

/* ---- hooks --------------------------------------------------------------- */

/* "path:line: " of a hook, or "" when its line is unknown. */
static const char *
hookwhere(char *buf, size_t size, const struct hookfn *fn)
{
	if (fn->line > 0)
		snprintf(buf, size, "%s:%d: ", fn->path, fn->line);
	else
		buf[0] = '\0';
	return buf;
}

/* Raise an error located where the hook fn was defined. */
static int
hookerr(lua_State *L, const struct hookfn *fn, const char *fmt, ...)
{
	char where[300];
	va_list ap;

	lua_pushstring(L, hookwhere(where, sizeof(where), fn));
	va_start(ap, fmt);
	lua_pushvfstring(L, fmt, ap);
	va_end(ap);
	lua_concat(L, 2);
	return lua_error(L);
}

/* Where the function on top was defined. */
static void
definedat(lua_State *L, const struct plugin *p, struct hookfn *fn)
{
	lua_Debug ar;

	lua_pushvalue(L, -1);
	lua_getinfo(L, ">S", &ar);
	fn->path = NULL;
	if (ar.source[0] == '@')
		fn->path = knownpath(p, ar.source + 1, strlen(ar.source + 1));
	fn->line = fn->path != NULL && ar.linedefined > 0 ? ar.linedefined : 0;
	if (fn->path == NULL)
		fn->path = p->path;
}

/* Keep the hook called name, if the plugin defines it (env on top). */
static void
hookfn(lua_State *L, struct plugin *p, const char *name, struct hookfn *fn)
{
	lua_pushstring(L, name);
	if (lua_rawget(L, -2) == LUA_TNIL) {
		lua_pop(L, 1);
		return;
	}
	if (lua_type(L, -1) != LUA_TFUNCTION)
		luaL_error(L, "the %s hook must be a function, found %s", name,
		    luaL_typename(L, -1));
	definedat(L, p, fn);
	fn->ref = luaL_ref(L, LUA_REGISTRYINDEX);
}

static int
cmpshortcode(const void *x, const void *y)
{
	return strcmp(((const struct shortcode *)x)->name,
	    ((const struct shortcode *)y)->name);
}

/* Keep the functions of the shortcodes table (env on top). */
static void
shortcodes(lua_State *L, struct plugin *p)
{
	int t, ro;

	lua_pushliteral(L, "shortcodes");
	if (lua_rawget(L, -2) == LUA_TNIL) {
		lua_pop(L, 1);
		return;
	}
	if (lua_type(L, -1) != LUA_TTABLE)
		luaL_error(L, "shortcodes must be a table of functions, found "
		    "%s", luaL_typename(L, -1));
	ro = rodata(L, -1);
	t = lua_gettop(L);
	lua_pushnil(L);
	while (lua_next(L, t)) {
		struct shortcode *sc;
		const char *name;
		struct hookfn fn;

		if (lua_type(L, -2) != LUA_TSTRING ||
		    !id_valid(lua_tostring(L, -2), MAX_NAME))
			luaL_error(L, "shortcode names must be letters, "
			    "digits, '-' and '_'");
		name = lua_tostring(L, -2);
		if (lua_type(L, -1) != LUA_TFUNCTION)
			luaL_error(L, "shortcode \"%s\" must be a function, "
			    "found %s", name, luaL_typename(L, -1));
		definedat(L, p, &fn);
		fn.ref = luaL_ref(L, LUA_REGISTRYINDEX);
		p->sc = xrealloc(p->sc, (p->nsc + 1) * sizeof(*p->sc));
		sc = &p->sc[p->nsc++];
		sc->name = xstrdup(name);
		sc->fn = fn;
	}
	lua_pop(L, ro ? 2 : 1);
}

/* Load and run the plugin's chunk, then keep its hooks (trampoline). */
static int
t_main(lua_State *L)	/* [-0, +0] */
{
	struct plugin *p = lua_touserdata(L, 1);
	const struct sfile *f = source_get(p->h->src, p->path);

	if (loadsource(L, f) != LUA_OK)
		return lua_error(L);
	pushenv(L, p);
	lua_setupvalue(L, -2, 1);
	lua_call(L, 0, 0);
	pushenv(L, p);
	hookfn(L, p, "records", &p->records);
	hookfn(L, p, "page", &p->page);
	hookfn(L, p, "brand", &p->brand);
	shortcodes(L, p);
	lua_pop(L, 1);
	return 0;
}

static void
initplugin(struct plugin_host *h, struct plugin *p, const char *path,
    const char *county)
{
	const char *slash = strrchr(path, '/');

	p->h = h;
	p->path = xstrdup(path);
	p->dir = xstrndup(path, (size_t)(slash - path) + 1);
	p->county = county;
	p->limit = h->memory;
	p->budget = h->instructions;
	p->step = h->instructions < HOOK_STEP ? (int)h->instructions :
	    HOOK_STEP;
	p->env = p->loaded = LUA_NOREF;
	p->records.ref = p->page.ref = p->brand.ref = LUA_NOREF;
	pthread_mutex_init(&p->lock, NULL);
	arena_init(&p->scratch);
	buf_init(&p->buf);
}

/* Make the state, build the sandbox, run the chunk.  0 or -1. */
static int
start(struct plugin *p)
{
	if (p->county != NULL) {
		p->cdiv = division_find(&p->h->s->div, p->county);
		if (p->cdiv == NULL || p->cdiv->level != DIV_COUNTY) {
			diag_error(p->path, 0, 0, "\"%s\" is not a county code "
			    "of the reference divisions", p->county);
			return -1;
		}
	}
	if ((p->L = lua_newstate(alloc, p)) == NULL) {
		diag_error(p->path, 0, 0, "plugin exceeded its memory limit of "
		    "%zu MiB", p->limit >> 20);
		return -1;
	}
	lua_atpanic(p->L, panic);
	*(struct plugin **)lua_getextraspace(p->L) = p;
	if (docall(p, setup, p, p->path, 0, NULL) < 0 ||
	    docall(p, t_main, p, p->path, 0, NULL) < 0)
		return -1;
	if (p->nsc > 0)
		qsort(p->sc, p->nsc, sizeof(*p->sc), cmpshortcode);
	if (p->county == NULL && p->brand.ref != LUA_NOREF)
		diag_warning(p->brand.path, p->brand.line, 0, "a brand hook is "
		    "used only in a county plugin (content/counties/<code>/"
		    "plugin.lua); ignored");
	p->ok = true;
	return 0;
}

static const struct shortcode *
findsc(const struct plugin *p, const char *name)
{
	struct shortcode key;

	if (!p->ok || p->nsc == 0)
		return NULL;
	key.name = (char *)name;
	return bsearch(&key, p->sc, p->nsc, sizeof(*p->sc), cmpshortcode);
}

/* Two site-wide plugins may not define the same shortcode. */
static int
conflicts(const struct plugin_host *h)
{
	size_t i, j, k;
	int rc = 0;

	for (i = 0; i < h->n; i++)
		for (k = 0; h->v[i].county == NULL && k < h->v[i].nsc; k++)
			for (j = 0; j < i; j++) {
				const struct shortcode *sc = &h->v[i].sc[k];

				if (h->v[j].county == NULL &&
				    findsc(&h->v[j], sc->name) != NULL) {
					diag_error(sc->fn.path, sc->fn.line, 0,
					    "shortcode \"%s\" is already "
					    "defined by %s", sc->name,
					    h->v[j].path);
					rc = -1;
					break;
				}
			}
	return rc;
}

int
plugin_host_new(struct plugin_host **out, const struct site *s,
    const struct source *src)
{
	struct plugin_host *h = xcalloc(1, sizeof(*h));
	const struct sfile *f, *c;
	size_t nf, nc, i;
	int rc = 0;

	*out = h;
	h->s = s;
	h->src = src;
	h->instructions = PLUGIN_DEFAULT_INSTRUCTIONS;
	h->memory = PLUGIN_DEFAULT_MEMORY;
	h->seconds = PLUGIN_DEFAULT_SECONDS;
	h->total_seconds = PLUGIN_DEFAULT_TOTAL_SECONDS;
	arena_init(&h->arena);
	pthread_mutex_init(&h->wlock, NULL);
	pthread_cond_init(&h->wstop, NULL);
	limits(h, &s->cfg.plugins);
	nf = source_under(src, "plugins/", &f);
	nc = source_under(src, "content/counties/", &c);
	h->v = xcalloc(nf + nc + 1, sizeof(*h->v));
	for (i = 0; i < nf; i++)
		if (strchr(f[i].path + strlen("plugins/"), '/') == NULL &&
		    str_has_suffix(f[i].path, ".lua"))
			initplugin(h, &h->v[h->n++], f[i].path, NULL);
	for (i = 0; i < nc; i++) {
		const char *rel = c[i].path + strlen("content/counties/");
		const char *slash = strchr(rel, '/');

		if (slash != NULL && strcmp(slash + 1, "plugin.lua") == 0)
			initplugin(h, &h->v[h->n++], c[i].path,
			    arena_strndup(&h->arena, rel,
			    (size_t)(slash - rel)));
	}
	if (h->n > 0 && pthread_create(&h->watchdog, NULL, watch, h) == 0)
		h->watching = true;
	for (i = 0; i < h->n; i++)
		if (start(&h->v[i]) < 0)
			rc = -1;
	if (conflicts(h) < 0)
		rc = -1;
	return rc;
}

void
plugin_host_free(struct plugin_host *h)
{
	size_t i, j;

	if (h == NULL)
		return;
	if (h->watching) {
		pthread_mutex_lock(&h->wlock);
		h->stopping = true;
		pthread_cond_signal(&h->wstop);
		pthread_mutex_unlock(&h->wlock);
		pthread_join(h->watchdog, NULL);
	}
	pthread_mutex_destroy(&h->wlock);
	pthread_cond_destroy(&h->wstop);
	for (i = 0; i < h->n; i++) {
		struct plugin *p = &h->v[i];

		if (p->L != NULL) {
			/* Nothing of the plugin's runs here (no __gc), but
			 * keep it bounded and away from the site anyway. */
			p->closing = true;
			p->left = p->budget;
			lua_sethook(p->L, counthook, LUA_MASKCOUNT, p->step);
			lua_close(p->L);
		}
		for (j = 0; j < p->nmodules; j++)
			free(p->modules[j]);
		free(p->modules);
		for (j = 0; j < p->nsc; j++)
			free(p->sc[j].name);
		free(p->sc);
		free(p->path);
		free(p->dir);
		free(p->trace);
		pthread_mutex_destroy(&p->lock);
		arena_release(&p->scratch);
		buf_release(&p->buf);
	}
	free(h->v);
	free(h->extras);
	arena_release(&h->arena);
	free(h);
}

void
plugin_set_theme(struct plugin_host *h, struct tmpl_set *theme)
{
	h->theme = theme;
}

bool
plugin_has_shortcode(const struct plugin_host *h, const char *name)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		if (findsc(&h->v[i], name) != NULL)
			return true;
	return false;
}

/* The loaded plugin of a county, or NULL. */
static struct plugin *
countyplugin(const struct plugin_host *h, const char *county)
{
	size_t i;

	for (i = 0; county != NULL && i < h->n; i++)
		if (h->v[i].ok && h->v[i].county != NULL &&
		    strcmp(h->v[i].county, county) == 0)
			return &h->v[i];
	return NULL;
}

bool
plugin_has_brand(const struct plugin_host *h, const char *county)
{
	const struct plugin *p = countyplugin(h, county);

	return p != NULL && p->brand.ref != LUA_NOREF;
}

/* Extras: an open-addressing table keyed by record address. */
static size_t
slot(const struct extra *tab, size_t cap, const struct record *r)
{
	size_t i = (size_t)(((uintptr_t)r >> 4) * 2654435761u) & (cap - 1);

	while (tab[i].r != NULL && tab[i].r != r)
		i = (i + 1) & (cap - 1);
	return i;
}

static void
addextras(struct plugin_host *h, const struct record *r, struct value *v)
{
	struct extra *e;
	size_t i;

	if (2 * (h->nextras + 1) > h->capextras) {
		size_t cap = h->capextras ? h->capextras * 2 : 64;
		struct extra *tab = xcalloc(cap, sizeof(*tab));

		for (i = 0; i < h->capextras; i++)
			if (h->extras[i].r != NULL)
				tab[slot(tab, cap, h->extras[i].r)] =
				    h->extras[i];
		free(h->extras);
		h->extras = tab;
		h->capextras = cap;
	}
	e = &h->extras[slot(h->extras, h->capextras, r)];
	if (e->r == NULL) {
		e->r = r;
		e->v = v;
		h->nextras++;
		return;
	}
	/* An earlier plugin gave extras too: later plugins win per key. */
	e->v = value_obj_copy(&h->arena, e->v);
	for (i = 0; i < v->u.obj.len; i++)
		value_set(&h->arena, e->v, v->u.obj.m[i].key,
		    v->u.obj.m[i].val);
	if (e->v->u.obj.len > 0)
		qsort(e->v->u.obj.m, e->v->u.obj.len, sizeof(*e->v->u.obj.m),
		    cmpmember);
}

const struct value *
plugin_extras(const struct plugin_host *h, const struct record *r)
{
	const struct extra *e;

	if (h->capextras == 0)
		return NULL;
	e = &h->extras[slot(h->extras, h->capextras, r)];
	return e->r == r ? e->v : NULL;
}

struct rcall {
	struct plugin	*p;
	const struct recordset *set;
};

/* records(type, list) -> nil or { [id] = { key = value } } (trampoline) */
static int
t_records(lua_State *L)	/* [-0, +0] */
{
	struct rcall *rc = lua_touserdata(L, 1);
	struct plugin *p = rc->p;
	const struct recordset *set = rc->set;
	struct member *m = NULL;
	size_t i, n = 0, cap = 0;
	lua_Integer k = 0;
	char where[300];
	int t;

	lua_rawgeti(L, LUA_REGISTRYINDEX, p->records.ref);
	lua_pushstring(L, set->schema->name);
	lua_createtable(L, 0, 0);
	for (i = 0; i < set->n; i++)
		if (visible(p, set->v[i])) {
			pushvalue(L, p, set->v[i]->fields, true);
			lua_rawseti(L, -2, ++k);
		}
	lua_call(L, 2, 1);
	if (lua_isnil(L, -1))
		return 0;
	if (lua_type(L, -1) != LUA_TTABLE)
		return hookerr(L, &p->records, "the records hook must return "
		    "a table { [id] = { key = value } } or nothing, found %s",
		    luaL_typename(L, -1));
	rodata(L, -1);	/* a proxy's data, or the table itself */
	t = lua_gettop(L);
	/* Ids in sorted order, so errors come out the same every run. */
	lua_pushnil(L);
	while (lua_next(L, t)) {
		if (lua_type(L, -2) != LUA_TSTRING)
			return hookerr(L, &p->records, "the records hook "
			    "returned extras under a key that is not a record "
			    "id (a string)");
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			m = arena_realloc(&p->scratch, m, n * sizeof(*m),
			    cap * sizeof(*m));
		}
		m[n].key = arena_strdup(&p->scratch, lua_tostring(L, -2));
		m[n++].val = NULL;
		lua_pop(L, 1);
	}
	if (n > 0)
		qsort(m, n, sizeof(*m), cmpmember);
	for (i = 0; i < n; i++) {
		const struct record *r = record_find(set, m[i].key);
		struct value *v;

		if (r == NULL || (!visible(p, r) && !foreign(p, r)))
			return hookerr(L, &p->records, "the records hook "
			    "returned extras for %s \"%s\", which is not a "
			    "record it was given", set->schema->name,
			    m[i].key);
		if (!visible(p, r))
			return hookerr(L, &p->records, "a county plugin may "
			    "only change its own county's records (asked for "
			    "%s %s)", set->schema->name, m[i].key);
		lua_pushstring(L, m[i].key);
		lua_rawget(L, t);
		if (lua_type(L, -1) != LUA_TTABLE)
			return hookerr(L, &p->records, "the extras of %s "
			    "\"%s\" must be a table of named values, found "
			    "%s", set->schema->name, m[i].key,
			    luaL_typename(L, -1));
		v = convert(L, p, &p->h->arena, -1, NULL, "the records hook",
		    m[i].key, hookwhere(where, sizeof(where), &p->records));
		if (v->kind != VAL_OBJ)
			return hookerr(L, &p->records, "the extras of %s "
			    "\"%s\" must be a table of named values, not a "
			    "list", set->schema->name, m[i].key);
		addextras(p->h, r, v);
		lua_pop(L, 1);
	}
	return 0;
}

int
plugin_records(struct plugin_host *h)
{
	const struct site *s = h->s;
	size_t i, j;
	int rc = 0;

	for (i = 0; i < h->n; i++) {
		struct plugin *p = &h->v[i];

		if (!p->ok || p->records.ref == LUA_NOREF)
			continue;
		for (j = 0; j < s->nschemas; j++) {
			struct rcall c = { p, &s->sets[j] };

			arena_reset(&p->scratch);
			if (docall(p, t_records, &c, p->records.path,
			    p->records.line, NULL) < 0) {
				rc = -1;
				break;
			}
		}
	}
	return rc;
}

struct pcall {
	struct plugin	*p;
	const char	*kind;
	struct value	**ctx;
	struct arena	*a;
};

/* page(page, kind): the table it returns, or leaves (trampoline). */
static int
t_page(lua_State *L)	/* [-0, +0] */
{
	struct pcall *c = lua_touserdata(L, 1);
	struct plugin *p = c->p;
	struct value *v;
	char where[300];

	if (*c->ctx != NULL)
		pushvalue(L, p, *c->ctx, false);
	else
		lua_newtable(L);
	lua_rawgeti(L, LUA_REGISTRYINDEX, p->page.ref);
	lua_pushvalue(L, 2);
	lua_pushstring(L, c->kind);
	lua_call(L, 2, 1);
	if (lua_isnil(L, -1))
		lua_pop(L, 1);
	else if (lua_type(L, -1) != LUA_TTABLE)
		return hookerr(L, &p->page, "the page hook must return a table "
		    "or nothing, found %s",
		    luaL_typename(L, -1));
	v = convert(L, p, c->a, -1, *c->ctx, "the page hook", "page",
	    hookwhere(where, sizeof(where), &p->page));
	if (v->kind != VAL_OBJ)
		return hookerr(L, &p->page, "the page hook must leave a table "
		    "of named values, not a list");
	/* A key the hook set to nil is gone in Lua; for the templates it
	 * is null, as absent values are everywhere else. */
	value_keep_names(c->a, v, *c->ctx);
	*c->ctx = v;
	return 0;
}

int
plugin_page(struct plugin_host *h, const char *kind, const char *county,
    struct value **ctx, struct arena *a)
{
	size_t i;

	for (i = 0; i < h->n; i++) {
		struct plugin *p = &h->v[i];
		struct pcall c = { p, kind, ctx, a };

		if (!p->ok || p->page.ref == LUA_NOREF)
			continue;
		if (p->county != NULL &&
		    (county == NULL || strcmp(county, p->county) != 0))
			continue;
		if (docall(p, t_page, &c, p->page.path, p->page.line,
		    NULL) < 0)
			return -1;
	}
	return 0;
}

const char *
plugin_touches(const struct plugin_host *h, const char *county, bool brand)
{
	const struct plugin *c = countyplugin(h, county);
	size_t i;

	/* A county plugin's shortcodes, hearth.markdown and hooks all reach
	 * its county's pages: every one of them is checked. */
	if (c != NULL)
		return c->path;
	for (i = 0; i < h->n; i++) {
		const struct plugin *p = &h->v[i];

		if (p->ok && p->page.ref != LUA_NOREF && (p->county == NULL ||
		    (county != NULL && strcmp(county, p->county) == 0)))
			return p->path;
	}
	return NULL;
}

struct scall {
	struct plugin	*p;
	const struct shortcode *sc;
	const struct value *args, *page;
	struct buf	*out;
	bool		*is_html;
};

/* shortcodes[name](args, page) -> text or HTML (trampoline). */
static int
t_shortcode(lua_State *L)	/* [-0, +0] */
{
	struct scall *c = lua_touserdata(L, 1);
	const struct shortcode *sc = c->sc;
	const char *s;
	size_t n, bad;

	lua_rawgeti(L, LUA_REGISTRYINDEX, sc->fn.ref);
	if (c->args != NULL)
		pushvalue(L, c->p, c->args, false);
	else
		lua_newtable(L);
	if (c->page != NULL)
		pushvalue(L, c->p, c->page, false);
	else
		lua_pushnil(L);
	lua_call(L, 2, 1);
	if ((s = tohtml(L, -1, &n)) != NULL)
		*c->is_html = true;
	else if (lua_type(L, -1) == LUA_TSTRING ||
	    lua_type(L, -1) == LUA_TNUMBER) {
		s = lua_tolstring(L, -1, &n);
		*c->is_html = false;
	} else if (lua_isnil(L, -1)) {
		s = "";
		n = 0;
		*c->is_html = false;
	} else
		return hookerr(L, &sc->fn, "shortcode \"%s\" must return text "
		    "or HTML, found %s", sc->name,
		    luaL_typename(L, -1));
	if (!utf8_valid(s, n, &bad))
		return hookerr(L, &sc->fn, "shortcode \"%s\" returned text "
		    "that is not UTF-8", sc->name);
	buf_put(c->out, s, n);
	return 0;
}

int
plugin_shortcode(struct plugin_host *h, const char *name,
    const struct value *args, const struct value *page, const char *county,
    const char *path, int line, struct buf *out, bool *is_html)
{
	struct plugin *p = countyplugin(h, county);
	const struct shortcode *sc = p != NULL ? findsc(p, name) : NULL;
	struct scall c;
	char suffix[300];
	size_t i;

	for (i = 0; sc == NULL && i < h->n; i++)
		if (h->v[i].county == NULL &&
		    (sc = findsc(&h->v[i], name)) != NULL)
			p = &h->v[i];
	*is_html = false;
	if (sc == NULL) {
		diag_error(path, line, 0, "unknown shortcode \"%s\"", name);
		return -1;
	}
	c.p = p;
	c.sc = sc;
	c.args = args;
	c.page = page;
	c.out = out;
	c.is_html = is_html;
	snprintf(suffix, sizeof(suffix), " (in shortcode \"%s\" at %s:%d)",
	    name, path != NULL ? path : "?", line);
	return docall(p, t_shortcode, &c, sc->fn.path, sc->fn.line, suffix);
}

struct bcall {
	struct plugin	*p;
	const struct value *in;
	struct value	**out;
	struct arena	*a;
};

/* brand(county) -> the brand page's context (trampoline). */
static int
t_brand(lua_State *L)	/* [-0, +0] */
{
	struct bcall *c = lua_touserdata(L, 1);
	struct plugin *p = c->p;
	struct value *v;
	char where[300];

	lua_rawgeti(L, LUA_REGISTRYINDEX, p->brand.ref);
	if (c->in != NULL)
		pushvalue(L, p, c->in, false);
	else
		lua_newtable(L);
	lua_call(L, 1, 1);
	if (lua_type(L, -1) != LUA_TTABLE)
		return hookerr(L, &p->brand, "the brand hook must return a "
		    "table, found %s", luaL_typename(L, -1));
	v = convert(L, p, c->a, -1, c->in, "the brand hook", "result",
	    hookwhere(where, sizeof(where), &p->brand));
	if (v->kind != VAL_OBJ)
		return hookerr(L, &p->brand, "the brand hook must return a "
		    "table of named values, not a list");
	*c->out = v;
	return 0;
}

int
plugin_brand(struct plugin_host *h, const char *county,
    const struct value *in, struct value **out, struct arena *a)
{
	struct plugin *p = countyplugin(h, county);
	struct bcall c;

	if (p == NULL || p->brand.ref == LUA_NOREF)
		return 0;
	c.p = p;
	c.in = in;
	c.out = out;
	c.a = a;
	if (docall(p, t_brand, &c, p->brand.path, p->brand.line, NULL) < 0)
		return -1;
	return 1;
}
