/*
 * ui: the theme's words (see ui.h).
 */
#include <stdarg.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "source.h"
#include "ui.h"
#include "value.h"
#include "yamlval.h"

static const struct {
	const char	*key;
	const char	*placeholders;	/* space-separated names */
} keys[UI_N] = {
#define UI_ENTRY(name, key, ph) [UI_##name] = { key, ph },
	UI_KEYS(UI_ENTRY)
#undef UI_ENTRY
};

/* Is the placeholder name (n bytes) one of the space-separated list? */
static bool
allowed(const char *list, const char *name, size_t n)
{
	const char *p = list;

	while (*p != '\0') {
		size_t len = strcspn(p, " ");

		if (len == n && strncmp(p, name, n) == 0)
			return true;
		p += len;
		p += strspn(p, " ");
	}
	return false;
}

/* Check the placeholders of one text; reports at v. */
static int
checktext(const char *path, const struct value *v, size_t k)
{
	const char *s = v->u.str.s, *open, *close;

	while ((open = strchr(s, '{')) != NULL) {
		if ((close = strchr(open + 1, '}')) == NULL) {
			diag_error(path, v->line, v->col, "\"%s\": a '{' "
			    "without its '}'", keys[k].key);
			return -1;
		}
		if (!allowed(keys[k].placeholders, open + 1,
		    (size_t)(close - open - 1))) {
			diag_error(path, v->line, v->col, "\"%s\" has no "
			    "placeholder {%.*s} (it has: %s)", keys[k].key,
			    (int)(close - open - 1), open + 1,
			    *keys[k].placeholders ? keys[k].placeholders :
			    "none");
			return -1;
		}
		s = close + 1;
	}
	return 0;
}

int
ui_load(struct ui *u, struct arena *a, const struct sfile *f,
    const char *theme_dir)
{
	struct value *root;
	struct buf missing;
	size_t i, k;
	int rc = 0;

	memset(u, 0, sizeof(*u));
	if (f == NULL) {
		diag_error(theme_dir, 0, 0, "the theme has no strings.yaml (the "
		    "words its pages use)");
		return -1;
	}
	if (yamlval_parse(a, f->path, f->data, f->len, 1, &root) < 0)
		return -1;
	if (root->kind != VAL_OBJ) {
		diag_error(f->path, root->line, root->col, "expected a mapping "
		    "of keys to texts");
		return -1;
	}
	for (i = 0; i < root->u.obj.len; i++) {
		const char *key = root->u.obj.m[i].key;
		const struct value *v = root->u.obj.m[i].val;

		for (k = 0; k < UI_N && strcmp(keys[k].key, key) != 0; k++)
			;
		if (k == UI_N) {
			diag_warning(f->path, v->line, v->col, "unknown key "
			    "\"%s\"", key);
			continue;
		}
		if (v->kind != VAL_STR) {
			diag_error(f->path, v->line, v->col, "\"%s\" must be "
			    "text, found %s", key, value_kind_name(v->kind));
			rc = -1;
			continue;
		}
		if (checktext(f->path, v, k) < 0) {
			rc = -1;
			continue;
		}
		u->text[k] = v->u.str.s;
	}
	buf_init(&missing);
	for (k = 0; k < UI_N; k++)
		if (u->text[k] == NULL && value_get(root, keys[k].key) == NULL)
			buf_printf(&missing, "%s%s", missing.len ? ", " : "",
			    keys[k].key);
	if (missing.len > 0) {
		diag_error(f->path, 0, 0, "no text for %s", missing.data);
		rc = -1;
	}
	buf_release(&missing);
	return rc;
}

static void
fill(struct buf *b, const struct ui *u, enum ui_key k, va_list args)
{
	const char *s = u->text[k] != NULL ? u->text[k] : "", *open, *close;

	while ((open = strchr(s, '{')) != NULL &&
	    (close = strchr(open + 1, '}')) != NULL) {
		const char *name, *val = NULL;
		size_t n = (size_t)(close - open - 1);
		va_list ap;

		buf_put(b, s, (size_t)(open - s));
		va_copy(ap, args);
		while ((name = va_arg(ap, const char *)) != NULL) {
			const char *x = va_arg(ap, const char *);

			if (strlen(name) == n && strncmp(name, open + 1, n) == 0)
				val = x;
		}
		va_end(ap);
		if (val != NULL)
			buf_puts(b, val);
		s = close + 1;
	}
	buf_puts(b, s);
}

char *
ui_fmt(struct arena *a, const struct ui *u, enum ui_key k, ...)
{
	struct buf b;
	va_list ap;
	char *out;

	buf_init(&b);
	va_start(ap, k);
	fill(&b, u, k, ap);
	va_end(ap);
	out = arena_strndup(a, b.data != NULL ? b.data : "", b.len);
	buf_release(&b);
	return out;
}

void
ui_put(struct buf *b, const struct ui *u, enum ui_key k, ...)
{
	va_list ap;

	va_start(ap, k);
	fill(b, u, k, ap);
	va_end(ap);
}
