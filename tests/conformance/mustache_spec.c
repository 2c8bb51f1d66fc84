/*
 * mustache-spec DIR: run the Mustache spec suites (the .json files in DIR)
 * against the template engine.
 *
 * Each test gets a fresh set holding its partials, its data converted to
 * struct value, and its template rendered with tmpl_render_string.  The
 * ~lambdas suite gives its lambdas as code in other languages; each test is
 * mapped by name to a native lambda that behaves the same.
 *
 * Prints "mustache <suite>: N/N passed" per suite, and a line for each
 * failing test; exits 1 when a test failed.
 */
#include <dirent.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "arena.h"
#include "buf.h"
#include "template.h"
#include "util.h"
#include "value.h"

/* ---- native lambdas for ~lambdas ---------------------------------------- */

static int
l_world(struct buf *out, const char *text, size_t len, void *ud)
{
	buf_puts(out, "world");
	return 0;
}

static int
l_planet(struct buf *out, const char *text, size_t len, void *ud)
{
	buf_puts(out, "{{planet}}");
	return 0;
}

static int
l_altdelims(struct buf *out, const char *text, size_t len, void *ud)
{
	buf_puts(out, "|planet| => {{planet}}");
	return 0;
}

/* Counts its calls; the counter is reset for every test. */
static int
l_calls(struct buf *out, const char *text, size_t len, void *ud)
{
	int *calls = ud;

	buf_printf(out, "%d", ++*calls);
	return 0;
}

static int
l_gt(struct buf *out, const char *text, size_t len, void *ud)
{
	buf_puts(out, ">");
	return 0;
}

static int
l_isx(struct buf *out, const char *text, size_t len, void *ud)
{
	buf_puts(out, len == 5 && memcmp(text, "{{x}}", 5) == 0 ? "yes" : "no");
	return 0;
}

static int
l_wrap_planet(struct buf *out, const char *text, size_t len, void *ud)
{
	buf_put(out, text, len);
	buf_puts(out, "{{planet}}");
	buf_put(out, text, len);
	return 0;
}

static int
l_wrap_alt(struct buf *out, const char *text, size_t len, void *ud)
{
	buf_put(out, text, len);
	buf_puts(out, "{{planet}} => |planet|");
	buf_put(out, text, len);
	return 0;
}

static int
l_underscores(struct buf *out, const char *text, size_t len, void *ud)
{
	buf_puts(out, "__");
	buf_put(out, text, len);
	buf_puts(out, "__");
	return 0;
}

/* Returns false in the spec; an inverted section never calls it. */
static int
l_false(struct buf *out, const char *text, size_t len, void *ud)
{
	return 0;
}

static const struct native {
	const char     *test;
	value_fn	fn;
} natives[] = {
	{ "Interpolation", l_world },
	{ "Interpolation - Expansion", l_planet },
	{ "Interpolation - Alternate Delimiters", l_altdelims },
	{ "Interpolation - Multiple Calls", l_calls },
	{ "Escaping", l_gt },
	{ "Section", l_isx },
	{ "Section - Expansion", l_wrap_planet },
	{ "Section - Alternate Delimiters", l_wrap_alt },
	{ "Section - Multiple Calls", l_underscores },
	{ "Inverted Section", l_false },
};

static value_fn
native(const char *test)
{
	size_t i;

	for (i = 0; i < sizeof(natives) / sizeof(natives[0]); i++)
		if (strcmp(natives[i].test, test) == 0)
			return natives[i].fn;
	return NULL;
}

/* ---- JSON to struct value ----------------------------------------------- */

struct conv {
	struct arena   *a;
	value_fn	fn;	/* the test's lambda, or NULL */
	void	       *ud;
	bool		nolambda; /* a lambda the runner cannot map */
};

static struct value *
convert(struct conv *cv, const cJSON *j)
{
	const cJSON *k, *tag;
	struct value *v;
	double d;

	if (cJSON_IsObject(j)) {
		tag = cJSON_GetObjectItemCaseSensitive(j, "__tag__");
		if (cJSON_IsString(tag) && strcmp(tag->valuestring, "code") == 0) {
			if (cv->fn == NULL) {
				cv->nolambda = true;
				return value_null(cv->a);
			}
			return value_func(cv->a, cv->fn, cv->ud);
		}
		v = value_obj(cv->a);
		cJSON_ArrayForEach(k, j)
			value_set(cv->a, v, k->string, convert(cv, k));
		return v;
	}
	if (cJSON_IsArray(j)) {
		v = value_arr(cv->a);
		cJSON_ArrayForEach(k, j)
			value_push(cv->a, v, convert(cv, k));
		return v;
	}
	if (cJSON_IsString(j))
		return value_str(cv->a, j->valuestring);
	if (cJSON_IsNumber(j)) {
		d = j->valuedouble;
		if (d == trunc(d) && fabs(d) < 9e15)
			return value_int(cv->a, (long long)d);
		return value_num(cv->a, d, -1);
	}
	if (cJSON_IsBool(j))
		return value_bool(cv->a, cJSON_IsTrue(j));
	return value_null(cv->a);
}

/* ---- running ------------------------------------------------------------ */

/* s as a C-like string literal body, for failure lines. */
static void
quote(FILE *f, const char *s)
{
	for (; *s != '\0'; s++)
		switch (*s) {
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		case '\\': fputs("\\\\", f); break;
		case '"': fputs("\\\"", f); break;
		default:
			if ((unsigned char)*s < 0x20)
				fprintf(f, "\\x%02x", (unsigned char)*s);
			else
				fputc(*s, f);
		}
}

static bool
runtest(const cJSON *test)
{
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(test, "name");
	const cJSON *tmpl = cJSON_GetObjectItemCaseSensitive(test, "template");
	const cJSON *want = cJSON_GetObjectItemCaseSensitive(test, "expected");
	const cJSON *parts = cJSON_GetObjectItemCaseSensitive(test, "partials");
	const cJSON *p;
	struct tmpl_set *set;
	struct arena a;
	struct conv cv;
	struct value *ctx;
	struct buf out;
	const char *got;
	int calls = 0;
	bool ok = true;

	if (!cJSON_IsString(name) || !cJSON_IsString(tmpl) ||
	    !cJSON_IsString(want)) {
		printf("  FAIL %s: malformed test\n",
		    cJSON_IsString(name) ? name->valuestring : "?");
		return false;
	}
	arena_init(&a);
	buf_init(&out);
	set = tmpl_set_new(NULL, NULL);
	cv.a = &a;
	cv.fn = native(name->valuestring);
	cv.ud = &calls;
	cv.nolambda = false;
	ctx = convert(&cv, cJSON_GetObjectItemCaseSensitive(test, "data"));
	cJSON_ArrayForEach(p, parts)
		if (!cJSON_IsString(p) || tmpl_set_add(set, p->string,
		    p->string, p->valuestring, strlen(p->valuestring)) < 0)
			ok = false;
	if (ok && tmpl_render_string(set, name->valuestring,
	    tmpl->valuestring, strlen(tmpl->valuestring), ctx, &out) < 0)
		ok = false;
	got = out.data != NULL ? out.data : "";
	if (cv.nolambda || !ok || strcmp(got, want->valuestring) != 0) {
		printf("  FAIL %s: expected \"", name->valuestring);
		quote(stdout, want->valuestring);
		printf("\", got \"");
		quote(stdout, got);
		printf("\"%s%s\n", ok ? "" : " (render failed)",
		    cv.nolambda ? " (no native lambda for this test)" : "");
		ok = false;
	}
	tmpl_set_free(set);
	buf_release(&out);
	arena_release(&a);
	return ok;
}

/* Run one suite file; returns the number of failed tests. */
static int
runsuite(const char *dir, const char *file)
{
	char *path, *text, *suite;
	const cJSON *tests, *t;
	cJSON *doc = NULL;
	int total = 0, passed = 0;

	path = xmalloc(strlen(dir) + strlen(file) + 2);
	sprintf(path, "%s/%s", dir, file);
	suite = xstrndup(file, strlen(file) - strlen(".json"));
	text = buf_read_file(path, NULL);
	if (text != NULL)
		doc = cJSON_Parse(text);
	tests = cJSON_GetObjectItemCaseSensitive(doc, "tests");
	if (!cJSON_IsArray(tests)) {
		printf("mustache %s: cannot read %s\n", suite, path);
		total = 1;
		goto out;
	}
	cJSON_ArrayForEach(t, tests) {
		total++;
		if (runtest(t))
			passed++;
	}
	printf("mustache %s: %d/%d passed\n", suite, passed, total);
out:
	cJSON_Delete(doc);
	free(text);
	free(suite);
	free(path);
	return total - passed;
}

static int
bystr(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

int
main(int argc, char **argv)
{
	struct dirent *de;
	struct stat st;
	char **files = NULL;
	size_t n = 0, cap = 0, i;
	int failed = 0;
	DIR *d;

	if (argc != 2) {
		fprintf(stderr, "usage: mustache-spec DIR\n");
		return 2;
	}
	if (stat(argv[1], &st) != 0 || !S_ISDIR(st.st_mode) ||
	    (d = opendir(argv[1])) == NULL) {
		printf("mustache: conformance suites not found at %s; "
		    "skipped\n", argv[1]);
		return 0;
	}
	while ((de = readdir(d)) != NULL)
		if (str_has_suffix(de->d_name, ".json") &&
		    strlen(de->d_name) > strlen(".json")) {
			xgrow(&files, &cap, n + 1, sizeof(*files));
			files[n++] = xstrdup(de->d_name);
		}
	closedir(d);
	if (n == 0) {
		printf("mustache: conformance suites not found at %s; "
		    "skipped\n", argv[1]);
		free(files);
		return 0;
	}
	qsort(files, n, sizeof(*files), bystr);
	for (i = 0; i < n; i++) {
		failed += runsuite(argv[1], files[i]);
		free(files[i]);
	}
	free(files);
	return failed > 0 ? 1 : 0;
}
