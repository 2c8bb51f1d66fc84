/*
 * tgz: a tar.gz made one file at a time (see tgz.h).
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "cache.h"
#include "tgz.h"
#include "util.h"

void
tgz_init(struct tgz *t, const char *dir, long long mtime)
{
	z_stream *z = xcalloc(1, sizeof(*z));
	struct buf path;

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
	t->running = false;
	t->runcrc = 0;
	if (deflateInit2(z, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		xdie("deflateInit2 failed");
	t->z = z;
	t->ident = sha256_begin();
	buf_init(&path);
	buf_printf(&path, "ustar raw-deflate-6 archive %s %lld\n", dir, mtime);
	sha256_more(t->ident, path.data, path.len);
	buf_release(&path);
	t->defer = false;
	t->laid = NULL;
	t->nlaid = t->caplaid = 0;
}

void
tgz_defer(struct tgz *t)
{
	t->defer = true;
}

/* A file of the archive, counted into what it follows from. */
static void
identify(struct tgz *t, const char *name, size_t len, const char *sha256)
{
	char rest[96];
	int n = snprintf(rest, sizeof(rest), " %zu %.64s\n", len, sha256);

	if (t->ident != NULL) {
		sha256_more(t->ident, name, strlen(name));
		sha256_more(t->ident, rest, (size_t)n);
	}
}

void
tgz_ident(struct tgz *t, char out[65])
{
	if (t->ident == NULL) {
		memset(out, 0, 65);
		return;
	}
	sha256_more(t->ident, "end\n", 4);
	sha256_end(t->ident, out);
	t->ident = NULL;
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
header(const struct tgz *t, char h[512], const char *name, size_t size)
{
	size_t n = strlen(name), split = 0;
	unsigned sum = 0;
	int i;

	memset(h, 0, 512);
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
}

/* Large files are cut into chunks (below). */
#define CHUNKED		(1024 * 1024)	/* files this long are cut */
#define CHUNK_MIN	(16 * 1024)
#define CHUNK_MAX	(256 * 1024)
#define CHUNK_BITS	16		/* a cut every 64 KB past the least:
				   a one-row edit of the national
				   stations compresses 0.9 MB of
				   their files, not 9.4 (the archive
				   is 1.6% larger) */

/* Bytes of a piece, which may come in parts. */
struct part {
	const void	*p;
	size_t		 n;
};

/* A cached piece: its CRC-32 and length before compression (4 and 8
 * bytes, little-endian), then the raw deflate bytes. */
#define PIECE_HEAD	12

/* A piece of a deferred archive, in order: cached as cname (read when
 * the archive is finished), or, with cname empty, n bytes at off in out
 * (made now, or a run laid from its files). */
struct tgz_laid {
	char		 cname[48];
	size_t		 off, n;
	unsigned long	 crc;
	unsigned long long len;
};

static void
note(struct tgz *t, const char *cname, size_t off, size_t n,
    unsigned long crc, unsigned long long len)
{
	struct tgz_laid *l;

	xgrow(&t->laid, &t->caplaid, t->nlaid + 1, sizeof(*t->laid));
	l = &t->laid[t->nlaid++];
	snprintf(l->cname, sizeof(l->cname), "%s", cname != NULL ? cname : "");
	l->off = off;
	l->n = n;
	l->crc = crc;
	l->len = len;
}

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

/* What a file of len bytes is in the tar: its header, its bytes and the
 * padding to a block. */
static unsigned long long
tarlen(size_t len)
{
	return 512 + (unsigned long long)len + (512 - len % 512) % 512;
}

/* Count len bytes of CRC-32 crc into the archive, and into the run
 * being laid. */
static void
account(struct tgz *t, unsigned long crc, unsigned long long len)
{
	t->crc = crc32_combine(t->crc, (uLong)crc, (z_off_t)len);
	if (t->running)
		t->runcrc = crc32_combine(t->runcrc, (uLong)crc,
		    (z_off_t)len);
	t->total += len;
}

/* Lay a piece (as cached) into the archive. */
static void
lay(struct tgz *t, const char *piece, size_t n)
{
	const unsigned char *h = (const unsigned char *)piece;
	unsigned long long len = unle(h + 4, 8);

	if (t->defer)
		note(t, NULL, t->out.len, n - PIECE_HEAD,
		    (unsigned long)unle(h, 4), len);
	account(t, (unsigned long)unle(h, 4), len);
	buf_put(&t->out, piece + PIECE_HEAD, n - PIECE_HEAD);
}

/* The cache name of a file's piece: what its bytes follow from.  A
 * large file's entry lists its chunks' pieces instead (below), under a
 * prefix of its own. */
static void
piecename(const struct tgz *t, const char *name, size_t len,
    const char *sha256, char cname[48])
{
	struct buf m;
	char sum[65];

	buf_init(&m);
	buf_printf(&m, "ustar raw-deflate-6 %s/%s %lld %zu %s", t->dir, name,
	    t->mtime, len, sha256);
	if (len >= CHUNKED)	/* where the cuts fall */
		buf_printf(&m, " chunks %d %d %d", CHUNK_MIN, CHUNK_BITS,
		    CHUNK_MAX);
	sha256_hex(m.data, m.len, sum);
	snprintf(cname, 48, "%s-%.32s", len >= CHUNKED ? "tgzl" : "tgz", sum);
	buf_release(&m);
}

/*
 * A large file (a table's JSON, CSV or GeoJSON) is cut into chunks where
 * its bytes say, not at fixed offsets: a cut falls after a byte where a
 * rolling hash of the 64 bytes before it has its top bits clear, so an
 * edited row moves no cut but those within 64 bytes of it, and the
 * chunks around it keep their bytes.  Each chunk is compressed on its own
 * (its tar header in the first, its padding in the last) and cached by
 * its bytes' SHA-256: a one-row edit of the 41,000 stations compresses
 * one chunk of each of their files, not 50 MB.  The file's own entry
 * lists its chunks.
 */

static uint64_t gear[256];
static pthread_once_t gear_once = PTHREAD_ONCE_INIT;

static void
gear_init(void)
{
	uint64_t x = 0x6865617274682d31ULL;	/* fixed: the cuts must not
						   vary between builds */
	int i;

	for (i = 0; i < 256; i++) {		/* splitmix64 */
		uint64_t z = (x += 0x9e3779b97f4a7c15ULL);

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		gear[i] = z ^ (z >> 31);
	}
}

/* Where the chunk starting at p (n bytes left) ends. */
static size_t
cut(const unsigned char *p, size_t n)
{
	uint64_t h = 0;
	size_t i;

	if (n <= CHUNK_MIN)
		return n;
	if (n > CHUNK_MAX)
		n = CHUNK_MAX;
	for (i = 0; i < CHUNK_MIN; i++)
		h = (h << 1) + gear[p[i]];
	for (; i < n; i++) {
		h = (h << 1) + gear[p[i]];
		if ((h >> (64 - CHUNK_BITS)) == 0)
			return i + 1;
	}
	return n;
}

/* Compress the n parts (what of the file's tar entry the piece holds,
 * in order) into a cached piece: PIECE_HEAD, then raw deflate ending on
 * a byte boundary with the dictionary forgotten (a full flush), so pieces
 * lay end to end. */
static void
squeeze(struct tgz *t, struct buf *m, const struct part *v, int n)
{
	unsigned long crc = crc32(0L, Z_NULL, 0);
	unsigned long long len = 0;
	int i;

	if (deflateReset(t->z) != Z_OK)
		xdie("deflateReset failed");
	buf_reset(m);
	buf_grow(m, PIECE_HEAD);
	memset(m->data, 0, PIECE_HEAD);
	m->len = PIECE_HEAD;
	for (i = 0; i < n; i++) {
		put(t, m, v[i].p, v[i].n, i == n - 1 ? Z_FULL_FLUSH :
		    Z_NO_FLUSH);
		crc = crc32(crc, (const Bytef *)v[i].p, (uInt)v[i].n);
		len += v[i].n;
	}
	le((unsigned char *)m->data, crc, 4);
	le((unsigned char *)m->data + 4, len, 8);
}

/* Read exactly len bytes at offset off of fd into p. */
static bool
readat(int fd, void *p, size_t len, off_t off)
{
	ssize_t got;

	while (len > 0) {
		if ((got = pread(fd, p, len, off)) <= 0) {
			if (got < 0 && errno == EINTR)
				continue;
			return false;
		}
		p = (char *)p + got;
		len -= (size_t)got;
		off += got;
	}
	return true;
}

/* The piece cached as cname open, when its head says it holds want
 * bytes before compression: the descriptor, its size in *n and its
 * CRC-32 in *crc; else -1. */
static int
openpiece(const char *cname, unsigned long long want, size_t *n,
    unsigned long *crc)
{
	unsigned char h[PIECE_HEAD];
	int fd = cache_open(cname, n);

	if (fd < 0)
		return -1;
	if (*n < PIECE_HEAD || !readat(fd, h, PIECE_HEAD, 0) ||
	    unle(h + 4, 8) != want) {
		close(fd);
		return -1;
	}
	*crc = (unsigned long)unle(h, 4);
	return fd;
}

/* Lay the piece cached as cname; false when it is not there.  Its bytes
 * are read straight to the archive's end (25 MB of pieces nationally,
 * each copied once more before). */
static bool
laycached(struct tgz *t, const char *cname, unsigned long long want)
{
	unsigned long crc;
	size_t n;
	int fd = openpiece(cname, want, &n, &crc);
	bool ok;

	if (fd < 0)
		return false;
	if (t->defer) {	/* read by tgz_finish, if at all */
		close(fd);
		note(t, cname, 0, n - PIECE_HEAD, crc, want);
		t->total += want;
		return true;
	}
	buf_grow(&t->out, n - PIECE_HEAD);
	ok = readat(fd, t->out.data + t->out.len, n - PIECE_HEAD, PIECE_HEAD);
	close(fd);
	if (!ok)
		return false;
	t->out.len += n - PIECE_HEAD;
	t->out.data[t->out.len] = '\0';	/* as buf_put leaves it */
	account(t, crc, want);
	return true;
}

/* Lay a large file's chunks as its cached list names them ("<name>
 * <length>" lines); with t NULL, only say whether every one is there.
 * When one is not, the archive is left as it was. */
static bool
laylist(struct tgz *t, const char *lname, unsigned long long want)
{
	char *list, *line, *nl;
	unsigned long long total = 0, was_total = t ? t->total : 0;
	unsigned long was_crc = t ? t->crc : 0;
	size_t n, was_len = t ? t->out.len : 0, was_laid = t ? t->nlaid : 0;
	bool ok = false;

	if ((list = cache_get(lname, &n)) == NULL)
		return false;
	for (line = list; *line != '\0'; line = nl + 1) {
		char cname[48];
		unsigned long long len;
		int off = 0;

		if ((nl = strchr(line, '\n')) == NULL)
			goto out;
		*nl = '\0';
		if (sscanf(line, "%40s %llu%n", cname, &len, &off) != 2 ||
		    line[off] != '\0' || strncmp(cname, "tgz-", 4) != 0 ||
		    len == 0 || len > CHUNK_MAX || total + len > want)
			goto out;
		if (t == NULL ? !cache_has(cname) : !laycached(t, cname, len))
			goto out;
		total += len;
	}
	ok = total == want;
out:
	if (!ok && t != NULL) {	/* what was laid, taken back */
		t->out.len = was_len;
		t->crc = was_crc;
		t->total = was_total;
		t->nlaid = was_laid;
	}
	free(list);
	return ok;
}

bool
tgz_has(const struct tgz *t, const char *name, size_t len,
    const char *sha256)
{
	char cname[48];

	piecename(t, name, len, sha256, cname);
	if (len >= CHUNKED)
		return laylist(NULL, cname, tarlen(len));
	return cache_has(cname);
}

/* One piece of a large file: laid from the cache, or compressed and
 * cached, by its bytes; its name and length go on the file's list. */
static void
chunk(struct tgz *t, struct buf *list, const void *bytes, size_t n)
{
	struct buf m;
	char sum[65], cname[48], how[96];

	/* What the piece follows from: the bytes, and how they are
	 * compressed (as for a whole file's piece). */
	sha256_hex(bytes, n, sum);
	snprintf(how, sizeof(how), "raw-deflate-6 %s", sum);
	sha256_hex(how, strlen(how), sum);
	snprintf(cname, sizeof(cname), "tgz-c%.31s", sum);
	if (!laycached(t, cname, n)) {
		buf_init(&m);
		squeeze(t, &m, &(struct part){ bytes, n }, 1);
		cache_put(cname, m.data, m.len);
		lay(t, m.data, m.len);
		buf_release(&m);
	}
	buf_printf(list, "%s %zu\n", cname, n);
}

/* A large file: its tar header, its chunks and its padding, each a piece
 * (the header and the padding, which change with its length, on their
 * own: an edit that adds a byte leaves the first and last chunks as they
 * were); the list of pieces is cached as lname. */
static void
addchunks(struct tgz *t, const char *lname, const char *hdr,
    const unsigned char *data, size_t len, size_t pad)
{
	static const char zero[512];
	struct buf list;
	size_t at, end;

	pthread_once(&gear_once, gear_init);
	buf_init(&list);
	chunk(t, &list, hdr, 512);
	for (at = 0; at < len; at = end) {
		end = at + cut(data + at, len - at);
		chunk(t, &list, data + at, end - at);
	}
	if (pad > 0)
		chunk(t, &list, zero, pad);
	cache_put(lname, list.data, list.len);
	buf_release(&list);
}

int
tgz_add(struct tgz *t, const char *name, const void *data, size_t len,
    const char *sha256)
{
	static const char zero[512];
	size_t pad = (512 - len % 512) % 512;
	char cname[48], hdr[512];
	struct buf m, path;

	if (!t->running)	/* a run counts its files itself */
		identify(t, name, len, sha256);
	piecename(t, name, len, sha256, cname);
	if (len >= CHUNKED ? laylist(t, cname, tarlen(len)) :
	    laycached(t, cname, tarlen(len)))
		return 0;
	if (data == NULL)	/* the cache lost it since tgz_has */
		return -1;
	buf_init(&path);
	buf_printf(&path, "%s/%s", t->dir, name);
	header(t, hdr, path.data, len);
	buf_release(&path);
	if (len >= CHUNKED) {
		addchunks(t, cname, hdr, data, len, pad);
		return 0;
	}
	buf_init(&m);
	squeeze(t, &m, (struct part[]){ { hdr, 512 }, { data, len },
	    { zero, pad } }, 3);
	cache_put(cname, m.data, m.len);
	lay(t, m.data, m.len);
	buf_release(&m);
	return 0;
}

/*
 * A run of files kept together (a table kept as published: the stations'
 * is 6,000 files nationally) is cached as one piece too, named by what
 * its files' pieces follow from, so adding them is one open and one read
 * instead of one each.  Their own pieces are counted as read, unread:
 * the build that makes one of the files again, and lays the others alone,
 * needs them.
 */
static void
runname(const struct tgz *t, const struct tgz_file *f, size_t n,
    char cname[48])
{
	struct buf m;
	char sum[65];
	size_t i;

	buf_init(&m);
	buf_printf(&m, "ustar raw-deflate-6 run %s %lld\n", t->dir, t->mtime);
	for (i = 0; i < n; i++)
		buf_printf(&m, "%s %zu %s\n", f[i].name, f[i].len,
		    f[i].sha256);
	sha256_hex(m.data, m.len, sum);
	snprintf(cname, 48, "tgz-r%.31s", sum);
	buf_release(&m);
}

/* What the run's tar entries hold, before compression. */
static unsigned long long
runlen(const struct tgz_file *f, size_t n)
{
	unsigned long long len = 0;
	size_t i;

	for (i = 0; i < n; i++)
		len += tarlen(f[i].len);
	return len;
}

/* Count the chunks a large file's list names as read (tgz_add_run). */
static void
keepchunks(const char *lname)
{
	char *list, *line, *nl, cname[48];
	size_t n;

	if ((list = cache_get(lname, &n)) == NULL)
		return;
	for (line = list; (nl = strchr(line, '\n')) != NULL; line = nl + 1)
		if (sscanf(line, "%40s", cname) == 1 &&
		    strncmp(cname, "tgz-", 4) == 0)
			cache_keep(cname);
	free(list);
}

bool
tgz_has_run(const struct tgz *t, const struct tgz_file *f, size_t n)
{
	char cname[48];
	size_t i;

	runname(t, f, n, cname);
	if (cache_has(cname))
		return true;
	for (i = 0; i < n; i++)
		if (!tgz_has(t, f[i].name, f[i].len, f[i].sha256))
			return false;
	return true;
}

/* A run as the cache keeps it: the head, then the bytes laid. */
struct laid {
	unsigned char	 head[PIECE_HEAD];
	const char	*bytes;
	size_t		 len;
};

static int
fillrun(int fd, void *ud)
{
	const struct laid *l = ud;

	return fd_write(fd, l->head, sizeof(l->head)) < 0 ? -1 :
	    fd_write(fd, l->bytes, l->len);
}

int
tgz_add_run(struct tgz *t, const struct tgz_file *f, size_t n)
{
	struct laid laid;
	unsigned long long want = runlen(f, n), total = t->total;
	unsigned long crc = t->crc;
	size_t i, at = t->out.len;
	char cname[48], head[48];
	bool defer = t->defer;

	runname(t, f, n, cname);
	if (laycached(t, cname, want)) {
		for (i = 0; i < n; i++) {
			identify(t, f[i].name, f[i].len, f[i].sha256);
			piecename(t, f[i].name, f[i].len, f[i].sha256, head);
			cache_keep(head);
			if (f[i].len >= CHUNKED)	/* and its chunks' */
				keepchunks(head);
		}
		return 0;
	}
	/* Laid from its files' pieces now, whatever the archive defers:
	 * the run's own piece is cached from those bytes. */
	t->defer = false;
	t->runcrc = crc32(0L, Z_NULL, 0);
	t->running = true;
	for (i = 0; i < n; i++)
		if (tgz_add(t, f[i].name, NULL, f[i].len, f[i].sha256) < 0) {
			t->running = false;
			t->defer = defer;
			t->out.len = at;	/* what was laid, taken back */
			t->crc = crc;
			t->total = total;
			return -1;
		}
	t->running = false;
	t->defer = defer;
	for (i = 0; i < n; i++)
		identify(t, f[i].name, f[i].len, f[i].sha256);
	if (defer)
		note(t, NULL, at, t->out.len - at, t->runcrc, want);
	/* Cached as a piece of its own: its CRC-32 and length, then what
	 * its files' pieces laid. */
	le(laid.head, t->runcrc, 4);
	le(laid.head + 4, want, 8);
	laid.bytes = t->out.data + at;
	laid.len = t->out.len - at;
	cache_put_with(cname, fillrun, &laid);
	return 0;
}

void
tgz_warm(const char *dir, long long mtime, const char *name,
    const void *data, size_t len, const char *sha256)
{
	struct tgz w;

	tgz_init(&w, dir, mtime);
	tgz_add(&w, name, data, len, sha256);
	tgz_release(&w);
}

/* Is a cached piece still to be read? */
static bool
deferred(const struct tgz *t)
{
	size_t i;

	for (i = 0; i < t->nlaid; i++)
		if (t->laid[i].cname[0] != '\0')
			return true;
	return false;
}

/* Where the end of an archive goes: its buffer, or a file (whose
 * digest is taken on the way). */
struct emit {
	struct buf	*b;
	int		 fd;
	struct evp_md_ctx_st *sha;
	size_t		 len;
	bool		 ok;
};

static void
emit(struct emit *e, const void *p, size_t n)
{
	if (!e->ok)
		return;
	if (e->b != NULL)
		buf_put(e->b, p, n);
	else if (fd_write(e->fd, p, n) < 0)
		e->ok = false;
	else
		sha256_more(e->sha, p, n);
	e->len += n;
}

/* The last piece, which holds the end blocks and the final deflate
 * block; then the CRC-32 and length of the whole tar, whose bytes so
 * far are total with CRC-32 crc. */
static void
ending(struct tgz *t, struct emit *e, unsigned long crc,
    unsigned long long total)
{
	static const char zero[1024];	/* the two end blocks */
	unsigned char trailer[8];
	struct buf end;

	if (deflateReset(t->z) != Z_OK)
		xdie("deflateReset failed");
	buf_init(&end);
	put(t, &end, zero, sizeof(zero), Z_FINISH);
	emit(e, end.data, end.len);
	buf_release(&end);
	crc = crc32(crc, (const Bytef *)zero, sizeof(zero));
	total += sizeof(zero);
	le(trailer, crc, 4);
	le(trailer + 4, total & 0xffffffffu, 4);
	emit(e, trailer, sizeof(trailer));
}

/* Copy the cached piece cname, want bytes before compression, to e
 * through buffer b: false when it is not there as it was. */
static bool
copycached(struct emit *e, const char *cname, unsigned long long want,
    char *b, size_t size, unsigned long *crc)
{
	size_t n, at;
	int fd = openpiece(cname, want, &n, crc);
	bool ok = fd >= 0;

	if (!ok)
		return false;
	for (at = PIECE_HEAD; ok && at < n; at += size) {
		size_t k = n - at < size ? n - at : size;

		if ((ok = readat(fd, b, k, (off_t)at)))
			emit(e, b, k);
	}
	close(fd);
	return ok;
}

/* The archive so far to e, the deferred pieces read now through a
 * buffer of 256 KB, and its CRC-32 and length before compression: false
 * when a piece left the cache or a write failed. */
static bool
body(struct tgz *t, struct emit *e, unsigned long *crc,
    unsigned long long *total)
{
	size_t i, size = 256 * 1024;
	char *b;

	*crc = t->crc;
	*total = t->total;
	if (!deferred(t)) {	/* out is the archive so far */
		emit(e, t->out.data, t->out.len);
		return e->ok;
	}
	b = xmalloc(size);
	emit(e, t->out.data, 10);	/* the gzip header */
	*crc = crc32(0L, Z_NULL, 0);
	*total = 0;
	for (i = 0; i < t->nlaid && e->ok; i++) {
		const struct tgz_laid *l = &t->laid[i];
		unsigned long c = l->crc;

		if (l->cname[0] == '\0')
			emit(e, t->out.data + l->off, l->n);
		else if (!copycached(e, l->cname, l->len, b, size, &c))
			e->ok = false;
		*crc = crc32_combine(*crc, (uLong)c, (z_off_t)l->len);
		*total += l->len;
	}
	free(b);
	return e->ok;
}

char *
tgz_finish(struct tgz *t, size_t *len)
{
	struct buf out;
	struct emit e = { &t->out, -1, NULL, 0, true };
	unsigned long crc = t->crc;
	unsigned long long total = t->total;
	char *bytes;

	if (deferred(t)) {	/* else it ends where it is */
		buf_init(&out);
		e.b = &out;
		if (!body(t, &e, &crc, &total)) {
			buf_release(&out);
			tgz_release(t);
			return NULL;
		}
	}
	ending(t, &e, crc, total);
	bytes = buf_detach(e.b, len);
	tgz_release(t);
	return bytes;
}

int
tgz_finish_fd(struct tgz *t, int fd, size_t *len, char sha256[65])
{
	struct emit e = { NULL, fd, sha256_begin(), 0, true };
	unsigned long crc;
	unsigned long long total;

	if (body(t, &e, &crc, &total))
		ending(t, &e, crc, total);
	sha256_end(e.sha, sha256);
	if (!e.ok)
		return -1;
	*len = e.len;
	tgz_release(t);
	return 0;
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
	free(t->laid);
	if (t->ident != NULL) {
		char unused[65];

		sha256_end(t->ident, unused);
	}
	memset(t, 0, sizeof(*t));
}
