/* Unit tests of the data archive (tgz.c): what it holds, as gzip and tar
 * read it back; a large file cut into chunks, of which an edit
 * recompresses only those around it; the same bytes with or without the
 * cache. */
#include <dirent.h>
#include <pthread.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "buf.h"
#include "cache.h"
#include "diag.h"
#include "harness.h"
#include "tgz.h"
#include "util.h"

/* gunzip the whole of gz (one member, its CRC checked by zlib). */
static char *
gunzip(const char *gz, size_t len, size_t *out)
{
	z_stream z;
	struct buf b;
	int ret;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 16 + 15) != Z_OK)
		return NULL;
	buf_init(&b);
	z.next_in = (Bytef *)gz;
	z.avail_in = (uInt)len;
	do {
		buf_grow(&b, 1 << 20);
		z.next_out = (Bytef *)b.data + b.len;
		z.avail_out = 1 << 20;
		ret = inflate(&z, Z_NO_FLUSH);
		b.len += (1 << 20) - z.avail_out;
	} while (ret == Z_OK);
	inflateEnd(&z);
	if (ret != Z_STREAM_END || z.avail_in != 0) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, out);
}

/* The tar entry at *off: its name and size checked, its bytes compared
 * with want; *off moves past it. */
static int
entry(const char *tar, size_t len, size_t *off, const char *name,
    const char *want, size_t n)
{
	const char *h = tar + *off;
	char size[13];

	if (*off + 512 + n > len || strcmp(h, name) != 0)
		return 0;
	memcpy(size, h + 124, 12);
	size[12] = '\0';
	if (strtoull(size, NULL, 8) != n || memcmp(h + 512, want, n) != 0)
		return 0;
	*off += 512 + (n + 511) / 512 * 512;
	return 1;
}

static char *
archive(const char *big, size_t n, size_t *len)
{
	struct tgz t;
	char sum[65];

	tgz_init(&t, "pkg", 0);
	sha256_hex("hello", 5, sum);
	tgz_add(&t, "small.txt", "hello", 5, sum);
	sha256_hex(big, n, sum);
	tgz_add(&t, "big.csv", big, n, sum);
	return tgz_finish(&t, len);
}

static int
readback(const char *gz, size_t len, const char *big, size_t n)
{
	size_t tl, off = 0;
	char *tar = gunzip(gz, len, &tl);
	int ok = tar != NULL && entry(tar, tl, &off, "pkg/small.txt", "hello",
	    5) && entry(tar, tl, &off, "pkg/big.csv", big, n) &&
	    off + 1024 == tl;

	free(tar);
	return ok;
}

/* Entries of the cache over min bytes. */
static int
entries(off_t min)
{
	DIR *d = opendir(".hearth/cache");
	struct dirent *de;
	struct stat st;
	int n = 0;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.' && fstatat(dirfd(d), de->d_name, &st,
		    0) == 0 && st.st_size > min;
	closedir(d);
	return n;
}

struct warming {
	const char	*big;
	size_t		 n;
};

static void *
warm(void *arg)
{
	const struct warming *w = arg;
	char sum[65];

	sha256_hex("hello", 5, sum);
	tgz_warm("pkg", 0, "small.txt", "hello", 5, sum);
	sha256_hex(w->big, w->n, sum);
	tgz_warm("pkg", 0, "big.csv", w->big, w->n, sum);
	return NULL;
}

static void
test_archive(void)
{
	char dir[] = "/tmp/hearth-archive.XXXXXX", *big, *a, *b, *c;
	size_t n = 0, cap = 6 << 20, la, lb, lc, mid;
	unsigned x = 12345;
	int before, i;
	char line[128];

	OK(mkdtemp(dir) != NULL && chdir(dir) == 0);
	cache_writes(true);
	/* 6 MB of rows like a table's CSV: large enough to be cut. */
	big = malloc(cap + 256);
	for (i = 0; n < cap; i++) {
		x = x * 1103515245u + 12345u;
		n += (size_t)snprintf(big + n, 128, "%d,站点%u,%u.%06u,%u\r\n",
		    i, x % 100000, x % 180, (x >> 8) % 1000000, x % 7);
	}
	a = archive(big, n, &la);
	OK(a != NULL && readback(a, la, big, n));
	before = entries(4096);
	OK(before > 3);		/* the chunks */

	/* An edit in the middle that changes the length. */
	mid = n / 2;
	memcpy(line, "edited,", 7);
	memmove(big + mid + 7, big + mid, n - mid);
	memcpy(big + mid, line, 7);
	n += 7;
	b = archive(big, n, &lb);
	OK(b != NULL && readback(b, lb, big, n));
	/* One new chunk, around the edit (two, were a cut within 64 bytes
	 * of it); the new header, padding and list are small. */
	OK(entries(4096) - before >= 1 && entries(4096) - before <= 2);

	/* A chunk lost from the cache (the first found, past the small
	 * pieces): made again, the archive the same. */
	{
		DIR *d = opendir(".hearth/cache");
		struct dirent *de;
		struct stat st;
		char *again;
		size_t lagain;
		int lost = 0;

		while (d != NULL && (de = readdir(d)) != NULL && !lost)
			if (strncmp(de->d_name, "tgz-c", 5) == 0 &&
			    fstatat(dirfd(d), de->d_name, &st, 0) == 0 &&
			    st.st_size > 4096)
				lost = unlinkat(dirfd(d), de->d_name, 0) == 0;
		if (d != NULL)
			closedir(d);
		OK(lost);
		again = archive(big, n, &lagain);
		OK(again != NULL && lagain == lb && memcmp(again, b, lb) == 0);
		free(again);
	}

	/* Without the cache, the same bytes. */
	OK(system("rm -rf .hearth") == 0);
	c = archive(big, n, &lc);
	OK(c != NULL && lc == lb && memcmp(b, c, lb) == 0);

	/* Pieces warmed by another thread, while the archive is made
	 * elsewhere: adding then needs no data, and gives the same bytes. */
	OK(system("rm -rf .hearth") == 0);
	{
		struct warming w = { big, n };
		struct tgz t;
		pthread_t th;
		char sum[65], *d;
		size_t ld;

		OK(pthread_create(&th, NULL, warm, &w) == 0);
		OK(pthread_join(th, NULL) == 0);
		tgz_init(&t, "pkg", 0);
		sha256_hex("hello", 5, sum);
		OK(tgz_has(&t, "small.txt", 5, sum) &&
		    tgz_add(&t, "small.txt", NULL, 5, sum) == 0);
		sha256_hex(big, n, sum);
		OK(tgz_has(&t, "big.csv", n, sum) &&
		    tgz_add(&t, "big.csv", NULL, n, sum) == 0);
		d = tgz_finish(&t, &ld);
		OK(d != NULL && ld == lb && memcmp(b, d, lb) == 0);
		free(d);
	}

	/* Deferred: the cached pieces read only at the end, into memory or
	 * into a file (its length and SHA-256 taken on the way); the same
	 * bytes either way, and the same identity as the archive laid at
	 * once, as a run or file by file. */
	{
		struct tgz t;
		struct tgz_file run[2];
		char sum[65], sbig[65], id1[65], id2[65], id3[65], *d, *e;
		char path[] = "/tmp/hearth-archive-fd.XXXXXX";
		size_t ld, lf;
		int fd;

		sha256_hex("hello", 5, sum);
		sha256_hex(big, n, sbig);
		run[0] = (struct tgz_file){ "small.txt", 5, sum };
		run[1] = (struct tgz_file){ "big.csv", n, sbig };

		tgz_init(&t, "pkg", 0);
		tgz_add(&t, "small.txt", NULL, 5, sum);
		tgz_add(&t, "big.csv", NULL, n, sbig);
		tgz_ident(&t, id1);
		tgz_release(&t);

		tgz_init(&t, "pkg", 0);
		tgz_defer(&t);
		OK(tgz_add_run(&t, run, 2) == 0);	/* laid and cached */
		tgz_ident(&t, id2);
		d = tgz_finish(&t, &ld);
		OK(d != NULL && ld == lb && memcmp(b, d, lb) == 0);
		free(d);
		OK(strlen(id1) == 64 && strcmp(id1, id2) == 0);

		tgz_init(&t, "pkg", 0);
		tgz_defer(&t);
		OK(tgz_add_run(&t, run, 2) == 0);	/* the run's piece */
		tgz_ident(&t, id3);
		OK(strcmp(id1, id3) == 0);
		fd = mkstemp(path);
		OK(fd >= 0 && tgz_finish_fd(&t, fd, &lf, sum) == 0);
		e = malloc(lb + 1);
		OK(e != NULL && lf == lb && pread(fd, e, lb + 1, 0) ==
		    (ssize_t)lb && memcmp(b, e, lb) == 0);
		sha256_hex(b, lb, sbig);
		OK(strcmp(sum, sbig) == 0);
		free(e);
		close(fd);
		unlink(path);

		/* Another file, another identity. */
		sha256_hex("hello", 5, sum);
		tgz_init(&t, "pkg", 0);
		tgz_add(&t, "small.txt", "hello", 5, sum);
		tgz_ident(&t, id2);
		tgz_release(&t);
		OK(strcmp(id1, id2) != 0);

		/* A deferred piece that leaves the cache before the end: the
		 * file is refused and the archive kept for tgz_finish, which
		 * says so too. */
		tgz_init(&t, "pkg", 0);
		tgz_defer(&t);
		OK(tgz_add(&t, "small.txt", NULL, 5, sum) == 0);
		OK(system("rm -rf .hearth") == 0);
		strcpy(path, "/tmp/hearth-archive-fd.XXXXXX");
		fd = mkstemp(path);
		OK(fd >= 0 && tgz_finish_fd(&t, fd, &lf, sbig) < 0);
		close(fd);
		unlink(path);
		OK(tgz_finish(&t, &ld) == NULL);
	}

	free(a);
	free(b);
	free(c);
	free(big);
	OK(chdir("/") == 0);
	snprintf(line, sizeof(line), "rm -rf '%s'", dir);
	OK(system(line) == 0);
}

int
main(void)
{
	diag_set_verbosity(0);
	test_archive();
	return harness_done("archive");
}
