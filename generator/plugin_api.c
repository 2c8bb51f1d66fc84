/*
 * plugin_api: the hearth table a plugin sees — records (its county's only,
 * for a county plugin), divisions, Markdown, escaping, rendering theme
 * templates, logging and errors (docs/plugins.md).
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

/* ---- API ----------------------------------------------------------------- */

void
pl_alive(lua_State *L, const struct plugin *p)
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
bool
pl_visible(const struct plugin *p, const struct record *r)
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
bool
pl_foreign(const struct plugin *p, const struct record *r)
{
	size_t i;

	if (p->county == NULL || pl_visible(p, r))
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
	t = pl_rodata(L, arg) ? lua_gettop(L) : lua_absindex(L, arg);
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
	struct plugin *p = pl_self(L);
	const struct recordset *set;
	struct filter *f;
	size_t i, j, nf;
	lua_Integer n = 0;

	pl_alive(L, p);
	set = checktype(L, p, 1);
	arena_reset(&p->scratch);
	nf = filters(L, p, set->schema, 2, &f);
	pl_charge(L, p, set->n + 1);
	lua_createtable(L, 0, 0);
	for (i = 0; i < set->n; i++) {
		const struct record *r = set->v[i];

		if (!pl_visible(p, r))
			continue;
		for (j = 0; j < nf; j++) {
			const struct value *v = record_get(r, f[j].field);

			if (v == NULL || !value_equal(v, f[j].v))
				break;
		}
		if (j < nf)
			continue;
		pl_charge(L, p, set->schema->nfields);
		pl_pushvalue(L, p, r->fields, true);
		lua_rawseti(L, -2, ++n);
	}
	return 1;
}

/* hearth.record(type, id) */
static int
api_record(lua_State *L)	/* [-0, +1]: read-only record, or nil */
{
	struct plugin *p = pl_self(L);
	const struct recordset *set;
	const struct record *r;
	const char *id;

	pl_alive(L, p);
	set = checktype(L, p, 1);
	id = luaL_checkstring(L, 2);
	r = record_find(set, id);
	if (r != NULL && pl_foreign(p, r))
		return luaL_error(L, "a county plugin may only read its own "
		    "county's records (asked for %s %s)", set->schema->name,
		    id);
	if (r == NULL || !pl_visible(p, r)) {
		lua_pushnil(L);
		return 1;
	}
	if (p->reads != NULL) {	/* a shortcode cites r */
		size_t i;

		for (i = 0; i < p->reads->n && p->reads->v[i] != r; i++)
			;
		if (i == p->reads->n && i < PLUGIN_READS_MAX)
			p->reads->v[p->reads->n++] = r;
	}
	pl_pushvalue(L, p, r->fields, true);
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
	struct plugin *p = pl_self(L);
	const struct division *d;
	size_t i;

	pl_alive(L, p);
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
	pl_makero(L);
	lua_setfield(L, -2, "children");
	pl_makero(L);
	return 1;
}

/* hearth.markdown(text): rendered as the site renders Markdown. */
static int
api_markdown(lua_State *L)	/* [-0, +1]: HTML */
{
	struct plugin *p = pl_self(L);
	const struct config *c = &p->h->s->cfg;
	struct markdown_opts o = { .unsafe_html = c->unsafe_html &&
	    p->county == NULL, .base_path = c->base_path };
	size_t n;
	const char *s;

	pl_alive(L, p);
	s = luaL_checklstring(L, 1, &n);
	pl_charge(L, p, n / 8 + 1);
	buf_reset(&p->buf);
	markdown_render(&p->buf, s, n, &o);
	pl_pushhtml(L, p->buf.data, p->buf.len);
	return 1;
}

/* hearth.escape(s): HTML-escaped text, as a plain string. */
static int
api_escape(lua_State *L)	/* [-0, +1] */
{
	struct plugin *p = pl_self(L);
	size_t n;
	const char *s;

	pl_alive(L, p);
	s = luaL_checklstring(L, 1, &n);
	pl_charge(L, p, n / 8 + 1);
	buf_reset(&p->buf);
	buf_put_html(&p->buf, s, n);
	lua_pushlstring(L, p->buf.data != NULL ? p->buf.data : "", p->buf.len);
	return 1;
}


/* hearth.render(partial [, ctx]): a partial of the theme. */
static int
api_render(lua_State *L)	/* [-0, +1]: HTML */
{
	struct plugin *p = pl_self(L);
	struct tmpl_set *theme = p->h->theme;
	const char *name;
	struct value *ctx;
	struct htmlcheck_problem pr;
	char where[128];

	pl_alive(L, p);
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
		ctx = pl_convert(L, p, &p->scratch, 2, NULL, "hearth.render",
		    "ctx", where);
	buf_reset(&p->buf);
	if (tmpl_render(theme, name, ctx, &p->buf) < 0) {
		p->renderfail = p->serial;
		lua_pushlightuserdata(L, p);
		return lua_error(L);
	}
	pl_charge(L, p, p->buf.len / 8 + 1);
	/* The partial trusts its context (a script URL, say); the plugin's
	 * values are data, so what the partial made is judged as HTML. */
	if (htmlcheck(p->buf.data != NULL ? p->buf.data : "", p->buf.len,
	    p->h->s->cfg.base_path, &pr) != 0)
		return luaL_error(L, "hearth.render: \"%s\" made %s (line %d, "
		    "column %d of its HTML): plugins' HTML runs no script",
		    name, pr.what, pr.line, pr.col);
	pl_pushhtml(L, p->buf.data, p->buf.len);
	return 1;
}

/* hearth.log(...), also print: an information line. */
int
pl_api_log(lua_State *L)	/* [-0, +0] */
{
	struct plugin *p = pl_self(L);
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
	{ "log", pl_api_log },
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
	pl_makero(L);
	lua_setfield(L, -2, "licence");
	pl_makero(L);
}

/* The hearth table of plugin p, read-only, on top of L's stack. */
void
pl_api_push(lua_State *L, struct plugin *p)	/* [-0, +1] */
{
	luaL_newlib(L, api);
	pushconfig(L, &p->h->s->cfg);
	lua_setfield(L, -2, "config");
	setstr(L, "county", p->county);
	pl_makero(L);
}
