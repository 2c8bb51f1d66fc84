/*
 * Unit tests of the plugin host, on real sites: a copy of tests/sites/mini
 * (plus the repository's themes and a second county with a station) with
 * plugin files added.  Every hook is exercised, then every plugin of the
 * escape corpus (tests/plugins/escapes/NAME.lua) must fail with the diagnostic
 * its first line names, quickly, and leave the process able to go on.
 *
 * Run with one argument, a .lua file, to load it as a county plugin of a
 * fresh site and see what it reports; with TEST_PLUGIN_VERBOSE set, every
 * escape is listed with its time and diagnostic.
 */
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "harness.h"
#include "out.h"
#include "plugin.h"
#include "record.h"
#include "repo.h"
#include "site.h"
#include "source.h"
#include "template.h"
#include "value.h"

#define ESCAPES		"tests/plugins/escapes"
#define MAX_SECONDS	30.0	/* per escape, sanitizers included */

struct env {
	char		 dir[64];
	struct source	 src;
	struct site	 site;
	struct tmpl_set	*theme;
	struct plugin_host *h;
	bool		 loaded;	/* source and site */
};

/* ---- helpers ------------------------------------------------------------- */

static int saved_fd = -1;	/* stderr while it is captured */

/* Give up on the whole run (stderr restored first). */
static void
fatal(const char *what, const char *arg)
{
	if (saved_fd >= 0) {
		fflush(stderr);
		dup2(saved_fd, 2);
	}
	fprintf(stderr, "test_plugin: %s %s\n", what, arg);
	exit(1);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
run(const char *cmd)
{
	if (system(cmd) != 0)
		fatal("failed:", cmd);
}

/* Write dir/rel, making its folders. */
static void
put(const char *dir, const char *rel, const char *text)
{
	char path[512], *slash;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	for (slash = strchr(path + strlen(dir) + 1, '/'); slash != NULL;
	    slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	if ((fp = fopen(path, "w")) == NULL || fputs(text, fp) < 0)
		fatal("cannot write", path);
	fclose(fp);
}

/* Append to dir/rel. */
static void
append(const char *dir, const char *rel, const char *text)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	if ((fp = fopen(path, "a")) == NULL || fputs(text, fp) < 0)
		fatal("cannot write", path);
	fclose(fp);
}

static char *
slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	struct buf b;
	char chunk[4096];
	size_t n;

	buf_init(&b);
	buf_puts(&b, "");
	if (fp == NULL)
		return buf_detach(&b, NULL);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_put(&b, chunk, n);
	fclose(fp);
	return buf_detach(&b, NULL);
}

/* A fresh site: the mini site, the themes, and county 990102 with a
 * station of its own. */
static void
mksite(struct env *e)
{
	char cmd[256];

	memset(e, 0, sizeof(*e));
	snprintf(e->dir, sizeof(e->dir), "/tmp/hearth-plugin.XXXXXX");
	if (mkdtemp(e->dir) == NULL)
		fatal("cannot make", e->dir);
	snprintf(cmd, sizeof(cmd), "cp -R tests/sites/mini/. %s/ && "
	    "cp -R themes %s/", e->dir, e->dir);
	run(cmd);
	put(e->dir, "content/counties/990102/station.csv",
	    "id,name,kind,county,township,opened\n"
	    "990102001,西一镇社工站,township,990102,990102001,2022-07\n");
}

/* Read the site and start the plugins; returns -1 when the site or its
 * plugins do not load (fatal unless allowed). */
static int
load_site(struct env *e, bool may_fail)
{
	struct site_opts opts = { 0 };

	diag_reset();	/* site_load fails while any error is counted */
	if (source_load_dir(&e->src, e->dir, 1) < 0 ||
	    site_load(&e->site, &e->src, &opts) < 0) {
		if (!may_fail)
			fatal("the test site does not load:", e->dir);
		site_release(&e->site);
		source_release(&e->src);
		return -1;
	}
	e->loaded = true;
	e->theme = out_page_theme(&e->site, &e->src);
	if (plugin_host_new(&e->h, &e->site, &e->src) < 0)
		return -1;
	plugin_set_theme(e->h, e->theme);
	return 0;
}

static int
load(struct env *e)
{
	return load_site(e, false);
}

static void
done(struct env *e)
{
	char cmd[128];

	plugin_host_free(e->h);
	if (e->theme != NULL)
		tmpl_set_free(e->theme);
	if (e->loaded) {
		site_release(&e->site);
		source_release(&e->src);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", e->dir);
	run(cmd);
}

/* Send stderr to a file until uncapture, which returns what was
 * written (free it). */
static char capfile[] = "/tmp/hearth-plugin-err.XXXXXX";

static void
capture(void)
{
	int fd;

	fflush(stderr);
	strcpy(capfile, "/tmp/hearth-plugin-err.XXXXXX");
	if ((fd = mkstemp(capfile)) < 0)
		fatal("cannot make", capfile);
	saved_fd = dup(2);
	dup2(fd, 2);
	close(fd);
}

static char *
uncapture(void)
{
	char *text;

	fflush(stderr);
	dup2(saved_fd, 2);
	close(saved_fd);
	saved_fd = -1;
	text = slurp(capfile);
	unlink(capfile);
	return text;
}

static bool
has(const char *text, const char *want)
{
	if (text != NULL && strstr(text, want) != NULL)
		return true;
	fprintf(stderr, "  want: %s\n  in:   %s\n", want, text ? text : "");
	return false;
}

static const struct value *
get(const struct value *obj, const char *key)
{
	const struct value *v = value_get(obj, key);

	if (v == NULL)
		fprintf(stderr, "  no key %s\n", key);
	return v;
}

static const char *
str(const struct value *obj, const char *key)
{
	const struct value *v = get(obj, key);

	return v != NULL && v->kind == VAL_STR ? v->u.str.s : NULL;
}

static const struct record *
station(const struct env *e, const char *id)
{
	return record_find(site_records(&e->site, "station"), id);
}

/* ---- hooks --------------------------------------------------------------- */

static const char api_lua[] =
    "-- hearth API from a site-wide plugin\n"
    "local stations = hearth.records(\"station\")\n"
    "local n = #stations\n"
    "local east = hearth.records(\"station\", { county = \"990101\" })\n"
    "local second = hearth.records(\"station\", { township = \"990101002\" "
    "})\n"
    "local rec = hearth.record(\"station\", \"990101001\")\n"
    "local div = hearth.division(\"990101\")\n"
    "local helper = require(\"helper\")\n"
    "seen = {}\n"
    "\n"
    "function records(type, list)\n"
    "  seen[type] = #list\n"
    "  if type ~= \"station\" then return end\n"
    "  local out = {}\n"
    "  for _, s in ipairs(list) do\n"
    "    out[s.id] = { badge = helper.badge(s.id),\n"
    "      intro = hearth.markdown(\"*\" .. s.name .. \"*\") }\n"
    "  end\n"
    "  return out\n"
    "end\n"
    "\n"
    "function page(p, kind)\n"
    "  p.title = p.title .. \"!\"\n"
    "  p.kind = kind\n"
    "  p.n = n\n"
    "  p.east = #east\n"
    "  p.second = second[1].name\n"
    "  p.rec = rec.name .. \"/\" .. rec.opened .. \"/\" .. tostring(rec.lon)\n"
    "  p.cfg = hearth.config.title .. \"/\" .. hearth.config.licence.id\n"
    "  p.county_nil = hearth.county == nil\n"
    "  p.div = div.name .. \"/\" .. div.level .. \"/\" .. div.parent .. "
    "\"/\" ..\n"
    "    #div.children .. \"/\" .. div.children[1] .. \"/\" .. "
    "div.townships\n"
    "  p.body = tostring(p.body)\n"
    "  p.md = hearth.markdown(\"**bold** [x](/news/one/)\")\n"
    "  p.esc = hearth.escape(\"<a&b>\")\n"
    "  p.card = hearth.render(\"news-card\", { url = \"/n/\", "
    "title = \"<T>\",\n"
    "    date = \"2023-06-01\", date_text = \"6月1日\" })\n"
    "  p.list = { 3, 2, 1 }\n"
    "  p.map = { b = 1, a = 2.5, c = true }\n"
    "  p.seen = seen.station .. \"/\" .. seen.report\n"
    "  p.gone = nil\n"
    "  print(\"page\", kind)\n"
    "end\n"
    "\n"
    "shortcodes = {\n"
    "  hello = function(args, page)\n"
    "    return \"Hello **\" .. args.name .. \"** on \" ..\n"
    "      (page and page.title or \"?\")\n"
    "  end,\n"
    "  box = function(args) return hearth.markdown(\"> \" .. args.text) "
    "end,\n"
    "  bad = function() return {} end,\n"
    "}\n";

static const char helper_lua[] =
    "local M = {}\n"
    "function M.badge(id) return \"站\" .. id end\n"
    "return M\n";

static const char county_lua[] =
    "-- county 990101\n"
    "mine = #hearth.records(\"station\")\n"
    "function records(type, list)\n"
    "  if type == \"station\" then got = #list end\n"
    "end\n"
    "function page(p, kind)\n"
    "  p.touched = hearth.county .. \"/\" .. mine .. \"/\" .. got\n"
    "end\n"
    "function brand(c)\n"
    "  return { title = c.name .. \"品牌\", code = c.code,\n"
    "    stations = #hearth.records(\"station\"),\n"
    "    intro = hearth.markdown(\"*x*\"),\n"
    "    nested = { list = { 1, 2 }, flag = false, empty = {} } }\n"
    "end\n"
    "shortcodes = {\n"
    "  hello = function() return \"east\" end,\n"
    "  only_east = function() return \"only\" end,\n"
    "}\n";

static struct value *
pagectx(struct arena *a)
{
	struct value *ctx = value_obj(a);

	value_set_str(a, ctx, "title", "T");
	value_set(a, ctx, "body", value_html(a, "<p>b</p>", 8));
	value_set(a, ctx, "keep", value_html(a, "<i>k</i>", 8));
	value_set(a, ctx, "num", value_num(a, 0.75, 4));
	value_set(a, ctx, "gone", value_int(a, 1));
	return ctx;
}

static void
test_hooks(void)
{
	struct env e;
	struct arena a;
	struct value *ctx, *orig, *args, *in, *out;
	const struct value *x, *v;
	struct buf b;
	bool html;
	char *err;
	int rc;

	mksite(&e);
	put(e.dir, "plugins/api.lua", api_lua);
	put(e.dir, "plugins/helper.lua", helper_lua);
	put(e.dir, "content/counties/990101/plugin.lua", county_lua);
	capture();
	rc = load(&e);
	err = uncapture();
	INT_EQ(rc, 0);
	STR_EQ(err, "");
	free(err);
	arena_init(&a);

	/* records: extras kept, only for records the plugin was given. */
	INT_EQ(plugin_records(e.h), 0);
	x = plugin_extras(e.h, station(&e, "990101001"));
	OK(x != NULL && x->kind == VAL_OBJ && x->u.obj.len == 2);
	if (x != NULL) {
		STR_EQ(x->u.obj.m[0].key, "badge");	/* sorted */
		STR_EQ(str(x, "badge"), "站990101001");
		OK(get(x, "badge") && !get(x, "badge")->html);
		STR_EQ(str(x, "intro"), "<p><em>东一镇社工站</em></p>\n");
		OK(get(x, "intro") && get(x, "intro")->html);
	}
	OK(plugin_extras(e.h, station(&e, "990102001")) != NULL);
	OK(plugin_extras(e.h, record_find(site_records(&e.site, "report"),
	    "r-2023")) == NULL);

	/* page: site-wide plugins see every page. */
	ctx = orig = pagectx(&a);
	capture();
	rc = plugin_page(e.h, "news", NULL, &ctx, &a);
	err = uncapture();
	INT_EQ(rc, 0);
	OK(has(err, "plugins/api.lua: page\tnews"));
	free(err);
	STR_EQ(str(ctx, "title"), "T!");
	STR_EQ(str(ctx, "kind"), "news");
	OK(get(ctx, "n") && get(ctx, "n")->kind == VAL_INT &&
	    get(ctx, "n")->u.i == 3);
	OK(get(ctx, "east") && get(ctx, "east")->u.i == 2);
	STR_EQ(str(ctx, "second"), "东二镇社工站");
	STR_EQ(str(ctx, "rec"), "东一镇社工站/2022-05/nil");
	STR_EQ(str(ctx, "cfg"), "测试站点/CC-BY-4.0");
	OK(get(ctx, "county_nil") && get(ctx, "county_nil")->u.b);
	STR_EQ(str(ctx, "div"), "东县/county/9901/2/990101001/2");
	/* An HTML key replaced by a plain string is no longer HTML. */
	STR_EQ(str(ctx, "body"), "<p>b</p>");
	OK(get(ctx, "body") && !get(ctx, "body")->html);
	/* Untouched values come back as they were. */
	OK(get(ctx, "keep") == value_get(orig, "keep") &&
	    get(ctx, "keep")->html);
	OK(get(ctx, "num") == value_get(orig, "num") &&
	    get(ctx, "num")->u.num.prec == 4);
	OK(get(ctx, "md") && get(ctx, "md")->html);
	STR_EQ(str(ctx, "md"),
	    "<p><strong>bold</strong> <a href=\"/news/one/\">x</a></p>\n");
	STR_EQ(str(ctx, "esc"), "&lt;a&amp;b&gt;");
	OK(get(ctx, "esc") && !get(ctx, "esc")->html);
	OK(get(ctx, "card") && get(ctx, "card")->html &&
	    has(str(ctx, "card"), "&lt;T&gt;") &&
	    has(str(ctx, "card"), "href=\"/n/\""));
	x = get(ctx, "list");
	OK(x && x->kind == VAL_ARR && x->u.arr.len == 3 &&
	    x->u.arr.v[0]->u.i == 3);
	x = get(ctx, "map");
	OK(x && x->kind == VAL_OBJ && x->u.obj.len == 3);
	if (x && x->u.obj.len == 3) {
		STR_EQ(x->u.obj.m[0].key, "a");
		STR_EQ(x->u.obj.m[1].key, "b");
		STR_EQ(x->u.obj.m[2].key, "c");
		INT_EQ(x->u.obj.m[0].val->kind, VAL_NUM);
		INT_EQ(x->u.obj.m[2].val->kind, VAL_BOOL);
	}
	STR_EQ(str(ctx, "seen"), "3/1");
	/* A key set to nil is null: the name stays for the templates. */
	OK(value_get(ctx, "gone") != NULL &&
	    value_get(ctx, "gone")->kind == VAL_NULL);
	OK(value_get(ctx, "touched") == NULL);	/* no county given */

	/* A county plugin sees only its county's pages and records. */
	ctx = pagectx(&a);
	capture();
	INT_EQ(plugin_page(e.h, "county", "990102", &ctx, &a), 0);
	free(uncapture());
	OK(value_get(ctx, "touched") == NULL);
	ctx = pagectx(&a);
	capture();
	INT_EQ(plugin_page(e.h, "county", "990101", &ctx, &a), 0);
	free(uncapture());
	STR_EQ(str(ctx, "touched"), "990101/2/2");
	STR_EQ(str(ctx, "title"), "T!");

	/* shortcodes */
	buf_init(&b);
	args = value_obj(&a);
	value_set_str(&a, args, "name", "W");
	value_set_str(&a, args, "text", "q");
	in = value_obj(&a);
	value_set_str(&a, in, "title", "P");
	OK(plugin_has_shortcode(e.h, "hello"));
	OK(plugin_has_shortcode(e.h, "only_east"));
	OK(!plugin_has_shortcode(e.h, "nope"));
	INT_EQ(plugin_shortcode(e.h, "hello", args, in, NULL,
	    "content/news/one.md", 7, &b, &html, NULL), 0);
	STR_EQ(b.data, "Hello **W** on P");
	OK(!html);
	buf_reset(&b);
	INT_EQ(plugin_shortcode(e.h, "hello", args, NULL, "990102",
	    "content/news/one.md", 7, &b, &html, NULL), 0);
	STR_EQ(b.data, "Hello **W** on ?");
	buf_reset(&b);
	/* On its county's pages the county's shortcode wins. */
	INT_EQ(plugin_shortcode(e.h, "hello", args, in, "990101",
	    "content/news/one.md", 7, &b, &html, NULL), 0);
	STR_EQ(b.data, "east");
	buf_reset(&b);
	INT_EQ(plugin_shortcode(e.h, "box", args, NULL, NULL,
	    "content/news/one.md", 7, &b, &html, NULL), 0);
	STR_EQ(b.data, "<blockquote>\n<p>q</p>\n</blockquote>\n");
	OK(html);
	buf_reset(&b);
	capture();
	INT_EQ(plugin_shortcode(e.h, "nope", args, NULL, NULL,
	    "content/news/one.md", 7, &b, &html, NULL), -1);
	INT_EQ(plugin_shortcode(e.h, "only_east", args, NULL, "990102",
	    "content/news/two.md", 3, &b, &html, NULL), -1);
	INT_EQ(plugin_shortcode(e.h, "bad", args, NULL, NULL,
	    "content/news/one.md", 9, &b, &html, NULL), -1);
	err = uncapture();
	OK(has(err, "content/news/one.md:7: error: unknown shortcode "
	    "\"nope\"\n"));
	OK(has(err, "content/news/two.md:3: error: unknown shortcode "
	    "\"only_east\"\n"));
	OK(has(err, "plugins/api.lua:51: error: shortcode \"bad\" must return "
	    "text or HTML, found table (in shortcode \"bad\" at "
	    "content/news/one.md:9)\n"));
	INT_EQ(b.len, 0);
	free(err);
	buf_reset(&b);
	INT_EQ(plugin_shortcode(e.h, "only_east", NULL, NULL, "990101",
	    "content/news/one.md", 7, &b, &html, NULL), 0);
	STR_EQ(b.data, "only");
	buf_release(&b);

	/* brand */
	OK(plugin_has_brand(e.h, "990101"));
	OK(!plugin_has_brand(e.h, "990102"));
	in = value_obj(&a);
	value_set_str(&a, in, "code", "990101");
	value_set_str(&a, in, "name", "东县");
	out = NULL;
	INT_EQ(plugin_brand(e.h, "990101", in, &out, &a), 1);
	OK(out != NULL && out->kind == VAL_OBJ);
	STR_EQ(str(out, "title"), "东县品牌");
	STR_EQ(str(out, "code"), "990101");
	OK(get(out, "code") == value_get(in, "code"));
	OK(get(out, "stations") && get(out, "stations")->u.i == 2);
	OK(get(out, "intro") && get(out, "intro")->html);
	v = get(out, "nested");
	OK(v && v->kind == VAL_OBJ && v->u.obj.len == 3);
	OK(v && get(v, "list") && get(v, "list")->kind == VAL_ARR &&
	    get(v, "list")->u.arr.len == 2);
	OK(v && get(v, "flag") && get(v, "flag")->kind == VAL_BOOL);
	OK(v && get(v, "empty") && get(v, "empty")->kind == VAL_ARR);
	out = NULL;
	INT_EQ(plugin_brand(e.h, "990102", in, &out, &a), 0);
	OK(out == NULL);

	arena_release(&a);
	done(&e);
}

/* Validation in a records hook: hearth.error at the caller's line. */
static void
test_validation(void)
{
	struct env e;
	char *err;

	mksite(&e);
	put(e.dir, "plugins/check.lua",
	    "function records(type, list)\n"
	    "  for _, r in ipairs(list) do\n"
	    "    if type == \"station\" and r.opened == \"2022-06\" then\n"
	    "      hearth.error(\"station \" .. r.id .. \" opened too late\")\n"
	    "    end\n"
	    "  end\n"
	    "end\n");
	INT_EQ(load(&e), 0);
	capture();
	INT_EQ(plugin_records(e.h), -1);
	err = uncapture();
	STR_EQ(err, "plugins/check.lua:4: error: station 990101002 opened too "
	    "late\n");
	free(err);
	done(&e);
}

/* Hooks that return what is not data. */
static void
test_conversions(void)
{
	static const struct {
		const char *body, *want;
	} cases[] = {
		{ "p.f = print",
		    "plugins/x.lua:1: error: the page hook: a function cannot "
		    "be converted to data (at page.f)" },
		{ "p.t = { [true] = 1 }",
		    "plugins/x.lua:1: error: the page hook: a table that is "
		    "neither a list (keys 1..n) nor a map (string keys) (at "
		    "page.t)" },
		{ "p.t = { 1, 2, x = 3 }", "neither a list" },
		{ "p.t = { [1] = 1, [3] = 3 }", "neither a list" },
		{ "local t = {} t.t = t p.t = t",
		    "tables nested more than 32 deep (at page.t.t.t.t" },
		{ "p.n = 0/0", "a number that is not finite (at page.n)" },
		{ "p.s = \"\\xff\"", "a string that is not UTF-8 text" },
		{ "p.r = hearth", "a function cannot be converted to data (at "
		    "page.r.division)" },
		{ "return 3", "plugins/x.lua:1: error: the page hook must "
		    "return a table or nothing, found number" },
		{ "return { 1, 2 }", "must leave a table of named values, not "
		    "a list" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct env e;
		struct arena a;
		struct value *ctx;
		char src[256], *err;

		mksite(&e);
		snprintf(src, sizeof(src), "function page(p) %s end\n",
		    cases[i].body);
		put(e.dir, "plugins/x.lua", src);
		INT_EQ(load(&e), 0);
		arena_init(&a);
		ctx = pagectx(&a);
		capture();
		INT_EQ(plugin_page(e.h, "news", NULL, &ctx, &a), -1);
		err = uncapture();
		OK(has(err, cases[i].want));
		free(err);
		arena_release(&a);
		done(&e);
	}
}

/* A county plugin cannot reach another county's records. */
static void
test_isolation(void)
{
	static const struct {
		const char *lua, *want;
	} cases[] = {
		{ "local x = 1\n"
		  "hearth.records(\"station\", { county = \"990102\" })\n",
		  "content/counties/990101/plugin.lua:2: error: a county "
		  "plugin may only read its own county's records (asked for "
		  "990102)\n" },
		{ "hearth.records(\"station\", { township = \"990102001\" })\n",
		  "plugin.lua:1: error: a county plugin may only read its own "
		  "county's records (asked for 990102001)\n" },
		{ "hearth.records(\"report\", { area = \"99\" })\n",
		  "(asked for 99)\n" },
		{ "\n\nlocal r = hearth.record(\"station\", \"990102001\")\n",
		  "plugin.lua:3: error: a county plugin may only read its own "
		  "county's records (asked for station 990102001)\n" },
		{ "function records(type, list)\n"
		  "  if type == \"station\" then\n"
		  "    return { [\"990102001\"] = { x = 1 } }\n"
		  "  end\n"
		  "end\n",
		  "content/counties/990101/plugin.lua:1: error: a county "
		  "plugin may only change its own county's records (asked for "
		  "station 990102001)\n" },
		{ "function records(type, list)\n"
		  "  if type == \"station\" then list[1].name = \"x\" end\n"
		  "end\n",
		  "plugin.lua:2: error: attempt to modify a read-only table "
		  "(field 'name')\n" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct env e;
		char *err;
		int rc;

		mksite(&e);
		put(e.dir, "content/counties/990101/plugin.lua", cases[i].lua);
		capture();
		rc = load(&e);
		if (rc == 0)
			rc = plugin_records(e.h);
		err = uncapture();
		INT_EQ(rc, -1);
		OK(has(err, cases[i].want));
		free(err);
		done(&e);
	}

	/* What it may read: its records, and none of another county's. */
	{
		struct env e;
		struct arena a;
		struct value *ctx;

		mksite(&e);
		put(e.dir, "content/counties/990101/plugin.lua",
		    "local own = hearth.records(\"station\", "
		    "{ county = \"990101\" })\n"
		    "local all = hearth.records(\"station\")\n"
		    "local reports = hearth.records(\"report\")\n"
		    "local camp = hearth.record(\"campaign\", "
		    "\"test-campaign\")\n"
		    "local r = hearth.record(\"station\", \"990101002\")\n"
		    "function page(p)\n"
		    "  p.got = #own .. \"/\" .. #all .. \"/\" .. #reports .. "
		    "\"/\" .. tostring(camp) .. \"/\" .. r.id\n"
		    "end\n");
		INT_EQ(load(&e), 0);
		arena_init(&a);
		ctx = pagectx(&a);
		INT_EQ(plugin_page(e.h, "county", "990101", &ctx, &a), 0);
		STR_EQ(str(ctx, "got"), "2/2/0/nil/990101002");
		arena_release(&a);
		done(&e);
	}
}

/* Read-only API tables and the protected string metatable. */
static void
test_readonly(void)
{
	struct env e;
	struct arena a;
	struct value *ctx;
	char *err;

	mksite(&e);
	put(e.dir, "plugins/ro.lua",
	    "local function try(f) local ok, e = pcall(f) return "
	    "ok and \"ok\" or e end\n"
	    "local r = hearth.records(\"station\")[1]\n"
	    "local d = hearth.division(\"99\")\n"
	    "res = {\n"
	    "  try(function() hearth.config.title = \"x\" end),\n"
	    "  try(function() hearth.config.licence.id = \"x\" end),\n"
	    "  try(function() rawset(hearth.config, \"title\", \"x\") end),\n"
	    "  try(function() setmetatable(hearth.config, {}) end),\n"
	    "  tostring(getmetatable(hearth.config)),\n"
	    "  try(function() hearth.records = nil end),\n"
	    "  try(function() r.name = \"x\" end),\n"
	    "  try(function() table.insert(d.children, \"x\") end),\n"
	    "  try(function() string.upper = nil end),\n"
	    "  tostring(getmetatable(\"\")),\n"
	    "  tostring(string.dump) .. tostring((\"\").dump),\n"
	    "  hearth.config.title .. #d.children .. r.id,\n"
	    "  try(function() setmetatable({}, { __gc = print }) end),\n"
	    "}\n"
	    "local keys = {}\n"
	    "for k in pairs(hearth.config) do keys[#keys + 1] = k end\n"
	    "table.sort(keys)\n"
	    "res[#res + 1] = table.concat(keys, \",\")\n"
	    "function page(p) p.res = res end\n");
	capture();
	INT_EQ(load(&e), 0);
	err = uncapture();
	STR_EQ(err, "");
	free(err);
	arena_init(&a);
	ctx = pagectx(&a);
	INT_EQ(plugin_page(e.h, "news", NULL, &ctx, &a), 0);
	{
		const struct value *r = get(ctx, "res");
		static const char *const want[] = {
			"plugins/ro.lua:5: attempt to modify a read-only table "
			    "(field 'title')",
			"plugins/ro.lua:6: attempt to modify a read-only table "
			    "(field 'id')",
			"plugins/ro.lua:7: attempt to modify a read-only table",
			"plugins/ro.lua:8: cannot change a protected metatable",
			"false",
			"plugins/ro.lua:10: attempt to modify a read-only "
			    "table (field 'records')",
			"plugins/ro.lua:11: attempt to modify a read-only "
			    "table (field 'name')",
			"attempt to modify a read-only table",
			"plugins/ro.lua:13: attempt to modify a read-only "
			    "table (field 'upper')",
			"false",
			"nilnil",
			"测试站点1990101001",
			"plugins/ro.lua:17: plugins may not set __gc "
			    "finalizers",
			"base_url,language,licence,title",
		};
		size_t i;

		OK(r != NULL && r->kind == VAL_ARR &&
		    r->u.arr.len == sizeof(want) / sizeof(want[0]));
		for (i = 0; r != NULL && r->kind == VAL_ARR &&
		    i < r->u.arr.len && i < sizeof(want) / sizeof(want[0]);
		    i++) {
			const struct value *v = r->u.arr.v[i];

			OK(v->kind == VAL_STR &&
			    has(v->u.str.s, want[i]));
		}
	}
	arena_release(&a);
	done(&e);
}

/* The libraries a plugin has behave as usual (some are wrapped). */
static void
test_library(void)
{
	struct env e;
	struct arena a;
	struct value *ctx;

	mksite(&e);
	put(e.dir, "plugins/lib.lua",
	    "local t = { 1, 2, 3 }\n"
	    "table.insert(t, 4)\n"
	    "table.insert(t, 1, 0)\n"
	    "local last = table.remove(t)\n"
	    "local first = table.remove(t, 1)\n"
	    "local m = table.move({ 7, 8 }, 1, 2, 3, { 5, 6 })\n"
	    "local keys = {}\n"
	    "for k, v in pairs(string) do keys[#keys + 1] = k end\n"
	    "table.sort(keys)\n"
	    "local r = { string.rep(\"ab\", 3, \",\"), (\"x\"):rep(2),\n"
	    "  string.rep(\"\", 5), string.rep(\"a\", 0),\n"
	    "  table.concat(t, \"\"), first .. last,\n"
	    "  table.concat(m, \"\"), (\"%d\"):format(7),\n"
	    "  table.concat(keys, \" \"), utf8.char(27700),\n"
	    "  tostring(math.floor(2.5)), type(os.time()),\n"
	    "  os.date(\"!%Y\", 0), tostring(select(\"#\", 1, 2)),\n"
	    "  (\"a,b\"):gsub(\",\", \";\"), tostring(_G),\n"
	    "  tostring(_VERSION),\n"
	    "  tostring(math.random(1, 1000)) }\n"
	    "function page(p) p.r = r end\n");
	INT_EQ(load(&e), 0);
	arena_init(&a);
	ctx = value_obj(&a);
	INT_EQ(plugin_page(e.h, "news", NULL, &ctx, &a), 0);
	{
		static const char *const want[] = {
			"ab,ab,ab", "xx", "", "", "123", "04", "5678", "7",
			("byte char find format gmatch gsub len lower match "
			    "pack packsize rep reverse sub unpack upper"),
			"水", "2", "number", "1970", "2", "a;b", "nil", "nil",
		};
		const struct value *r = value_get(ctx, "r");
		size_t i;

		OK(r != NULL && r->kind == VAL_ARR && r->u.arr.len == 18);
		for (i = 0; r != NULL && i < r->u.arr.len &&
		    i < sizeof(want) / sizeof(want[0]); i++)
			STR_EQ(r->u.arr.v[i]->kind == VAL_STR ?
			    r->u.arr.v[i]->u.str.s : "(not a string)", want[i]);
	}
	arena_release(&a);
	done(&e);
}

/* Limits from hearth.yaml, and invalid settings at their line (refused
 * when hearth.yaml is read, before any plugin starts). */
static void
test_limits(void)
{
	static const struct {
		const char *yaml, *want;
	} bad[] = {
		{ "plugins:\n  instructions: 0\n",
		    "hearth.yaml:11:17: error: plugins.instructions must be a "
		    "whole number from 1 to 10000000000\n" },
		{ "plugins:\n  instructions: 1.5\n",
		    "hearth.yaml:11:17: error: plugins.instructions" },
		{ "plugins:\n  instructions: 100000000000\n",
		    "hearth.yaml:11:17: error: plugins.instructions" },
		{ "plugins:\n  memory_mb: lots\n",
		    "hearth.yaml:11:14: error: plugins.memory_mb must be a "
		    "whole number from 1 to 4096\n" },
		{ "plugins:\n  memory_mb: -1\n",
		    "hearth.yaml:11:14: error: plugins.memory_mb" },
		{ "plugins:\n  memory_mb: 100000\n",
		    "hearth.yaml:11:14: error: plugins.memory_mb" },
	};
	struct env e;
	struct arena a;
	struct value *ctx;
	char *err;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		mksite(&e);
		append(e.dir, "hearth.yaml", bad[i].yaml);
		capture();
		rc = load_site(&e, true);
		err = uncapture();
		INT_EQ(rc, -1);
		OK(has(err, bad[i].want));
		free(err);
		done(&e);
	}

	mksite(&e);
	append(e.dir, "hearth.yaml", "plugins:\n  instructions: 5000\n"
	    "  memory_mb: 2\n");
	put(e.dir, "plugins/limits.lua",
	    "local i = 0\n"
	    "while i < 1000 do i = i + 1 end\n"
	    "function page(p)\n"
	    "  if p.title == \"loop\" then\n"
	    "    while true do end\n"
	    "  end\n"
	    "  local t = {}\n"
	    "  for i = 1, 1e7 do t[i] = { i } end\n"
	    "end\n"
	    "function brand(c)\n"
	    "  local ok, e = pcall(function() while true do end end)\n"
	    "  while true do end\n"
	    "end\n");
	capture();
	rc = load(&e);
	err = uncapture();
	INT_EQ(rc, 0);
	OK(has(err, "plugins/limits.lua:10: warning: a brand hook is used "
	    "only in a county plugin"));
	free(err);
	arena_init(&a);
	ctx = value_obj(&a);
	value_set_str(&a, ctx, "title", "loop");
	capture();
	INT_EQ(plugin_page(e.h, "news", NULL, &ctx, &a), -1);
	err = uncapture();
	STR_EQ(err, "plugins/limits.lua:5: error: plugin exceeded its budget "
	    "of 5000 instructions\n");
	free(err);
	ctx = value_obj(&a);
	value_set_str(&a, ctx, "title", "grow");
	capture();
	INT_EQ(plugin_page(e.h, "news", NULL, &ctx, &a), -1);
	err = uncapture();
	/* 5000 instructions cannot fill 2 MiB: the budget ends it. */
	OK(has(err, "plugins/limits.lua:8: error: plugin exceeded its budget "
	    "of 5000 instructions\n"));
	free(err);
	arena_release(&a);
	done(&e);

	mksite(&e);
	append(e.dir, "hearth.yaml", "plugins:\n  memory_mb: 2\n");
	put(e.dir, "plugins/mem.lua",
	    "function page(p)\n"
	    "  local t = {}\n"
	    "  for i = 1, 1e7 do t[i] = { i } end\n"
	    "end\n");
	INT_EQ(load(&e), 0);
	arena_init(&a);
	ctx = value_obj(&a);
	capture();
	INT_EQ(plugin_page(e.h, "news", NULL, &ctx, &a), -1);
	err = uncapture();
	STR_EQ(err, "plugins/mem.lua:3: error: plugin exceeded its memory "
	    "limit of 2 MiB\n");
	free(err);
	/* The state is still usable after its error. */
	ctx = value_obj(&a);
	capture();
	INT_EQ(plugin_page(e.h, "news", NULL, &ctx, &a), -1);
	free(uncapture());
	arena_release(&a);
	done(&e);
}

/* Errors at load time: one diagnostic each, at the plugin's line. */
static void
test_load_errors(void)
{
	static const struct {
		const char *path, *lua, *want;
	} cases[] = {
		{ "plugins/syntax.lua", "local x = \n= 2\n",
		    "plugins/syntax.lua:2: error: unexpected symbol near "
		    "'='\n" },
		{ "plugins/err.lua", "\nerror(\"boom\")\n",
		    "plugins/err.lua:2: error: boom\n" },
		{ "plugins/errtab.lua", "error({})\n",
		    "plugins/errtab.lua:1: error: (error object is a table "
		    "value)\n" },
		{ "plugins/hook.lua", "page = 3\n",
		    "plugins/hook.lua: error: the page hook must be a "
		    "function, found number\n" },
		{ "plugins/sc.lua", "shortcodes = { [\"a b\"] = print }\n",
		    "plugins/sc.lua: error: shortcode names must be letters, "
		    "digits, '-' and '_'\n" },
		{ "content/counties/990101/plugin.lua",
		    "\nlocal m = require(\"broken\")\n",
		    "content/counties/990101/broken.lua:2: error: attempt to "
		    "perform arithmetic on a nil value (global 'y')\n" },
		{ "plugins/nomod.lua", "require(\"absent\")\n",
		    "plugins/nomod.lua:1: error: module 'absent' not found: "
		    "plugins may only require NAME.lua from their own folder "
		    "(no plugins/absent.lua)\n" },
		{ "plugins/loadenv.lua",
		    "local f = load(\"return hearth.county, io\")\n"
		    "local g = load(\"x = 1 return x\", \"c\", \"t\", {})\n"
		    "local h, e = load(\"(\")\n"
		    "error(tostring(f()) .. tostring(g()) .. e)\n",
		    "plugins/loadenv.lua:4: error: nil1(load):1: unexpected "
		    "symbol near <eof>\n" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct env e;
		char *err;
		int rc;

		mksite(&e);
		put(e.dir, cases[i].path, cases[i].lua);
		put(e.dir, "content/counties/990101/broken.lua",
		    "local x = 1\nreturn y + 1\n");
		capture();
		rc = load(&e);
		err = uncapture();
		INT_EQ(rc, -1);
		OK(has(err, cases[i].want));
		free(err);
		done(&e);
	}

	/* Two site-wide plugins cannot define the same shortcode. */
	{
		struct env e;
		char *err;
		int rc;

		mksite(&e);
		put(e.dir, "plugins/a.lua", "shortcodes = { x = print }\n");
		put(e.dir, "plugins/b.lua", "\nshortcodes = {\n"
		    "  x = function() end }\n");
		capture();
		rc = load(&e);
		err = uncapture();
		INT_EQ(rc, -1);
		STR_EQ(err, "plugins/b.lua:3: error: shortcode \"x\" is "
		    "already defined by plugins/a.lua\n");
		free(err);
		done(&e);
	}
}

/* hearth.render: failures of the template engine are reported once, by
 * the engine. */
static void
test_render(void)
{
	static const struct {
		const char *body, *want;
		int errors;
	} cases[] = {
		{ "p.x = hearth.render(\"nope\")",
		    "plugins/r.lua:1: error: hearth.render: the theme has no "
		    "template \"nope\"\n", 1 },
		{ "p.x = hearth.render(\"broken\")",
		    "themes/default/templates/broken.mustache:1:", 1 },
		{ "pcall(hearth.render, \"broken\") error(\"other\")",
		    "plugins/r.lua:1: error: other\n", 2 },
		{ "p.x = hearth.render(\"news-card\", { title = print })",
		    "plugins/r.lua:1: error: hearth.render: a function cannot "
		    "be converted to data (at ctx.title)\n", 1 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct env e;
		struct arena a;
		struct value *ctx;
		char src[256], *err;

		mksite(&e);
		snprintf(src, sizeof(src), "function page(p) %s end\n",
		    cases[i].body);
		put(e.dir, "plugins/r.lua", src);
		put(e.dir, "themes/default/templates/broken.mustache",
		    "{{>missing}}\n");
		INT_EQ(load(&e), 0);
		arena_init(&a);
		ctx = pagectx(&a);
		capture();
		INT_EQ(plugin_page(e.h, "news", NULL, &ctx, &a), -1);
		err = uncapture();
		OK(has(err, cases[i].want));
		INT_EQ(diag_errors(), cases[i].errors);
		free(err);
		arena_release(&a);
		done(&e);
	}

	/* Not before the theme is there. */
	{
		struct env e;
		char *err;

		mksite(&e);
		put(e.dir, "plugins/r.lua", "\nhearth.render(\"news-card\")\n");
		capture();
		INT_EQ(load(&e), -1);
		err = uncapture();
		STR_EQ(err, "plugins/r.lua:2: error: hearth.render: the theme "
		    "is not loaded yet (call it from a hook)\n");
		free(err);
		done(&e);
	}
}

/* Pages are rendered on several threads: calls into one plugin are
 * serialised, and each thread gets its own page back. */
struct worker {
	struct plugin_host *h;
	int		 id;
	int		 bad;
};

static void *
work(void *ud)
{
	struct worker *w = ud;
	struct arena a;
	int i;

	arena_init(&a);
	for (i = 0; i < 40; i++) {
		struct value *ctx = value_obj(&a);
		char want[64];

		value_set_int(&a, ctx, "n", w->id * 1000 + i);
		if (plugin_page(w->h, "county", i % 2 ? "990101" : "990102",
		    &ctx, &a) < 0)
			w->bad++;
		snprintf(want, sizeof(want), "%d:%s", w->id * 1000 + i,
		    i % 2 ? "990101" : "-");
		if (value_get_str(ctx, "seen") == NULL ||
		    strcmp(value_get_str(ctx, "seen"), want) != 0)
			w->bad++;
		arena_reset(&a);
	}
	arena_release(&a);
	return NULL;
}

static void
test_threads(void)
{
	struct env e;
	struct worker w[4];
	pthread_t t[4];
	int i;

	mksite(&e);
	put(e.dir, "plugins/a.lua",
	    "function page(p) p.seen = p.n .. \":-\" end\n");
	put(e.dir, "content/counties/990101/plugin.lua",
	    "function page(p)\n"
	    "  local n = #hearth.records(\"station\")\n"
	    "  p.seen = p.n .. \":\" .. hearth.county\n"
	    "end\n");
	INT_EQ(load(&e), 0);
	for (i = 0; i < 4; i++) {
		w[i].h = e.h;
		w[i].id = i;
		w[i].bad = 0;
		OK(pthread_create(&t[i], NULL, work, &w[i]) == 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		INT_EQ(w[i].bad, 0);
	}
	done(&e);
}

/* ---- the escape corpus --------------------------------------------------- */

static int
cmpstr(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Load path as the county plugin of a fresh site and run every hook until
 * one fails; returns what was reported, *secs the time it took. */
static char *
escape(const char *path, int *rc, double *secs)
{
	struct env e;
	struct arena a;
	struct value *ctx, *out = NULL;
	char *text = slurp(path), *err;
	double t0;

	mksite(&e);
	put(e.dir, "content/counties/990101/plugin.lua", text);
	free(text);
	arena_init(&a);
	ctx = value_obj(&a);
	value_set_str(&a, ctx, "title", "T");
	capture();
	t0 = now();
	*rc = load(&e);
	if (*rc == 0)
		*rc = plugin_records(e.h);
	if (*rc == 0)
		*rc = plugin_page(e.h, "county", "990101", &ctx, &a);
	if (*rc == 0)
		*rc = plugin_brand(e.h, "990101", ctx, &out, &a) < 0 ? -1 : 0;
	*secs = now() - t0;
	err = uncapture();
	arena_release(&a);
	done(&e);
	return err;
}

/* The expectation: the first line, "-- expect: <substring>". */
static char *
expectation(const char *path)
{
	char *text = slurp(path), *nl, *want = NULL;

	if (strncmp(text, "-- expect: ", 11) == 0) {
		if ((nl = strchr(text, '\n')) != NULL)
			*nl = '\0';
		want = strdup(text + 11);
	}
	free(text);
	return want;
}

static void
test_escapes(void)
{
	DIR *d = opendir(ESCAPES);
	struct dirent *de;
	char **names = NULL, path[512];
	size_t n = 0, i;

	OK(d != NULL);
	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);

		if (len > 4 && strcmp(de->d_name + len - 4, ".lua") == 0) {
			names = realloc(names, (n + 1) * sizeof(*names));
			names[n++] = strdup(de->d_name);
		}
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), cmpstr);
	OK(n >= 25);
	for (i = 0; i < n; i++) {
		char *want, *err;
		double secs;
		int rc;

		snprintf(path, sizeof(path), "%s/%s", ESCAPES, names[i]);
		want = expectation(path);
		if (want == NULL) {
			fprintf(stderr, "%s: FAIL no \"-- expect: \" line\n",
			    path);
			h_failed++;
			free(names[i]);
			continue;
		}
		err = escape(path, &rc, &secs);
		/* One diagnostic: the load resets the count. */
		if (rc == 0 || strstr(err, want) == NULL ||
		    secs > MAX_SECONDS || diag_errors() != 1) {
			fprintf(stderr, "%s: FAIL (rc %d, %.1f s, %d errors)\n"
			    "  want: %s\n  got:  %s", path, rc, secs,
			    diag_errors(), want, err);
			h_failed++;
		} else
			h_passed++;
		if (getenv("TEST_PLUGIN_VERBOSE") != NULL)
			printf("%-28s %5.2f s  %s", names[i], secs, err);
		free(want);
		free(err);
		free(names[i]);
	}
	free(names);

	/* The process is fine afterwards: stderr is back, and a plugin still
	 * runs. */
	{
		struct env e;
		struct arena a;
		struct value *ctx;

		OK(fcntl(2, F_GETFD) != -1);
		mksite(&e);
		put(e.dir, "plugins/ok.lua", "function page(p) p.ok = "
		    "#hearth.records(\"station\") end\n");
		INT_EQ(load(&e), 0);
		arena_init(&a);
		ctx = value_obj(&a);
		INT_EQ(plugin_page(e.h, "news", NULL, &ctx, &a), 0);
		OK(value_get(ctx, "ok") != NULL &&
		    value_get(ctx, "ok")->u.i == 3);
		arena_release(&a);
		done(&e);
	}
}

int
main(int argc, char **argv)
{
	if (argc == 2) {
		double secs;
		int rc;
		char *err = escape(argv[1], &rc, &secs);

		printf("rc %d, %.2f s\n%s", rc, secs, err);
		free(err);
		repo_shutdown();
		return 0;
	}
	test_hooks();
	test_validation();
	test_conversions();
	test_isolation();
	test_readonly();
	test_library();
	test_limits();
	test_load_errors();
	test_render();
	test_threads();
	test_escapes();
	repo_shutdown();
	return harness_done("plugin");
}
