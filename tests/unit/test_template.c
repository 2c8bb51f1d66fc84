/*
 * Unit tests of the template engine beyond the Mustache spec suites: what a
 * site generator relies on (escaping, error positions, recursion limits,
 * strict partials, the loader, rendering from several threads).
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "harness.h"
#include "template.h"
#include "util.h"
#include "value.h"

/* ---- helpers ------------------------------------------------------------ */

static FILE *capfile;
static int capsaved = -1;

/* Send stderr to a temporary file until endcapture. */
static void
capture(void)
{
	fflush(stderr);
	capfile = tmpfile();
	capsaved = dup(2);
	dup2(fileno(capfile), 2);
}

/* Restore stderr; returns what was written meanwhile (free it). */
static char *
endcapture(void)
{
	struct buf b;
	char chunk[1024];
	size_t n;

	fflush(stderr);
	dup2(capsaved, 2);
	close(capsaved);
	rewind(capfile);
	buf_init(&b);
	buf_put(&b, "", 0);
	while ((n = fread(chunk, 1, sizeof(chunk), capfile)) > 0)
		buf_put(&b, chunk, n);
	fclose(capfile);
	return buf_detach(&b, NULL);
}

static int
add(struct tmpl_set *set, const char *name, const char *path, const char *src)
{
	return tmpl_set_add(set, name, path, src, strlen(src));
}

/* Render src against ctx in set; returns the output (free it) or NULL. */
static char *
render(struct tmpl_set *set, const char *src, const struct value *ctx)
{
	struct buf out;

	buf_init(&out);
	if (tmpl_render_string(set, "t.html", src, strlen(src), ctx,
	    &out) < 0) {
		buf_release(&out);
		return NULL;
	}
	return buf_detach(&out, NULL);
}

/* Render src, which must fail; returns the messages printed (free it). */
static char *
failure(struct tmpl_set *set, const char *src, const struct value *ctx)
{
	char *out, *msg;

	capture();
	out = render(set, src, ctx);
	msg = endcapture();
	OK(out == NULL);
	free(out);
	return msg;
}

/* Does the first line of msg begin with prefix? */
static bool
starts(const char *msg, const char *prefix)
{
	if (strncmp(msg, prefix, strlen(prefix)) != 0) {
		fprintf(stderr, "  message was: %s", msg);
		return false;
	}
	return true;
}

/* ---- tests -------------------------------------------------------------- */

static void
test_escaping(void)
{
	struct arena a;
	struct value *ctx;
	struct tmpl_set *set = tmpl_set_new(NULL, NULL);
	char *s;

	arena_init(&a);
	ctx = value_obj(&a);
	value_set_str(&a, ctx, "x", "<a href=\"u\">Tom & 'Jerry'</a>");
	value_set_int(&a, ctx, "n", 20000);
	value_set(&a, ctx, "pi", value_num(&a, 3.14159, 2));

	s = render(set, "{{x}}", ctx);
	STR_EQ(s, "&lt;a href=&quot;u&quot;&gt;Tom &amp; &#39;Jerry&#39;"
	    "&lt;/a&gt;");
	free(s);
	s = render(set, "{{{x}}}|{{& x }}", ctx);
	STR_EQ(s, "<a href=\"u\">Tom & 'Jerry'</a>|"
	    "<a href=\"u\">Tom & 'Jerry'</a>");
	free(s);
	s = render(set, "{{n}} {{pi}}", ctx);
	STR_EQ(s, "20000 3.14");
	free(s);
	/* A template's own text is never escaped. */
	s = render(set, "<p class='a'>&amp;</p>", ctx);
	STR_EQ(s, "<p class='a'>&amp;</p>");
	free(s);

	tmpl_set_free(set);
	arena_release(&a);
}

static void
test_syntax_errors(void)
{
	struct tmpl_set *set = tmpl_set_new(NULL, NULL);
	char *msg;

	msg = failure(set, "<ul>\n  {{#items}}\n  <li>{{.}}</li>\n", NULL);
	OK(starts(msg, "t.html:2:3: error: unclosed section '{{#items}}'"));
	OK(strstr(msg, "expected '{{/items}}'") != NULL);
	free(msg);

	/* Columns count code points, not bytes. */
	msg = failure(set, "\xc3\xa9t\xc3\xa9 {{#s}}", NULL);
	OK(starts(msg, "t.html:1:5: error:"));
	free(msg);

	msg = failure(set, "{{#a}}\n{{#b}}\n{{/a}}\n", NULL);
	OK(starts(msg, "t.html:3:1: error: mismatched close: expected "
	    "'{{/b}}'"));
	free(msg);

	msg = failure(set, "x\n{{/a}}", NULL);
	OK(starts(msg, "t.html:2:1: error: unexpected '{{/a}}'"));
	free(msg);

	msg = failure(set, "ok {{name", NULL);
	OK(starts(msg, "t.html:1:4: error: unclosed tag: expected '}}'"));
	free(msg);

	msg = failure(set, "a\n {{=<% =}}", NULL);
	OK(starts(msg, "t.html:2:2: error: bad set-delimiter tag"));
	free(msg);

	msg = failure(set, "{{ }}", NULL);
	OK(starts(msg, "t.html:1:1: error: empty tag"));
	free(msg);

	msg = failure(set, "{{=[ ]=}}\n[#x]\n", NULL);
	OK(starts(msg, "t.html:2:1: error: unclosed section '[#x]': "
	    "expected '[/x]'"));
	free(msg);

	/* A bad template does not replace a good one of the same name. */
	OK(add(set, "p", "p.html", "good") == 0);
	capture();
	INT_EQ(add(set, "p", "p.html", "{{#bad}}"), -1);
	msg = endcapture();
	OK(starts(msg, "p.html:1:1: error: unclosed section"));
	free(msg);
	msg = render(set, "{{>p}}", NULL);
	STR_EQ(msg, "good");
	free(msg);

	tmpl_set_free(set);
}

static void
test_recursion(void)
{
	struct tmpl_set *set = tmpl_set_new(NULL, NULL);
	struct buf out;
	char *msg;

	OK(add(set, "loop", "loop.html", "x{{>loop}}") == 0);
	OK(add(set, "ping", "ping.html", "{{>pong}}") == 0);
	OK(add(set, "pong", "pong.html", "\n  {{>ping}}") == 0);
	OK(add(set, "up", "up.html", "{{<up}}{{/up}}") == 0);

	msg = failure(set, "{{>loop}}", NULL);
	OK(starts(msg, "loop.html:1:2: error: partial 'loop' nested too "
	    "deeply"));
	/* Reported once, at the innermost tag. */
	OK(strchr(msg, '\n') == msg + strlen(msg) - 1);
	free(msg);

	msg = failure(set, "{{>ping}}", NULL);
	OK(strstr(msg, "nested too deeply") != NULL);
	free(msg);

	msg = failure(set, "{{<up}}{{/up}}", NULL);
	OK(starts(msg, "up.html:1:1: error: parent 'up' nested too deeply"));
	free(msg);

	/* A failed render leaves the output as it was. */
	buf_init(&out);
	buf_puts(&out, "kept");
	capture();
	INT_EQ(tmpl_render(set, "loop", NULL, &out), -1);
	free(endcapture());
	STR_EQ(out.data, "kept");
	buf_release(&out);

	tmpl_set_free(set);
}

static void
test_strict(void)
{
	struct tmpl_set *set = tmpl_set_new(NULL, NULL);
	struct arena a;
	struct value *ctx;
	struct buf out;
	char *s;

	arena_init(&a);
	ctx = value_obj(&a);
	value_set_str(&a, ctx, "which", "nowhere");

	s = render(set, "[{{>missing}}]", NULL);
	STR_EQ(s, "[]");
	free(s);

	tmpl_set_strict(set, 1);
	s = failure(set, "line one\n  [{{> missing }}]\n", NULL);
	OK(starts(s, "t.html:2:4: error: unknown partial 'missing': "
	    "expected a template of that name"));
	free(s);
	s = failure(set, "{{<base}}{{/base}}", NULL);
	OK(starts(s, "t.html:1:1: error: unknown parent 'base'"));
	free(s);
	s = failure(set, "{{>*which}}", ctx);
	OK(starts(s, "t.html:1:1: error: unknown partial 'nowhere'"));
	free(s);

	buf_init(&out);
	capture();
	OK(tmpl_render(set, "nosuch", NULL, &out) == -1);
	s = endcapture();
	buf_release(&out);
	OK(starts(s, "hearth: error: unknown template 'nosuch'"));
	free(s);

	tmpl_set_free(set);
	arena_release(&a);
}

/* Source lines of a standalone partial are indented, data lines are not. */
static void
test_indentation(void)
{
	struct tmpl_set *set = tmpl_set_new(NULL, NULL);
	struct arena a;
	struct value *ctx, *list;
	char *s;

	arena_init(&a);
	ctx = value_obj(&a);
	value_set_str(&a, ctx, "code", "a\nb");
	list = value_arr(&a);
	value_push(&a, list, value_str(&a, "one"));
	value_push(&a, list, value_str(&a, "two"));
	value_set(&a, ctx, "items", list);

	OK(add(set, "pre", NULL, "<pre>\n{{{code}}}\n</pre>\n") == 0);
	OK(add(set, "list", NULL, "{{#items}}\n<li>{{.}}</li>\n"
	    "{{/items}}\n") == 0);
	s = render(set, "<div>\n    {{>pre}}\n  {{>list}}\n</div>\n", ctx);
	STR_EQ(s, "<div>\n    <pre>\n    a\nb\n    </pre>\n"
	    "  <li>one</li>\n  <li>two</li>\n</div>\n");
	free(s);

	/*
	 * A block body is re-indented to where the parent puts it, also when
	 * the parent's tag is in mid-line and the body's first line is a
	 * section tag.
	 */
	OK(add(set, "layout", NULL, "<main>\n  {{$body}}{{/body}}\n"
	    "</main>\n") == 0);
	s = render(set, "{{<layout}}{{$body}}\n    {{#items}}\n"
	    "    <p>{{.}}\n    {{{code}}}</p>\n    {{/items}}\n"
	    "{{/body}}{{/layout}}\n", ctx);
	STR_EQ(s, "<main>\n  <p>one\n  a\nb</p>\n  <p>two\n  a\nb</p>\n"
	    "\n</main>\n");
	free(s);
	s = render(set, "{{<layout}}{{$body}}\n{{>pre}}\n{{/body}}"
	    "{{/layout}}", ctx);
	STR_EQ(s, "<main>\n  <pre>\n  a\nb\n  </pre>\n\n</main>\n");
	free(s);

	tmpl_set_free(set);
	arena_release(&a);
}

static int
failing_lambda(struct buf *out, const char *text, size_t len, void *ud)
{
	diag_error("lambda", 0, 0, "refused");
	return -1;
}

static int
upper_lambda(struct buf *out, const char *text, size_t len, void *ud)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf_putc(out, text[i] >= 'a' && text[i] <= 'z' ?
		    (char)(text[i] - 'a' + 'A') : text[i]);
	return 0;
}

static int
broken_lambda(struct buf *out, const char *text, size_t len, void *ud)
{
	buf_puts(out, "ok\n{{#open}}");
	return 0;
}

static void
test_lambdas(void)
{
	struct tmpl_set *set = tmpl_set_new(NULL, NULL);
	struct arena a;
	struct value *ctx;
	char *s;

	arena_init(&a);
	ctx = value_obj(&a);
	value_set(&a, ctx, "fail", value_func(&a, failing_lambda, NULL));
	value_set(&a, ctx, "upper", value_func(&a, upper_lambda, NULL));
	value_set(&a, ctx, "broken", value_func(&a, broken_lambda, NULL));
	value_set_str(&a, ctx, "WHO", "<b>world</b>");

	s = render(set, "{{#upper}}hello {{who}}{{/upper}}", ctx);
	STR_EQ(s, "HELLO &lt;b&gt;world&lt;/b&gt;");
	free(s);

	s = failure(set, "{{fail}}", ctx);
	OK(starts(s, "lambda: error: refused"));
	free(s);

	s = failure(set, "\n {{broken}}", ctx);
	OK(starts(s, "t.html (lambda 'broken' at line 2):2:1: error: "
	    "unclosed section"));
	free(s);

	tmpl_set_free(set);
	arena_release(&a);
}

/* ---- the loader and threads --------------------------------------------- */

static int loads;

static char *
loader(const char *name, size_t *len, char **path, void *ud)
{
	static const struct {
		const char *name, *src;
	} files[] = {
		{ "page", "<html>\n  {{>head}}\n{{<layout}}{{$body}}\n"
		    "{{#posts}}\n<h2>{{title}}</h2>\n{{/posts}}\n"
		    "{{/body}}{{/layout}}\n</html>\n" },
		{ "head", "<title>{{site.title}}</title>\n" },
		{ "layout", "<main>\n    {{$body}}\n    {{/body}}\n"
		    "</main>\n" },
		{ "bad", "{{#x}}" },
	};
	size_t i;

	__atomic_add_fetch(&loads, 1, __ATOMIC_SEQ_CST);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (strcmp(files[i].name, name) == 0) {
			*len = strlen(files[i].src);
			*path = xmalloc(strlen(name) + 20);
			sprintf(*path, "themes/%s.mustache", name);
			return xstrdup(files[i].src);
		}
	return NULL;
}

struct job {
	struct tmpl_set *set;
	const struct value *ctx;
	const char     *want;
	int		mismatches;
};

static void *
worker(void *arg)
{
	struct job *j = arg;
	struct buf out;
	int i;

	buf_init(&out);
	for (i = 0; i < 300; i++) {
		buf_reset(&out);
		if (tmpl_render(j->set, "page", j->ctx, &out) != 0 ||
		    out.data == NULL || strcmp(out.data, j->want) != 0)
			j->mismatches++;
	}
	buf_release(&out);
	return NULL;
}

static void
test_threads(void)
{
	static const char want[] = "<html>\n  <title>Hearth &amp; Home"
	    "</title>\n<main>\n    <h2>One</h2>\n    <h2>Two</h2>\n"
	    "</main>\n</html>\n";
	struct arena a;
	struct value *ctx, *site, *posts, *p;
	struct tmpl_set *set;
	struct job jobs[4];
	pthread_t tid[4];
	char *msg;
	int i;

	arena_init(&a);
	set = tmpl_set_new(loader, NULL);
	ctx = value_obj(&a);
	site = value_obj(&a);
	value_set_str(&a, site, "title", "Hearth & Home");
	value_set(&a, ctx, "site", site);
	posts = value_arr(&a);
	p = value_obj(&a);
	value_set_str(&a, p, "title", "One");
	value_push(&a, posts, p);
	p = value_obj(&a);
	value_set_str(&a, p, "title", "Two");
	value_push(&a, posts, p);
	value_set(&a, ctx, "posts", posts);

	/* The first renders race to load the partials through the loader. */
	for (i = 0; i < 4; i++) {
		jobs[i].set = set;
		jobs[i].ctx = ctx;
		jobs[i].want = want;
		jobs[i].mismatches = 0;
		OK(pthread_create(&tid[i], NULL, worker, &jobs[i]) == 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(tid[i], NULL);
		INT_EQ(jobs[i].mismatches, 0);
	}
	/* Each name was asked of the loader once. */
	INT_EQ(loads, 3);
	OK(tmpl_set_has(set, "layout"));
	OK(!tmpl_set_has(set, "nosuch"));
	OK(!tmpl_set_has(set, "nosuch"));
	INT_EQ(loads, 4);

	capture();
	OK(!tmpl_set_has(set, "bad"));
	msg = endcapture();
	OK(starts(msg, "themes/bad.mustache:1:1: error: unclosed section"));
	free(msg);

	tmpl_set_free(set);
	arena_release(&a);
}

int
main(void)
{
	test_escaping();
	test_syntax_errors();
	test_recursion();
	test_strict();
	test_indentation();
	test_lambdas();
	test_threads();
	return harness_done("template");
}
