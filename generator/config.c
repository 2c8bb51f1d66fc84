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
	{ "contact", VAL_OBJ, HAND },
};

static int
wrongtype(const char *path, const struct value *v, const char *key,
    const char *want)
{
	diag_error(path, v->line, v->col, "%s must be %s, found %s", _(key),
	    _(want), value_kind_name(v->kind));
	return -1;
}

/*
 * A typed section: each key a field of the struct at base, with its type
 * and range; every key is checked, so one run shows every mistake.
 */
enum ftype { F_TEXT, F_NUM, F_INT };

struct field {
	const char	*name;
	enum ftype	 type;
	size_t		 off;
	double		 min, max;	/* F_NUM and F_INT */
	bool		(*valid)(const char *);	/* F_TEXT, or NULL */
	const char	*what;		/* for the message */
};

static int
section(const char *path, const char *name, const struct value *v,
    const struct field *f, size_t nf, void *base)
{
	size_t i, k;
	int rc = 0;

	for (i = 0; i < v->u.obj.len; i++) {
		const char *key = v->u.obj.m[i].key;
		const struct value *x = v->u.obj.m[i].val;
		double d;

		for (k = 0; k < nf && strcmp(f[k].name, key) != 0; k++)
			;
		if (k == nf) {
			struct buf b;

			buf_init(&b);
			for (k = 0; k < nf; k++)
				buf_printf(&b, "%s%s", k ? ", " : "",
				    f[k].name);
			diag_warning(path, x->line, x->col, "unknown setting "
			    "%s.%s (known: %s)", name, key, b.data);
			buf_release(&b);
			continue;
		}
		if (f[k].off == HAND)
			continue;
		switch (f[k].type) {
		case F_TEXT:
			if (x->kind != VAL_STR ||
			    (f[k].valid != NULL && !f[k].valid(x->u.str.s))) {
				diag_error(path, x->line, x->col, "%s.%s must "
				    "be %s", name, key, _(f[k].what));
				rc = -1;
				break;
			}
			*(const char **)((char *)base + f[k].off) = x->u.str.s;
			break;
		case F_NUM:
		case F_INT:
			d = x->kind == VAL_INT ? (double)x->u.i :
			    x->kind == VAL_NUM && f[k].type == F_NUM ?
			    x->u.num.d : -1e300;
			if (!(d >= f[k].min && d <= f[k].max)) {
				diag_error(path, x->line, x->col, "%s.%s must "
				    "be %s from %.15g to %.15g", name, key,
				    _(f[k].what), f[k].min, f[k].max);
				rc = -1;
				break;
			}
			if (f[k].type == F_NUM)
				*(double *)((char *)base + f[k].off) = d;
			else
				*(long long *)((char *)base + f[k].off) =
				    x->u.i;
			break;
		}
	}
	return rc;
}

static bool
name_ok(const char *s)
{
	return version_name_valid(s);
}

static bool
pattern_ok(const char *s)
{
	return *s != '\0' && strlen(s) <= 64;
}

/* The EU's data themes (publications.europa.eu authority table
 * data-theme), which DCAT-AP names for dcat:theme, with their English
 * labels. */
static const struct { const char *code, *label; } data_themes[] = {
	{ "AGRI", "Agriculture, fisheries, forestry and food" },
	{ "ECON", "Economy and finance" },
	{ "EDUC", "Education, culture and sport" },
	{ "ENER", "Energy" },
	{ "ENVI", "Environment" },
	{ "GOVE", "Government and public sector" },
	{ "HEAL", "Health" },
	{ "INTR", "International issues" },
	{ "JUST", "Justice, legal system and public safety" },
	{ "OP_DATPRO", "Provisional data" },
	{ "REGI", "Regions and cities" },
	{ "SOCI", "Population and society" },
	{ "TECH", "Science and technology" },
	{ "TRAN", "Transport" },
};

const char *
config_theme_label(const char *code)
{
	size_t i;

	for (i = 0; i < sizeof(data_themes) / sizeof(data_themes[0]); i++)
		if (strcmp(data_themes[i].code, code) == 0)
			return data_themes[i].label;
	return NULL;
}

static bool
theme_ok(const char *s)
{
	return config_theme_label(s) != NULL;
}

static bool
email_ok(const char *s)
{
	const char *at = strchr(s, '@');

	return at != NULL && at != s && at[1] != '\0' &&
	    strchr(at + 1, '@') == NULL && strlen(s) <= 254 &&
	    strcspn(s, " \t\r\n<>\"'()[],;:\\") == strlen(s);
}

#define DATA(f) offsetof(struct config_data, f)
#define CONTACT(f) offsetof(struct config_contact, f)
#define MAPS(f) offsetof(struct config_maps, f)
#define PLUG(f) offsetof(struct config_plugins, f)

static const struct field data_fields[] = {
	{ "name", F_TEXT, DATA(name), 0, 0, name_ok,
	    N_("letters, digits, '.', '-' and '_'") },
	{ "version", F_TEXT, DATA(version), 0, 0, name_ok,
	    N_("letters, digits, '.', '-' and '_'") },
	{ "release_tags", F_TEXT, DATA(release_tags), 0, 0, pattern_ok,
	    N_("a tag pattern such as v*") },
	{ "sources", F_TEXT, HAND, 0, 0, NULL, NULL },
	{ "theme", F_TEXT, DATA(theme), 0, 0, theme_ok,
	    N_("an EU data theme code (AGRI, ECON, EDUC, ENER, ENVI, GOVE, "
	    "HEAL, INTR, JUST, OP_DATPRO, REGI, SOCI, TECH, TRAN)") },
};

static const struct field contact_fields[] = {
	{ "name", F_TEXT, CONTACT(name), 0, 0, NULL, N_("text") },
	{ "email", F_TEXT, CONTACT(email), 0, 0, email_ok,
	    N_("an e-mail address") },
	{ "url", F_TEXT, CONTACT(url), 0, 0, url_valid,
	    N_("an http(s) URL") },
};

static const struct field maps_fields[] = {
	{ "width", F_NUM, MAPS(width), 200, 4000, NULL,
	    N_("a width in px") },
	{ "province_tolerance_km", F_NUM, MAPS(province_tolerance_km), 0,
	    1000, NULL, N_("a distance in km") },
	{ "county_tolerance_km", F_NUM, MAPS(county_tolerance_km), 0, 1000,
	    NULL, N_("a distance in km") },
};

static const struct field plugins_fields[] = {
	{ "instructions", F_INT, PLUG(instructions), 1,
	    (double)CONFIG_MAX_INSTRUCTIONS, NULL, N_("a whole number") },
	{ "memory_mb", F_INT, PLUG(memory_mb), 1, CONFIG_MAX_MEMORY_MB, NULL,
	    N_("a whole number") },
	{ "seconds", F_INT, PLUG(seconds), 1, 3600, NULL,
	    N_("a whole number") },
	{ "total_seconds", F_INT, PLUG(total_seconds), 1, 86400, NULL,
	    N_("a whole number") },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* data.sources: what datapackage.json cites, as Data Package v2 sources. */
static int
sources(const char *path, const struct value *v)
{
	static const char *const known[] = { "title", "path", "email",
	    "version" };
	size_t i, j, k;
	int rc = 0;

	if (v->kind != VAL_ARR) {
		diag_error(path, v->line, v->col, "data.sources must be a list "
		    "of sources, each with a title");
		return -1;
	}
	for (i = 0; i < v->u.arr.len; i++) {
		const struct value *s = v->u.arr.v[i];

		if (s->kind != VAL_OBJ || value_get_str(s, "title") == NULL) {
			diag_error(path, s->line, s->col, "each of data.sources "
			    "needs a title (text)");
			rc = -1;
			continue;
		}
		for (j = 0; j < s->u.obj.len; j++) {
			const char *key = s->u.obj.m[j].key;
			const struct value *x = s->u.obj.m[j].val;

			for (k = 0; k < N(known) && strcmp(known[k], key); k++)
				;
			if (k == N(known))
				diag_warning(path, x->line, x->col, "unknown "
				    "setting data.sources.%s (known: title, "
				    "path, email, version)", key);
			else if (x->kind != VAL_STR ||
			    (k == 1 && !url_valid(x->u.str.s))) {
				diag_error(path, x->line, x->col, "data.sources"
				    ".%s must be %s", key, k == 1 ?
				    _("an http(s) URL") : _("text"));
				rc = -1;
			}
		}
	}
	return rc;
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
	size_t i, j;
	int rc = 0;

	c->provinces = arena_alloc(a, (v->u.arr.len + 1) * sizeof(char *));
	for (i = 0; i < v->u.arr.len; i++) {
		const struct value *p = v->u.arr.v[i];
		struct buf b;

		if (p->kind != VAL_STR && p->kind != VAL_INT) {
			rc = wrongtype(path, p, N_("a province"), N_("a code"));
			continue;
		}
		buf_init(&b);
		value_text(&b, p);
		for (j = 0; j < (size_t)c->nprovinces; j++)
			if (strcmp(c->provinces[j], b.data) == 0)
				break;
		if (j < (size_t)c->nprovinces) {
			diag_error(path, p->line, p->col, "province \"%s\" is "
			    "listed twice", b.data);
			rc = -1;
		} else
			c->provinces[c->nprovinces++] = arena_strndup(a,
			    b.data, b.len);
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
	c->data.name = "hearth-data";
	c->data.release_tags = "v*";
	c->maps.width = 720;
	c->maps.county_tolerance_km = 0.05;
	c->language = "zh-CN";
	c->theme = "default";
	c->data.theme = "SOCI";
	c->paginate = 10;
	c->title = "hearth";
	c->base_url = "/";
	if (yamlval_parse(a, f->path, f->data, f->len, 1, &root) < 0)
		return -1;
	if (root->kind != VAL_OBJ)
		return wrongtype(f->path, root, "hearth.yaml", N_("a mapping"));
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
			    keys[k].kind == VAL_STR ? N_("text") :
			    keys[k].kind == VAL_INT ? N_("an integer") :
			    keys[k].kind == VAL_BOOL ? N_("true or false") :
			    keys[k].kind == VAL_ARR ? N_("a list") :
			    N_("a mapping"));
			continue;
		}
		if (keys[k].off != HAND)
			*(const char **)((char *)c + keys[k].off) =
			    v->u.str.s;
		else if (strcmp(name, "licence") == 0)
			rc |= licence(c, f->path, v);
		else if (strcmp(name, "provinces") == 0) {
			c->provinces_at = v;
			rc |= provinces(c, a, f->path, v);
		} else if (strcmp(name, "data") == 0) {
			rc |= section(f->path, name, v, data_fields,
			    N(data_fields), &c->data);
			if ((c->data.sources = value_get(v, "sources")) != NULL)
				rc |= sources(f->path, c->data.sources);
		} else if (strcmp(name, "contact") == 0)
			rc |= section(f->path, name, v, contact_fields,
			    N(contact_fields), &c->contact);
		else if (strcmp(name, "maps") == 0)
			rc |= section(f->path, name, v, maps_fields,
			    N(maps_fields), &c->maps);
		else if (strcmp(name, "plugins") == 0)
			rc |= section(f->path, name, v, plugins_fields,
			    N(plugins_fields), &c->plugins);
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
