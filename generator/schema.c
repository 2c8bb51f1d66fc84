#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "schema.h"
#include "source.h"
#include "util.h"
#include "value.h"
#include "yamlval.h"

static const char *const typenames[] = {
	[FT_STRING] = "string",
	[FT_INTEGER] = "integer",
	[FT_NUMBER] = "number",
	[FT_BOOLEAN] = "boolean",
	[FT_DATE] = "date",
	[FT_YEARMONTH] = "yearmonth",
	[FT_LIST] = "list",
	[FT_REF] = "ref",
	[FT_DIVISION] = "division",
};

static const char *const fieldkeys[] = { "name", "type", "title",
    "title_en", "description", "unit", "required", "enum", "minimum",
    "maximum", "precision", "max_length", "format", "ref", "level",
    "within", "items", "example" };

static const char *const schemakeys[] = { "title", "title_en",
    "description", "description_en", "primary_key", "fields", "dataset",
    "catalog", "checks" };

static const char *const catalogkeys[] = { "category", "keywords",
    "update_frequency", "provenance", "provenance_en", "scope", "scope_en",
    "spatial",
    "open_type", "contact" };

const char *
schema_type_name(enum field_type t)
{
	return typenames[t];
}

int
schema_field(const struct schema *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nfields; i++)
		if (strcmp(s->fields[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int
err(const char *path, const struct value *v, const char *fmt, const char *a1)
{
	diag_error(path, v->line, v->col, fmt, a1);
	return -1;
}

static bool
known(const char *key, const char *const *keys, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(keys[i], key) == 0)
			return true;
	return false;
}

static const char *
str(const char *path, const struct value *f, const char *key, int *rc)
{
	const struct value *v = value_get(f, key);

	if (v == NULL || v->kind == VAL_NULL)
		return NULL;
	if (v->kind != VAL_STR) {
		*rc = err(path, v, "%s must be text", key);
		return NULL;
	}
	return v->u.str.s;
}

static bool
num(const char *path, const struct value *f, const char *key, double *out,
    int *rc)
{
	const struct value *v = value_get(f, key);

	if (v == NULL)
		return false;
	if (v->kind == VAL_INT)
		*out = (double)v->u.i;
	else if (v->kind == VAL_NUM)
		*out = v->u.num.d;
	else {
		*rc = err(path, v, "%s must be a number", key);
		return false;
	}
	return true;
}

static int
parsefield(struct field *fd, struct arena *a, const char *path,
    const struct value *f)
{
	const struct value *v;
	const char *type;
	double d;
	size_t i;
	int rc = 0;

	memset(fd, 0, sizeof(*fd));
	fd->precision = -1;
	fd->line = f->line;
	fd->col = f->col;
	if (f->kind != VAL_OBJ)
		return err(path, f, "a field must be a mapping with a name "
		    "and a type%s", "");
	for (i = 0; i < f->u.obj.len; i++)
		if (!known(f->u.obj.m[i].key, fieldkeys,
		    sizeof(fieldkeys) / sizeof(fieldkeys[0])))
			rc = err(path, f->u.obj.m[i].val,
			    "unknown field property \"%s\"", f->u.obj.m[i].key);
	fd->name = str(path, f, "name", &rc);
	if (fd->name == NULL || !id_valid(fd->name, 64))
		return err(path, f, "a field needs a name made of letters, "
		    "digits, '-' and '_'%s", "");
	type = str(path, f, "type", &rc);
	if (type == NULL)
		return err(path, f, "field \"%s\" needs a type", fd->name);
	for (i = 0; i < sizeof(typenames) / sizeof(typenames[0]); i++)
		if (strcmp(typenames[i], type) == 0)
			break;
	if (i == sizeof(typenames) / sizeof(typenames[0]))
		return err(path, value_get(f, "type"), "unknown field type "
		    "\"%s\" (expected string, integer, number, boolean, date, "
		    "yearmonth, list, ref or division)", type);
	fd->type = (enum field_type)i;
	fd->title = str(path, f, "title", &rc);
	fd->title_en = str(path, f, "title_en", &rc);
	fd->description = str(path, f, "description", &rc);
	fd->unit = str(path, f, "unit", &rc);
	fd->format = str(path, f, "format", &rc);
	fd->ref = str(path, f, "ref", &rc);
	fd->within = str(path, f, "within", &rc);
	if ((v = value_get(f, "required")) != NULL) {
		if (v->kind != VAL_BOOL)
			rc = err(path, v, "required must be true or false%s",
			    "");
		else
			fd->required = v->u.b;
	}
	if ((v = value_get(f, "enum")) != NULL) {
		if (v->kind != VAL_ARR || v->u.arr.len == 0)
			rc = err(path, v, "enum must be a list of values%s", "");
		else {
			fd->enums = arena_alloc(a, v->u.arr.len *
			    sizeof(*fd->enums));
			for (i = 0; i < v->u.arr.len; i++) {
				struct buf b;

				buf_init(&b);
				value_text(&b, v->u.arr.v[i]);
				fd->enums[i] = arena_strndup(a,
				    b.data ? b.data : "", b.len);
				buf_release(&b);
			}
			fd->nenums = v->u.arr.len;
		}
	}
	fd->has_min = num(path, f, "minimum", &fd->min, &rc);
	fd->has_max = num(path, f, "maximum", &fd->max, &rc);
	/* Checked before the casts: out of range they are undefined (a
	 * max_length of -50 became a huge size_t). */
	if (num(path, f, "precision", &d, &rc)) {
		if (!(d >= 0 && d <= 17))
			rc = err(path, value_get(f, "precision"), "precision "
			    "must be a number of decimals from 0 to 17%s", "");
		else
			fd->precision = (int)d;
	}
	fd->max_length = SCHEMA_MAX_STRING;
	if (num(path, f, "max_length", &d, &rc)) {
		if (!(d >= 0 && d <= 1e9))
			rc = err(path, value_get(f, "max_length"), "max_length "
			    "must be a number of characters, 0 or more%s", "");
		else
			fd->max_length = (size_t)d;
	}
	if ((v = value_get(f, "items")) != NULL) {
		if (v->kind != VAL_STR || strcmp(v->u.str.s, "fields") != 0)
			rc = err(path, v, "items may only be \"fields\"%s", "");
		else
			fd->item_fields = true;
	}
	if (fd->type == FT_REF && fd->ref == NULL)
		rc = err(path, f, "ref field \"%s\" needs ref: <record type>",
		    fd->name);
	if (fd->type == FT_DIVISION) {
		const char *lvl = str(path, f, "level", &rc);

		fd->level = lvl != NULL ? division_level_parse(lvl) : DIV_NONE;
		if (fd->level == DIV_NONE && (lvl == NULL ||
		    strcmp(lvl, "any") != 0))
			rc = err(path, f, "division field \"%s\" needs level: "
			    "province, prefecture, county, township or any",
			    fd->name);
	}
	return rc;
}

/* A term of a check: a numeric field, or "<division field>.townships"
 * (.counties, .prefectures). */
static int
checkterm(const struct schema *s, const char *path, const struct value *at,
    const char *term)
{
	const char *dot = strchr(term, '.');
	char field[65];
	int i;

	if (dot == NULL) {
		i = schema_field(s, term);
		if (i >= 0 && (s->fields[i].type == FT_INTEGER ||
		    s->fields[i].type == FT_NUMBER))
			return 0;
		return err(path, at, "check: \"%s\" is not a numeric field",
		    term);
	}
	snprintf(field, sizeof(field), "%.*s", (int)(dot - term), term);
	i = schema_field(s, field);
	if (i < 0 || s->fields[i].type != FT_DIVISION ||
	    (strcmp(dot, ".townships") != 0 && strcmp(dot, ".counties") != 0 &&
	    strcmp(dot, ".prefectures") != 0))
		return err(path, at, "check: \"%s\" must be a numeric field "
		    "or <division field>.townships, .counties or .prefectures",
		    term);
	return 0;
}

/* checks: [{field: coverage, equals: stations / area.townships,
 * tolerance: 0.00005}, {field: stations, at_most: area.townships}] */
static int
parsechecks(struct schema *s, struct arena *a, const char *path,
    const struct value *list)
{
	size_t i;
	int rc = 0;

	if (list->kind != VAL_ARR)
		return err(path, list, "checks must be a list%s", "");
	s->checks = arena_zalloc(a, (list->u.arr.len + 1) * sizeof(*s->checks));
	for (i = 0; i < list->u.arr.len; i++) {
		const struct value *c = list->u.arr.v[i];
		struct check *k = &s->checks[s->nchecks];
		const char *eq = value_get_str(c, "equals"), *slash;
		const char *most = value_get_str(c, "at_most");
		double tol = 0;

		k->field = value_get_str(c, "field");
		k->line = c->line;
		k->col = c->col;
		if (k->field == NULL || (eq == NULL) == (most == NULL)) {
			rc = err(path, c, "a check needs field and one of "
			    "equals or at_most%s", "");
			continue;
		}
		if (most != NULL) {
			k->at_most = 1;
			eq = most;
		}
		if (schema_field(s, k->field) < 0) {
			rc = err(path, c, "check: \"%s\" is not a field",
			    k->field);
			continue;
		}
		slash = k->at_most ? NULL : strchr(eq, '/');
		k->num = arena_strndup(a, eq, slash ? (size_t)(slash - eq) :
		    strlen(eq));
		k->den = slash ? arena_strdup(a, slash + 1) : NULL;
		/* Trim the spaces around the terms. */
		while (*k->num == ' ')
			k->num++;
		((char *)k->num)[strcspn(k->num, " ")] = '\0';
		if (k->den != NULL) {
			while (*k->den == ' ')
				k->den++;
			((char *)k->den)[strcspn(k->den, " ")] = '\0';
		}
		if (checkterm(s, path, c, k->num) < 0 || (k->den != NULL &&
		    checkterm(s, path, c, k->den) < 0)) {
			rc = -1;
			continue;
		}
		num(path, c, "tolerance", &tol, &rc);
		k->tolerance = tol;
		s->nchecks++;
	}
	return rc;
}

int
schema_parse(struct schema *s, struct arena *a, const char *path,
    const char *name, const char *text, size_t len)
{
	int tags;
	struct value *root, *fields;
	const char *pk;
	size_t i, j;
	int rc = 0;

	memset(s, 0, sizeof(*s));
	s->name = name;
	s->path = path;
	if (yamlval_parse(a, path, text, len, 1, &root) < 0)
		return -1;
	s->raw = root;
	if (root->kind != VAL_OBJ)
		return err(path, root, "a schema must be a mapping%s", "");
	for (i = 0; i < root->u.obj.len; i++)
		if (!known(root->u.obj.m[i].key, schemakeys,
		    sizeof(schemakeys) / sizeof(schemakeys[0])))
			rc = err(path, root->u.obj.m[i].val,
			    "unknown schema property \"%s\"",
			    root->u.obj.m[i].key);
	s->title = str(path, root, "title", &rc);
	s->title_en = str(path, root, "title_en", &rc);
	s->description = str(path, root, "description", &rc);
	s->dataset = str(path, root, "dataset", &rc);
	if (s->dataset != NULL && !id_valid(s->dataset, 64)) {
		rc = err(path, value_get(root, "dataset"), "dataset \"%s\" must "
		    "be a name of letters, digits, '-' and '_'", s->dataset);
		s->dataset = NULL;
	}
	/* Names whose /data/<name>/ is already a page or a folder of the
	 * data package (hearth's own datasets are refused as duplicates). */
	if (s->dataset != NULL && (strcmp(s->dataset, "changes") == 0 ||
	    strcmp(s->dataset, "guide") == 0 || strcmp(s->dataset, "v") == 0 ||
	    strcmp(s->dataset, "schemas") == 0)) {
		rc = err(path, value_get(root, "dataset"), "dataset \"%s\" is a "
		    "name hearth's data pages use (changes, guide, schemas, v)",
		    s->dataset);
		s->dataset = NULL;
	}
	if ((fields = value_get(root, "catalog")) != NULL) {
		if (fields->kind != VAL_OBJ)
			rc = err(path, fields, "catalog must be a mapping%s", "");
		else
			for (i = 0; i < fields->u.obj.len; i++)
				if (!known(fields->u.obj.m[i].key, catalogkeys,
				    sizeof(catalogkeys) / sizeof(catalogkeys[0])))
					rc = err(path, fields->u.obj.m[i].val,
					    "unknown catalog property \"%s\"",
					    fields->u.obj.m[i].key);
	}
	fields = value_get(root, "fields");
	if (fields == NULL || fields->kind != VAL_ARR || fields->u.arr.len == 0)
		return err(path, fields ? fields : root, "a schema needs a "
		    "list of fields%s", "");
	s->fields = arena_zalloc(a, fields->u.arr.len * sizeof(*s->fields));
	for (i = 0; i < fields->u.arr.len; i++) {
		if (parsefield(&s->fields[s->nfields], a, path,
		    fields->u.arr.v[i]) < 0) {
			rc = -1;
			continue;
		}
		for (j = 0; j < s->nfields; j++)
			if (strcmp(s->fields[j].name,
			    s->fields[s->nfields].name) == 0)
				break;
		if (j < s->nfields) {
			rc = err(path, fields->u.arr.v[i], "field \"%s\" is "
			    "defined twice", s->fields[j].name);
			continue;
		}
		s->nfields++;
	}
	/* within must name an earlier division field of a higher level. */
	for (i = 0; i < s->nfields; i++) {
		const struct field *fd = &s->fields[i];
		int w;

		if (fd->within == NULL)
			continue;
		w = schema_field(s, fd->within);
		if (w < 0 || s->fields[w].type != FT_DIVISION ||
		    s->fields[w].level >= fd->level) {
			diag_error(path, fd->line, fd->col, "within: \"%s\" "
			    "must name a division field of a larger level",
			    fd->within);
			rc = -1;
		}
	}
	if (value_get(root, "checks") != NULL &&
	    parsechecks(s, a, path, value_get(root, "checks")) < 0)
		rc = -1;
	pk = str(path, root, "primary_key", &rc);
	s->pk = pk != NULL ? schema_field(s, pk) : 0;
	if (s->pk < 0) {
		rc = err(path, value_get(root, "primary_key"), "primary_key "
		    "\"%s\" is not a field", pk);
		s->pk = 0;
	}
	/* News tags become /tags/<tag>/: checked with the other fields, so
	 * a news item's every error shows in one run. */
	if (strcmp(name, "news") == 0 && (tags = schema_field(s, "tags")) >= 0 &&
	    s->fields[tags].format == NULL)
		s->fields[tags].format = "tag";
	if (s->nfields > 0) {
		s->fields[s->pk].required = true;
		/* Keys become page paths and file names: always ids. */
		if (s->fields[s->pk].type == FT_STRING &&
		    s->fields[s->pk].format == NULL)
			s->fields[s->pk].format = "id";
		if (s->fields[s->pk].type != FT_STRING &&
		    s->fields[s->pk].type != FT_DIVISION) {
			diag_error(path, s->fields[s->pk].line,
			    s->fields[s->pk].col, "the primary key must be a "
			    "string or division field");
			rc = -1;
		}
	}
	return rc;
}

int
schema_load(struct schema *s, struct arena *a, const struct sfile *f)
{
	const char *base = strrchr(f->path, '/');
	const char *dot;
	char *name;

	base = base != NULL ? base + 1 : f->path;
	dot = strrchr(base, '.');
	name = arena_strndup(a, base, dot ? (size_t)(dot - base) :
	    strlen(base));
	if (!id_valid(name, 64)) {
		diag_error(f->path, 0, 0, "schema file name must be the record "
		    "type: letters, digits, '-' and '_'");
		return -1;
	}
	return schema_parse(s, a, f->path, name, f->data, f->len);
}
