/*
 * deps: the digests of a build's parts (see deps.h).
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "arena.h"
#include "deps.h"
#include "repo.h"
#include "site.h"
#include "source.h"
#include "util.h"

static void
put(EVP_MD_CTX *c, const void *p, size_t n)
{
	/* The length first: no two sequences of fields digest alike. */
	unsigned long long len = n;

	if (!EVP_DigestUpdate(c, &len, sizeof(len)) ||
	    !EVP_DigestUpdate(c, p, n))
		xdie("SHA-256 failed");
}

static void
puts0(EVP_MD_CTX *c, const char *s)
{
	put(c, s != NULL ? s : "", s != NULL ? strlen(s) : 0);
}

static void
finish(EVP_MD_CTX *c, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (!EVP_DigestFinal_ex(c, md, &n))
		xdie("SHA-256 failed");
	digest_hex(md, n, out);
}

/* This very program: a rebuilt hearth may render anything differently. */
static char selfhex[65];

static void
selfonce(void)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	char chunk[65536];
	ssize_t r;
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);

	if (c == NULL || !EVP_DigestInit_ex(c, sha256_md(), NULL))
		xdie("SHA-256 failed");
	puts0(c, HEARTH_VERSION);
	if (fd < 0)
		puts0(c, "no binary");
	else {
		while ((r = read(fd, chunk, sizeof(chunk))) > 0)
			put(c, chunk, (size_t)r);
		close(fd);
	}
	finish(c, selfhex);
	EVP_MD_CTX_free(c);
}

const char *
deps_self(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, selfonce);
	return selfhex;
}

static void
self(EVP_MD_CTX *c)
{
	puts0(c, deps_self());
}

/* The news items by the path of their file. */
static int
cmppath(const void *x, const void *y)
{
	return strcmp((*(const struct news *const *)x)->path,
	    (*(const struct news *const *)y)->path);
}

static int
cmpstr(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The paths the records of type (or, with other, of every other type)
 * came from, sorted, each once. */
static size_t
recpaths(const struct site *s, const char *type, bool other,
    const char ***out)
{
	const char **v = NULL, *last = NULL;
	size_t n = 0, cap = 0, i, j, k;

	for (i = 0; i < s->nschemas; i++) {
		if ((strcmp(s->schemas[i].name, type) == 0) == other)
			continue;
		for (j = 0; j < s->sets[i].n; j++) {
			const char *p = s->sets[i].v[j]->path;

			if (last != NULL && strcmp(p, last) == 0)
				continue;	/* a file's rows are together */
			xgrow(&v, &cap, n + 1, sizeof(*v));
			v[n++] = last = p;
		}
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), cmpstr);
	for (i = k = 0; i < n; i++)
		if (k == 0 || strcmp(v[i], v[k - 1]) != 0)
			v[k++] = v[i];
	*out = v;
	return k;
}

static bool
listed(const char *const *v, size_t n, const char *path)
{
	return n > 0 && bsearch(&path, v, n, sizeof(*v), cmpstr) != NULL;
}

/* What the pages show of a stamp: its day and its author. */
static void
putstamp(EVP_MD_CTX *c, time_t when, const char *author)
{
	char day[16];

	utc_day(when, day);
	puts0(c, day);
	puts0(c, author);
}

/* A digest of digests (NUL-terminated hex), for names of cache entries. */
static void
combine(char out[65], const char *const *parts, size_t n)
{
	char text[5 * 65] = "";
	size_t i, len = 0;

	for (i = 0; i < n && len + 66 <= sizeof(text); i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%s ",
		    parts[i]);
	sha256_hex(text, len, out);
}

void
deps_digest(struct deps *d, const struct source *src, const struct site *s,
    bool drafts, const char *extra, size_t len)
{
	EVP_MD_CTX *news = EVP_MD_CTX_new(), *bodies = EVP_MD_CTX_new();
	EVP_MD_CTX *rest = EVP_MD_CTX_new(), *stations = EVP_MD_CTX_new();
	EVP_MD_CTX *history = EVP_MD_CTX_new();
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	struct news **bypath = xcalloc(s->nnews + 1, sizeof(*bypath));
	const char **stpaths, **others;
	size_t nst = recpaths(s, "station", false, &stpaths);
	size_t nothers = recpaths(s, "station", true, &others);
	char hn[65], hb[65], hr[65], hs[65], hh[65];
	size_t i;

	if (news == NULL || bodies == NULL || rest == NULL ||
	    stations == NULL || history == NULL ||
	    !EVP_DigestInit_ex(news, sha256_md(), NULL) ||
	    !EVP_DigestInit_ex(bodies, sha256_md(), NULL) ||
	    !EVP_DigestInit_ex(rest, sha256_md(), NULL) ||
	    !EVP_DigestInit_ex(stations, sha256_md(), NULL) ||
	    !EVP_DigestInit_ex(history, sha256_md(), NULL))
		xdie("SHA-256 failed");
	memcpy(bypath, s->news, s->nnews * sizeof(*bypath));
	qsort(bypath, s->nnews, sizeof(*bypath), cmppath);
	for (i = 0; i < src->n; i++) {
		const struct sfile *f = &src->files[i];
		struct news key = { .path = f->path }, *kp = &key, **hit;
		EVP_MD_CTX *c = rest;
		size_t at;

		if (strncmp(f->path, "content/news/", 13) != 0) {
			/* A file of station records alone: the pages that
			 * read no station (a station's own page reads its
			 * row: view_page_key) need not follow it. */
			if (listed(stpaths, nst, f->path) &&
			    !listed(others, nothers, f->path))
				c = stations;
			puts0(c, f->path);
			put(c, f->data, f->len);
			putstamp(c, f->lastmod, f->author);
			continue;
		}
		puts0(news, f->path);
		putstamp(news, f->lastmod, f->author);
		/* An item's body (it points into its file) apart from the
		 * rest of the file: lists and cards read only the rest. */
		hit = bsearch(&kp, bypath, s->nnews, sizeof(*bypath), cmppath);
		if (hit == NULL || (*hit)->body < f->data || (*hit)->body +
		    (*hit)->body_len > f->data + f->len) {
			put(news, f->data, f->len);
			continue;
		}
		at = (size_t)((*hit)->body - f->data);
		put(news, f->data, at);
		put(news, f->data + at + (*hit)->body_len,
		    f->len - at - (*hit)->body_len);
		puts0(bodies, f->path);
		put(bodies, (*hit)->body, (*hit)->body_len);
	}
	free(bypath);
	free(stpaths);
	free(others);
	/* What every page shows and every part may change: the data's
	 * date and the site's last change. */
	puts0(rest, s->build_date);
	puts0(rest, s->asof_news ? "as of news" : "as of records");
	putstamp(rest, s->changed.when, s->changed.author);
	/* The revision: the history the data's versions and a county's
	 * recent changes come from.  What every other page reads of it is
	 * each file's day and author, above; a data file, the commit that
	 * last changed its sources (dataset.c names its lists by it).
	 * Releases come from the tags. */
	puts0(history, src->has_commit ? src->commit.id : "-");
	puts0(rest, src->from_rev ? "rev" : "worktree");
	if (src->repo != NULL) {
		struct arena a;
		const char **tags;
		struct commit *tc;
		size_t n;

		arena_init(&a);
		n = repo_tags(src->repo, "*", &tags, &tc, &a);
		for (i = 0; i < n; i++) {
			puts0(rest, tags[i]);
			puts0(rest, tc[i].id);
		}
		arena_release(&a);
	}
	put(rest, extra != NULL ? extra : "", extra != NULL ? len : 0);
	puts0(rest, drafts ? "drafts" : "no drafts");
	puts0(rest, sde);
	self(rest);
	finish(news, hn);
	finish(bodies, hb);
	finish(rest, hr);
	finish(stations, hs);
	finish(history, hh);
	combine(d->places, (const char *const[]){ hs, hr }, 2);
	memcpy(d->frame, hr, sizeof(d->frame));
	EVP_MD_CTX_free(news);
	EVP_MD_CTX_free(bodies);
	EVP_MD_CTX_free(rest);
	EVP_MD_CTX_free(stations);
	EVP_MD_CTX_free(history);
	snprintf(d->line, sizeof(d->line), "news:%s bodies:%s stations:%s "
	    "history:%s rest:%s", hn, hb, hs, hh, hr);
	memcpy(d->news, hn, sizeof(d->news));
}

/* Where each part's digest starts in a line. */
#define AT_NEWS		5			/* "news:" */
#define AT_BODIES	(AT_NEWS + 64 + 8)	/* " bodies:" */
#define AT_STATIONS	(AT_BODIES + 64 + 10)	/* " stations:" */
#define AT_HISTORY	(AT_STATIONS + 64 + 9)	/* " history:" */
#define AT_REST		(AT_HISTORY + 64 + 6)	/* " rest:" */

const char *
deps_news(const struct deps *d)
{
	return d->news;
}

const char *
deps_places(const struct deps *d)
{
	return d->places;
}

const char *
deps_frame(const struct deps *d)
{
	return d->frame;
}

uint64_t
deps_key(const char *text, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	uint64_t k = 0;

	if (!EVP_Digest(text, len, md, &n, sha256_md(), NULL))
		xdie("SHA-256 failed");
	memcpy(&k, md, sizeof(k));
	return k != 0 && k != UINT64_MAX ? k : 1;	/* never "none" nor
							   "the same" */
}

unsigned
deps_changed(const struct deps *d, const char *published)
{
	unsigned changed = 0;

	if (published == NULL || strlen(published) != strlen(d->line) ||
	    strncmp(published, "news:", 5) != 0 ||
	    strncmp(published + AT_BODIES - 8, " bodies:", 8) != 0 ||
	    strncmp(published + AT_STATIONS - 10, " stations:", 10) != 0 ||
	    strncmp(published + AT_HISTORY - 9, " history:", 9) != 0 ||
	    strncmp(published + AT_REST - 6, " rest:", 6) != 0)
		return DEP_ALL;
	if (memcmp(published + AT_NEWS, d->line + AT_NEWS, 64) != 0)
		changed |= DEP_NEWS;
	if (memcmp(published + AT_BODIES, d->line + AT_BODIES, 64) != 0)
		changed |= DEP_BODIES;
	if (memcmp(published + AT_STATIONS, d->line + AT_STATIONS, 64) != 0)
		changed |= DEP_STATIONS;
	if (memcmp(published + AT_HISTORY, d->line + AT_HISTORY, 64) != 0)
		changed |= DEP_HISTORY;
	if (memcmp(published + AT_REST, d->line + AT_REST, 64) != 0)
		changed |= DEP_REST;
	return changed;
}
