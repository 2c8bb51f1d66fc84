/*
 * xlsxfile: the datasets as Excel workbooks (see xlsxfile.h).
 *
 * libxlsxwriter writes to a file, so each workbook is made in a private
 * temporary folder and read back; its zip entries carry a fixed date and
 * the document properties the package's creation time, which is what
 * makes the bytes reproducible.  A workbook is cached by everything it
 * shows, so a build compresses again only the tables that changed.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "buf.h"
#include "cache.h"
#include "dataset.h"
#include "diag.h"
#include "json.h"
#include "lazylib.h"
#include "schema.h"
#include "site.h"
#include "tgz.h"
#include "util.h"
#include "value.h"
#include "xlsxfile.h"

#define XLSX_FNS(X) X(format_set_bold) X(format_set_num_format) \
	X(lxw_strerror) X(workbook_add_format) X(workbook_add_worksheet) \
	X(workbook_close) X(workbook_new_opt) X(workbook_set_properties) \
	X(worksheet_autofilter) X(worksheet_freeze_panes) \
	X(worksheet_set_column) \
	X(worksheet_write_boolean) X(worksheet_write_datetime) \
	X(worksheet_write_number) X(worksheet_write_string)
LAZYLIB(lxw, XLSX_SONAME, XLSX_FNS)

#define XLSX_MEDIATYPE \
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

static const char *
typename(const struct field *f)
{
	switch (f->type) {
	case FT_INTEGER: return "整数";
	case FT_NUMBER: return "数值";
	case FT_BOOLEAN: return "是/否";
	case FT_DATE: return "日期";
	case FT_YEARMONTH: return "年月";
	case FT_LIST: return "列表";
	case FT_REF: return "编号（引用）";
	case FT_DIVISION: return "区划代码";
	default: return "文本";
	}
}

/* The number format of a decimal with this many places ("0.0000"). */
static lxw_format *
decimals(lxw_workbook *wb, lxw_format **cache, int places)
{
	char fmt[32] = "0";
	int i;

	if (places < 0)
		places = 0;
	if (places > 15)
		places = 15;
	if (cache[places] != NULL)
		return cache[places];
	if (places > 0) {
		strcat(fmt, ".");
		for (i = 0; i < places; i++)
			strcat(fmt, "0");
	}
	cache[places] = lxw.workbook_add_format(wb);
	lxw.format_set_num_format(cache[places], fmt);
	return cache[places];
}

static void
cell(lxw_worksheet *ws, lxw_workbook *wb, lxw_row_t r, lxw_col_t c,
    const struct field *f, const struct value *v, lxw_format *date,
    lxw_format **dec, struct buf *tmp)
{
	int y, m, d;

	if (v == NULL || v->kind == VAL_NULL)
		return;
	switch (v->kind) {
	case VAL_BOOL:
		lxw.worksheet_write_boolean(ws, r, c, v->u.b, NULL);
		return;
	case VAL_INT:
		/* Exact in a double up to 2^53; beyond, as text. */
		if (v->u.i > (1LL << 53) || v->u.i < -(1LL << 53))
			break;
		lxw.worksheet_write_number(ws, r, c, (double)v->u.i,
		    decimals(wb, dec, 0));
		return;
	case VAL_NUM:
		lxw.worksheet_write_number(ws, r, c, v->u.num.d,
		    decimals(wb, dec, f->precision >= 0 ? f->precision :
		    v->u.num.prec));
		return;
	case VAL_STR:
		if (f->type == FT_DATE && sscanf(v->u.str.s, "%d-%d-%d", &y, &m,
		    &d) == 3) {
			lxw_datetime dt = { y, m, d, 0, 0, 0 };

			lxw.worksheet_write_datetime(ws, r, c, &dt, date);
			return;
		}
		lxw.worksheet_write_string(ws, r, c, v->u.str.s, NULL);
		return;
	default:
		break;
	}
	buf_reset(tmp);
	if (v->kind == VAL_INT)
		buf_printf(tmp, "%lld", v->u.i);
	else
		json_write(tmp, v, -1);
	lxw.worksheet_write_string(ws, r, c, tmp->data != NULL ? tmp->data : "",
	    NULL);
}

/* The data dictionary, licence and source, on a sheet of their own. */
static void
dictionary(lxw_workbook *wb, const struct datapkg *p, const struct table *t,
    lxw_format *bold)
{
	static const char *const head[] = { "字段", "中文名", "英文名", "类型",
	    "单位", "说明" };
	const struct config *c = &p->site->cfg;
	const struct schema *sc = t->schema;
	lxw_worksheet *ws = lxw.workbook_add_worksheet(wb, "数据说明");
	struct buf url;
	lxw_row_t r = 0;
	size_t i;

	for (i = 0; i < 6; i++)
		lxw.worksheet_write_string(ws, 0, (lxw_col_t)i, head[i], bold);
	lxw.worksheet_freeze_panes(ws, 1, 0);
	lxw.worksheet_set_column(ws, 0, 2, 18, NULL);
	lxw.worksheet_set_column(ws, 5, 5, 60, NULL);
	for (i = 0; i < sc->nfields; i++) {
		const struct field *f = &sc->fields[i];

		r++;
		lxw.worksheet_write_string(ws, r, 0, f->name, NULL);
		if (f->title != NULL)
			lxw.worksheet_write_string(ws, r, 1, f->title, NULL);
		if (f->title_en != NULL)
			lxw.worksheet_write_string(ws, r, 2, f->title_en, NULL);
		lxw.worksheet_write_string(ws, r, 3, typename(f), NULL);
		if (f->unit != NULL)
			lxw.worksheet_write_string(ws, r, 4, f->unit, NULL);
		if (f->description != NULL)
			lxw.worksheet_write_string(ws, r, 5, f->description,
			    NULL);
	}
	r += 2;
	lxw.worksheet_write_string(ws, r, 0, "数据集", bold);
	lxw.worksheet_write_string(ws, r++, 1, sc->title != NULL ? sc->title :
	    t->name, NULL);
	lxw.worksheet_write_string(ws, r, 0, "版本", bold);
	lxw.worksheet_write_string(ws, r++, 1, p->version, NULL);
	lxw.worksheet_write_string(ws, r, 0, "数据截至", bold);
	lxw.worksheet_write_string(ws, r++, 1, p->as_of, NULL);
	lxw.worksheet_write_string(ws, r, 0, "发布者", bold);
	lxw.worksheet_write_string(ws, r++, 1, c->publisher != NULL ?
	    c->publisher : c->title, NULL);
	if (c->licence_id != NULL) {
		lxw.worksheet_write_string(ws, r, 0, "许可", bold);
		lxw.worksheet_write_string(ws, r, 1, c->licence_id, NULL);
		if (c->licence_url != NULL)
			lxw.worksheet_write_string(ws, r, 2, c->licence_url,
			    NULL);
		r++;
	}
	if (sc->raw != NULL) {
		const char *prov = value_get_str(value_get(sc->raw, "catalog"),
		    "provenance");

		if (prov != NULL) {
			lxw.worksheet_write_string(ws, r, 0, "来源", bold);
			lxw.worksheet_write_string(ws, r++, 1, prov, NULL);
		}
	}
	lxw.worksheet_write_string(ws, r, 0, "网址", bold);
	buf_init(&url);		/* not p's arena: other threads use it */
	buf_printf(&url, "%sdata/v/%s/%s.xlsx", c->base_url, p->version,
	    t->name);
	lxw.worksheet_write_string(ws, r, 1, url.data, NULL);
	buf_release(&url);
}

static int
workbook(const struct datapkg *p, const struct table *t, const char *path)
{
	const struct schema *sc = t->schema;
	lxw_workbook_options o = { .constant_memory = LXW_TRUE };
	lxw_doc_properties props;
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *bold, *date, *dec[16] = { NULL };
	struct buf tmp;
	size_t i, j;
	char *dir = xstrdup(path);
	lxw_error err;

	*strrchr(dir, '/') = '\0';
	o.tmpdir = dir;
	lxw_load();
	if ((wb = lxw.workbook_new_opt(path, &o)) == NULL) {
		free(dir);
		diag_error(path, 0, 0, "cannot make the workbook");
		return -1;
	}
	memset(&props, 0, sizeof(props));
	props.title = (char *)(sc->title != NULL ? sc->title : t->name);
	props.subject = (char *)t->name;
	props.author = (char *)(p->site->cfg.publisher != NULL ?
	    p->site->cfg.publisher : p->site->cfg.title);
	props.created = (time_t)rfc3339_epoch(p->created);
	lxw.workbook_set_properties(wb, &props);
	bold = lxw.workbook_add_format(wb);
	lxw.format_set_bold(bold);
	date = lxw.workbook_add_format(wb);
	lxw.format_set_num_format(date, "yyyy-mm-dd");
	ws = lxw.workbook_add_worksheet(wb, "数据");
	for (j = 0; j < sc->nfields; j++) {
		const struct field *f = &sc->fields[j];

		lxw.worksheet_write_string(ws, 0, (lxw_col_t)j,
		    f->title != NULL ? f->title : f->name, bold);
		lxw.worksheet_set_column(ws, (lxw_col_t)j, (lxw_col_t)j,
		    f->type == FT_STRING || f->type == FT_LIST ? 24 : 14, NULL);
	}
	lxw.worksheet_freeze_panes(ws, 1, 0);
	buf_init(&tmp);
	for (i = 0; i < t->nrows; i++)
		for (j = 0; j < sc->nfields; j++)
			cell(ws, wb, (lxw_row_t)(i + 1), (lxw_col_t)j,
			    &sc->fields[j], value_get(t->rows[i],
			    sc->fields[j].name), date, dec, &tmp);
	buf_release(&tmp);
	if (t->nrows > 0)
		lxw.worksheet_autofilter(ws, 0, 0, (lxw_row_t)t->nrows,
		    (lxw_col_t)(sc->nfields - 1));
	dictionary(wb, p, t, bold);
	err = lxw.workbook_close(wb);
	free(dir);
	if (err != LXW_NO_ERROR) {
		diag_error(path, 0, 0, "cannot write the workbook: %s",
		    lxw.lxw_strerror(err));
		return -1;
	}
	return 0;
}

static void
keystr(struct buf *k, const char *s)
{
	buf_puts(k, s != NULL ? s : "\x1e");
	buf_putc(k, '\x1f');
}

/* The cache name of t's workbook, from all it shows: the rows, as the
 * table's JSON and CSV files hold them (their checksums), the schema's
 * fields and the package's words on the dictionary sheet. */
static void
cachename(const struct datapkg *p, const struct table *t, char *name,
    size_t size)
{
	const struct config *c = &p->site->cfg;
	const struct schema *sc = t->schema;
	struct buf k;
	char sum[65];
	size_t i;

	buf_init(&k);
	buf_printf(&k, "xlsx-1 %s\n", HEARTH_VERSION);
	for (i = 0; i < t->nfiles; i++) {
		const struct dfile *f = &p->files[t->files[i]];

		if (f->kind == DF_JSON || f->kind == DF_CSV)
			buf_printf(&k, "%s %s\n", f->path, f->sha256);
	}
	for (i = 0; i < sc->nfields; i++) {
		const struct field *f = &sc->fields[i];

		keystr(&k, f->name);
		keystr(&k, f->title);
		keystr(&k, f->title_en);
		keystr(&k, f->unit);
		keystr(&k, f->description);
		keystr(&k, typename(f));
		buf_printf(&k, "%d %d\n", (int)f->type, f->precision);
	}
	keystr(&k, sc->title);
	keystr(&k, t->name);
	keystr(&k, p->version);
	keystr(&k, p->as_of);
	keystr(&k, p->created);
	keystr(&k, c->publisher);
	keystr(&k, c->title);
	keystr(&k, c->licence_id);
	keystr(&k, c->licence_url);
	keystr(&k, c->base_url);
	keystr(&k, sc->raw != NULL ? value_get_str(value_get(sc->raw,
	    "catalog"), "provenance") : NULL);
	sha256_hex(k.data, k.len, sum);
	buf_release(&k);
	snprintf(name, size, "xlsx-%.32s", sum);
}

/* A workbook not in the cache, made on a thread of its own: it reads the
 * table's rows and schema and the site's words, which nothing changes
 * while the package's other files are made. */
struct xlsxjob {
	const struct datapkg *p;
	const struct table *t;
	char		 name[48];	/* in the cache */
	pthread_t	 thread;
	bool		 running;	/* thread to be joined */
	char		*bytes;		/* made, or NULL after reporting */
	size_t		 len;
	const char	*bulkdir;	/* the bulk download's, or NULL */
	long long	 bulkmtime;
};

static void *
make(void *arg)
{
	struct xlsxjob *j = arg;
	char dir[4096], path[4200];

	snprintf(dir, sizeof(dir), "%s/hearth-xlsx.XXXXXX", scratch_dir());
	if (mkdtemp(dir) == NULL) {
		diag_error(dir, 0, 0, "cannot make a temporary folder: %s",
		    strerror(errno));
		return NULL;
	}
	snprintf(path, sizeof(path), "%s/%s.xlsx", dir, j->t->name);
	if (workbook(j->p, j->t, path) == 0) {
		if ((j->bytes = buf_read_file(path, &j->len)) != NULL) {
			cache_put(j->name, j->bytes, j->len);
			/* Its piece of the bulk download too, here: an edit
			 * of a row changes the compressed sheet from that row
			 * on, and the stations' 3 MB took the main thread
			 * 100 ms to compress again. */
			if (j->bulkdir != NULL) {
				char sum[65], member[128];

				sha256_hex(j->bytes, j->len, sum);
				snprintf(member, sizeof(member), "%s.xlsx",
				    j->t->name);
				tgz_warm(j->bulkdir, j->bulkmtime, member,
				    j->bytes, j->len, sum);
			}
		} else
			diag_error(path, 0, 0, "cannot read the workbook "
			    "made: %s", strerror(errno));
	}
	unlink(path);
	rmdir(dir);
	return NULL;
}

void
xlsx_start(struct datapkg *p, int ti)
{
	struct table *t = &p->tables[ti];
	struct xlsxjob *j = xcalloc(1, sizeof(*j));

	j->p = p;
	j->t = t;
	cachename(p, t, j->name, sizeof(j->name));
	t->workbook = j;
	if ((j->bytes = cache_get(j->name, &j->len)) != NULL)
		return;
	if (p->bulking) {
		j->bulkdir = p->bulk.dir;
		j->bulkmtime = p->bulk.mtime;
	}
	if (pthread_create(&j->thread, NULL, make, j) != 0)
		xdie("pthread_create failed");
	j->running = true;
}

/* The workbook of t, waited for: its bytes (taken over), or NULL. */
static char *
finish(struct table *t, size_t *len)
{
	struct xlsxjob *j = t->workbook;
	char *bytes;

	if (j == NULL)
		return NULL;
	if (j->running)
		pthread_join(j->thread, NULL);
	bytes = j->bytes;
	*len = j->len;
	free(j);
	t->workbook = NULL;
	return bytes;
}

int
xlsx_finish(struct datapkg *p)
{
	size_t i, len;
	char *bytes;
	int rc = 0;

	for (i = 0; i < p->ntables; i++) {
		bytes = finish(&p->tables[i], &len);
		if (bytes == NULL || rc < 0) {
			free(bytes);
			rc = -1;
			continue;
		}
		datapkg_add(p, arena_printf(&p->arena, "%s.xlsx",
		    p->tables[i].name), bytes, len, DF_XLSX, XLSX_MEDIATYPE,
		    "xlsx", (int)i);
	}
	return rc;
}

void
xlsx_abandon(struct datapkg *p)
{
	size_t i, len;

	for (i = 0; i < p->ntables; i++)
		free(finish(&p->tables[i], &len));
}
