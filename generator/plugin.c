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
 * This file: states and limits, then the hooks.  The sandbox, the API and
 * the conversions are in plugin_sandbox.c, plugin_api.c and plugin_conv.c
 * (plugin_int.h).
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
#include "json.h"
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

static void	counthook(lua_State *, lua_Debug *);

/* ---- states and limits --------------------------------------------------- */

struct plugin *
pl_self(lua_State *L)
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
const char *
pl_knownpath(const struct plugin *p, const char *s, size_t n)
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
void
pl_charge(lua_State *L, struct plugin *p, size_t n)
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
	struct plugin *p = pl_self(L);

	if (p->spent)
		spend(L, p);
	p->left -= p->armed ? 1 : p->step;
	if (lua_getinfo(L, "Sl", ar) && ar->currentline > 0 &&
	    ar->source[0] == '@') {
		const char *path = pl_knownpath(p, ar->source + 1,
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
		const char *k = pl_knownpath(p, msg, (size_t)(c - msg));
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
	struct plugin *p = pl_self(L);
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
		path = pl_knownpath(p, ar.source + 1, strlen(ar.source + 1));
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
	p->reads = NULL;
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
	lua_pushvfstring(L, _(fmt), ap);
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
		fn->path = pl_knownpath(p, ar.source + 1, strlen(ar.source + 1));
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
	ro = pl_rodata(L, -1);
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

	if (pl_loadsource(L, f) != LUA_OK)
		return lua_error(L);
	pl_pushenv(L, p);
	lua_setupvalue(L, -2, 1);
	lua_call(L, 0, 0);
	pl_pushenv(L, p);
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
int
pl_start(struct plugin *p)
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
	if (docall(p, pl_setup, p, p->path, 0, NULL) < 0 ||
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
		if (pl_start(&h->v[i]) < 0)
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
		    pl_cmpmember);
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
		if (pl_visible(p, set->v[i])) {
			pl_pushvalue(L, p, set->v[i]->fields, true);
			lua_rawseti(L, -2, ++k);
		}
	lua_call(L, 2, 1);
	if (lua_isnil(L, -1))
		return 0;
	if (lua_type(L, -1) != LUA_TTABLE)
		return hookerr(L, &p->records, "the records hook must return "
		    "a table { [id] = { key = value } } or nothing, found %s",
		    luaL_typename(L, -1));
	pl_rodata(L, -1);	/* a proxy's data, or the table itself */
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
		qsort(m, n, sizeof(*m), pl_cmpmember);
	for (i = 0; i < n; i++) {
		const struct record *r = record_find(set, m[i].key);
		struct value *v;

		if (r == NULL || (!pl_visible(p, r) && !pl_foreign(p, r)))
			return hookerr(L, &p->records, "the records hook "
			    "returned extras for %s \"%s\", which is not a "
			    "record it was given", set->schema->name,
			    m[i].key);
		if (!pl_visible(p, r))
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
		v = pl_convert(L, p, &p->h->arena, -1, NULL, "the records hook",
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

bool
plugin_given(const struct plugin_host *h, const struct record *r)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		if (h->v[i].ok && h->v[i].records.ref != LUA_NOREF &&
		    pl_visible(&h->v[i], r))
			return true;
	return false;
}

void
plugin_extras_json(const struct plugin_host *h, struct buf *out)
{
	const struct site *s = h->s;
	const struct value *v;
	size_t i, j;

	if (h->nextras == 0)
		return;
	for (i = 0; i < s->nschemas; i++)
		for (j = 0; j < s->sets[i].n; j++)
			if ((v = plugin_extras(h, s->sets[i].v[j])) != NULL) {
				const char *id = s->sets[i].v[j]->id;

				buf_puts(out, s->schemas[i].name);
				buf_putc(out, ' ');
				buf_put_json_str(out, id != NULL ? id : "",
				    id != NULL ? strlen(id) : 0);
				json_write(out, v, 0);
				buf_putc(out, '\n');
			}
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
		pl_pushvalue(L, p, *c->ctx, false);
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
	v = pl_convert(L, p, c->a, -1, *c->ctx, "the page hook", "page",
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
	struct plugin_reads *reads;
};

/* shortcodes[name](args, page) -> text or HTML (trampoline). */
static int
t_shortcode(lua_State *L)	/* [-0, +0] */
{
	struct scall *c = lua_touserdata(L, 1);
	const struct shortcode *sc = c->sc;
	const char *s;
	size_t n, bad;

	c->p->reads = c->reads;	/* docall clears it */

	lua_rawgeti(L, LUA_REGISTRYINDEX, sc->fn.ref);
	if (c->args != NULL)
		pl_pushvalue(L, c->p, c->args, false);
	else
		lua_newtable(L);
	if (c->page != NULL)
		pl_pushvalue(L, c->p, c->page, false);
	else
		lua_pushnil(L);
	lua_call(L, 2, 1);
	if ((s = pl_tohtml(L, -1, &n)) != NULL)
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
    const char *path, int line, struct buf *out, bool *is_html,
    struct plugin_reads *reads)
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
	c.reads = reads;
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
		pl_pushvalue(L, p, c->in, false);
	else
		lua_newtable(L);
	lua_call(L, 1, 1);
	if (lua_type(L, -1) != LUA_TTABLE)
		return hookerr(L, &p->brand, "the brand hook must return a "
		    "table, found %s", luaL_typename(L, -1));
	v = pl_convert(L, p, c->a, -1, c->in, "the brand hook", "result",
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
