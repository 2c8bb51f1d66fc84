#include <stddef.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "config.h"
#include "diag.h"
#include "source.h"
#include "util.h"
#include "value.h"
#include "yamlval.h"

struct key {
	const char	*name;
	enum value_kind	 kind;
	size_t		 off;	/* offset of the const char * in struct config,
				   or (size_t)-1 for keys handled by hand */
};

#define STR(f) offsetof(struct config, f)
#define HAND ((size_t)-1)

static const struct key keys[] = {
	{ "title", VAL_STR, STR(title) },
	{ "title_en", VAL_STR, STR(title_en) },
	{ "description", VAL_STR, STR(description) },
	{ "base_url", VAL_STR, STR(base_url) },
	{ "language", VAL_STR, STR(language) },
	{ "theme", VAL_STR, STR(theme) },
	{ "publisher", VAL_STR, STR(publisher) },
	{ "publisher_en", VAL_STR, STR(publisher_en) },
	{ "licence", VAL_OBJ, HAND },
	{ "provinces", VAL_ARR, HAND },
	{ "paginate", VAL_INT, HAND },
	{ "unsafe_html", VAL_BOOL, HAND },
	{ "plugins", VAL_OBJ, HAND },
	{ "sources", VAL_ARR, HAND },
	{ "data", VAL_OBJ, HAND },
	{ "maps", VAL_OBJ, HAND },
};

static int
wrongtype(const char *path, const struct value *v, const char *key,
    const char *want)
{
	diag_error(path, v->line, v->col, "%s must be %s, found %s", key, want,
	    value_kind_name(v->kind));
	return -1;
}

static int
licence(struct config *c, const char *path, const struct value *v)
{
	const char *id = value_get_str(v, "id");

	if (id == NULL) {
		diag_error(path, v->line, v->col, "licence needs an id (an "
		    "SPDX identifier such as CC-BY-4.0)");
		return -1;
	}
	c->licence_id = id;
	c->licence_title = value_get_str(v, "title");
	c->licence_url = value_get_str(v, "url");
	/* Both go into links and JSON as they are: refuse what is not an
	 * identifier or an http(s) URL. */
	if (strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789.-+") != strlen(id)) {
		const struct value *e = value_get(v, "id");

		diag_error(path, e->line, e->col, "licence id must be an SPDX "
		    "identifier (letters, digits, '.', '-', '+')");
		return -1;
	}
	if (c->licence_url != NULL && !url_valid(c->licence_url)) {
		const struct value *e = value_get(v, "url");

		diag_error(path, e->line, e->col, "licence url must be an "
		    "http(s) URL");
		return -1;
	}
	return 0;
}

static int
provinces(struct config *c, struct arena *a, const char *path,
    const struct value *v)
{
	size_t i;
	int rc = 0;

	c->provinces = arena_alloc(a, (v->u.arr.len + 1) * sizeof(char *));
	for (i = 0; i < v->u.arr.len; i++) {
		const struct value *p = v->u.arr.v[i];
		struct buf b;

		if (p->kind != VAL_STR && p->kind != VAL_INT) {
			rc = wrongtype(path, p, "a province", "a code");
			continue;
		}
		buf_init(&b);
		value_text(&b, p);
		c->provinces[c->nprovinces++] = arena_strndup(a, b.data, b.len);
		buf_release(&b);
	}
	return rc;
}

int
config_load(struct config *c, struct arena *a, const struct sfile *f)
{
	struct value *root;
	const char *p;
	size_t i, k;
	int rc = 0;

	memset(c, 0, sizeof(*c));
	c->language = "zh-CN";
	c->theme = "default";
	c->paginate = 10;
	c->title = "hearth";
	c->base_url = "/";
	if (yamlval_parse(a, f->path, f->data, f->len, 1, &root) < 0)
		return -1;
	if (root->kind != VAL_OBJ)
		return wrongtype(f->path, root, "hearth.yaml", "a mapping");
	c->raw = root;
	for (i = 0; i < root->u.obj.len; i++) {
		const char *name = root->u.obj.m[i].key;
		const struct value *v = root->u.obj.m[i].val;

		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			if (strcmp(keys[k].name, name) == 0)
				break;
		if (k == sizeof(keys) / sizeof(keys[0])) {
			diag_warning(f->path, v->line, v->col,
			    "unknown setting \"%s\"", name);
			continue;
		}
		if (v->kind != keys[k].kind) {
			rc = wrongtype(f->path, v, name,
			    keys[k].kind == VAL_STR ? "text" :
			    keys[k].kind == VAL_INT ? "an integer" :
			    keys[k].kind == VAL_BOOL ? "true or false" :
			    keys[k].kind == VAL_ARR ? "a list" : "a mapping");
			continue;
		}
		if (keys[k].off != HAND)
			*(const char **)((char *)c + keys[k].off) =
			    v->u.str.s;
		else if (strcmp(name, "licence") == 0)
			rc |= licence(c, f->path, v);
		else if (strcmp(name, "provinces") == 0)
			rc |= provinces(c, a, f->path, v);
		else if (strcmp(name, "paginate") == 0) {
			if (v->u.i < 1 || v->u.i > 1000) {
				diag_error(f->path, v->line, v->col,
				    "paginate must be between 1 and 1000");
				rc = -1;
			} else
				c->paginate = (int)v->u.i;
		} else if (strcmp(name, "unsafe_html") == 0)
			c->unsafe_html = v->u.b;
	}

	/* base_url: an http(s) URL or a path from the host's root, with a
	 * trailing slash; its path prefixes every link. */
	if (!url_valid(c->base_url) && !(c->base_url[0] == '/' &&
	    c->base_url[1] != '/' && url_valid(arena_printf(a, "http://h%s",
	    c->base_url)))) {
		const struct value *v = value_get(root, "base_url");

		diag_error(f->path, v->line, v->col, "base_url must be an "
		    "http(s) URL or a path starting with '/'");
		rc = -1;
	}
	if (!langtag_valid(c->language)) {
		const struct value *v = value_get(root, "language");

		diag_error(f->path, v->line, v->col, "language must be a "
		    "language tag such as zh-CN");
		rc = -1;
	}
	if (!str_has_suffix(c->base_url, "/"))
		c->base_url = arena_printf(a, "%s/", c->base_url);
	p = strstr(c->base_url, "://");
	p = p != NULL ? strchr(p + 3, '/') : c->base_url;
	c->base_path = p != NULL ? p : "/";
	if (strchr(c->theme, '/') != NULL || c->theme[0] == '.') {
		const struct value *v = value_get(root, "theme");

		diag_error(f->path, v->line, v->col, "theme must be a folder "
		    "name under themes/");
		rc = -1;
	}
	return rc < 0 ? -1 : 0;
}
