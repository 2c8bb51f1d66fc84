/*
 * deps: the digests of a build's parts (see deps.h).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "arena.h"
#include "deps.h"
#include "repo.h"
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
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;

	if (!EVP_DigestFinal_ex(c, md, &n))
		xdie("SHA-256 failed");
	for (i = 0; i < n && i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
}

/* This very program: a rebuilt hearth may render anything differently. */
static void
self(EVP_MD_CTX *c)
{
	char chunk[65536];
	ssize_t r;
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);

	puts0(c, HEARTH_VERSION);
	if (fd < 0) {
		puts0(c, "no binary");
		return;
	}
	while ((r = read(fd, chunk, sizeof(chunk))) > 0)
		put(c, chunk, (size_t)r);
	close(fd);
}

void
deps_digest(struct deps *d, const struct source *src, bool drafts,
    const char *extra, size_t len)
{
	EVP_MD_CTX *news = EVP_MD_CTX_new(), *rest = EVP_MD_CTX_new();
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	char hn[65], hr[65];
	size_t i;

	if (news == NULL || rest == NULL ||
	    !EVP_DigestInit_ex(news, EVP_sha256(), NULL) ||
	    !EVP_DigestInit_ex(rest, EVP_sha256(), NULL))
		xdie("SHA-256 failed");
	for (i = 0; i < src->n; i++) {
		const struct sfile *f = &src->files[i];
		EVP_MD_CTX *c = strncmp(f->path, "content/news/", 13) == 0 ?
		    news : rest;

		puts0(c, f->path);
		put(c, f->data, f->len);
	}
	/* The history (every page's last change) is the commit's; releases
	 * come from the tags. */
	puts0(rest, src->has_commit ? src->commit.id : "-");
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
	finish(rest, hr);
	EVP_MD_CTX_free(news);
	EVP_MD_CTX_free(rest);
	snprintf(d->line, sizeof(d->line), "news:%s rest:%s", hn, hr);
}

const char *
deps_rest(const struct deps *d)
{
	return d->line + 5 + 64 + 6;	/* after "news:<hex> rest:" */
}

unsigned
deps_changed(const struct deps *d, const char *published)
{
	unsigned changed = 0;

	if (published == NULL || strlen(published) != strlen(d->line) ||
	    strncmp(published, "news:", 5) != 0)
		return DEP_ALL;
	/* "news:" + 64 hex digits, then " rest:" + 64. */
	if (memcmp(published, d->line, 5 + 64) != 0)
		changed |= DEP_NEWS;
	if (strcmp(published + 5 + 64, d->line + 5 + 64) != 0)
		changed |= DEP_REST;
	return changed;
}
