/* Unit tests of the render and write stages: Markdown, charts, the staged
 * writer. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "chart.h"
#include "diag.h"
#include "harness.h"
#include "markdown.h"
#include "util.h"
#include "write.h"

static char *
md(const char *text, int unsafe, const char *base)
{
	struct markdown_opts o = { .unsafe_html = unsafe, .base_path = base };
	struct buf b;

	buf_init(&b);
	markdown_render(&b, text, strlen(text), &o);
	return buf_detach(&b, NULL);
}

static void
test_markdown(void)
{
	char *h;

	h = md("a <b onclick=\"x()\">b</b>\n\n<script>alert(1)</script>\n", 0,
	    NULL);
	OK(strstr(h, "<script") == NULL);
	OK(strstr(h, "&lt;script&gt;alert(1)&lt;/script&gt;") != NULL);
	OK(strstr(h, "&lt;b onclick=") != NULL);
	free(h);
	h = md("<b>ok</b>\n", 1, NULL);
	OK(strstr(h, "<b>ok</b>") != NULL);
	free(h);
	h = md("[x](javascript:alert(1))\n", 0, NULL);
	OK(strstr(h, "javascript:") == NULL);
	free(h);
	h = md("[x](/news/a/) [y](//other/) [z](https://a/)\n", 0, "/sub/");
	OK(strstr(h, "href=\"/sub/news/a/\"") != NULL);
	OK(strstr(h, "href=\"//other/\"") != NULL);
	OK(strstr(h, "href=\"https://a/\"") != NULL);
	free(h);
	h = md("# A\n\n## B\n", 0, NULL);
	OK(strstr(h, "<h2>A</h2>") != NULL && strstr(h, "<h3>B</h3>") != NULL);
	free(h);
	h = md("## B\n", 0, NULL);
	OK(strstr(h, "<h2>B</h2>") != NULL);
	free(h);
}

/* A paragraph of img "![" then links "](": refused when the product
 * passes MARKDOWN_MAX_LINKWORK, the bound the check skips short bodies
 * by; both texts are just long enough to be read. */
static int
flood(size_t img, size_t links)
{
	struct markdown_opts o = { .path = "flood.md", .line = 1 };
	struct buf t, b;
	size_t i;
	int rc;

	buf_init(&t);
	buf_init(&b);
	for (i = 0; i < img; i++)
		buf_puts(&t, "![");
	for (i = 0; i < links; i++)
		buf_puts(&t, "](");
	buf_putc(&t, '\n');
	rc = markdown_render(&b, t.data, t.len, &o);
	buf_release(&t);
	buf_release(&b);
	return rc;
}

static void
test_linkflood(void)
{
	OK(flood(10000, 10000) == 0);
	OK(flood(10001, 10000) == -1);
	OK(flood(100, 100) == 0);
}

static void
test_chart(void)
{
	struct chart_bar bars[2] = {
		{ "贵州省", 0.7245, "72.45%", "/provinces/52/", 0 },
		{ "<x>", 2.0, "over", NULL, 0.5 },
	};
	struct buf b;

	buf_init(&b);
	chart_bars(&b, "c1", "标题 <t>", "说明", bars, 2, 1.0);
	OK(strstr(b.data, "<title id=\"c1-t\">标题 &lt;t&gt;</title>") != NULL);
	OK(strstr(b.data, "aria-labelledby=\"c1-t c1-d\"") != NULL);
	OK(strstr(b.data, "&lt;x&gt;") != NULL);
	OK(strstr(b.data, "href=\"/provinces/52/\"") != NULL);
	/* 0.7245 of a 410-unit plot; an over-full bar is capped. */
	OK(strstr(b.data, "width=\"297\"") != NULL);
	OK(strstr(b.data, "width=\"410\" height=\"18\" class=\"chart-bar\"") !=
	    NULL);
	OK(strstr(b.data, "class=\"chart-target\"") != NULL);
	buf_release(&b);
}

/* The first line of the file at path, "" when there is none. */
static const char *
firstline(const char *path, char *line, size_t size)
{
	FILE *fp = fopen(path, "r");

	line[0] = '\0';
	if (fp != NULL) {
		if (fgets(line, (int)size, fp) == NULL)
			line[0] = '\0';
		fclose(fp);
	}
	return line;
}

static int
exists(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0;
}

static void
test_write(void)
{
	char dir[] = "/tmp/hearth-unit.XXXXXX", out[256], f[300];
	struct writer *w;
	FILE *fp;
	char line[64] = "";
	int k;

	OK(mkdtemp(dir) != NULL);
	snprintf(out, sizeof(out), "%s/public", dir);

	/* First build: plain rename. */
	OK(writer_open(&w, out) == 0);
	OK(writer_put(w, "a/b/index.html", "one", 3) == 0);
	OK(writer_put(w, "a/b/index.html", "two", 3) < 0);	/* twice */
	OK(writer_put(w, "../escape", "x", 1) < 0);
	OK(writer_put(w, "/abs", "x", 1) < 0);
	OK(writer_put(w, "a/./b", "x", 1) < 0);
	OK(writer_put(w, ".hearth-manifest", "x", 1) < 0);  /* the record */
	OK(writer_alias(w, ".hearth-manifest", "a/b/index.html") < 0);
	INT_EQ(writer_files(w), 1);
	OK(writer_commit(w) == 0);
	snprintf(f, sizeof(f), "%s/a/b/index.html", out);
	STR_EQ(firstline(f, line, sizeof(line)), "one");

	/* An aborted build changes nothing. */
	OK(writer_open(&w, out) == 0);
	OK(writer_put(w, "new.html", "x", 1) == 0);
	writer_abort(w);
	snprintf(f, sizeof(f), "%s/new.html", out);
	OK(!exists(f));

	/* A second build replaces the whole tree in one swap (the spare,
	 * which the aborted build left untrusted, is started afresh). */
	OK(writer_open(&w, out) == 0);
	OK(writer_put(w, "c.html", "c", 1) == 0);
	OK(writer_put(w, "d.html", "d", 1) == 0);
	OK(writer_commit(w) == 0);
	snprintf(f, sizeof(f), "%s/c.html", out);
	OK(exists(f));
	snprintf(f, sizeof(f), "%s/a", out);
	OK(!exists(f));

	/* Rebuilds write only what changed and drop what is gone; a file
	 * with the same bytes is not written again: the spare has it, or it
	 * is linked from the published tree, so it keeps its inode and its
	 * mtime however many builds swap the two trees. */
	{
		struct stat a, b;

		snprintf(f, sizeof(f), "%s/c.html", out);
		OK(stat(f, &a) == 0);
		for (k = 0; k < 4; k++) {
			OK(writer_open(&w, out) == 0);
			OK(writer_put(w, "c.html", "c", 1) == 0);
			OK(writer_put(w, "e.html", k < 2 ? "e" : "E", 1) == 0);
			OK(writer_put(w, "c.html", "c", 1) < 0);  /* twice */
			INT_EQ(writer_files(w), 2);
			/* e is new (k 0), changed (k 2); else unchanged */
			INT_EQ(writer_written(w), k == 0 || k == 2 ? 1 : 0);
			OK(writer_commit(w) == 0);
			OK(stat(f, &b) == 0);
			OK(a.st_ino == b.st_ino);
			OK(a.st_mtim.tv_sec == b.st_mtim.tv_sec &&
			    a.st_mtim.tv_nsec == b.st_mtim.tv_nsec);
		}
	}
	snprintf(f, sizeof(f), "%s/d.html", out);
	OK(!exists(f));
	snprintf(f, sizeof(f), "%s/e.html", out);
	STR_EQ(firstline(f, line, sizeof(line)), "E");
	snprintf(f, sizeof(f), "%s/.public.spare/e.html", dir);
	STR_EQ(firstline(f, line, sizeof(line)), "E");		/* linked in the last build */

	/* Files changed behind the writer's back (a backup restored over
	 * both trees: same sizes, new inodes) are not trusted: the next
	 * build writes them again, and the one after that mends the other
	 * tree. */
	for (k = 0; k < 2; k++) {
		const char *tree = k == 0 ? "public" : ".public.spare";

		snprintf(f, sizeof(f), "%s/%s/c.html", dir, tree);
		OK(unlink(f) == 0);
		OK((fp = fopen(f, "w")) != NULL);
		if (fp) {
			fputs("X", fp);
			fclose(fp);
		}
	}
	for (k = 0; k < 2; k++) {
		OK(writer_open(&w, out) == 0);
		OK(writer_put(w, "c.html", "c", 1) == 0);
		OK(writer_put(w, "e.html", "E", 1) == 0);
		/* c: written (k 0), then linked from the tree k 0 mended */
		INT_EQ(writer_written(w), k == 0 ? 1 : 0);
		OK(writer_commit(w) == 0);
		snprintf(f, sizeof(f), "%s/c.html", out);
		STR_EQ(firstline(f, line, sizeof(line)), "c");
	}
	OK(rmtree(dir) == 0);
}

/* A file put by its descriptor, read in pieces (over a megabyte, with a
 * tail that is no whole word), hashes as the same bytes put from memory;
 * a file kept from the published tree by its manifest stays that file. */
static void
test_write_fd(void)
{
	char dir[] = "/tmp/hearth-unit.XXXXXX", out[256], f[300];
	size_t n = (3u << 20) + 5, i;
	char *big = malloc(n), *back;
	struct writer *w;
	struct stat a, b;
	FILE *fp;
	int fd, k;

	OK(big != NULL && mkdtemp(dir) != NULL);
	for (i = 0; i < n; i++)
		big[i] = (char)(i * 7 + i / 4096);
	snprintf(out, sizeof(out), "%s/public", dir);
	snprintf(f, sizeof(f), "%s/src", dir);
	OK((fp = fopen(f, "w")) != NULL && fwrite(big, 1, n, fp) == n);
	if (fp)
		fclose(fp);
	OK((fd = open(f, O_RDONLY)) >= 0);
	for (k = 0; k < 4; k++) {
		OK(writer_open(&w, out) == 0);
		writer_inputs(w, "news:a rest:b");
		if (k == 3)	/* made of the same inputs: kept */
			OK(writer_keep(w, "d/big.bin", 0) == 0);
		else if (k % 2 == 0)
			OK(writer_put_known(w, "d/big.bin", NULL, fd, n, NULL) == 0);
		else
			OK(writer_put(w, "d/big.bin", big, n) == 0);
		OK(writer_keep(w, "d/none.bin", 0) == -1);
		INT_EQ(writer_files(w), 1);
		/* written once; then the spare or the live tree has it */
		INT_EQ(writer_written(w), k == 0 ? 1 : 0);
		if (k > 0)
			STR_EQ(writer_published_inputs(w), "news:a rest:b");
		OK(writer_commit(w) == 0);
	}
	snprintf(f, sizeof(f), "%s/d/big.bin", out);
	back = malloc(n + 1);
	OK(back != NULL && (fp = fopen(f, "r")) != NULL &&
	    fread(back, 1, n + 1, fp) == n && memcmp(back, big, n) == 0);
	if (fp)
		fclose(fp);
	/* The published file altered: not kept, so it is made again. */
	OK(stat(f, &a) == 0);
	OK((fp = fopen(f, "r+")) != NULL && fputc('!', fp) != EOF);
	if (fp)
		fclose(fp);
	OK(writer_open(&w, out) == 0);
	OK(writer_keep(w, "d/big.bin", 0) == -1);
	OK(writer_put_known(w, "d/big.bin", NULL, fd, n, NULL) == 0);
	OK(writer_commit(w) == 0);
	OK(stat(f, &b) == 0 && (fp = fopen(f, "r")) != NULL &&
	    fread(back, 1, n + 1, fp) == n && memcmp(back, big, n) == 0);
	if (fp)
		fclose(fp);
	close(fd);
	free(back);
	free(big);
	OK(rmtree(dir) == 0);
}

/*
 * Two pages of the same size whose bytes differ only where a county's text
 * would be (a station's name on a province's page), made to collide under
 * a fast multiply-mixed hash of 8-byte words (the writer's hash before
 * SHA-256): the inverse of one step gives the word that steers the state
 * to the other page's.  The second page must still be published.
 */
static uint64_t
unshift(uint64_t h, int s)	/* the inverse of h ^= h >> s */
{
	uint64_t x = h;
	int i;

	for (i = 0; i < 64 / s + 1; i++)
		x = h ^ (x >> s);
	return x;
}

static uint64_t
inverse(uint64_t a)		/* of an odd number, mod 2^64 */
{
	uint64_t x = a;
	int i;

	for (i = 0; i < 6; i++)
		x *= 2 - a * x;
	return x;
}

static uint64_t
fast(uint64_t h, uint64_t w)	/* one step of that hash */
{
	w *= 0xbf58476d1ce4e5b9ULL;
	w ^= w >> 31;
	h = (h ^ w) * 0x94d049bb133111ebULL;
	return h ^ (h >> 29);
}

static void
test_write_collision(void)
{
	char dir[] = "/tmp/hearth-unit.XXXXXX", out[256], f[300];
	uint64_t a[2] = { 0x4141414141414141ULL, 0x4242424242424242ULL };
	uint64_t b[2] = { 0x4343434343434343ULL, 0 }, h0 = 0x9e3779b97f4a7c15ULL ^ 16;
	uint64_t ha, hb, t;
	struct writer *w;
	char got[17] = "";
	FILE *fp;

	/* b[1] such that both reach the same state after two words. */
	ha = fast(fast(h0, a[0]), a[1]);
	hb = fast(h0, b[0]);
	t = unshift(ha, 29) * inverse(0x94d049bb133111ebULL) ^ hb;
	b[1] = unshift(t, 31) * inverse(0xbf58476d1ce4e5b9ULL);
	OK(fast(hb, b[1]) == ha && memcmp(a, b, 16) != 0);

	OK(mkdtemp(dir) != NULL);
	snprintf(out, sizeof(out), "%s/public", dir);
	OK(writer_open(&w, out) == 0);
	OK(writer_put(w, "p.html", a, 16) == 0);
	OK(writer_commit(w) == 0);
	OK(writer_open(&w, out) == 0);
	OK(writer_put(w, "p.html", b, 16) == 0);
	INT_EQ(writer_written(w), 1);
	OK(writer_commit(w) == 0);
	snprintf(f, sizeof(f), "%s/p.html", out);
	OK((fp = fopen(f, "rb")) != NULL && fread(got, 1, 16, fp) == 16);
	if (fp)
		fclose(fp);
	OK(memcmp(got, b, 16) == 0);
	OK(rmtree(dir) == 0);
}

/* A file put with the SHA-256 its caller made (the data files) has the
 * hash the writer makes itself: put again plainly, it is not written. */
static void
test_write_known(void)
{
	char dir[] = "/tmp/hearth-unit.XXXXXX", out[256], sum[65];
	struct writer *w;

	OK(mkdtemp(dir) != NULL);
	snprintf(out, sizeof(out), "%s/public", dir);
	sha256_hex("数据", strlen("数据"), sum);
	OK(writer_open(&w, out) == 0);
	OK(writer_put_known(w, "d.csv", "数据", -1, strlen("数据"), sum) == 0);
	OK(writer_commit(w) == 0);
	OK(writer_open(&w, out) == 0);
	OK(writer_put(w, "d.csv", "数据", strlen("数据")) == 0);
	INT_EQ(writer_written(w), 0);
	OK(writer_commit(w) == 0);
	OK(rmtree(dir) == 0);
}

/* Overwrite the first byte of path with c, in place, dated 10 s later. */
static int
spoil(const char *path, char c)
{
	struct timespec ts[2];
	struct stat st;
	int fd = open(path, O_WRONLY), rc = -1;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) == 0 && pwrite(fd, &c, 1, 0) == 1) {
		ts[0] = st.st_atim;
		ts[1] = st.st_mtim;
		ts[1].tv_sec += 10;
		rc = futimens(fd, ts);
	}
	close(fd);
	return rc;
}

/* One build of out with a.html holding abytes and b.html "b", the
 * output's lists taken from ahead (NULL: read when opened); returns how
 * many files it wrote. */
static size_t
publish(const char *out, struct writer_ahead *ahead, const char *abytes)
{
	struct writer *w;
	size_t n;

	OK(writer_open_ahead(&w, out, ahead) == 0);
	writer_ahead_free(ahead);
	OK(writer_put(w, "a.html", abytes, 1) == 0);
	OK(writer_put(w, "b.html", "b", 1) == 0);
	n = writer_written(w);
	OK(writer_commit(w) == 0);
	return n;
}

/* The output's lists read ahead are taken while they are still the
 * files read; a build that published after they were read makes them
 * stale, and they are read again: the same files are written or kept as
 * without reading ahead. */
static void
test_write_ahead(void)
{
	char dir[] = "/tmp/hearth-unit.XXXXXX", out[256], f[300];
	char line[64] = "";
	struct writer_ahead *a;

	OK(mkdtemp(dir) != NULL);
	snprintf(out, sizeof(out), "%s/public", dir);
	publish(out, NULL, "1");
	publish(out, NULL, "2");
	/* Fresh lists: b is kept, a is the published tree's bytes. */
	INT_EQ(publish(out, writer_ahead(out), "2"), 0);
	/* Stale lists: another build published a 3 in between. */
	a = writer_ahead(out);
	publish(out, NULL, "3");
	INT_EQ(publish(out, a, "4"), 1);
	snprintf(f, sizeof(f), "%s/a.html", out);
	STR_EQ(firstline(f, line, sizeof(line)), "4");
	/* The spare's files are looked at ahead too: one altered since
	 * (the same size, a later time) is written again, not kept. */
	snprintf(f, sizeof(f), "%s/.public.spare/b.html", dir);
	OK(firstline(f, line, sizeof(line)) != NULL && strcmp(line, "b") == 0);
	OK(spoil(f, 'x') == 0);
	INT_EQ(publish(out, writer_ahead(out), "4"), 1);
	snprintf(f, sizeof(f), "%s/b.html", out);
	STR_EQ(firstline(f, line, sizeof(line)), "b");
	/* Read ahead and never taken (the site had errors): freed alone. */
	writer_ahead_free(writer_ahead(out));
	OK(rmtree(dir) == 0);
}

int
main(void)
{
	diag_set_verbosity(0);
	test_markdown();
	test_linkflood();
	test_chart();
	test_write();
	test_write_fd();
	test_write_collision();
	test_write_known();
	test_write_ahead();
	return harness_done("output");
}
