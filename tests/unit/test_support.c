/* Unit tests of the support modules: arena, buf, util, value, lazylib. */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "harness.h"
#include "lazylib.h"
#include "util.h"
#include "source.h"
#include "ui.h"
#include "value.h"

static void
test_arena(void)
{
	struct arena a;
	char *p, *big;
	int i;

	arena_init(&a);
	p = arena_strdup(&a, "社工站");
	STR_EQ(p, "社工站");
	OK(((uintptr_t)arena_alloc(&a, 3) & 15) == 0);
	big = arena_alloc(&a, 1 << 20);		/* a chunk of its own */
	big[(1 << 20) - 1] = 'x';
	for (i = 0; i < 10000; i++)
		arena_alloc(&a, 100);
	STR_EQ(arena_printf(&a, "%d/%s", 8, "8"), "8/8");
	STR_EQ(p, "社工站");			/* earlier data untouched */
	arena_reset(&a);
	STR_EQ(arena_strndup(&a, "abcdef", 3), "abc");
	arena_release(&a);
}

/* What a worker made in its own arena outlives it in the one that adopts
 * it; the adopting arena's free space is still the one used next. */
static void
test_arena_adopt(void)
{
	struct arena a, w, empty;
	char *mine, *theirs, *big, *next;
	size_t before, theirtotal;
	int i;

	arena_init(&a);
	arena_init(&w);
	arena_init(&empty);
	arena_adopt(&a, &w);			/* nothing to take */
	OK(a.head == NULL && a.total == 0);
	theirs = arena_strdup(&w, "千站暖万家");
	for (i = 0; i < 5000; i++)		/* several chunks */
		arena_alloc(&w, 100);
	big = arena_alloc(&w, 1 << 20);
	memset(big, 'x', 1 << 20);
	arena_adopt(&a, &w);			/* into an empty arena */
	OK(w.head == NULL && w.total == 0);
	mine = arena_strdup(&a, "五社联动");
	OK(a.total > (1 << 20));
	arena_init(&w);
	arena_strdup(&w, "w");
	next = arena_alloc(&a, 16);
	before = a.total;
	theirtotal = w.total;
	arena_adopt(&a, &w);			/* behind a's head */
	OK(theirtotal > 0 && a.total == before + theirtotal);
	OK((char *)arena_alloc(&a, 16) == next + 16);
	arena_adopt(&empty, &empty);		/* itself, empty */
	STR_EQ(theirs, "千站暖万家");
	STR_EQ(mine, "五社联动");
	OK(big[(1 << 20) - 1] == 'x');
	arena_release(&a);			/* frees the adopted chunks: ASan
						   would see one left */
	OK(a.head == NULL);
}

static void
test_buf(void)
{
	struct buf b;

	buf_init(&b);
	buf_put_html(&b, "<a href=\"x\">'&'</a>", 19);
	STR_EQ(b.data, "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
	buf_reset(&b);
	buf_put_json_str(&b, "引号\"\\\n</script>\x01", 19);
	STR_EQ(b.data, "\"引号\\\"\\\\\\n<\\/script>\\u0001\"");
	buf_reset(&b);
	buf_put_json_str(&b, "/a/\t\r\x1f", 6);
	buf_put_json_str(&b, "", 0);
	STR_EQ(b.data, "\"/a/\\t\\r\\u001f\"\"\"");
	buf_reset(&b);
	buf_put_url_path(&b, "tags/福泉/", 12);
	STR_EQ(b.data, "tags/%E7%A6%8F%E6%B3%89/");
	buf_reset(&b);
	buf_put_csv(&b, "a,\"b\"", 5);
	buf_putc(&b, '|');
	buf_put_csv(&b, "plain", 5);
	STR_EQ(b.data, "\"a,\"\"b\"\"\"|plain");
	buf_reset(&b);
	buf_put_int_grouped(&b, 1094);
	buf_putc(&b, ' ');
	buf_put_int_grouped(&b, 20000);
	buf_putc(&b, ' ');
	buf_put_int_grouped(&b, -1234567);
	buf_putc(&b, ' ');
	buf_put_int_grouped(&b, 12);
	STR_EQ(b.data, "1,094 20,000 -1,234,567 12");
	buf_reset(&b);
	/* buf_put_int prints what "%lld" prints, at both ends of the range. */
	{
		static const long long v[] = { 0, 7, -1, 10, 1094,
		    1234567890123LL, LLONG_MAX, LLONG_MIN };
		char want[32];
		size_t i;

		for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
			buf_reset(&b);
			buf_put_int(&b, v[i]);
			snprintf(want, sizeof(want), "%lld", v[i]);
			STR_EQ(b.data, want);
		}
		buf_reset(&b);
		buf_put_int_grouped(&b, LLONG_MIN);
		STR_EQ(b.data, "-9,223,372,036,854,775,808");
	}
	buf_reset(&b);
	buf_put_double(&b, 0.7245);
	buf_putc(&b, ' ');
	buf_put_double(&b, 1.21);
	buf_putc(&b, ' ');
	buf_put_double(&b, 3.0);
	STR_EQ(b.data, "0.7245 1.21 3");
	buf_release(&b);
}

/* buf_put_fixed prints what "%.*f" prints, byte for byte: exact halves
 * (0.125 to two places is 0.12), products that land near a half, negative
 * values that round to zero, and a million random values. */
static void
test_fixed(void)
{
	static const struct {
		double v;
		int d;
	} edge[] = {
		{ 0.125, 2 }, { 0.375, 2 }, { 2.5, 0 }, { 3.5, 0 }, { 1.005, 2 },
		{ 106.8125, 3 }, { -0.001, 2 }, { -0.0, 3 }, { 0.0, 0 },
		{ 1e9, 2 }, { 123456789.987654321, 9 }, { 1e300, 3 },
		{ 0.0000005, 6 }, { 0.0000015, 6 }, { 26.6863, 4 },
		{ 107.52045, 4 }, { 0.45, 1 }, { 72.45, 1 }, { -72.45, 1 },
		{ 5e-324, 9 }, { 1125899906842623.5, 0 },
	};
	struct buf b;
	char want[400];
	unsigned long long x = 88172645463325252ull;
	size_t i, bad = 0;

	buf_init(&b);
	for (i = 0; i < sizeof(edge) / sizeof(edge[0]); i++) {
		buf_reset(&b);
		buf_put_fixed(&b, edge[i].v, edge[i].d);
		snprintf(want, sizeof(want), "%.*f", edge[i].d, edge[i].v);
		STR_EQ(b.data, want);
	}
	for (i = 0; i < 1000000; i++) {
		double v;
		int d;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		d = (int)(x % 10);
		/* A value with few digits, often a half at d places, or any
		 * double of a sane size. */
		if (x & 1024)
			v = (double)((long long)(x >> 20) % 100000000) /
			    pow(10, (double)((x >> 12) % 12)) + ((x & 2048) ?
			    0.5 / pow(10, d) : 0);
		else
			v = ldexp((double)(x >> 11), (int)(x % 64) - 80);
		if (x & 4096)
			v = -v;
		buf_reset(&b);
		buf_put_fixed(&b, v, d);
		snprintf(want, sizeof(want), "%.*f", d, v);
		if (strcmp(b.data, want) != 0 && bad++ < 3)
			fprintf(stderr, "%.17g to %d places: %s, not %s\n", v, d,
			    b.data, want);
	}
	OK(bad == 0);
	buf_release(&b);
}

/* The definition the validator keeps to, the slow way: decode, then
 * refuse overlong forms, surrogates and values past U+10FFFF. */
static bool
ref_valid(const unsigned char *p, size_t len, size_t *bad)
{
	size_t i = 0, n, k;
	uint32_t cp;

	while (i < len) {
		unsigned c = p[i];

		if (c == 0)
			goto fail;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3, cp = c & 0x07;
		else
			goto fail;
		for (k = 1; k <= n; k++) {
			if (i + k >= len || (p[i + k] & 0xc0) != 0x80)
				goto fail;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			goto fail;
		i += n + 1;
	}
	return true;
fail:
	*bad = i;
	return false;
}

/* Every sequence of up to three bytes, and four-byte ones with each kind
 * of last byte, at the start, after ASCII that the validator reads eight
 * bytes at a time, and cut short: the same answer and offset as
 * ref_valid.  Returns the number of disagreements. */
static unsigned long
utf8_against_ref(void)
{
	static const unsigned lasts[] = { 0x00, 0x41, 0x7f, 0x80, 0xbf, 0xc0,
	    0xff };
	unsigned char t[32];
	unsigned long wrong = 0;
	size_t at, n, b1, b2;
	unsigned a, b, c, d;

	for (at = 0; at <= 9; at += 9) {
		memset(t, 'x', sizeof(t));
		for (a = 0; a < 256; a++)
			for (b = 0; b < 256; b++)
				for (c = 0; c < 256; c++) {
					t[at] = (unsigned char)a;
					t[at + 1] = (unsigned char)b;
					t[at + 2] = (unsigned char)c;
					for (n = at + 1; n <= at + 3 + 8;
					    n += n < at + 3 ? 1 : 8) {
						b1 = b2 = 77;
						if (utf8_valid((char *)t, n,
						    &b1) != ref_valid(t, n,
						    &b2) || b1 != b2)
							wrong++;
					}
				}
	}
	memset(t, 'x', sizeof(t));
	for (a = 0xf0; a <= 0xf7; a++)
		for (b = 0; b < 256; b++)
			for (c = 0; c < 256; c++)
				for (d = 0; d < sizeof(lasts) / sizeof(*lasts);
				    d++) {
					t[9] = (unsigned char)a;
					t[10] = (unsigned char)b;
					t[11] = (unsigned char)c;
					t[12] = (unsigned char)lasts[d];
					b1 = b2 = 77;
					if (utf8_valid((char *)t, 20, &b1) !=
					    ref_valid(t, 20, &b2) || b1 != b2)
						wrong++;
				}
	return wrong;
}

static void
test_utf8(void)
{
	size_t bad = 99;
	int line, col;

	OK(utf8_valid("福泉 ok", 9, NULL));
	OK(!utf8_valid("a\xc0\xaf", 3, &bad));	/* overlong '/' */
	INT_EQ(bad, 1);
	OK(!utf8_valid("\xed\xa0\x80", 3, NULL));	/* surrogate */
	OK(!utf8_valid("\xf4\x90\x80\x80", 4, NULL));	/* > U+10FFFF */
	OK(!utf8_valid("ab\0c", 4, &bad));
	INT_EQ(bad, 2);
	OK(!utf8_valid("\xe7\xa6", 2, NULL));		/* truncated */
	OK(!utf8_valid("abcdefgh\0ijklmnop", 17, &bad));
	INT_EQ(bad, 8);
	INT_EQ(utf8_against_ref(), 0);
	INT_EQ(utf8_count("福泉ab", 8), 4);
	text_position("ab\n福泉x", 9, &line, &col);
	INT_EQ(line, 2);
	INT_EQ(col, 3);
}

static void
test_ids(void)
{
	OK(id_valid("522702-master", 64));
	OK(id_valid("henan_qianzhan", 64));
	OK(!id_valid("../etc", 64));
	OK(!id_valid("a/b", 64));
	OK(!id_valid("-x", 64));
	OK(!id_valid("", 64));
	OK(!id_valid("福泉", 64));
	OK(!id_valid("abcdef", 5));
}

/* value_bytes: values that differ give bytes that differ, however their
 * parts are cut (what pages' keys are digested from). */
static void
test_value_bytes(void)
{
	struct arena a;
	struct value *v[10], *o;
	struct buf x, y;
	size_t i, j;

	arena_init(&a);
	v[0] = value_str(&a, "1");
	v[1] = value_int(&a, 1);
	v[2] = value_num(&a, 1.5, 1);
	v[3] = value_num(&a, 1.5, 2);
	v[4] = value_arr(&a);
	value_push(&a, v[4], value_str(&a, "a"));
	value_push(&a, v[4], value_str(&a, "b"));
	v[5] = value_arr(&a);
	value_push(&a, v[5], value_str(&a, "ab"));
	v[6] = value_obj(&a);
	value_set_str(&a, v[6], "a", "bc");
	v[7] = value_obj(&a);
	value_set_str(&a, v[7], "ab", "c");
	v[8] = value_null(&a);
	v[9] = value_str(&a, "");
	buf_init(&x);
	buf_init(&y);
	for (i = 0; i < 10; i++)
		for (j = 0; j < 10; j++) {
			buf_reset(&x);
			buf_reset(&y);
			value_bytes(&x, v[i]);
			value_bytes(&y, v[j]);
			OK((x.len == y.len && memcmp(x.data, y.data, x.len) ==
			    0) == (i == j));
		}
	o = value_obj_copy(&a, v[6]);
	buf_reset(&x);
	buf_reset(&y);
	value_bytes(&x, v[6]);
	value_bytes(&y, o);
	OK(x.len == y.len && memcmp(x.data, y.data, x.len) == 0);
	buf_release(&x);
	buf_release(&y);
	arena_release(&a);
}

static void
test_value(void)
{
	struct arena a;
	struct value *o, *arr;
	struct buf b;

	arena_init(&a);
	o = value_obj(&a);
	value_set_str(&a, o, "name", "福泉市");
	value_set_int(&a, o, "townships", 8);
	value_set_int(&a, o, "townships", 9);	/* replaces */
	INT_EQ(o->u.obj.len, 2);
	INT_EQ(value_get(o, "townships")->u.i, 9);
	STR_EQ(value_get_str(o, "name"), "福泉市");
	OK(value_get(o, "missing") == NULL);
	arr = value_arr(&a);
	OK(!value_truthy(arr));
	value_push(&a, arr, value_str(&a, ""));
	OK(value_truthy(arr));
	OK(!value_truthy(arr->u.arr.v[0]));
	OK(value_truthy(value_int(&a, 0)));
	buf_init(&b);
	value_text(&b, value_num(&a, 0.7245, 4));
	STR_EQ(b.data, "0.7245");
	buf_reset(&b);
	value_text(&b, value_num(&a, 0.5, 4));
	STR_EQ(b.data, "0.5000");
	buf_release(&b);
	OK(value_equal(value_int(&a, 2), value_num(&a, 2.0, -1)));
	OK(!value_equal(o, value_obj_copy(&a, arr)));
	OK(value_equal(o, value_obj_copy(&a, o)));
	arena_release(&a);
}

/* The theme's words: placeholders filled by name, in any order, once
 * each; an unknown placeholder is refused when the file is read. */
static void
test_ui(void)
{
	static const char good[] = "map.title: \"{area}社工站地图\"\n"
	    "title.paged: \"{title}（第 {page} 页）\"\n";
	static const char bad[] = "map.title: \"{province}社工站地图\"\n";
	struct sfile f = { .path = "strings.yaml", .data = good,
	    .len = sizeof(good) - 1 };
	struct arena a;
	struct ui u;
	struct buf b;

	arena_init(&a);
	diag_set_quiet_errors(1);
	INT_EQ(ui_load(&u, &a, &f, "themes/t/"), -1);	/* keys missing */
	diag_set_quiet_errors(0);
	STR_EQ(ui_fmt(&a, &u, UI_MAP_TITLE, "area", "贵州省", NULL),
	    "贵州省社工站地图");
	STR_EQ(ui_fmt(&a, &u, UI_TITLE_PAGED, "page", "2", "title", "新闻",
	    NULL), "新闻（第 2 页）");
	/* A value not given leaves the placeholder empty. */
	STR_EQ(ui_fmt(&a, &u, UI_MAP_TITLE, NULL), "社工站地图");
	buf_init(&b);
	ui_put(&b, &u, UI_MAP_TITLE, "area", "<县>", NULL);
	STR_EQ(b.data, "<县>社工站地图");	/* escaping is the caller's */
	buf_release(&b);
	f.data = bad;
	f.len = sizeof(bad) - 1;
	diag_set_quiet_errors(1);
	INT_EQ(ui_load(&u, &a, &f, "themes/t/"), -1);
	OK(diag_muted() >= 2);	/* the placeholder, the missing keys */
	diag_set_quiet_errors(0);
	OK(u.text[UI_MAP_TITLE] == NULL);
	arena_release(&a);
}

#define ZLIB_FNS(X) X(zlibVersion) X(crc32)
LAZYLIB(zl, "libz.so.1", ZLIB_FNS)

/* A library opened on first use calls the same code as the linked one; a
 * missing one ends the run, naming it. */
static void
test_lazylib(void)
{
	static const char *const names[] = { "nothing" };
	static void *table[1];
	struct lazylib none = { "libhearth-none.so.0", names, 1, table, 0 };
	char msg[512] = "";
	int fds[2], status = -1;
	size_t len;
	ssize_t n;
	pid_t pid;

	zl_load();
	STR_EQ(zl.zlibVersion(), zlibVersion());
	INT_EQ(zl.crc32(0, (const unsigned char *)"hearth", 6),
	    crc32(0, (const unsigned char *)"hearth", 6));
	if (pipe(fds) < 0 || (pid = fork()) < 0) {
		OK(!"pipe and fork");
		return;
	}
	if (pid == 0) {
		dup2(fds[1], 2);
		lazylib_load(&none);
		_exit(0);
	}
	close(fds[1]);
	for (len = 0; len < sizeof(msg) - 1 &&
	    (n = read(fds[0], msg + len, sizeof(msg) - 1 - len)) > 0;)
		len += (size_t)n;
	msg[len] = '\0';
	close(fds[0]);
	waitpid(pid, &status, 0);
	OK(WIFEXITED(status) && WEXITSTATUS(status) == 2);
	OK(strstr(msg, "cannot load libhearth-none.so.0") != NULL);
}

int
main(void)
{
	test_arena();
	test_arena_adopt();
	test_buf();
	test_fixed();
	test_utf8();
	test_ids();
	test_value();
	test_value_bytes();
	test_ui();
	test_lazylib();
	return harness_done("support");
}
