/*
 * fuzz_shortcode: shortcode_expand over the input as a Markdown body, with
 * a callback that returns fixed Markdown and fixed HTML in turn (and fails
 * for a shortcode called "fail"), and shortcode_parse of the input as the
 * inside of one shortcode.
 */
#include <stdbool.h>

#include "arena.h"
#include "buf.h"
#include "fuzz.h"
#include "shortcode.h"
#include "value.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	return 0;
}

static int
call(void *ud, const struct shortcode_call *c, struct buf *out, bool *is_html)
{
	int *n = ud;
	size_t i;

	if (strcmp(c->name, "fail") == 0) {
		diag_error(c->path, c->line, c->col, "shortcode %s failed",
		    c->name);
		return -1;
	}
	/* Read every argument, as a plugin would. */
	for (i = 0; i < c->args->u.obj.len; i++)
		if (c->args->u.obj.m[i].val->kind != VAL_STR)
			abort();
	*is_html = (*n)++ % 2 == 1;
	buf_puts(out, *is_html ? "<figure>html</figure>" : "**text**");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct shortcode_html *html;
	struct shortcode_call c;
	struct arena a;
	struct buf out;
	size_t nhtml, i;
	int n = 0;

	diag_reset();
	arena_init(&a);
	buf_init(&out);
	shortcode_expand(&out, &a, "content/news/2023/fuzz.md", 5, text, size,
	    call, &n, &html, &nhtml);
	for (i = 0; i < nhtml; i++)
		if (html[i].marker == NULL || html[i].html == NULL ||
		    out.data == NULL || memmem(out.data, out.len,
		    html[i].marker, strlen(html[i].marker)) == NULL)
			abort();	/* every marker is in the text */
	shortcode_parse(&c, &a, "content/news/2023/fuzz.md", 1, 1, text, size);
	buf_release(&out);
	arena_release(&a);
	return 0;
}
