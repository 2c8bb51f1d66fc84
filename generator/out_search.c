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
#include "cache.h"
#include "deps.h"
#include "diag.h"
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

/* The slot of the term s (n bytes, hash) in ix: its own, or the free one
 * where it goes. */
static size_t
slotof(const struct index *ix, const char *s, size_t n, uint32_t hash)
{
	size_t h;

	for (h = hash & (ix->cap - 1); ix->t[h].text != NULL;
	    h = (h + 1) & (ix->cap - 1))
		if (ix->t[h].hash == hash && ix->t[h].len == n &&
		    memcmp(ix->t[h].text, s, n) == 0)
			break;
	return h;
}

/* Append doc's posting to t's, documents in increasing order. */
static void
posting(struct term *t, uint32_t doc, unsigned score)
{
	uint32_t gap = doc - (t->n > 0 ? t->last : 0);

	xgrow(&t->p, &t->cap, t->n + 6, 1);
	do {
		t->p[t->n++] = (unsigned char)((gap & 127) | (gap > 127 ?
		    128 : 0));
		gap >>= 7;
	} while (gap > 0);
	t->p[t->n++] = (unsigned char)(score < 255 ? score : 255);
	t->last = doc;
	t->count++;
}

/* Add score to (term, doc); documents arrive in order, so a term's last
 * posting is the current document's if it has one. */
static void
add(struct index *ix, const char *s, size_t n, uint32_t hash, uint32_t doc,
    int score)
{
	struct term *t;

	if (ix->n * 2 >= ix->cap)
		grow(ix);
	t = &ix->t[slotof(ix, s, n, hash)];
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
	posting(t, doc, (unsigned)score);
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

/* ==== the index kept for the next build ================================ */

/*
 * An edit changes few documents, and indexing every page again took a
 * national rebuild's second core for most of a second.  So a build
 * caches its index (each term's postings, each page's document), named
 * by what the build was made of (deps.h's line: the same inputs make
 * the same index), and the next build whose published tree was made of
 * those inputs starts from it: a page whose parts and own input are the
 * published page's keeps its document's postings, the others are
 * indexed again and their postings put in their places.  Each term's
 * list is then the (document, score) list a whole index holds, and the
 * files are its bytes.  Only while the pages are the same, in the same
 * order, each a document or not as before (else the numbers move): the
 * index is otherwise made whole.
 *
 * The entry: MAGIC, the digest of the pages' paths (64 hex digits and a
 * newline), u32 pages, documents and terms, each page's document
 * (NODOC: none), then each term's u32 length, documents, last document
 * and bytes of postings, its text and a NUL, its postings.
 */
#define MAGIC	"hearth search index 1\n"
#define NODOC	UINT32_MAX

/* What a document is to this build: nothing yet, shown (its title, URL,
 * kind and snippet are in docs[]), or indexed by it. */
enum { DOC_NONE, DOC_SHOWN, DOC_INDEXED };

struct saved {
	const char	*blob;		/* the entry: borrowed terms point
					   into it */
	size_t		 len;
	uint32_t	 ndocs, nterms;
	const char	*docof;		/* u32 per page */
	const char	*terms;
};

static void
ixname(const char *inputs, char name[48])
{
	char sum[65];

	name[0] = '\0';
	if (inputs == NULL)
		return;
	sha256_hex(inputs, strlen(inputs), sum);
	snprintf(name, 48, "searchix-%.32s", sum);
}

static void
plandigest(const struct page *pages, size_t n, char out[65])
{
	struct buf b;
	size_t i;

	buf_init(&b);
	for (i = 0; i < n; i++)
		buf_put(&b, pages[i].file, strlen(pages[i].file) + 1);
	sha256_hex(b.data != NULL ? b.data : "", b.len, out);
	buf_release(&b);
}

static void
put32(struct buf *b, uint32_t v)
{
	buf_put(b, &v, sizeof(v));
}

static uint32_t
get32(const char **at)
{
	uint32_t v;

	memcpy(&v, *at, sizeof(v));
	*at += sizeof(v);
	return v;
}

/* The entry name for these pages: false when there is none, or not one
 * of the same pages. */
static bool
loadsaved(const char *name, const char *plan, size_t npages,
    struct saved *sv)
{
	const size_t head = sizeof(MAGIC) - 1 + 65 + 12;
	const char *at;

	memset(sv, 0, sizeof(*sv));
	if (name[0] == '\0' || (sv->blob = cache_map(name, &sv->len)) == NULL)
		return false;
	at = sv->blob + sizeof(MAGIC) - 1;
	if (sv->len < head || memcmp(sv->blob, MAGIC, sizeof(MAGIC) - 1) !=
	    0 || memcmp(at, plan, 64) != 0 || at[64] != '\n')
		goto stale;
	at += 65;
	if (get32(&at) != npages)
		goto stale;
	sv->ndocs = get32(&at);
	sv->nterms = get32(&at);
	/* A term takes 18 bytes at least (its four numbers, a byte of text
	 * and its NUL). */
	if ((sv->len - head) / 4 < npages || sv->ndocs > npages ||
	    sv->nterms > (sv->len - head) / 18)
		goto stale;
	sv->docof = at;
	sv->terms = at + 4 * npages;
	return true;
stale:
	cache_unmap(sv->blob, sv->len);
	sv->blob = NULL;
	return false;
}

/* The next posting of p (n bytes) from *j: 1 with its document (the
 * gap added to *doc) and score, 0 at the end, -1 when cut short. */
static int
next(const unsigned char *p, size_t n, size_t *j, uint32_t *doc,
    unsigned *score)
{
	uint32_t gap = 0;
	int shift = 0;

	if (*j == n)
		return 0;
	do {
		if (*j == n || shift > 28)
			return -1;
		gap |= (uint32_t)(p[*j] & 127) << shift;
		shift += 7;
	} while (p[(*j)++] & 128);
	if (*j == n)
		return -1;
	*score = p[(*j)++];
	*doc += gap;
	return 1;
}

/* t's postings without those of the documents indexed again (state),
 * with theirs (nt's, NULL for none) in their places: owned by t.  0, or
 * -1 when t's are not whole, or name a document past ndocs. */
static int
splice(struct term *t, struct term *nt, const unsigned char *state,
    uint32_t ndocs)
{
	struct term out;
	uint32_t a = 0, b = 0;
	unsigned as = 0, bs = 0;
	size_t i = 0, j = 0;
	int ra, rb;

	memset(&out, 0, sizeof(out));
	ra = next(t->p, t->n, &i, &a, &as);
	rb = nt != NULL ? next(nt->p, nt->n, &j, &b, &bs) : 0;
	while (ra > 0 || rb > 0) {
		if (ra > 0 && (a >= ndocs || (out.n > 0 && a <= out.last)))
			ra = -1;
		if (ra < 0)
			break;
		if (ra > 0 && state[a] == DOC_INDEXED) {
			ra = next(t->p, t->n, &i, &a, &as);
			continue;
		}
		if (rb > 0 && (ra == 0 || b < a)) {
			posting(&out, b, bs);
			rb = next(nt->p, nt->n, &j, &b, &bs);
		} else {
			posting(&out, a, as);
			ra = next(t->p, t->n, &i, &a, &as);
		}
	}
	if (ra < 0) {
		free(out.p);
		return -1;
	}
	t->p = out.p;
	t->n = out.n;
	t->cap = out.cap;
	t->count = out.count;
	t->last = out.last;
	return 0;
}

/* Does t hold a posting of a document indexed again?  -1 when its
 * postings are not whole. */
static int
touched(const struct term *t, const unsigned char *state, uint32_t ndocs)
{
	uint32_t d = 0;
	unsigned sc;
	size_t j = 0;
	int r;

	while ((r = next(t->p, t->n, &j, &d, &sc)) > 0) {
		if (d >= ndocs)
			return -1;
		if (state[d] == DOC_INDEXED)
			return 1;
	}
	return r;
}

/* The saved index with the postings of the documents indexed again (nx,
 * whose terms this takes) in their places, into ix as a list of terms:
 * the saved ones borrowed from the entry (cap 0), the others owned.  0,
 * or -1 when the entry is not whole. */
static int
merge(const struct saved *sv, struct index *nx, const unsigned char *state,
    struct index *ix)
{
	const char *at = sv->terms, *end = sv->blob + sv->len;
	size_t i;

	ix->t = xcalloc((size_t)sv->nterms + nx->n + 1, sizeof(*ix->t));
	for (i = 0; i < sv->nterms; i++) {
		struct term t, *nt = NULL;
		size_t len, bytes;
		int r;

		memset(&t, 0, sizeof(t));
		if (end - at < 16)
			return -1;
		len = get32(&at);
		t.count = get32(&at);
		t.last = get32(&at);
		bytes = get32(&at);
		if (len == 0 || (size_t)(end - at) <= len ||
		    (size_t)(end - at) - len - 1 < bytes || at[len] != '\0' ||
		    memchr(at, '\0', len) != NULL)
			return -1;
		t.text = (char *)at;
		t.len = len;
		t.hash = fnv(at, len);
		t.p = (unsigned char *)at + len + 1;
		t.n = bytes;
		at += len + 1 + bytes;
		if (nx->cap > 0) {
			nt = &nx->t[slotof(nx, t.text, t.len, t.hash)];
			nt = nt->text != NULL ? nt : NULL;
		}
		if (nt == NULL && (r = touched(&t, state, sv->ndocs)) <= 0) {
			if (r < 0)
				return -1;
			ix->t[ix->n++] = t;
			continue;
		}
		if (splice(&t, nt, state, sv->ndocs) < 0)
			return -1;
		if (nt != NULL) {	/* taken: its postings are in t's */
			free(nt->p);
			nt->p = NULL;
			nt->n = 0;
		}
		if (t.count > 0)
			ix->t[ix->n++] = t;
		else
			free(t.p);
	}
	if (at != end)
		return -1;
	for (i = 0; i < nx->cap; i++)
		if (nx->t[i].text != NULL && nx->t[i].n > 0) {
			ix->t[ix->n++] = nx->t[i];
			nx->t[i].p = NULL;
			nx->t[i].n = 0;
		}
	arena_adopt(&ix->texts, &nx->texts);
	ix->cap = ix->n;
	return 0;
}

struct saving {
	const char		*plan;
	const uint32_t		*docof;
	size_t			 npages, ndocs;
	const struct index	*ix;
};

/* The entry, written in pieces of about 256 KB: whole, it would be
 * 12 MB more at the build's peak nationally. */
static int
fillsaved(int fd, void *ud)
{
	const struct saving *sv = ud;
	const struct index *ix = sv->ix;
	struct buf b;
	size_t i;
	int rc = 0;

	buf_init(&b);
	buf_puts(&b, MAGIC);
	buf_put(&b, sv->plan, 64);
	buf_putc(&b, '\n');
	put32(&b, (uint32_t)sv->npages);
	put32(&b, (uint32_t)sv->ndocs);
	put32(&b, (uint32_t)ix->n);
	buf_put(&b, sv->docof, sv->npages * sizeof(*sv->docof));
	for (i = 0; i < ix->n && rc == 0; i++) {
		const struct term *t = &ix->t[i];

		put32(&b, (uint32_t)t->len);
		put32(&b, t->count);
		put32(&b, t->last);
		put32(&b, (uint32_t)t->n);
		buf_put(&b, t->text, t->len + 1);
		buf_put(&b, t->p, t->n);
		if (b.len >= 256 << 10) {
			rc = fd_write(fd, b.data, b.len);
			buf_reset(&b);
		}
	}
	if (rc == 0 && b.len > 0)
		rc = fd_write(fd, b.data, b.len);
	buf_release(&b);
	return rc;
}

static void
save(const char *name, const char *plan, const uint32_t *docof,
    size_t npages, size_t ndocs, const struct index *ix)
{
	struct saving sv = { plan, docof, npages, ndocs, ix };

	if (name[0] != '\0')
		cache_put_with(name, fillsaved, &sv);
}

/* ==== the index ======================================================== */

/* What a result shows of d (filled by view_search_doc from a scratch
 * arena), copied into a. */
static void
shown(struct arena *a, struct search_doc *d)
{
	d->title = arena_strdup(a, d->title);
	d->url = arena_strdup(a, d->url);
	d->kind = arena_strdup(a, d->kind);
	d->snippet = d->snippet != NULL ? arena_strdup(a, d->snippet) : NULL;
}

/* Index document doc of page p (d, filled by view_search_doc from a
 * scratch arena): what a result shows is kept (shown), the texts are
 * indexed, then dropped (the national site's would be some 80 MB). */
static void
indexdoc(struct index *ix, struct spans *sp, struct arena *a,
    const struct page *p, struct search_doc *d, uint32_t doc)
{
	size_t k, len;

	shown(a, d);
	for (k = 0; k < 3; k++) {
		int w = weights[k];

		if (d->text[k] == NULL)
			continue;
		len = strlen(d->text[k]);
		if (k == 2 && len > BODY_MAX)
			len = BODY_MAX;
		if (k == 0 && p->kind != PG_NEWS && p->kind != PG_STATION)
			w *= 2;
		field(ix, sp, d->text[k], len, doc, w, caps[k]);
	}
	memset(d->text, 0, sizeof(d->text));
}

/* Is page p's document the published page's: made of the same parts,
 * and of the same own input? */
static bool
samedoc(struct out_ctx *ctx, const struct page *p)
{
	if ((view_reads(ctx->view, p) & ctx->changed) != 0)
		return false;
	return (view_key_reads(ctx->view, p) & ctx->changed) == 0 ||
	    view_page_key(ctx->view, p) == writer_published_key(ctx->w,
	    p->file);
}

struct run {
	struct out_ctx		*ctx;
	const struct page	*pages;
	size_t			 npages, ndocs;
	struct search_doc	*docs;		/* by document */
	unsigned char		*state;		/* DOC_*, by document */
	uint32_t		*docof;		/* by page */
	uint32_t		*pageof;	/* by document */
	struct spans		 sp;
	struct arena		 a, scratch;
};

/* Index every page's document into ix. */
static void
whole(struct run *r, struct index *ix)
{
	size_t i;

	r->ndocs = 0;
	for (i = 0; i < r->npages; i++) {
		struct search_doc *d = &r->docs[r->ndocs];

		arena_reset(&r->scratch);
		r->docof[i] = NODOC;
		if (!view_search_doc(r->ctx->view, &r->scratch, &r->pages[i],
		    d))
			continue;
		indexdoc(ix, &r->sp, &r->a, &r->pages[i], d,
		    (uint32_t)r->ndocs);
		r->docof[i] = (uint32_t)r->ndocs;
		r->pageof[r->ndocs] = (uint32_t)i;
		r->state[r->ndocs++] = DOC_INDEXED;
	}
}

/* Index the documents of the pages not as published, and patch them
 * into the saved index sv, into ix: 0, or -1 (ix and r's documents
 * untouched) when the pages are not the saved ones' documents or the
 * entry is not whole. */
static int
patch(struct run *r, struct saved *sv, struct index *ix)
{
	struct index nx;
	struct search_doc d;
	size_t i, k, n = 0;
	int rc = -1;

	memset(&nx, 0, sizeof(nx));
	arena_init(&nx.texts);
	for (i = 0; i < r->npages; i++) {
		uint32_t doc;
		bool was, is;

		memcpy(&doc, sv->docof + 4 * i, sizeof(doc));
		if ((was = doc != NODOC) && doc != n++)
			goto out;	/* numbered in the pages' order */
		r->docof[i] = doc;
		if (was)
			r->pageof[doc] = (uint32_t)i;
		if (samedoc(r->ctx, &r->pages[i]))
			continue;
		arena_reset(&r->scratch);
		is = view_search_doc(r->ctx->view, &r->scratch, &r->pages[i],
		    &d);
		if (is != was)
			goto out;
		if (!is)
			continue;
		r->docs[doc] = d;
		indexdoc(&nx, &r->sp, &r->a, &r->pages[i], &r->docs[doc], doc);
		r->state[doc] = DOC_INDEXED;
	}
	if (n != sv->ndocs)
		goto out;
	r->ndocs = n;
	if (merge(sv, &nx, r->state, ix) == 0)
		rc = 0;
out:
	for (k = 0; k < nx.cap; k++)
		free(nx.t[k].p);
	free(nx.t);
	arena_release(&nx.texts);
	if (rc < 0) {
		for (k = 0; k < ix->n; k++)
			if (ix->t[k].cap > 0)
				free(ix->t[k].p);
		free(ix->t);
		arena_release(&ix->texts);
		memset(ix, 0, sizeof(*ix));
		arena_init(&ix->texts);
		memset(r->state, 0, r->npages + 1);
	}
	return rc;
}

/* The documents' chunk files.  Patched, a chunk none of whose documents
 * was indexed again is the published one; the others are shown again
 * whole. */
static int
chunks(struct run *r, bool patched)
{
	struct buf b;
	char path[64];
	size_t i, k, lo, hi;
	int rc = 0;

	buf_init(&b);
	for (k = 0; k * CHUNK < r->ndocs || k == 0; k++) {
		lo = k * CHUNK;
		hi = lo + CHUNK < r->ndocs ? lo + CHUNK : r->ndocs;
		snprintf(path, sizeof(path), "search/docs/%zu.json", k);
		for (i = lo; patched && i < hi && r->state[i] != DOC_INDEXED;
		    i++)
			;
		if (patched && i == hi) {
			int kr = writer_keep(r->ctx->w, path, WRITER_SAME_KEY);

			if (kr == 0)
				continue;
			if (kr < -1) {
				rc = -1;
				continue;
			}
		}
		for (i = lo; i < hi; i++) {
			struct search_doc *d = &r->docs[i];

			if (r->state[i] != DOC_NONE)
				continue;
			arena_reset(&r->scratch);
			if (!view_search_doc(r->ctx->view, &r->scratch,
			    &r->pages[r->pageof[i]], d))
				xdie("a page of the search index is no "
				    "longer a document");
			shown(&r->a, d);
			r->state[i] = DOC_SHOWN;
		}
		buf_reset(&b);
		buf_putc(&b, '[');
		for (i = lo; i < hi; i++) {
			const struct search_doc *d = &r->docs[i];
			const char *f[4] = { d->title, d->url, d->kind,
			    d->snippet ? d->snippet : "" };
			int j;

			buf_puts(&b, i > lo ? ",\n[" : "\n[");
			for (j = 0; j < 4; j++) {
				if (j > 0)
					buf_putc(&b, ',');
				buf_put_json_str(&b, f[j], strlen(f[j]));
			}
			buf_putc(&b, ']');
		}
		buf_puts(&b, "]\n");
		rc |= writer_put(r->ctx->w, path, b.data, b.len);
	}
	buf_release(&b);
	return rc < 0 ? -1 : 0;
}

int
out_search_run(struct out_ctx *ctx)
{
	struct index ix;
	struct run r;
	struct saved sv;
	struct buf b, sb;
	size_t i, k, nshards, end, bytes = 0;
	/* Shards are kept by their keys, and the saved index taken,
	 * while this program and the rest of the inputs are the published
	 * site's. */
	bool keep = (ctx->changed & DEP_REST) == 0, patched;
	uint64_t key;
	uint32_t mask;
	char path[64], plan[65], name[48];
	int rc = 0;

	memset(&ix, 0, sizeof(ix));
	arena_init(&ix.texts);
	memset(&r, 0, sizeof(r));
	r.ctx = ctx;
	arena_init(&r.a);
	arena_init(&r.scratch);
	buf_init(&b);
	r.pages = view_plan(ctx->view, &r.npages);
	r.docs = xcalloc(r.npages + 1, sizeof(*r.docs));
	r.state = xcalloc(r.npages + 1, sizeof(*r.state));
	r.docof = xcalloc(r.npages + 1, sizeof(*r.docof));
	r.pageof = xcalloc(r.npages + 1, sizeof(*r.pageof));
	plandigest(r.pages, r.npages, plan);
	ixname(keep ? writer_published_inputs(ctx->w) : NULL, name);
	patched = loadsaved(name, plan, r.npages, &sv) && patch(&r, &sv,
	    &ix) == 0;
	if (!patched)
		whole(&r, &ix);
	else if (diag_verbosity() > 1) {
		for (i = 0, k = 0; i < r.ndocs; i++)
			k += r.state[i] == DOC_INDEXED;
		diag_info("  %zu of %zu documents indexed again, the others' "
		    "postings kept: made of the same inputs", k, r.ndocs);
	}
	rc |= chunks(&r, patched);

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
	    "%zu,\"terms\":%zu}\n", nshards, CHUNK, r.ndocs, ix.n);
	rc |= writer_put(ctx->w, "search/meta.json", b.data, b.len);
	if (rc == 0) {
		ixname(ctx->inputs, name);
		save(name, plan, r.docof, r.npages, r.ndocs, &ix);
	}

	for (i = 0; i < ix.n; i++)
		if (ix.t[i].cap > 0)
			free(ix.t[i].p);
	free(ix.t);
	arena_release(&ix.texts);
	cache_unmap(sv.blob, sv.len);
	free(r.sp.v);
	free(r.sp.at);
	free(r.sp.lower);
	free(r.docs);
	free(r.state);
	free(r.docof);
	free(r.pageof);
	buf_release(&b);
	arena_release(&r.a);
	arena_release(&r.scratch);
	return rc < 0 ? -1 : 0;
}
