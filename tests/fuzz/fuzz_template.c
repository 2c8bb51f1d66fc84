/*
 * fuzz_template: the Mustache engine.  The input is a template, a NUL
 * byte, then JSON data (no NUL: all template, empty data).  The data is
 * parsed by json_parse (invalid JSON: an empty object) and becomes the
 * root context, with a few members added: "lambda" (a lambda returning
 * template text around a section's body), "html" (trusted HTML, as
 * rendered Markdown is) and "text" (a plain string with markup in it).
 *
 * The template is compiled with tmpl_set_add as "main" and as the partial
 * "p", so {{>p}} and {{<p}} recurse into it, then rendered with
 * tmpl_render by a default set and by a safe, strict set.
 */
#include <stdbool.h>

#include "arena.h"
#include "buf.h"
#include "fuzz.h"
#include "json.h"
#include "template.h"
#include "value.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	return 0;
}

/* A lambda: interpolations get a fixed template; sections get their body
 * back, wrapped, to be rendered again. */
static int
lambda(struct buf *out, const char *text, size_t len, void *ud)
{
	if (text == NULL) {
		buf_puts(out, "<i>{{text}}</i>");
		return 0;
	}
	if (len > 0 && text[0] == '!')
		return -1;	/* a lambda's failure */
	buf_puts(out, "[");
	buf_put(out, text, len);
	buf_puts(out, "]");
	return 0;
}

static void
render(int safe, const char *src, size_t len, const struct value *ctx)
{
	struct tmpl_set *set = tmpl_set_new(NULL, NULL);
	struct buf out;

	buf_init(&out);
	tmpl_set_safe(set, safe);
	tmpl_set_strict(set, safe);
	if (tmpl_set_add(set, "main", "main.mustache", src, len) == 0 &&
	    tmpl_set_add(set, "p", "p.mustache", src, len) == 0) {
		tmpl_set_has(set, "p");
		tmpl_set_has(set, "absent");
		tmpl_render(set, "main", ctx, &out);
	}
	buf_release(&out);
	tmpl_set_free(set);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	size_t tlen = nul != NULL ? (size_t)(nul - data) : size;
	char *tmpl = fuzz_text(data, tlen);
	size_t jlen = nul != NULL ? size - tlen - 1 : 0;
	char *json = fuzz_text(nul != NULL ? nul + 1 : data + size, jlen);
	struct value *root = NULL, *ctx;
	struct arena a;

	diag_reset();
	arena_init(&a);
	if (json_parse(&a, "data.json", json, jlen, &root) < 0)
		root = NULL;
	if (root != NULL && root->kind == VAL_OBJ)
		ctx = value_obj_copy(&a, root);
	else {
		ctx = value_obj(&a);
		if (root != NULL)
			value_set(&a, ctx, "data", root);
	}
	value_set(&a, ctx, "lambda", value_func(&a, lambda, NULL));
	value_set(&a, ctx, "html", value_html(&a, "<b>trusted</b>", 14));
	value_set_str(&a, ctx, "text", "<script>x</script> & \"q\"");

	render(0, tmpl, tlen, ctx);
	render(1, tmpl, tlen, ctx);

	arena_release(&a);
	free(json);
	free(tmpl);
	return 0;
}
