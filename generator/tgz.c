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

	/* The gzip header (RFC 1952): deflate, no flags, time 0, no extra
	 * flags, Unix. */
	static const char gzhead[10] = { 0x1f, (char)0x8b, 8, 0, 0, 0, 0, 0,
	    0, 3 };

	buf_init(&t->out);
	buf_put(&t->out, gzhead, sizeof(gzhead));
	t->dir = xstrdup(dir);
	t->mtime = mtime;
	t->crc = crc32(0L, Z_NULL, 0);
	t->total = 0;
	if (deflateInit2(z, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
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
header(struct tgz *t, struct buf *b, const char *name, size_t size,
    unsigned long *crc)
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
	*crc = crc32(crc32(0L, Z_NULL, 0), (const Bytef *)h, 512);
}

/* A cached piece: its CRC-32 and length before compression (4 and 8
 * bytes, little-endian), then the raw deflate bytes. */
#define PIECE_HEAD	12

static void
le(unsigned char *p, unsigned long long v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static unsigned long long
unle(const unsigned char *p, int n)
{
	unsigned long long v = 0;
	int i;

	for (i = n; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

/* Lay a piece (as cached) into the archive. */
static void
lay(struct tgz *t, const char *piece, size_t n)
{
	const unsigned char *h = (const unsigned char *)piece;
	unsigned long long len = unle(h + 4, 8);

	t->crc = crc32_combine(t->crc, (uLong)unle(h, 4), (z_off_t)len);
	t->total += len;
	buf_put(&t->out, piece + PIECE_HEAD, n - PIECE_HEAD);
}

/* The cache name of a file's piece: what its bytes follow from. */
static void
piecename(const struct tgz *t, const char *name, size_t len,
    const char *sha256, char cname[48])
{
	struct buf m;
	char sum[65];

	buf_init(&m);
	buf_printf(&m, "ustar raw-deflate-6 %s/%s %lld %zu %s", t->dir, name,
	    t->mtime, len, sha256);
	sha256_hex(m.data, m.len, sum);
	snprintf(cname, 48, "tgz-%.32s", sum);
	buf_release(&m);
}

bool
tgz_has(const struct tgz *t, const char *name, size_t len,
    const char *sha256)
{
	char cname[48];

	piecename(t, name, len, sha256, cname);
	return cache_has(cname);
}

int
tgz_add(struct tgz *t, const char *name, const void *data, size_t len,
    const char *sha256)
{
	static const char zero[512];
	size_t pad = (512 - len % 512) % 512;
	char cname[48];
	struct buf m, path;
	unsigned long crc;
	size_t n;
	char *hit;

	buf_init(&path);
	buf_printf(&path, "%s/%s", t->dir, name);
	buf_init(&m);
	piecename(t, name, len, sha256, cname);
	if ((hit = cache_get(cname, &n)) != NULL && n >= PIECE_HEAD &&
	    unle((unsigned char *)hit + 4, 8) == 512 + len + pad) {
		lay(t, hit, n);
		free(hit);
		buf_release(&path);
		buf_release(&m);
		return 0;
	}
	free(hit);
	if (data == NULL) {	/* the cache lost it since tgz_has */
		buf_release(&path);
		buf_release(&m);
		return -1;
	}
	if (deflateReset(t->z) != Z_OK)
		xdie("deflateReset failed");
	buf_put(&m, zero, PIECE_HEAD);
	header(t, &m, path.data, len, &crc);
	put(t, &m, data, len, Z_NO_FLUSH);
	crc = crc32(crc, data, (uInt)len);
	/* A full flush: the piece ends on a byte boundary and the next one
	 * needs nothing of its dictionary. */
	put(t, &m, zero, pad, Z_FULL_FLUSH);
	crc = crc32(crc, (const Bytef *)zero, (uInt)pad);
	le((unsigned char *)m.data, crc, 4);
	le((unsigned char *)m.data + 4, 512 + len + pad, 8);
	cache_put(cname, m.data, m.len);
	lay(t, m.data, m.len);
	buf_release(&m);
	buf_release(&path);
	return 0;
}

char *
tgz_finish(struct tgz *t, size_t *len)
{
	static const char zero[1024];	/* the two end blocks */
	unsigned char trailer[8];
	struct buf end;
	char *bytes;

	/* The last piece holds the end blocks and the final deflate block;
	 * then the CRC-32 and length of the whole tar. */
	if (deflateReset(t->z) != Z_OK)
		xdie("deflateReset failed");
	buf_init(&end);
	put(t, &end, zero, sizeof(zero), Z_FINISH);
	buf_put(&t->out, end.data, end.len);
	buf_release(&end);
	t->crc = crc32(t->crc, (const Bytef *)zero, sizeof(zero));
	t->total += sizeof(zero);
	le(trailer, t->crc, 4);
	le(trailer + 4, t->total & 0xffffffffu, 4);
	buf_put(&t->out, trailer, sizeof(trailer));
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
