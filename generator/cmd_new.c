/*
 * cmd_new: start a news item.  `hearth new news TITLE` writes
 * content/news/<slug>/index.md with the front matter filled in (title,
 * today's date) and the folder ready for the item's images; the slug is
 * the title's Latin words, or the date for a Chinese title (the normal
 * case), made unique among the site's news items.
 */
#include <ctype.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cmd.h"
#include "cmdopt.h"
#include "diag.h"
#include "util.h"

static const char usage[] = N_(
    "usage: hearth new news [-C DIR] [--slug SLUG] [--date YYYY-MM-DD] "
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

int
cmd_new(int argc, char **argv)
{
	const char *slug = NULL, *date = NULL;
	const struct cmdopt opts[] = {
		{ "slug", 0, OPT_STR, &slug, 0, 0, NULL },
		{ "date", 0, OPT_STR, &date, 0, 0, NULL },
		{ NULL, 0, 0, NULL, 0, 0, NULL },
	};
	char **args = NULL;
	int rc, n = 0;

	if ((rc = cmdopt_parse(argc, argv, opts, usage, 2, 2, &args, &n)) >= 0)
		return rc;
	if (strcmp(args[0], "news") != 0) {
		fputs(_(usage), stderr);
		return 2;
	}
	return newnews(args[1], slug, date);
}
