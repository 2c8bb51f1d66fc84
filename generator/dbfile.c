/*
 * dbfile: the package as one SQLite database (see dbfile.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "buf.h"
#include "cache.h"
#include "dbfile.h"
#include "deps.h"
#include "diag.h"
#include "json.h"
#include "schema.h"
#include "site.h"
#include "terms.h"
#include "util.h"
#include "value.h"

static void
json_str(struct buf *b, const char *s)
{
	buf_put_json_str(b, s, strlen(s));
}

/* SQL identifiers are quoted; names come from schemas, which allow only
 * letters, digits and '_', but quoting keeps that a non-issue here. */
static void
ident(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"')
			buf_putc(b, '"');
		buf_putc(b, *s);
	}
	buf_putc(b, '"');
}

static const char *
sqltype(const struct field *f)
{
	switch (f->type) {
	case FT_INTEGER:
	case FT_BOOLEAN:
		return "INTEGER";
	case FT_NUMBER:
		return "REAL";
	default:
		return "TEXT";
	}
}

/* The table a field refers to, and its key: a record type's dataset, or
 * the counties, townships or provinces tables for division codes. */
static const struct table *
target(const struct datapkg *p, const struct table *t, const struct field *f)
{
	const char *name = NULL;
	const struct table *to;
	size_t i;

	if (f->type == FT_REF) {
		for (i = 0; i < p->ntables; i++)
			if (strcmp(p->tables[i].schema->name, f->ref) == 0)
				return &p->tables[i];
		return NULL;
	}
	if (f->type != FT_DIVISION)
		return NULL;
	name = f->level == DIV_COUNTY ? "counties" : f->level ==
	    DIV_TOWNSHIP ? "townships" : f->level == DIV_PROVINCE ?
	    "provinces" : NULL;
	if (name == NULL || (to = datapkg_table(p, name)) == NULL || to == t)
		return NULL;
	return to;
}

static void
createtable(struct buf *b, const struct datapkg *p, const struct table *t)
{
	const struct schema *sc = t->schema;
	size_t i;

	buf_puts(b, "CREATE TABLE ");
	ident(b, t->name);
	buf_puts(b, " (");
	for (i = 0; i < sc->nfields; i++) {
		const struct field *f = &sc->fields[i];
		const struct table *to = target(p, t, f);

		buf_puts(b, i > 0 ? ", " : "");
		ident(b, f->name);
		buf_printf(b, " %s", sqltype(f));
		if ((int)i == sc->pk)
			buf_puts(b, " PRIMARY KEY NOT NULL");
		else if (f->required)
			buf_puts(b, " NOT NULL");
		if (f->type == FT_BOOLEAN) {
			buf_puts(b, " CHECK (");
			ident(b, f->name);
			buf_puts(b, " IN (0, 1))");
		}
		if (to != NULL) {
			buf_puts(b, " REFERENCES ");
			ident(b, to->name);
			buf_putc(b, '(');
			ident(b, to->schema->fields[to->schema->pk].name);
			buf_putc(b, ')');
		}
	}
	buf_puts(b, ")");
}

static int
bindvalue(sqlite3_stmt *st, int col, const struct value *v, struct buf *tmp)
{
	if (v == NULL || v->kind == VAL_NULL)
		return sqlite3_bind_null(st, col);
	switch (v->kind) {
	case VAL_BOOL:
		return sqlite3_bind_int(st, col, v->u.b ? 1 : 0);
	case VAL_INT:
		return sqlite3_bind_int64(st, col, v->u.i);
	case VAL_NUM:
		return sqlite3_bind_double(st, col, v->u.num.d);
	case VAL_STR:
		return sqlite3_bind_text(st, col, v->u.str.s, (int)v->u.str.len,
		    SQLITE_STATIC);
	default:	/* lists: as JSON, as in the JSON files */
		buf_reset(tmp);
		json_write(tmp, v, -1);
		return sqlite3_bind_text(st, col, tmp->data, (int)tmp->len,
		    SQLITE_TRANSIENT);
	}
}

/* Set on the thread making a database where it may not fit (make): its
 * problems are not reported, as it is made again where they are. */
static __thread bool trial;

static void __attribute__((format(printf, 1, 2)))
dberror(const char *fmt, ...)
{
	va_list ap;

	if (trial)
		return;
	va_start(ap, fmt);
	diag_verror(NULL, 0, 0, fmt, ap);
	va_end(ap);
}

static int
fail(sqlite3 *db, const char *what)
{
	dberror("database: %s: %s", _(what), sqlite3_errmsg(db));
	return -1;
}

static int
exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) == SQLITE_OK)
		return 0;
	dberror("database: %s", err != NULL ? err : "error");
	sqlite3_free(err);
	return -1;
}

static int
filltable(sqlite3 *db, const struct table *t)
{
	const struct schema *sc = t->schema;
	sqlite3_stmt *st = NULL;
	struct buf b, tmp;
	size_t i, j;
	int rc = -1;

	buf_init(&b);
	buf_init(&tmp);
	buf_puts(&b, "INSERT INTO ");
	ident(&b, t->name);
	buf_puts(&b, " VALUES (");
	for (j = 0; j < sc->nfields; j++)
		buf_puts(&b, j > 0 ? ", ?" : "?");
	buf_puts(&b, ")");
	if (sqlite3_prepare_v2(db, b.data, (int)b.len, &st, NULL) != SQLITE_OK) {
		fail(db, t->name);
		goto out;
	}
	for (i = 0; i < t->nrows; i++) {
		sqlite3_reset(st);
		for (j = 0; j < sc->nfields; j++)
			bindvalue(st, (int)j + 1, value_get(t->rows[i],
			    sc->fields[j].name), &tmp);
		if (sqlite3_step(st) != SQLITE_DONE) {
			fail(db, t->name);
			goto out;
		}
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	buf_release(&b);
	buf_release(&tmp);
	return rc;
}

/* Text as space-separated search terms (terms.h). */
static void
termtext(const char *s, size_t n, void *ud)
{
	struct buf *b = ud;

	if (b->len > 0)
		buf_putc(b, ' ');
	buf_put(b, s, n);
}

static void
bindterms(sqlite3_stmt *st, int col, const char *text, size_t n,
    struct buf *b)
{
	char *lower = xmalloc(n + 1);

	buf_reset(b);
	terms_each(text != NULL ? text : "", text != NULL ? n : 0, lower,
	    termtext, b);
	sqlite3_bind_text(st, col, b->data != NULL ? b->data : "",
	    (int)b->len, SQLITE_TRANSIENT);
	free(lower);
}

/* A news item by its slug, the id of its row. */
struct byslug {
	const char	*id;
	const struct news *n;
};

static int
cmpbyslug(const void *x, const void *y)
{
	return strcmp(((const struct byslug *)x)->id,
	    ((const struct byslug *)y)->id);
}

/* A row of news_fts: the news row's rowid and the item's texts; id is
 * the row's key, by which dbfile_tables checks that the row kept its
 * place. */
struct ftsrow {
	sqlite3_int64	 rowid;
	const char	*id, *title, *summary, *body;
	size_t		 body_len;
};

/* The rows of news_fts, in the order of the news rows (the nth row,
 * inserted into an empty table, has rowid n): FTS5 starts a new segment
 * whenever a rowid is lower than the last, and ascending rowids make
 * one. */
static size_t
ftsrows(const struct datapkg *p, struct ftsrow **out)
{
	const struct site *s = p->site;
	const struct table *t = datapkg_table(p, "news");
	struct byslug *ix, key, *hit;
	struct ftsrow *r;
	size_t i, n = 0, m = 0;

	ix = xcalloc(s->nnews + 1, sizeof(*ix));
	for (i = 0; i < s->nnews; i++)
		if (!s->news[i]->draft) {
			ix[n].id = s->news[i]->slug;
			ix[n++].n = s->news[i];
		}
	qsort(ix, n, sizeof(*ix), cmpbyslug);
	r = xcalloc((t != NULL ? t->nrows : 0) + 1, sizeof(*r));
	for (i = 0; t != NULL && t->schema->pk >= 0 && i < t->nrows; i++) {
		key.id = value_get_str(t->rows[i],
		    t->schema->fields[t->schema->pk].name);
		if (key.id == NULL || (hit = bsearch(&key, ix, n, sizeof(*ix),
		    cmpbyslug)) == NULL)
			continue;
		r[m].rowid = (sqlite3_int64)i + 1;
		r[m].id = key.id;
		r[m].title = hit->n->title;
		r[m].summary = record_str(hit->n->rec, "summary");
		r[m].body = hit->n->body;
		r[m++].body_len = hit->n->body_len;
	}
	free(ix);
	*out = r;
	return m;
}

/*
 * news_fts: the news, searchable.  Chinese is indexed as the terms the
 * site's search uses (two-character pairs), so MATCH '福泉' finds 福泉市
 * and a longer word is a phrase of pairs: MATCH '"社工 工站"' for 社工站.
 * The table is contentless (the text is in the news table already), its
 * rowid that of the news row: join on rowid.
 *
 * The rows are indexed in groups (FTS_GROUP below), each into an empty
 * database of its own attached as g, in one transaction: one segment of
 * the index (or a few, for a group of very long items) that depends on
 * the group's rows alone, which the cache keeps.  The table is then put
 * together from the groups' segments (fts5_index.c's format, below), so
 * an edit of any item indexes its group again and copies the others'.
 */
static int
fillgroup(sqlite3 *db, const struct ftsrow *r, size_t from, size_t n)
{
	sqlite3_stmt *st = NULL;
	struct buf b;
	size_t i;
	int rc = -1;

	/* The terms are already words (terms.h): separated by spaces, Latin
	 * ones lower-cased, so the ascii tokenizer, which only splits on
	 * ASCII and folds ASCII case, reads them as unicode61 did, in half
	 * the time.  A hash of pending terms of 8 MB (1 MB by default)
	 * flushes a group once, into one segment, and no merge runs while
	 * it is filled.  These settings stay in g: the table published
	 * has SQLite's. */
	if (exec(db, "PRAGMA g.page_size = 4096; BEGIN; CREATE VIRTUAL "
	    "TABLE g.news_fts USING fts5(title, summary, body, content = "
	    "'', tokenize = 'ascii'); INSERT INTO g.news_fts (news_fts, "
	    "rank) VALUES ('hashsize', 8388608); INSERT INTO g.news_fts "
	    "(news_fts, rank) VALUES ('automerge', 0)") < 0)
		return -1;
	if (sqlite3_prepare_v2(db, "INSERT INTO g.news_fts (rowid, title, "
	    "summary, body) VALUES (?, ?, ?, ?)", -1, &st, NULL) !=
	    SQLITE_OK)
		return fail(db, "news_fts");
	buf_init(&b);
	for (i = from; i < n; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, r[i].rowid);
		bindterms(st, 2, r[i].title, strlen(r[i].title), &b);
		bindterms(st, 3, r[i].summary, r[i].summary != NULL ?
		    strlen(r[i].summary) : 0, &b);
		bindterms(st, 4, r[i].body, r[i].body_len, &b);
		if (sqlite3_step(st) != SQLITE_DONE) {
			fail(db, "news_fts");
			goto out;
		}
	}
	rc = exec(db, "COMMIT");
out:
	sqlite3_finalize(st);
	buf_release(&b);
	return rc;
}

/*
 * What fts5_index.c keeps in news_fts_data beside the segments' pages
 * (the legacy format, which every FTS5 reads): the averages record (id
 * 1: varints of the rows, then of each column's tokens) and the
 * structure record (id 10: a cookie of 4 bytes, then varints: levels,
 * segments, a write counter, and for each level the segments in an
 * ongoing merge, its count of segments and each one's id and first and
 * last leaf, oldest first).  A segment's pages are rows of id
 * (segment id << 37) + the page's (tree, height, number): a group's
 * segments take the ids after the groups' before them by adding to that
 * id, and to the segment id of its rows of news_fts_idx.
 */
#define FTS_COLUMNS	3
#define FTS_LEVELS	64	/* FTS5_MAX_LEVEL */
#define FTS_SEGMENTS	2000	/* FTS5_MAX_SEGMENT */
#define FTS_SEGID_SHIFT	37

struct ftsindex {
	unsigned char	 cookie[4];
	struct buf	 level[FTS_LEVELS];	/* each level's segments */
	size_t		 nseg[FTS_LEVELS], nlevels, nsegs;
	uint64_t	 writes;
	uint64_t	 avg[1 + FTS_COLUMNS];	/* rows, then tokens */
	uint64_t	 base;			/* segment ids taken */
};

/* SQLite's varint: big-endian groups of 7 bits, the ninth byte whole. */
static size_t
getvarint(const unsigned char *p, const unsigned char *end, uint64_t *v)
{
	uint64_t x = 0;
	size_t i;

	for (i = 0; i < 8; i++) {
		if (p + i >= end)
			return 0;
		x = x << 7 | (p[i] & 0x7f);
		if (!(p[i] & 0x80)) {
			*v = x;
			return i + 1;
		}
	}
	if (p + 8 >= end)
		return 0;
	*v = x << 8 | p[8];
	return 9;
}

static void
putvarint(struct buf *b, uint64_t v)
{
	unsigned char out[9], rev[9];
	size_t i, n = 0;

	if (v >> 56 != 0) {
		out[8] = (unsigned char)v;
		v >>= 8;
		for (i = 8; i-- > 0; v >>= 7)
			out[i] = (unsigned char)((v & 0x7f) | 0x80);
		buf_put(b, out, 9);
		return;
	}
	do {
		rev[n++] = (unsigned char)((v & 0x7f) | 0x80);
		v >>= 7;
	} while (v != 0);
	rev[0] &= 0x7f;
	for (i = 0; i < n; i++)
		out[i] = rev[n - 1 - i];
	buf_put(b, out, n);
}

/* The block of news_fts_data row id in schema (into b), or -1. */
static int
block(sqlite3 *db, const char *schema, int id, struct buf *b)
{
	sqlite3_stmt *st = NULL;
	char sql[96];
	int rc = -1;

	snprintf(sql, sizeof(sql), "SELECT block FROM %s.news_fts_data "
	    "WHERE id = %d", schema, id);
	buf_reset(b);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		buf_put(b, sqlite3_column_blob(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0));
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

/* g's segments and averages added to ix, and its rows copied into the
 * main table with their new segment ids.  -1 when g's records do not
 * read as the index of a group, with nothing copied; -2 when the copy
 * failed (reported). */
static int
takegroup(sqlite3 *db, struct ftsindex *ix)
{
	struct buf b, segs[FTS_LEVELS], sql;
	const unsigned char *p, *end;
	uint64_t nlevels, nsegs, writes, avg[1 + FTS_COLUMNS], top = 0;
	uint64_t l, k, seen = 0, merge, count, id, first, last;
	size_t n, i, cnt[FTS_LEVELS] = { 0 };
	int rc = -1;

	buf_init(&b);
	buf_init(&sql);
	for (i = 0; i < FTS_LEVELS; i++)
		buf_init(&segs[i]);
	if (block(db, "g", 1, &b) < 0)
		goto out;
	p = (const unsigned char *)b.data;
	end = p + b.len;
	for (i = 0; i < 1 + FTS_COLUMNS; i++, p += n)
		if ((n = getvarint(p, end, &avg[i])) == 0)
			goto out;
	if (p != end || block(db, "g", 10, &b) < 0 || b.len < 4)
		goto out;
	p = (const unsigned char *)b.data + 4;
	end = (const unsigned char *)b.data + b.len;
#define NEXT(v) do { if ((n = getvarint(p, end, &(v))) == 0) goto out; \
	p += n; } while (0)
	NEXT(nlevels);
	NEXT(nsegs);
	NEXT(writes);
	if (nlevels > FTS_LEVELS || nsegs > FTS_SEGMENTS)
		goto out;
	for (l = 0; l < nlevels; l++) {
		NEXT(merge);
		NEXT(count);
		if (merge != 0 || count > nsegs - seen)
			goto out;
		for (k = 0; k < count; k++) {
			NEXT(id);
			NEXT(first);
			NEXT(last);
			if (id == 0 || id >= 1u << 16 || first == 0 ||
			    last < first)
				goto out;
			top = id > top ? id : top;
			putvarint(&segs[l], ix->base + id);
			putvarint(&segs[l], first);
			putvarint(&segs[l], last);
		}
		cnt[l] = count;
		seen += count;
	}
#undef NEXT
	if (p != end || seen != nsegs || ix->nsegs + nsegs > FTS_SEGMENTS ||
	    ix->base + top >= 1u << 16)
		goto out;
	buf_printf(&sql, "INSERT INTO main.news_fts_data SELECT id + (%llu "
	    "<< %d), block FROM g.news_fts_data WHERE id >= (1 << %d) "
	    "ORDER BY id; INSERT INTO main.news_fts_idx SELECT segid + %llu, "
	    "term, pgno FROM g.news_fts_idx ORDER BY segid, term; INSERT "
	    "INTO main.news_fts_docsize SELECT id, sz FROM g.news_fts_docsize "
	    "ORDER BY id", (unsigned long long)ix->base, FTS_SEGID_SHIFT,
	    FTS_SEGID_SHIFT, (unsigned long long)ix->base);
	if (exec(db, sql.data) < 0) {
		rc = -2;
		goto out;
	}
	for (l = 0; l < nlevels; l++) {
		buf_put(&ix->level[l], segs[l].data, segs[l].len);
		ix->nseg[l] += cnt[l];
	}
	for (i = 0; i < 1 + FTS_COLUMNS; i++)
		ix->avg[i] += avg[i];
	ix->nlevels = nlevels > ix->nlevels ? nlevels : ix->nlevels;
	ix->nsegs += nsegs;
	ix->writes += writes;
	ix->base += top;
	rc = 0;
out:
	for (i = 0; i < FTS_LEVELS; i++)
		buf_release(&segs[i]);
	buf_release(&sql);
	buf_release(&b);
	return rc;
}

/* The main table's averages and structure records: every group's. */
static int
putindex(sqlite3 *db, const struct ftsindex *ix)
{
	sqlite3_stmt *st = NULL;
	struct buf avg, shape;
	size_t i;
	int rc = -1;

	buf_init(&avg);
	buf_init(&shape);
	for (i = 0; i < 1 + FTS_COLUMNS; i++)
		putvarint(&avg, ix->avg[i]);
	buf_put(&shape, ix->cookie, sizeof(ix->cookie));
	putvarint(&shape, ix->nlevels);
	putvarint(&shape, ix->nsegs);
	putvarint(&shape, ix->writes);
	for (i = 0; i < ix->nlevels; i++) {
		putvarint(&shape, 0);
		putvarint(&shape, ix->nseg[i]);
		buf_put(&shape, ix->level[i].data, ix->level[i].len);
	}
	if (sqlite3_prepare_v2(db, "UPDATE main.news_fts_data SET block = "
	    "?2 WHERE id = ?1", -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_int(st, 1, 1);
	sqlite3_bind_blob(st, 2, avg.data, (int)avg.len, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto out;
	sqlite3_reset(st);
	sqlite3_bind_int(st, 1, 10);
	sqlite3_bind_blob(st, 2, shape.data, (int)shape.len, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_DONE)
		rc = 0;
out:
	if (rc < 0)
		fail(db, "news_fts");
	sqlite3_finalize(st);
	buf_release(&avg);
	buf_release(&shape);
	return rc;
}

/* Datasette's metadata.json: what each table and column is. */
static char *
metadata(const struct datapkg *p, const char *dbname, size_t *len)
{
	const struct config *c = &p->site->cfg;
	struct buf b;
	size_t i, j;

	buf_init(&b);
	buf_puts(&b, "{\"title\":");
	json_str(&b, c->title);
	if (c->description != NULL) {
		buf_puts(&b, ",\"description\":");
		json_str(&b, c->description);
	}
	if (c->licence_id != NULL) {
		buf_puts(&b, ",\"license\":");
		json_str(&b, c->licence_id);
	}
	if (c->licence_url != NULL) {
		buf_puts(&b, ",\"license_url\":");
		json_str(&b, c->licence_url);
	}
	buf_puts(&b, ",\"source\":");
	json_str(&b, c->publisher != NULL ? c->publisher : c->title);
	buf_puts(&b, ",\"source_url\":");
	json_str(&b, c->base_url);
	buf_puts(&b, ",\"databases\":{");
	json_str(&b, dbname);
	buf_puts(&b, ":{\"tables\":{");
	for (i = 0; i < p->ntables; i++) {
		const struct table *t = &p->tables[i];
		const struct schema *sc = t->schema;
		int units = 0;

		buf_puts(&b, i > 0 ? "," : "");
		json_str(&b, t->name);
		buf_puts(&b, ":{\"title\":");
		json_str(&b, sc->title != NULL ? sc->title : t->name);
		if (sc->description != NULL) {
			buf_puts(&b, ",\"description\":");
			json_str(&b, sc->description);
		}
		buf_puts(&b, ",\"columns\":{");
		for (j = 0; j < sc->nfields; j++) {
			const struct field *f = &sc->fields[j];

			buf_puts(&b, j > 0 ? "," : "");
			json_str(&b, f->name);
			buf_putc(&b, ':');
			if (f->description != NULL && f->title != NULL) {
				struct buf col;

				buf_init(&col);
				buf_printf(&col, "%s：%s", f->title,
				    f->description);
				json_str(&b, col.data);
				buf_release(&col);
			} else
				json_str(&b, f->title != NULL ? f->title :
				    f->description != NULL ? f->description :
				    f->name);
		}
		buf_puts(&b, "}");
		for (j = 0; j < sc->nfields; j++) {
			const struct field *f = &sc->fields[j];

			if (f->unit == NULL)
				continue;
			buf_puts(&b, units++ ? "," : ",\"units\":{");
			json_str(&b, f->name);
			buf_putc(&b, ':');
			json_str(&b, f->unit);
		}
		if (units > 0)
			buf_putc(&b, '}');
		buf_putc(&b, '}');
	}
	buf_puts(&b, ",\"news_fts\":{\"title\":\"新闻全文检索\",\"description\":"
	    "\"中文按两字一组索引：MATCH '福泉' 查“福泉”，较长的词写成词组，如 "
	    "MATCH '\\\"社工 工站\\\"' 查“社工站”；按 rowid 与 news 表连接。\","
	    "\"hidden\":false}");
	buf_puts(&b, "}}}}\n");
	return buf_detach(&b, len);
}

struct dbjob {
	const struct datapkg *p;
	struct ftsrow	*rows;		/* news_fts's, taken before the thread */
	size_t		 nrows;
	bool		 cached;	/* its parts are named in the cache */
	pthread_t	 thread;
	pthread_mutex_t	 lock;
	pthread_cond_t	 ready;
	int		 tables;	/* 0 until dbfile_tables: 1 when
					   they were made, -1 when not */
	char		 tname[48];	/* the cache's name for the file
					   of the tables, by their inputs */
	int		 fd;		/* the database, -1 when it failed */
	int		 scratch;	/* the sink's file for it, at path,
					   or -1 (the thread takes it) */
	char		 path[4096];
	size_t		 len;
	char		 sha256[65];	/* its digest, taken on the thread */
};

/* Is the database of len bytes whose first 100 are h whole by its
 * header (magic, page size, page count)?  A cached file cut short is
 * made again rather than read. */
static bool
whole(const unsigned char *h, size_t len)
{
	size_t page, pages;

	if (len < 100 || memcmp(h, "SQLite format 3", 16) != 0)
		return false;
	page = h[16] == 0 && h[17] == 1 ? 65536 : (size_t)h[16] << 8 | h[17];
	pages = (size_t)h[28] << 24 | (size_t)h[29] << 16 | (size_t)h[30] << 8 |
	    h[31];
	return page >= 512 && pages > 0 && page * pages == len;
}

/* The database as cached under name, copied into the empty scratch file
 * fd: 0, or -1 when it is not there (fd is left empty). */
static int
cached(const char *name, int fd)
{
	unsigned char h[100];
	size_t len;
	int c, rc = -1;

	if (name[0] == '\0' || (c = cache_open(name, &len)) < 0)
		return -1;
	if (len >= sizeof(h) && pread(c, h, sizeof(h), 0) == sizeof(h) &&
	    whole(h, len) && fd_copy(fd, c, len) == 0)
		rc = 0;
	else if (ftruncate(fd, 0) < 0 || lseek(fd, 0, SEEK_SET) < 0)
		xdie("cannot empty the database's scratch file");
	close(c);
	return rc;
}

static void
keep(const char *name, int fd)
{
	struct stat st;

	if (name[0] != '\0' && fstat(fd, &st) == 0)
		cache_put_fd(name, fd, (size_t)st.st_size);
}

/* The rows of news_fts are indexed in groups of FTS_GROUP, in the order
 * of the items' ids (file names, which `hearth new` begins with the
 * date when the title is Chinese), or of more where FTS_GROUP would make
 * more segments than FTS5 reads in one table.  256: an edit indexes its
 * group of 256 again (the national 10,000 took the database thread
 * 1.3 s), and a national table of 40 segments answers a ranked MATCH
 * in the time one of 5 did (7 to 12 ms). */
#define FTS_GROUP	256

static size_t
groupsize(size_t n)
{
	size_t per = FTS_GROUP;

	while (n / per >= FTS_SEGMENTS / 2)
		per *= 2;
	return per;
}

/* The cache's names for the groups (of per rows): a digest of the
 * group's rows, each row digested on its own, so no copy of the texts
 * is made, and of this program and SQLite, which make the bytes. */
static void
ftsnames(const struct ftsrow *r, size_t n, size_t per, char (*group)[48])
{
	struct buf t, row;
	char sum[65];
	size_t i;

	buf_init(&t);
	buf_init(&row);
	for (i = 0; i < n; i++) {
		if (i % per == 0) {
			buf_reset(&t);
			buf_printf(&t, "news_fts group 2\n%s\n%s\n",
			    deps_self(), sqlite3_sourceid());
		}
		buf_reset(&row);
		buf_put_int(&row, r[i].rowid);
		buf_putc(&row, '\n');
		buf_puts(&row, r[i].title);
		buf_putc(&row, '\0');
		buf_puts(&row, r[i].summary != NULL ? r[i].summary : "");
		buf_putc(&row, '\0');
		sha256_hex(row.data, row.len, sum);
		buf_puts(&t, sum);
		sha256_hex(r[i].body, r[i].body_len, sum);
		buf_puts(&t, sum);
		if (i % per == per - 1 || i == n - 1) {
			sha256_hex(t.data, t.len, sum);
			snprintf(group[i / per], 48, "dbftsg-%.32s", sum);
		}
	}
	buf_release(&row);
	buf_release(&t);
}

/* Attach g: the group as cached under name (0), or an empty database
 * (1, also when the cached one is not whole).  -1 when attaching fails. */
static int
attach(sqlite3 *db, const char *name, char **kept)
{
	unsigned char *data;
	size_t len;

	*kept = NULL;
	if (exec(db, "ATTACH ':memory:' AS g") < 0)
		return -1;
	if (name != NULL && (data = (unsigned char *)cache_get(name,
	    &len)) != NULL) {
		if (whole(data, len) && len <= INT32_MAX &&
		    sqlite3_deserialize(db, "g", data, (sqlite3_int64)len,
		    (sqlite3_int64)len, SQLITE_DESERIALIZE_READONLY) ==
		    SQLITE_OK) {
			*kept = (char *)data;
			return 0;
		}
		free(data);
	}
	/* Empty and resizable in memory, so that its bytes are there to
	 * cache without a copy (sqlite3_serialize, SQLITE_SERIALIZE_NOCOPY). */
	if (sqlite3_deserialize(db, "g", NULL, 0, 0,
	    SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE) !=
	    SQLITE_OK)
		return fail(db, "news_fts");
	return 1;
}

static int
detach(sqlite3 *db, char *kept)
{
	int rc = exec(db, "DETACH g");

	free(kept);
	return rc;
}

/* The group of rows from (per of them, or fewer at the end) indexed into
 * the empty g, its bytes cached as name (when not NULL). */
static int
indexgroup(sqlite3 *db, const struct ftsrow *rows, size_t n, size_t from,
    size_t per, const char *name)
{
	sqlite3_int64 len;
	unsigned char *bytes;

	if (fillgroup(db, rows, from, from + per < n ? from + per : n) < 0)
		return -1;
	if (name != NULL && (bytes = sqlite3_serialize(db, "g", &len,
	    SQLITE_SERIALIZE_NOCOPY)) != NULL)
		cache_put(name, bytes, (size_t)len);
	return 0;
}

/* The groups the cache does not hold, indexed and cached while the main
 * thread makes the tables, which the database waits for before it puts
 * the full-text table together (from the cache).  Not when nothing can
 * be cached: fts indexes them then. */
static void
indexahead(const struct ftsrow *rows, size_t n, size_t per,
    char (*group)[48])
{
	sqlite3 *db = NULL;
	char *kept;
	size_t from;

	if (group == NULL || !cache_writable() || sqlite3_open_v2(":memory:",
	    &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		sqlite3_close(db);
		return;
	}
	for (from = 0; from < n; from += per) {
		const char *name = group[from / per];

		if (cache_has(name))
			continue;
		if (attach(db, NULL, &kept) < 0)
			break;
		indexgroup(db, rows, n, from, per, name);
		if (detach(db, kept) < 0)
			break;
	}
	sqlite3_close(db);
}

/* news_fts in the empty database db: each group taken from the cache,
 * or indexed (and cached when named). */
static int
fts(sqlite3 *db, const struct ftsrow *rows, size_t n, size_t per,
    char (*group)[48])
{
	struct ftsindex ix;
	struct buf b;
	char *kept = NULL;	/* the attached group's bytes, until detached */
	size_t from, i;
	int rc = -1, got, gone;

	memset(&ix, 0, sizeof(ix));
	for (i = 0; i < FTS_LEVELS; i++)
		buf_init(&ix.level[i]);
	buf_init(&b);
	if (exec(db, "CREATE VIRTUAL TABLE news_fts USING fts5(title, "
	    "summary, body, content = '', tokenize = 'ascii')") < 0 ||
	    block(db, "main", 10, &b) < 0 || b.len < 4)
		goto out;
	memcpy(ix.cookie, b.data, sizeof(ix.cookie));
	for (from = 0; from < n; from += per) {
		const char *name = group != NULL ? group[from / per] : NULL;

		if ((got = attach(db, name, &kept)) < 0)
			goto out;
		if (got == 0 && (got = takegroup(db, &ix)) != -1) {
			if (got < 0)
				goto out;
			gone = detach(db, kept);
			kept = NULL;
			if (gone < 0)
				goto out;
			continue;
		}
		/* Not whole, or not the index of a group: made again. */
		if (got == -1) {
			gone = detach(db, kept);
			kept = NULL;
			if (gone < 0 || attach(db, NULL, &kept) < 0)
				goto out;
		}
		if (indexgroup(db, rows, n, from, per, name) < 0)
			goto out;
		if ((got = takegroup(db, &ix)) < 0) {
			if (got == -1)
				dberror("database: news_fts: a group's index "
				    "has a structure this program does not "
				    "read");
			goto out;
		}
		gone = detach(db, kept);
		kept = NULL;
		if (gone < 0)
			goto out;
	}
	rc = putindex(db, &ix);
out:
	/* Failed with a cached group attached: its bytes are SQLite's to
	 * read until it lets go of them. */
	if (kept != NULL) {
		sqlite3_exec(db, "DETACH g", NULL, NULL, NULL);
		free(kept);
	}
	for (i = 0; i < FTS_LEVELS; i++)
		buf_release(&ix.level[i]);
	buf_release(&b);
	return rc;
}

/* Make the database of j->p's tables in a scratch file (the sink's, on
 * the output's file system, else TMPDIR's), which SQLite pages through
 * its small cache, and keep the file open: it is checksummed and written
 * (or moved) in pieces, never held whole.  Reads the
 * package's tables and site only.  No VACUUM: the tables are written one
 * after the other into a new file, which leaves no free page, and the
 * copy took a sixth of the database's time for 0.6% of its size.
 *
 * The tables come first, in a transaction of their own, then the
 * full-text table, put together from its groups' segments.  The file
 * after the tables is cached by their inputs: a news item's body edited
 * copies the tables and indexes one group again (filling the tables took
 * the national edit about 0.3 s of this thread), a station edit fills the
 * tables and copies every group.  The steps being the same, the bytes
 * are: a copy of the file after the tables is that file.  The file after
 * both is not cached: a build that changes no part of it (the rest, the
 * stations, the news) finds nothing to make before it gets here, so the
 * 45 MB national file that every news and station edit wrote to the
 * cache was never read (docs/performance.md).
 *
 * The full-text table reads only the news (and the news table's order,
 * taken before the thread started): the groups whose rows changed are
 * indexed while the main thread makes the other tables. */
/* Fill the empty file fd (at path) with the database, as make says:
 * 0, with j->len and j->sha256 set, or -1 (reported unless on trial).
 * unnamed: its name goes once SQLite has it open. */
static int
fill(struct dbjob *j, int fd, const char *path, bool unnamed,
    char (*group)[48])
{
	const struct datapkg *p = j->p;
	sqlite3 *db = NULL;
	struct stat st;
	struct buf b;
	size_t i, n = j->nrows, per = groupsize(n);
	bool copied;
	int rc = -1;

	/* The tables as cached, when they are: the file then needs only
	 * its full-text groups. */
	copied = cached(j->tname, fd) == 0;
	buf_init(&b);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		fail(db, "open");
		goto out;
	}
	if (exec(db, copied ? "PRAGMA journal_mode = OFF; "
	    "PRAGMA synchronous = OFF" : "PRAGMA page_size = 4096; "
	    "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; "
	    "PRAGMA encoding = 'UTF-8'") < 0)
		goto out;
	/* The name goes now, so that a build killed half-way leaves no
	 * scratch file behind: SQLite and fd hold the file, and without a
	 * journal SQLite never looks for it by its name again. */
	if (unnamed)
		unlink(path);
	if (!copied) {
		if (exec(db, "BEGIN") < 0)
			goto out;
		for (i = 0; i < p->ntables; i++) {
			buf_reset(&b);
			createtable(&b, p, &p->tables[i]);
			if (exec(db, b.data) < 0 ||
			    filltable(db, &p->tables[i]) < 0)
				goto out;
		}
		if (exec(db, "COMMIT") < 0)
			goto out;
		keep(j->tname, fd);
	}
	if (fts(db, j->rows, n, per, group) < 0)
		goto out;
	if (sqlite3_close(db) != SQLITE_OK) {
		fail(db, "close");
		goto out;
	}
	db = NULL;
	if (fstat(fd, &st) < 0 || (j->len = (size_t)st.st_size,
	    sha256_fd_hex(fd, j->len, j->sha256) < 0)) {
		dberror("cannot read back the database from %s: %s", path,
		    strerror(errno));
		goto out;
	}
	rc = 0;
out:
	buf_release(&b);
	sqlite3_close(db);
	return rc;
}

static void *
make(void *arg)
{
	struct dbjob *j = arg;
	char path[4096], (*group)[48] = NULL;
	size_t n = j->nrows, per = groupsize(n);
	int fd, tables;

	if (j->cached) {
		group = xcalloc(n / per + 1, sizeof(*group));
		ftsnames(j->rows, n, per, group);
		indexahead(j->rows, n, per, group);
	}
	pthread_mutex_lock(&j->lock);
	while ((tables = j->tables) == 0)
		pthread_cond_wait(&j->ready, &j->lock);
	pthread_mutex_unlock(&j->lock);
	if (tables < 0)
		goto out;
	/* First in the sink's file, on the output's file system, which the
	 * writer then moves into the output rather than copying it.  Where
	 * that fails (the output's disk is full), in TMPDIR as before: its
	 * problems are reported there, and the writer's copy says what the
	 * output lacks. */
	if (j->scratch >= 0) {
		trial = true;
		if (fill(j, j->scratch, j->path, false, group) == 0) {
			trial = false;
			j->fd = j->scratch;
			j->scratch = -1;
			goto out;
		}
		/* What it filled, gone now: the output's disk may be full. */
		trial = false;
		close(j->scratch);
		unlink(j->path);
		j->scratch = -1;
	}
	snprintf(path, sizeof(path), "%s/hearth-db-XXXXXX", scratch_dir());
	if ((fd = mkstemp(path)) < 0) {
		diag_error(NULL, 0, 0, "cannot make a scratch file for the "
		    "database in %s: %s", path, strerror(errno));
		goto out;
	}
	if (fill(j, fd, path, true, group) == 0)
		j->fd = fd;
	else {
		close(fd);
		unlink(path);	/* when it failed before fill took it */
	}
out:
	free(group);
	return NULL;
}

/* Each database is made by one thread on a connection of its own
 * (SQLITE_OPEN_NOMUTEX), and nothing reads SQLite's memory statistics:
 * without them, its every allocation takes no global lock (5% of the
 * database thread's time went to locks and counters, in a profile of a
 * national news edit). */
static void
quiet(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

struct dbjob *
dbfile_start(const struct datapkg *p)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	struct dbjob *j = xcalloc(1, sizeof(*j));

	pthread_once(&once, quiet);
	j->p = p;
	j->fd = -1;
	j->scratch = p->sink != NULL && p->sink->scratch != NULL ?
	    p->sink->scratch(p->sink->ud, j->path, sizeof(j->path)) : -1;
	j->nrows = ftsrows(p, &j->rows);
	/* Read here: the package is written while the thread runs. */
	j->cached = p->sink != NULL && p->sink->rest != NULL;
	pthread_mutex_init(&j->lock, NULL);
	pthread_cond_init(&j->ready, NULL);
	if (pthread_create(&j->thread, NULL, make, j) != 0)
		xdie("pthread_create failed");
	return j;
}

void
dbfile_tables(struct dbjob *j, bool made)
{
	const struct table *t = datapkg_table(j->p, "news");
	size_t i;

	/* The full-text rows' ids were taken before the other tables were
	 * made: each must still be its news row's. */
	for (i = 0; made && i < j->nrows; i++) {
		const char *id = t != NULL && t->schema->pk >= 0 &&
		    (size_t)j->rows[i].rowid <= t->nrows ? value_get_str(
		    t->rows[j->rows[i].rowid - 1],
		    t->schema->fields[t->schema->pk].name) : NULL;

		if (id == NULL || strcmp(id, j->rows[i].id) != 0)
			xdie("the news table's rows moved under its full-text "
			    "table");
	}
	/* The tables are made of the rest of the inputs, the stations and
	 * the news as listed (datapkg_cachename), in SQL of this program's
	 * and SQLite's. */
	if (made && j->cached) {
		char part[256];

		snprintf(part, sizeof(part), "sqlite tables 1 %s %s",
		    deps_self(), sqlite3_sourceid());
		datapkg_cachename(j->p, "dbtables", part, DEP_REST |
		    DEP_STATIONS | DEP_NEWS, j->tname);
	}
	pthread_mutex_lock(&j->lock);
	j->tables = made ? 1 : -1;
	pthread_cond_signal(&j->ready);
	pthread_mutex_unlock(&j->lock);
}

int
dbfile_finish(struct dbjob *j, struct datapkg *p)
{
	char *meta;
	size_t len;
	int rc = -1;

	pthread_join(j->thread, NULL);
	if (j->scratch >= 0)	/* not taken: the tables were not made */
		close(j->scratch);
	pthread_cond_destroy(&j->ready);
	pthread_mutex_destroy(&j->lock);
	free(j->rows);
	if (j->fd >= 0) {
		datapkg_add_fd(p, arena_printf(&p->arena, "%s.sqlite",
		    p->name), j->fd, j->len, j->sha256, DF_DATABASE,
		    "application/vnd.sqlite3", "sqlite");
		meta = metadata(p, p->name, &len);
		datapkg_add(p, "metadata.json", meta, len, DF_META,
		    "application/json", "json", -1);
		rc = 0;
	}
	free(j);
	return rc;
}
