/*
 * fuzz_htmlcheck: the output check of county pages.  The input is a
 * county brand template, a NUL byte, then JSON data, as in fuzz_template.
 * The template is compiled into a safe set beside a small layout ("base",
 * with the theme's JSON-LD block and an own script) and rendered as a
 * brand page; the rendered page goes through htmlcheck, and so does the
 * raw input, as a page of its own.
 *
 * Besides crashes and hangs in the template engine and the HTML5 parser,
 * one property is checked: the layout alone is safe, so a page htmlcheck
 * refuses must hold something the county's template added.
 */
#include <stdbool.h>

#include "arena.h"
#include "buf.h"
#include "fuzz.h"
#include "htmlcheck.h"
#include "json.h"
#include "template.h"
#include "value.h"

static const char layout[] = "<!doctype html><html lang=\"zh-CN\"><head>"
    "<meta charset=\"utf-8\"><title>{{title}}</title>"
    "<script type=\"application/ld+json\">{\"@type\":\"Thing\"}</script>"
    "</head><body><main>{{$content}}{{/content}}</main>"
    "<script src=\"/assets/search.js\" defer></script></body></html>";

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	size_t tlen = nul != NULL ? (size_t)(nul - data) : size;
	char *tmpl = fuzz_text(data, tlen);
	size_t jlen = nul != NULL ? size - tlen - 1 : 0;
	char *json = fuzz_text(nul != NULL ? nul + 1 : data + size, jlen);
	struct tmpl_set *set = tmpl_set_new(NULL, NULL);
	struct htmlcheck_problem pr;
	struct value *root = NULL, *ctx;
	struct arena a;
	struct buf out;

	diag_reset();
	arena_init(&a);
	buf_init(&out);
	if (json_parse(&a, "data.json", json, jlen, &root) < 0 ||
	    root == NULL || root->kind != VAL_OBJ)
		ctx = value_obj(&a);
	else
		ctx = value_obj_copy(&a, root);
	tmpl_set_safe(set, 1);
	if (tmpl_set_add(set, "base", "base.mustache", layout,
	    sizeof(layout) - 1) < 0)
		abort();
	if (tmpl_render(set, "base", ctx, &out) == 0 &&
	    htmlcheck(out.data, out.len, "/", &pr) != 0) {
		fprintf(stdout, "the layout alone was refused: %s\n", pr.what);
		abort();
	}
	buf_reset(&out);
	if (tmpl_set_add(set, "brand", "brand.mustache", tmpl, tlen) == 0 &&
	    tmpl_render(set, "brand", ctx, &out) == 0)
		htmlcheck(out.data != NULL ? out.data : "", out.len, "/", &pr);
	htmlcheck(tmpl, tlen, "/sub/", &pr);
	buf_release(&out);
	tmpl_set_free(set);
	arena_release(&a);
	free(json);
	free(tmpl);
	return 0;
}
