#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "federate.h"
#include "repo.h"
#include "source.h"
#include "util.h"
#include "value.h"
#include "yamlval.h"

#define CACHE ".hearth/sources"

/* What a source may bring in one fetch (max_objects) and take on the
 * province's disk (max_mib), unless hearth.yaml says otherwise: more
 * than a county's pages need in years. */
#define MAX_OBJECTS	1000000
#define MAX_MIB		1024

static const char *const keys[] = { "name", "url", "ref", "mount",
    "max_objects", "max_mib", NULL };

/* A limit of the source src: its key's positive whole number, or dflt. */
static int
limit(const char *path, const struct value *src, const char *key,
    long long dflt, long long most, size_t *out)
{
	const struct value *v = value_get(src, key);

	if (v == NULL) {
		*out = (size_t)dflt;
		return 0;
	}
	if (v->kind != VAL_INT || v->u.i < 1 || v->u.i > most) {
		diag_error(path, v->line, v->col, "%s is a whole number from 1 "
		    "to %lld", key, most);
		return -1;
	}
	*out = (size_t)v->u.i;
	return 0;
}

static int
field(const char *path, const struct value *src, const char *key,
    const char **out)
{
	const struct value *v = value_get(src, key);

	if (v == NULL || v->kind != VAL_STR || v->u.str.len == 0) {
		diag_error(path, src->line, src->col, "a source needs %s", key);
		return -1;
	}
	*out = v->u.str.s;
	return 0;
}

static int
mount1(struct source *s, const char *path, const struct value *src)
{
	const char *name, *url, *ref, *mount;
	char cache[PATH_MAX], where[PATH_MAX];
	struct repo_limits lim;
	struct repo *r = NULL;
	struct commit c;
	size_t n, i, k;
	int rc = -1;

	if (src->kind != VAL_OBJ) {
		diag_error(path, src->line, src->col, "a source is a mapping "
		    "with name, url, ref and mount");
		return -1;
	}
	for (i = 0; i < src->u.obj.len; i++) {
		const struct member *m = &src->u.obj.m[i];

		for (k = 0; keys[k] != NULL && strcmp(keys[k], m->key) != 0;
		    k++)
			;
		if (keys[k] == NULL) {
			struct buf b;

			buf_init(&b);
			for (k = 0; keys[k] != NULL; k++)
				buf_printf(&b, "%s%s", k ? ", " : "", keys[k]);
			diag_warning(path, m->val->line, m->val->col, "unknown "
			    "setting sources.%s (known: %s)", m->key, b.data);
			buf_release(&b);
		}
	}
	if (field(path, src, "name", &name) < 0 ||
	    field(path, src, "url", &url) < 0 ||
	    field(path, src, "ref", &ref) < 0 ||
	    field(path, src, "mount", &mount) < 0 ||
	    limit(path, src, "max_objects", MAX_OBJECTS, 1LL << 32,
	    &lim.objects) < 0 ||
	    limit(path, src, "max_mib", MAX_MIB, 1LL << 20, &lim.bytes) < 0)
		return -1;
	lim.bytes <<= 20;
	n = strlen(mount);
	if (!id_valid(name, 64) || !str_has_prefix(mount, "content/") ||
	    mount[n - 1] != '/' || strstr(mount, "..") != NULL ||
	    strstr(mount, "//") != NULL) {
		diag_error(path, src->line, src->col, "source \"%s\": name must "
		    "be letters, digits, '-' and '_', and mount a folder under "
		    "content/ ending in '/'", name);
		return -1;
	}
	/* A relative path is relative to the site, wherever hearth runs. */
	if (strstr(url, "://") == NULL && url[0] != '/') {
		if (realpath(url, where) == NULL) {
			diag_error(path, src->line, src->col, "source \"%s\": "
			    "cannot find %s", name, url);
			return -1;
		}
		url = where;
	}
	mkdir(".hearth", 0755);
	mkdir(CACHE, 0755);
	snprintf(cache, sizeof(cache), "%s/%s.git", CACHE, name);
	switch (repo_fetch(&r, url, cache, &lim)) {
	case 0:
		break;
	case -2:
		if (lim.hit == 'o')
			diag_error(path, src->line, src->col, "source \"%s\": "
			    "its repository sends %zu objects, over the limit "
			    "of %zu (max_objects); nothing was fetched", name,
			    lim.seen, lim.objects);
		else
			diag_error(path, src->line, src->col, "source \"%s\": "
			    "its repository would take more than %zu MiB here, "
			    "the limit (max_mib); fetching stopped, and nothing "
			    "of this fetch was kept", name, lim.bytes >> 20);
		return -1;
	default:
		return -1;
	}
	if (repo_resolve_pin(r, ref, &c, &s->arena) < 0)
		goto out;
	rc = source_mount(s, r, &c, mount, name);
out:
	repo_free(r);
	return rc;
}

int
federate(struct source *s)
{
	const struct sfile *f = source_get(s, "hearth.yaml");
	struct arena a;
	struct value *root, *list;
	size_t i;
	int rc = 0;

	if (f == NULL)
		return 0;
	arena_init(&a);
	/* hearth.yaml is checked in full by config_load; here only the
	 * sources matter, and a broken file is reported there. */
	diag_set_quiet_errors(1);
	if (yamlval_parse(&a, f->path, f->data, f->len, 1, &root) < 0)
		root = NULL;
	diag_set_quiet_errors(0);
	list = root != NULL ? value_get(root, "sources") : NULL;
	if (list != NULL && list->kind == VAL_ARR)
		for (i = 0; i < list->u.arr.len; i++)
			if (mount1(s, f->path, list->u.arr.v[i]) < 0)
				rc = -1;
	arena_release(&a);
	return rc;
}
