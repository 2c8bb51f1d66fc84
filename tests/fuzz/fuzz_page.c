/*
 * fuzz_page: a news item as the build reads it.  The input is a Markdown
 * file: front_parse splits off the YAML front matter, which is checked
 * against the news schema (record_add, as site.c does), and the body is
 * rendered by markdown_render with shortcodes (a callback that returns
 * fixed Markdown and fixed HTML in turn, so HTML markers are put back) and
 * read by markdown_text.  When there is no valid front matter the whole
 * input is rendered, as hearth.markdown() in a plugin does with any string.
 *
 * The input's length picks the rendering options (raw HTML allowed or
 * not, a base path or none), so every input renders the same way each time.
 */
#include <stdbool.h>

#include "arena.h"
#include "buf.h"
#include "front.h"
#include "fuzz.h"
#include "markdown.h"
#include "record.h"
#include "schema.h"
#include "shortcode.h"
#include "source.h"
#include "value.h"

static struct arena schema_arena;
static struct schema news;
static bool have_news;

struct calls {
	int	n;
};

static int
shortcode(void *ud, const struct shortcode_call *c, struct buf *out,
    bool *is_html)
{
	struct calls *k = ud;

	if (strcmp(c->name, "fail") == 0) {
		diag_error(c->path, c->line, c->col, "shortcode %s failed",
		    c->name);
		return -1;
	}
	/* Text is Markdown like the body; HTML goes back through a marker. */
	*is_html = k->n++ % 2 == 1;
	if (*is_html)
		buf_puts(out, "<span class=\"sc\">&lt;sc&gt; <b>html</b></span>");
	else
		buf_puts(out, "*short* [code](/news/x/) `x`");
	return 0;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	size_t len;
	char *text = fuzz_slurp("content/schemas/news.yaml", &len);

	fuzz_quiet();
	arena_init(&schema_arena);
	have_news = schema_parse(&news, &schema_arena,
	    "content/schemas/news.yaml", "news", text, len) == 0;
	free(text);
	if (!have_news) {
		fprintf(stdout, "fuzz_page: content/schemas/news.yaml does "
		    "not parse\n");
		exit(2);
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct sfile f = { .path = "content/news/2023/fuzz.md", .data = text,
	    .len = size };
	struct arena a;
	struct front fm;
	struct recordset set;
	struct calls calls = { 0 };
	struct markdown_opts mo = { .shortcode = shortcode, .ud = &calls,
	    .path = f.path, .line = 1 };
	struct buf out;
	const char *body = text;
	size_t body_len = size;

	diag_reset();
	arena_init(&a);
	buf_init(&out);
	recordset_init(&set, &news);
	mo.unsafe_html = size % 2 == 1;
	mo.base_path = size % 4 >= 2 ? "/shegong/" : NULL;

	if (front_parse(&fm, &a, &f) == 0) {
		record_add(&set, &a, fm.meta, f.path, fm.meta->line > 0 ?
		    fm.meta->line : 2, 1, "fuzz", NULL);
		body = fm.body;
		body_len = fm.body_len;
		mo.line = fm.body_line;
	}
	markdown_render(&out, body, body_len, &mo);
	buf_reset(&out);
	markdown_text(&out, body, body_len);

	buf_release(&out);
	recordset_release(&set);
	arena_release(&a);
	free(text);
	return 0;
}
