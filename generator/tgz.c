/*
 * tgz: a tar.gz made one file at a time (see tgz.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "cache.h"
#include "tgz.h"
#include "util.h"

void
tgz_init(struct tgz *t, const char *dir, long long mtime)
{
	z_stream *z = xcalloc(1, sizeof(*z));

	buf_init(&t->out);
	t->dir = xstrdup(dir);
	t->mtime = mtime;
	if (deflateInit2(z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
	    Z_OK)
		xdie("deflateInit2 failed");
	t->z = z;
}

static void
put(struct tgz *t, struct buf *b, const void *data, size_t len, int flush)
{
	z_stream *z = t->z;
	int ret;

	z->next_in = (Bytef *)data;
	z->avail_in = (uInt)len;
	do {
		size_t room = 1 << 16;

		buf_grow(b, room);
		z->next_out = (Bytef *)b->data + b->len;
		z->avail_out = (uInt)room;
		ret = deflate(z, flush);
		if (ret == Z_STREAM_ERROR)
			xdie("deflate failed");
		b->len += room - z->avail_out;
	} while (z->avail_out == 0 ||
	    (flush == Z_FINISH && ret != Z_STREAM_END));
}

/* One ustar header; a name longer than 100 bytes puts its folders in
 * the prefix field. */
static void
header(struct tgz *t, struct buf *b, const char *name, size_t size)
{
	char h[512];
	size_t n = strlen(name), split = 0;
	unsigned sum = 0;
	int i;

	memset(h, 0, sizeof(h));
	if (n > 100) {
		for (split = n - 100; split < n && name[split] != '/'; split++)
			;
		if (split >= n || split > 155)
			xdie("archive path too long: %s", name);
		memcpy(h + 345, name, split);
		name += split + 1;
	}
	memcpy(h, name, strlen(name));
	snprintf(h + 100, 8, "%07o", 0644);
	snprintf(h + 108, 8, "%07o", 0);
	snprintf(h + 116, 8, "%07o", 0);
	snprintf(h + 124, 12, "%011llo", (unsigned long long)size);
	snprintf(h + 136, 12, "%011llo", (unsigned long long)t->mtime);
	h[156] = '0';
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	memset(h + 148, ' ', 8);
	for (i = 0; i < 512; i++)
		sum += (unsigned char)h[i];
	snprintf(h + 148, 8, "%06o", sum);
	h[155] = ' ';
	put(t, b, h, 512, Z_NO_FLUSH);
}

void
tgz_add(struct tgz *t, const char *name, const void *data, size_t len,
    const char *sha256)
{
	static const char zero[512];
	char sum[65], cname[48];
	struct buf m, path;
	size_t n;
	char *hit;

	/* The member's name: what its bytes follow from. */
	buf_init(&path);
	buf_printf(&path, "%s/%s", t->dir, name);
	buf_init(&m);
	buf_printf(&m, "ustar gzip-6 %s %lld %zu %s", path.data, t->mtime, len,
	    sha256);
	sha256_hex(m.data, m.len, sum);
	snprintf(cname, sizeof(cname), "tgz-%.32s", sum);
	m.len = 0;
	if ((hit = cache_get(cname, &n)) != NULL) {
		buf_put(&t->out, hit, n);
		free(hit);
		buf_release(&path);
		buf_release(&m);
		return;
	}
	if (deflateReset(t->z) != Z_OK)
		xdie("deflateReset failed");
	header(t, &m, path.data, len);
	put(t, &m, data, len, Z_NO_FLUSH);
	put(t, &m, zero, (512 - len % 512) % 512, Z_FINISH);
	cache_put(cname, m.data, m.len);
	buf_put(&t->out, m.data, m.len);
	buf_release(&m);
	buf_release(&path);
}

char *
tgz_finish(struct tgz *t, size_t *len)
{
	static const char zero[1024];	/* the two end blocks */
	char *bytes;

	if (deflateReset(t->z) != Z_OK)
		xdie("deflateReset failed");
	put(t, &t->out, zero, sizeof(zero), Z_FINISH);
	bytes = buf_detach(&t->out, len);
	tgz_release(t);
	return bytes;
}

void
tgz_release(struct tgz *t)
{
	if (t->z != NULL) {
		deflateEnd(t->z);
		free(t->z);
	}
	buf_release(&t->out);
	free(t->dir);
	memset(t, 0, sizeof(*t));
}
