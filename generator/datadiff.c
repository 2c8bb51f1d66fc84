#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "datadiff.h"
#include "dataset.h"
#include "json.h"
#include "schema.h"
#include "value.h"

struct keyed {
	const char		*id;
	const struct value	*row;
};

static int
cmpkeyed(const void *x, const void *y)
{
	return strcmp(((const struct keyed *)x)->id,
	    ((const struct keyed *)y)->id);
}

/* Rows of a table sorted by primary key. */
static struct keyed *
keyed(const struct table *t, struct arena *a)
{
	struct keyed *k = arena_alloc(a, (t->nrows + 1) * sizeof(*k));
	const char *pk = t->schema->fields[t->schema->pk].name;
	size_t i;

	for (i = 0; i < t->nrows; i++) {
		k[i].id = value_get_str(t->rows[i], pk);
		if (k[i].id == NULL)
			k[i].id = "";
		k[i].row = t->rows[i];
	}
	if (t->nrows > 1)
		qsort(k, t->nrows, sizeof(*k), cmpkeyed);
	return k;
}

static void
push(struct tablediff *d, size_t *cap, struct arena *a, struct rowchange rc)
{
	if (d->n == *cap) {
		size_t n = *cap ? *cap * 2 : 16;

		d->rows = arena_realloc(a, d->rows, *cap * sizeof(*d->rows),
		    n * sizeof(*d->rows));
		*cap = n;
	}
	d->rows[d->n++] = rc;
}

static void
compare(struct tablediff *d, const struct table *ta, const struct table *tb,
    struct arena *a)
{
	struct keyed *ka = ta ? keyed(ta, a) : NULL, *kb = tb ? keyed(tb, a) :
	    NULL;
	size_t na = ta ? ta->nrows : 0, nb = tb ? tb->nrows : 0, i = 0, j = 0;
	size_t cap = 0, f;
	const struct schema *s = tb ? tb->schema : ta->schema;

	d->name = tb ? tb->name : ta->name;
	while (i < na || j < nb) {
		int c = i >= na ? 1 : j >= nb ? -1 : strcmp(ka[i].id, kb[j].id);
		struct rowchange rc;

		memset(&rc, 0, sizeof(rc));
		if (c < 0) {
			rc.kind = ROW_REMOVED;
			rc.id = ka[i].id;
			rc.before = ka[i++].row;
			d->removed++;
			push(d, &cap, a, rc);
			continue;
		}
		if (c > 0) {
			rc.kind = ROW_ADDED;
			rc.id = kb[j].id;
			rc.after = kb[j++].row;
			d->added++;
			push(d, &cap, a, rc);
			continue;
		}
		rc.kind = ROW_CHANGED;
		rc.id = ka[i].id;
		rc.before = ka[i].row;
		rc.after = kb[j].row;
		rc.fields = arena_alloc(a, (s->nfields + 1) * sizeof(char *));
		for (f = 0; f < s->nfields; f++) {
			const char *name = s->fields[f].name;
			const struct value *x = value_get(rc.before, name);
			const struct value *y = value_get(rc.after, name);

			if (!value_equal(x, y) && !((x == NULL ||
			    x->kind == VAL_NULL) && (y == NULL ||
			    y->kind == VAL_NULL)))
				rc.fields[rc.nfields++] = name;
		}
		i++;
		j++;
		if (rc.nfields > 0) {
			d->changed++;
			push(d, &cap, a, rc);
		}
	}
}

size_t
datadiff(struct tablediff **out, const struct datapkg *a,
    const struct datapkg *b, struct arena *arena)
{
	struct tablediff *d = arena_zalloc(arena, (a->ntables + b->ntables + 1) *
	    sizeof(*d));
	size_t i = 0, j = 0, n = 0;

	/* Both lists are sorted by name. */
	while (i < a->ntables || j < b->ntables) {
		int c = i >= a->ntables ? 1 : j >= b->ntables ? -1 :
		    strcmp(a->tables[i].name, b->tables[j].name);

		compare(&d[n++], c <= 0 ? &a->tables[i] : NULL, c >= 0 ?
		    &b->tables[j] : NULL, arena);
		if (c <= 0)
			i++;
		if (c >= 0)
			j++;
	}
	*out = d;
	return n;
}

static void
cell(struct buf *b, const struct value *v)
{
	size_t i;

	if (v == NULL || v->kind == VAL_NULL) {
		buf_puts(b, "(none)");
		return;
	}
	if (v->kind == VAL_ARR) {
		for (i = 0; i < v->u.arr.len; i++) {
			if (i > 0)
				buf_putc(b, '|');
			value_text(b, v->u.arr.v[i]);
		}
		return;
	}
	value_text(b, v);
}

void
datadiff_text(struct buf *b, const struct tablediff *d, size_t n)
{
	size_t i, j, k, total = 0;

	for (i = 0; i < n; i++) {
		if (d[i].n == 0)
			continue;
		total += d[i].n;
		buf_printf(b, "%s: %zu added, %zu removed, %zu changed\n",
		    d[i].name, d[i].added, d[i].removed, d[i].changed);
		for (j = 0; j < d[i].n; j++) {
			const struct rowchange *r = &d[i].rows[j];

			buf_printf(b, "  %c %s\n", r->kind == ROW_ADDED ? '+' :
			    r->kind == ROW_REMOVED ? '-' : '~', r->id);
			for (k = 0; k < r->nfields; k++) {
				buf_printf(b, "      %s: ", r->fields[k]);
				cell(b, value_get(r->before, r->fields[k]));
				buf_puts(b, " -> ");
				cell(b, value_get(r->after, r->fields[k]));
				buf_putc(b, '\n');
			}
		}
	}
	if (total == 0)
		buf_puts(b, "no changes in the datasets\n");
}

static void
jsonval(struct buf *b, const struct value *v)
{
	if (v == NULL)
		buf_puts(b, "null");
	else
		json_write(b, v, -1);
}

void
datadiff_json(struct buf *b, const char *from, const char *to,
    const struct tablediff *d, size_t n)
{
	size_t i, j, k;
	int first = 1;

	buf_puts(b, "{\"from\":");
	buf_put_json_str(b, from, strlen(from));
	buf_puts(b, ",\"to\":");
	buf_put_json_str(b, to, strlen(to));
	buf_puts(b, ",\"datasets\":{");
	for (i = 0; i < n; i++) {
		int kinds;

		if (d[i].n == 0)
			continue;
		buf_puts(b, first ? "" : ",");
		first = 0;
		buf_put_json_str(b, d[i].name, strlen(d[i].name));
		buf_puts(b, ":{");
		for (kinds = 0; kinds < 3; kinds++) {
			int nf = 0;

			buf_puts(b, kinds == 0 ? "\"added\":[" : kinds == 1 ?
			    "],\"removed\":[" : "],\"changed\":[");
			for (j = 0; j < d[i].n; j++) {
				const struct rowchange *r = &d[i].rows[j];

				if ((int)r->kind != kinds)
					continue;
				buf_puts(b, nf++ > 0 ? "," : "");
				if (r->kind != ROW_CHANGED) {
					buf_put_json_str(b, r->id, strlen(r->id));
					continue;
				}
				buf_puts(b, "{\"id\":");
				buf_put_json_str(b, r->id, strlen(r->id));
				buf_puts(b, ",\"fields\":{");
				for (k = 0; k < r->nfields; k++) {
					buf_puts(b, k > 0 ? "," : "");
					buf_put_json_str(b, r->fields[k],
					    strlen(r->fields[k]));
					buf_puts(b, ":{\"before\":");
					jsonval(b, value_get(r->before,
					    r->fields[k]));
					buf_puts(b, ",\"after\":");
					jsonval(b, value_get(r->after,
					    r->fields[k]));
					buf_putc(b, '}');
				}
				buf_puts(b, "}}");
			}
		}
		buf_puts(b, "]}");
	}
	buf_puts(b, "}}\n");
}
