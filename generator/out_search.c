/*
 * out_search: a static search index that works for Chinese without
 * configuration.
 *
 * Chinese has no spaces between words, so text is indexed as overlapping
 * character bigrams (福泉市 -> 福泉, 泉市), which find any word of two or
 * more characters without a dictionary; Latin text as lower-case words.
 * Each document's terms are scored by field (title 10, summary and tags 3,
 * body 1), counting a term at most 3 times in a field so a long text cannot
 * outweigh a title; the titles of places, campaigns and datasets count
 * double, since a reader who types a name mostly wants that page.
 *
 * What a browser downloads per query is what counts: the postings are
 * split into shards by a hash of the term, and the document list into
 * small chunks, so a query fetches only the shards of its own terms and
 * the chunks of its best hits; a term's documents are written as the gaps
 * between their numbers, which keeps the long lists of common terms
 * (社工, 服务) to a digit or two per document.  assets/search.js (in the
 * theme) tokenises the query the same way; the layout:
 *
 *   search/meta.json          {"version":2,"shards":N,"chunk":C,"docs":D}
 *   search/docs/<k>.json      [[title,url,kind,snippet], ...] docs k*C..
 *   search/terms/<s>.json     {"term":[gap,score,gap,score,...], ...}
 *                             (the first gap is the first document)
 *
 * The postings moved from idx/ when they became gaps (version 2): a site
 * that keeps an older copy of search.js in its own theme then gets a
 * visible "search unavailable", never wrong results.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "deps.h"
#include "out.h"
#include "terms.h"
#include "util.h"
#include "view.h"
#include "write.h"

#define CHUNK		40	/* documents per docs/<k>.json: about
					   10 KB, so the 20 hits shown cost
					   at most 20 small files */
#define BODY_MAX	4000	/* bytes of body text indexed per document */

static const int weights[3] = { 10, 3, 1 };
static const unsigned caps[3] = { 1, 3, 3 };

/* The distinct terms of one field of one document and how often each
 * occurs (open addressing, emptied per field), counted before they are
 * scored. */
struct fterm {
	const char	*s;		/* NULL: free slot */
	size_t		 n;
	uint32_t	 hash;
	unsigned	 count;
};

struct spans {
	struct fterm	*v;
	size_t		 n, cap;	/* cap = 2^k */
	size_t		*at;		/* the n slots in use, in the order
					   they were filled: a short field
					   is not a walk over the table */
	char		*lower;		/* terms_each's copy of a field,
					   kept from field to field */
	size_t		 lowcap;
};

/* A term's postings are kept as they are written: for each document, the
 * gap from the one before (the first: its number) as a base-128 varint,
 * then its score in a byte.  About 2.5 bytes a posting where a pair of
 * numbers took 8: the national index has 5 million. */
struct term {
	char		*text;		/* NULL: free slot */
	size_t		 len;		/* of text */
	uint32_t	 hash;
	uint32_t	 last;		/* the last document */
	uint32_t	 count;		/* of documents */
	unsigned char	*p;
	size_t		 n, cap;	/* bytes */
};

struct index {
	struct term	*t;
	size_t		 n, cap;		/* open addressing, cap = 2^k */
	struct arena	 texts;			/* the terms' texts: hundreds
						   of thousands, none freed
						   before the end */
};

/* FNV-1a over the term's UTF-8 bytes: the script computes the same. */
static uint32_t
fnv(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

static void
grow(struct index *ix)
{
	struct index old = *ix;
	size_t i, cap = old.cap ? old.cap * 2 : 4096;

	/* Written zeros, not calloc's: a probe reads the slot before it is
	 * filled, and a page first read maps the shared zero page, whose
	 * copy on the write then flushes every core's TLB. */
	ix->t = xmalloc(cap * sizeof(*ix->t));
	memset(ix->t, 0, cap * sizeof(*ix->t));
	ix->cap = cap;
	for (i = 0; i < old.cap; i++) {
		size_t h;

		if (old.t[i].text == NULL)
			continue;
		for (h = old.t[i].hash & (cap - 1); ix->t[h].text != NULL;
		    h = (h + 1) & (cap - 1))
			;
		ix->t[h] = old.t[i];
	}
	free(old.t);
}

/* Add score to (term, doc); documents arrive in order, so a term's last
 * posting is the current document's if it has one. */
static void
add(struct index *ix, const char *s, size_t n, uint32_t hash, uint32_t doc,
    int score)
{
	uint32_t gap;
	size_t h;
	struct term *t;

	if (ix->n * 2 >= ix->cap)
		grow(ix);
	for (h = hash & (ix->cap - 1); ix->t[h].text != NULL;
	    h = (h + 1) & (ix->cap - 1))
		if (ix->t[h].hash == hash && ix->t[h].len == n &&
		    memcmp(ix->t[h].text, s, n) == 0)
			break;
	t = &ix->t[h];
	if (t->text == NULL) {
		t->text = arena_strndup(&ix->texts, s, n);
		t->len = n;
		t->hash = hash;
		ix->n++;
	}
	if (t->n > 0 && t->last == doc) {
		unsigned sum = t->p[t->n - 1] + (unsigned)score;

		t->p[t->n - 1] = (unsigned char)(sum < 255 ? sum : 255);
		return;
	}
	xgrow(&t->p, &t->cap, t->n + 6, 1);
	gap = doc - (t->n > 0 ? t->last : 0);
	do {
		t->p[t->n++] = (unsigned char)((gap & 127) | (gap > 127 ?
		    128 : 0));
		gap >>= 7;
	} while (gap > 0);
	t->p[t->n++] = (unsigned char)(score < 255 ? score : 255);
	t->last = doc;
	t->count++;
}

static void
regrow(struct spans *sp)
{
	struct spans old = *sp;
	size_t i, h;

	sp->cap = old.cap ? old.cap * 2 : 512;
	sp->v = xcalloc(sp->cap, sizeof(*sp->v));
	sp->at = xcalloc(sp->cap / 2 + 1, sizeof(*sp->at));
	for (i = 0; i < old.n; i++) {
		const struct fterm *t = &old.v[old.at[i]];

		for (h = t->hash & (sp->cap - 1); sp->v[h].s != NULL;
		    h = (h + 1) & (sp->cap - 1))
			;
		sp->v[h] = *t;
		sp->at[i] = h;
	}
	free(old.v);
	free(old.at);
}

/* A term of the text (terms.c finds them), counted. */
static void
emit(const char *s, size_t n, void *ud)
{
	struct spans *sp = ud;
	uint32_t hash = fnv(s, n);
	size_t h;

	if (sp->n * 2 >= sp->cap)
		regrow(sp);
	for (h = hash & (sp->cap - 1); sp->v[h].s != NULL;
	    h = (h + 1) & (sp->cap - 1))
		if (sp->v[h].hash == hash && sp->v[h].n == n &&
		    memcmp(sp->v[h].s, s, n) == 0) {
			sp->v[h].count++;
			return;
		}
	sp->v[h].s = s;
	sp->v[h].n = n;
	sp->v[h].hash = hash;
	sp->v[h].count = 1;
	sp->at[sp->n++] = h;
}

/* Score one field of document doc: each distinct term, its count capped,
 * times the field's weight. */
static void
field(struct index *ix, struct spans *sp, const char *text, size_t n,
    uint32_t doc, int weight, unsigned cap)
{
	size_t i;

	xgrow(&sp->lower, &sp->lowcap, n + 1, 1);
	terms_each(text, n, sp->lower, emit, sp);
	for (i = 0; i < sp->n; i++) {
		struct fterm *t = &sp->v[sp->at[i]];

		add(ix, t->s, t->n, t->hash, doc, weight * (int)(t->count <
		    cap ? t->count : cap));
		t->s = NULL;
	}
	sp->n = 0;
}

static int
cmpterm(const void *x, const void *y, void *mask)
{
	const struct term *a = x, *b = y;
	uint32_t m = *(const uint32_t *)mask;

	if (a->text == NULL || b->text == NULL)
		return (a->text == NULL) - (b->text == NULL);
	if ((a->hash & m) != (b->hash & m))
		return (a->hash & m) < (b->hash & m) ? -1 : 1;
	return strcmp(a->text, b->text);
}

/* A shard's file is a function of its terms and their postings (and of
 * this program, in the rest of the inputs): their digest keys it, and a
 * shard whose key is the published one's is kept unformatted: an edit
 * of one news item changes the shards of its terms alone, a few of the
 * national index's 2,048 (formatting all of them took 0.15 s). */
static uint64_t
shardkey(struct buf *b, const struct term *t, size_t n)
{
	size_t i;

	buf_reset(b);
	for (i = 0; i < n; i++) {
		buf_put(b, t[i].text, t[i].len + 1);
		buf_put_int(b, (long long)t[i].n);
		buf_putc(b, ':');
		buf_put(b, t[i].p, t[i].n);
	}
	return deps_key(b->data != NULL ? b->data : "", b->len);
}

int
out_search_run(struct out_ctx *ctx)
{
	struct index ix;
	struct spans sp = { NULL, 0, 0, NULL, NULL, 0 };
	struct arena a, scratch;
	struct buf b, sb;
	const struct page *pages;
	struct search_doc *docs;
	size_t npages, ndocs = 0, i, k, nshards, end, bytes = 0;
	/* Shards are kept by their keys while this program and the rest of
	 * the inputs are the published site's. */
	bool keep = (ctx->changed & DEP_REST) == 0;
	uint64_t key;
	uint32_t mask;
	char path[64];
	int rc = 0;

	memset(&ix, 0, sizeof(ix));
	arena_init(&ix.texts);
	arena_init(&a);
	arena_init(&scratch);
	buf_init(&b);
	pages = view_plan(ctx->view, &npages);
	docs = xcalloc(npages + 1, sizeof(*docs));
	for (i = 0; i < npages; i++) {
		struct search_doc *d = &docs[ndocs];

		/* A document's texts are indexed, then dropped: only what a
		 * result shows is kept (the national site's texts would be
		 * some 80 MB). */
		arena_reset(&scratch);
		if (!view_search_doc(ctx->view, &scratch, &pages[i], d))
			continue;
		d->title = arena_strdup(&a, d->title);
		d->url = arena_strdup(&a, d->url);
		d->kind = arena_strdup(&a, d->kind);
		d->snippet = d->snippet != NULL ? arena_strdup(&a, d->snippet) :
		    NULL;
		for (k = 0; k < 3; k++) {
			size_t len;
			int w = weights[k];

			if (d->text[k] == NULL)
				continue;
			len = strlen(d->text[k]);
			if (k == 2 && len > BODY_MAX)
				len = BODY_MAX;
			if (k == 0 && pages[i].kind != PG_NEWS &&
			    pages[i].kind != PG_STATION)
				w *= 2;
			field(&ix, &sp, d->text[k], len, (uint32_t)ndocs, w,
			    caps[k]);
		}
		memset(d->text, 0, sizeof(d->text));
		ndocs++;
	}
	arena_release(&scratch);

	/* Documents, in chunks. */
	for (k = 0; k * CHUNK < ndocs || k == 0; k++) {
		buf_reset(&b);
		buf_putc(&b, '[');
		for (i = k * CHUNK; i < ndocs && i < (k + 1) * CHUNK; i++) {
			const struct search_doc *d = &docs[i];
			const char *f[4] = { d->title, d->url, d->kind,
			    d->snippet ? d->snippet : "" };
			int j;

			buf_puts(&b, i > k * CHUNK ? ",\n[" : "\n[");
			for (j = 0; j < 4; j++) {
				if (j > 0)
					buf_putc(&b, ',');
				buf_put_json_str(&b, f[j], strlen(f[j]));
			}
			buf_putc(&b, ']');
		}
		buf_puts(&b, "]\n");
		snprintf(path, sizeof(path), "search/docs/%zu.json", k);
		rc |= writer_put(ctx->w, path, b.data, b.len);
	}

	/* Postings, in shards: about 32 KB each, a power of two of them.
	 * Terms go out sorted, so the files do not depend on the hash
	 * table's layout. */
	for (i = 0; i < ix.cap; i++)
		if (ix.t[i].text != NULL)
			bytes += strlen(ix.t[i].text) + 8 + ix.t[i].count * 10;
	for (nshards = 16; nshards < 4096 && bytes / nshards > 32768;)
		nshards *= 2;
	/* Shard by shard, each written once made: terms sorted by shard,
	 * then by text, so no file depends on the hash table's layout.  The
	 * table's free slots (half or more) are left out of the sort. */
	mask = (uint32_t)nshards - 1;
	for (i = 0, k = 0; i < ix.cap; i++)
		if (ix.t[i].text != NULL)
			ix.t[k++] = ix.t[i];
	if (ix.n > 0)
		qsort_r(ix.t, ix.n, sizeof(*ix.t), cmpterm, &mask);
	buf_init(&sb);
	for (i = 0, k = 0; k < nshards; k++, i = end) {
		snprintf(path, sizeof(path), "search/terms/%zu.json", k);
		for (end = i; end < ix.n && (ix.t[end].hash & mask) == k; end++)
			;
		key = shardkey(&sb, ix.t + i, end - i);
		if (keep) {
			int kr = writer_keep(ctx->w, path, key);

			if (kr == 0)
				continue;
			if (kr < -1) {
				rc = -1;
				continue;
			}
		}
		buf_reset(&sb);
		buf_putc(&sb, '{');
		for (; i < end; i++) {
			const struct term *t = &ix.t[i];
			bool first = true;
			size_t j;

			buf_puts(&sb, sb.len > 1 ? ",\n" : "\n");
			buf_put_json_str(&sb, t->text, strlen(t->text));
			buf_puts(&sb, ":[");
			for (j = 0; j < t->n;) {
				uint32_t gap = 0;
				int shift = 0;

				do
					gap |= (uint32_t)(t->p[j] & 127) <<
					    shift, shift += 7;
				while (t->p[j++] & 128);
				if (!first)
					buf_putc(&sb, ',');
				buf_put_int(&sb, gap);
				buf_putc(&sb, ',');
				buf_put_int(&sb, t->p[j++]);
				first = false;
			}
			buf_putc(&sb, ']');
		}
		buf_puts(&sb, "}\n");
		rc |= writer_put_key(ctx->w, path, sb.data, sb.len, key);
	}
	buf_release(&sb);
	buf_reset(&b);
	buf_printf(&b, "{\"version\":2,\"shards\":%zu,\"chunk\":%d,\"docs\":"
	    "%zu,\"terms\":%zu}\n", nshards, CHUNK, ndocs, ix.n);
	rc |= writer_put(ctx->w, "search/meta.json", b.data, b.len);

	for (i = 0; i < ix.n; i++)
		free(ix.t[i].p);
	free(ix.t);
	arena_release(&ix.texts);
	free(sp.v);
	free(sp.at);
	free(sp.lower);
	free(docs);
	buf_release(&b);
	arena_release(&a);
	return rc < 0 ? -1 : 0;
}
