/*
 * plugin_int: what the parts of the plugin host share.  plugin.c holds the
 * states, their limits and the hooks; plugin_sandbox.c the environment a
 * plugin's code runs in; plugin_api.c the hearth table; plugin_conv.c the
 * conversions between values and Lua.  Not for other modules: plugin.h is
 * the host's contract.
 */
#ifndef HEARTH_PLUGIN_INT_H
#define HEARTH_PLUGIN_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include <lauxlib.h>
#include <lua.h>

#include "arena.h"
#include "buf.h"
#include "plugin.h"

struct record;
struct sfile;
struct value;

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
	struct plugin_reads *reads; /* a shortcode call's, or NULL */
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

/* States and limits (plugin.c). */
struct plugin *pl_self(lua_State *L);	/* the plugin of a state */
/* s (n bytes) when it is a path of the plugin's own files, else NULL. */
const char *pl_knownpath(const struct plugin *p, const char *s, size_t n);
/* Count n bytes of work against the call's instruction budget. */
void	pl_charge(lua_State *L, struct plugin *p, size_t n);
/* Run the plugin's chunk once; 0 or -1 after reporting. */
int	pl_start(struct plugin *p);

/* The sandbox (plugin_sandbox.c). */
int	pl_setup(lua_State *L);		/* trampoline: the environment */
void	pl_pushenv(lua_State *L, const struct plugin *p);
void	pl_makero(lua_State *L);	/* table on top -> read-only proxy */
int	pl_rodata(lua_State *L, int idx);	/* a proxy's data table */
void	pl_pushhtml(lua_State *L, const char *s, size_t n);
const char *pl_tohtml(lua_State *L, int idx, size_t *n);
int	pl_loadsource(lua_State *L, const struct sfile *f);

/* The hearth table (plugin_api.c). */
void	pl_api_push(lua_State *L, struct plugin *p);
int	pl_api_log(lua_State *L);
void	pl_alive(lua_State *L, const struct plugin *p);
bool	pl_visible(const struct plugin *p, const struct record *r);
bool	pl_foreign(const struct plugin *p, const struct record *r);

/* Conversions (plugin_conv.c). */
void	pl_pushvalue(lua_State *L, const struct plugin *p,
	    const struct value *v, bool ro);
struct value *pl_convert(lua_State *L, struct plugin *p, struct arena *a,
	    int idx, const struct value *orig, const char *what,
	    const char *root, const char *where);
int	pl_cmpmember(const void *x, const void *y);

#endif
