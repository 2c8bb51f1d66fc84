/*
 * catalog: package-level metadata of the published data.
 *
 * catalog_package makes a whole package: the tables and their files
 * (dataset.c), the Excel workbooks and the SQLite database (from the
 * tables), then what follows from the schemas and the files' sizes and
 * checksums: a Frictionless Data Package v2 descriptor with a Table Schema
 * per resource, a DCAT 3 catalog in JSON-LD (context inlined, so it needs
 * no network), SHA256SUMS, and the end of the reproducible tar.gz every
 * file joined as it was made (tgz.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "catalog.h"
#include "dbfile.h"
#include "xlsxfile.h"
#include "cache.h"
#include "dataset.h"
#include "diag.h"
#include "json.h"
#include "schema.h"
#include "site.h"
#include "util.h"
#include "value.h"

/* ==== small JSON writers ================================================= */

static void
key(struct buf *b, const char *k)
{
	buf_put_json_str(b, k, strlen(k));
	buf_putc(b, ':');
}

static void
str(struct buf *b, const char *s)
{
	buf_put_json_str(b, s, strlen(s));
}

/* "k":"v", with a leading comma unless first. */
static void
kv(struct buf *b, int *first, const char *k, const char *v)
{
	if (v == NULL)
		return;
	if (!*first)
		buf_putc(b, ',');
	*first = 0;
	key(b, k);
	str(b, v);
}

/* A string in both languages for JSON-LD: [{"@value":..,"@language":..}]. */
static void
langs(struct buf *b, const char *lang, const char *zh, const char *en)
{
	buf_putc(b, '[');
	buf_puts(b, "{\"@value\":");
	str(b, zh);
	buf_puts(b, ",\"@language\":");
	str(b, lang);
	buf_putc(b, '}');
	if (en != NULL) {
		buf_puts(b, ",{\"@value\":");
		str(b, en);
		buf_puts(b, ",\"@language\":\"en\"}");
	}
	buf_putc(b, ']');
}

static const char *
catalogstr(const struct schema *s, const char *k)
{
	return value_get_str(value_get(s->raw, "catalog"), k);
}

/* ==== Table Schema ======================================================= */

static void
tsfield(struct buf *b, const struct field *fd)
{
	static const char *const types[] = {
		[FT_STRING] = "string", [FT_INTEGER] = "integer",
		[FT_NUMBER] = "number", [FT_BOOLEAN] = "boolean",
		[FT_DATE] = "date", [FT_YEARMONTH] = "yearmonth",
		[FT_LIST] = "string", [FT_REF] = "string",
		[FT_DIVISION] = "string",
	};
	int first = 1, cfirst = 1;
	size_t i;

	buf_putc(b, '{');
	kv(b, &first, "name", fd->name);
	kv(b, &first, "type", types[fd->type]);
	kv(b, &first, "title", fd->title);
	kv(b, &first, "description", fd->description);
	/* The v2 profile has no list type: lists are strings whose items
	 * are separated by '|', said in an extra property. */
	if (fd->type == FT_LIST)
		buf_puts(b, ",\"listDelimiter\":\"|\"");
	if (fd->type == FT_BOOLEAN)
		buf_puts(b, ",\"trueValues\":[\"true\"],\"falseValues\":"
		    "[\"false\"]");
	/* Extra properties (allowed by Table Schema) for readers. */
	kv(b, &first, "title_en", fd->title_en);
	kv(b, &first, "unit", fd->unit);
	if (fd->precision >= 0)
		buf_printf(b, ",\"decimals\":%d", fd->precision);
	buf_puts(b, ",\"constraints\":{");
	if (fd->required) {
		buf_puts(b, "\"required\":true");
		cfirst = 0;
	}
	if (fd->has_min && (fd->type == FT_INTEGER || fd->type == FT_NUMBER)) {
		buf_printf(b, "%s\"minimum\":%.15g", cfirst ? "" : ",", fd->min);
		cfirst = 0;
	}
	if (fd->has_max && (fd->type == FT_INTEGER || fd->type == FT_NUMBER)) {
		buf_printf(b, "%s\"maximum\":%.15g", cfirst ? "" : ",", fd->max);
		cfirst = 0;
	}
	if (fd->type == FT_DIVISION) {
		buf_printf(b, "%s\"pattern\":\"[0-9]+\"", cfirst ? "" : ",");
		cfirst = 0;
	}
	if (fd->type == FT_STRING && fd->max_length > 0) {
		buf_printf(b, "%s\"maxLength\":%zu", cfirst ? "" : ",",
		    fd->max_length);
		cfirst = 0;
	}
	if (fd->enums != NULL && fd->type == FT_STRING) {
		buf_puts(b, cfirst ? "\"enum\":[" : ",\"enum\":[");
		for (i = 0; i < fd->nenums; i++) {
			if (i > 0)
				buf_putc(b, ',');
			str(b, fd->enums[i]);
		}
		buf_putc(b, ']');
	}
	buf_puts(b, "}}");
}

/* The dataset a field's values point into, for foreign keys. */
static const struct table *
target(const struct datapkg *p, const struct field *fd, const char **field)
{
	size_t i;

	if (fd->type == FT_DIVISION && (fd->level == DIV_COUNTY ||
	    fd->level == DIV_PROVINCE)) {
		*field = "code";
		return datapkg_table(p, fd->level == DIV_COUNTY ? "counties" :
		    "provinces");
	}
	if (fd->type != FT_REF)
		return NULL;
	for (i = 0; i < p->ntables; i++)
		if (strcmp(p->tables[i].schema->name, fd->ref) == 0) {
			const struct schema *s = p->tables[i].schema;

			*field = s->fields[s->pk].name;
			return &p->tables[i];
		}
	return NULL;
}

static void
tableschema(struct buf *b, const struct datapkg *p, const struct table *t)
{
	const struct schema *s = t->schema;
	size_t i;
	int nfk = 0;

	buf_puts(b, "{\"$schema\":\"https://datapackage.org/profiles/2.0/"
	    "tableschema.json\",\"fields\":[");
	for (i = 0; i < s->nfields; i++) {
		if (i > 0)
			buf_putc(b, ',');
		tsfield(b, &s->fields[i]);
	}
	buf_puts(b, "],\"missingValues\":[\"\"],\"primaryKey\":[");
	str(b, s->fields[s->pk].name);
	buf_puts(b, "]");
	for (i = 0; i < s->nfields; i++) {
		const char *f;
		const struct table *to = target(p, &s->fields[i], &f);

		if (to == NULL || (to == t && (int)i == s->pk))
			continue;
		buf_puts(b, nfk++ == 0 ? ",\"foreignKeys\":[" : ",");
		buf_puts(b, "{\"fields\":[");
		str(b, s->fields[i].name);
		buf_puts(b, "],\"reference\":{\"resource\":");
		str(b, to == t ? "" : to->name);
		buf_puts(b, ",\"fields\":[");
		str(b, f);
		buf_puts(b, "]}}");
	}
	if (nfk > 0)
		buf_putc(b, ']');
	buf_putc(b, '}');
}

/* ==== datapackage.json =================================================== */

/*
 * The Chinese government open-data catalogue's core items (after GB/T
 * 21063.3 and the 2017 catalogue guide), each mapped to the descriptor
 * property it restates; docs/data.md has the table.
 */
static void
zhcatalog(struct buf *b, const struct datapkg *p, const struct table *t)
{
	const struct config *c = &p->site->cfg;
	const struct schema *s = t->schema;
	const char *freq = catalogstr(s, "update_frequency");
	const char *cat = catalogstr(s, "category");
	const char *open = catalogstr(s, "open_type");
	int first = 1;
	size_t i;

	buf_puts(b, ",\"zh_catalog\":{");
	kv(&*b, &first, "信息资源名称", s->title ? s->title : t->name);
	buf_puts(b, ",\"信息资源代码\":");
	str(b, arena_printf((struct arena *)&p->arena, "%s/%s", p->name,
	    t->name));
	kv(b, &first, "信息资源提供方", c->publisher);
	kv(b, &first, "信息资源摘要", s->description);
	kv(b, &first, "信息资源分类", cat != NULL ? cat : "社会服务");
	buf_puts(b, ",\"信息资源格式\":");
	str(b, t->geometry != NULL ? "JSON; CSV; GeoJSON" : "JSON; CSV");
	kv(b, &first, "更新周期", freq != NULL ? freq : "不定期");
	kv(b, &first, "发布日期", p->as_of);
	kv(b, &first, "开放属性", open != NULL ? open : "无条件开放");
	buf_puts(b, ",\"信息项\":[");
	for (i = 0; i < s->nfields; i++) {
		if (i > 0)
			buf_putc(b, ',');
		str(b, s->fields[i].title ? s->fields[i].title :
		    s->fields[i].name);
	}
	buf_puts(b, "]}");
}

static void
resource(struct buf *b, const struct datapkg *p, const struct dfile *f,
    int first)
{
	const struct table *t = f->table >= 0 ? &p->tables[f->table] : NULL;
	char name[160];
	size_t i;

	/* Resource names: the dataset for its main CSV, then a suffix per
	 * distribution; lower case, digits, '-', '_' and '.' only. */
	snprintf(name, sizeof(name), "%s", f->path);
	for (i = 0; name[i] != '\0'; i++)
		if (name[i] == '/')
			name[i] = '.';
	if (f->kind == DF_CSV)
		snprintf(name, sizeof(name), "%s", t->name);
	buf_puts(b, first ? "\n{" : ",\n{");
	buf_puts(b, "\"name\":");
	str(b, name);
	buf_puts(b, ",\"path\":");
	str(b, f->path);
	if (f->kind == DF_CSV || f->kind == DF_EXCEL || f->kind == DF_SLICE_CSV)
		buf_puts(b, ",\"type\":\"table\"");
	buf_puts(b, ",\"format\":");
	str(b, f->format);
	buf_puts(b, ",\"mediatype\":");
	str(b, f->mediatype);
	if (f->kind != DF_DATABASE && f->kind != DF_XLSX)
		buf_puts(b, ",\"encoding\":\"utf-8\"");
	buf_printf(b, ",\"bytes\":%zu,\"hash\":\"sha256:%s\"", f->len,
	    f->sha256);
	if (t != NULL) {
		buf_puts(b, ",\"title\":");
		str(b, t->schema->title ? t->schema->title : t->name);
		if (t->schema->title_en != NULL) {
			buf_puts(b, ",\"title_en\":");
			str(b, t->schema->title_en);
		}
	}
	switch (f->kind) {
	case DF_CSV:
	case DF_EXCEL:
	case DF_SLICE_CSV:
		if (f->kind == DF_EXCEL)
			buf_puts(b, ",\"description\":\"The same table with a "
			    "UTF-8 byte order mark, so that Excel reads the "
			    "Chinese text correctly.\"");
		buf_puts(b, ",\"dialect\":{\"header\":true,\"delimiter\":\",\","
		    "\"lineTerminator\":\"\\r\\n\",\"quoteChar\":\"\\\"\","
		    "\"doubleQuote\":true},\"schema\":");
		if (f->kind == DF_SLICE_CSV)
			buf_printf(b, "\"" TABLE_SCHEMA_PATH "\"", t->name);
		else
			tableschema(b, p, t);
		if (f->kind == DF_CSV)
			zhcatalog(b, p, t);
		break;
	case DF_JSON:
	case DF_SLICE_JSON:
		buf_printf(b, ",\"jsonSchema\":\"" JSON_SCHEMA_PATH "\"", t->name);
		break;
	case DF_GEOJSON:
		buf_puts(b, ",\"conformsTo\":\"https://www.rfc-editor.org/rfc/"
		    "rfc7946\",\"crs\":\"WGS 84 longitude/latitude\"");
		buf_printf(b, ",\"coordinateDecimals\":%d",
		    strcmp(t->geometry, "point") == 0 ? 6 : 4);
		break;
	default:
		break;
	}
	buf_putc(b, '}');
}

static void
datapackage(struct buf *b, const struct datapkg *p)
{
	const struct config *c = &p->site->cfg;
	const struct value *srcs = c->data.sources;
	size_t i;
	int first = 1;

	buf_puts(b, "{\"$schema\":\"https://datapackage.org/profiles/2.0/"
	    "datapackage.json\"");
	first = 0;
	kv(b, &first, "name", p->name);
	kv(b, &first, "title", c->title);
	kv(b, &first, "title_en", c->title_en);
	kv(b, &first, "description", c->description);
	buf_printf(b, ",\"homepage\":\"%sdata/\"", c->base_url);
	kv(b, &first, "version", p->version);
	kv(b, &first, "created", p->created);
	kv(b, &first, "data_as_of", p->as_of);
	kv(b, &first, "language", c->language);
	buf_puts(b, ",\"licenses\":[{");
	first = 1;
	kv(b, &first, "name", c->licence_id);
	kv(b, &first, "path", c->licence_url);
	kv(b, &first, "title", c->licence_title);
	buf_puts(b, "}]");
	if (c->publisher != NULL) {
		buf_puts(b, ",\"contributors\":[{\"title\":");
		str(b, c->publisher);
		buf_puts(b, ",\"organization\":");
		str(b, c->publisher);
		buf_puts(b, ",\"roles\":[\"publisher\"]}]");
	}
	if (srcs != NULL && srcs->kind == VAL_ARR) {
		buf_puts(b, ",\"sources\":");
		json_write(b, srcs, -1);
	}
	buf_puts(b, ",\"resources\":[");
	for (i = 0; i < p->nfiles; i++)
		resource(b, p, &p->files[i], i == 0);
	buf_puts(b, "\n]}\n");
}

/* ==== DCAT catalog ====================================================== */

/*
 * DCAT-AP 3.0.0: every object of a property is a resource of the class the
 * profile names, and its shapes check the rdf:type in the data (they do no
 * inference), so each node says what it is.  Formats, languages and themes
 * are IRIs of the EU's authority tables, which DCAT-AP recommends.
 */
#define EU_AUTH "http://publications.europa.eu/resource/authority/"

/* {"@id":iri,"@type":type}, iri = prefix + s. */
static void
node(struct buf *b, const char *prefix, const char *s, const char *type)
{
	struct buf iri;

	buf_init(&iri);
	buf_printf(&iri, "%s%s", prefix, s);
	buf_puts(b, "{\"@id\":");
	str(b, iri.data);
	buf_puts(b, ",\"@type\":");
	str(b, type);
	buf_putc(b, '}');
	buf_release(&iri);
}

/* "key":{"@id":..,"@type":..} after a comma. */
static void
knode(struct buf *b, const char *k, const char *prefix, const char *s,
    const char *type)
{
	buf_putc(b, ',');
	key(b, k);
	node(b, prefix, s, type);
}

/* The EU file-type code of a distribution's format. */
static const char *
filetype(const struct dfile *f)
{
	switch (f->kind) {
	case DF_GEOJSON:
		return "GEOJSON";
	case DF_XLSX:
		return "XLSX";
	case DF_DATABASE:
		return "SQL";
	case DF_JSON:
	case DF_SLICE_JSON:
	case DF_SCHEMA:
	case DF_TABLESCHEMA:
		return "JSON";
	default:
		return "CSV";
	}
}

/* The EU language code (ISO 639-3 style) of a BCP 47 tag's language. */
static const char *
eulang(const char *tag)
{
	static const struct { const char *bcp, *eu; } t[] = {
		{ "zh", "ZHO" }, { "en", "ENG" }, { "bo", "BOD" },
		{ "ug", "UIG" }, { "mn", "MON" }, { "ko", "KOR" },
		{ "kk", "KAZ" }, { "za", "ZHA" }, { "ii", "III" },
	};
	size_t i, n = strcspn(tag, "-_");

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strlen(t[i].bcp) == n && strncmp(t[i].bcp, tag, n) == 0)
			return t[i].eu;
	return "MUL";	/* multiple languages: better than a wrong one */
}

static void
licence_node(struct buf *b, const struct config *c)
{
	if (c->licence_url != NULL)
		knode(b, "dct:license", "", c->licence_url,
		    "dct:LicenseDocument");
}

static void
publisher_node(struct buf *b, const struct config *c)
{
	buf_printf(b, ",\"dct:publisher\":{\"@id\":\"%s#publisher\","
	    "\"@type\":\"foaf:Agent\",\"foaf:name\":", c->base_url);
	langs(b, c->language, c->publisher != NULL ? c->publisher : c->title,
	    c->publisher != NULL ? c->publisher_en : c->title_en);
	buf_putc(b, '}');
}

/* DCAT's contact point, a vCard: hearth.yaml's contact, else the
 * publisher at the site's address. */
static void
contact_node(struct buf *b, const struct config *c)
{
	const struct config_contact *k = &c->contact;

	buf_printf(b, ",\"dcat:contactPoint\":{\"@id\":\"%s#contact\","
	    "\"@type\":[\"vcard:Kind\",\"vcard:Organization\"],\"vcard:fn\":", c->base_url);
	str(b, k->name != NULL ? k->name : c->publisher != NULL ?
	    c->publisher : c->title);
	if (k->email != NULL)
		knode(b, "vcard:hasEmail", "mailto:", k->email,
		    "rdfs:Resource");
	knode(b, "vcard:hasURL", "", k->url != NULL ? k->url : c->base_url,
	    "rdfs:Resource");
	buf_putc(b, '}');
}

static void
distribution(struct buf *b, const struct datapkg *p, const struct dfile *f)
{
	const struct config *c = &p->site->cfg;
	const struct table *t = &p->tables[f->table];
	char url[1024];

	snprintf(url, sizeof(url), "%sdata/%s", c->base_url, f->path);
	buf_puts(b, "{\"@id\":");
	str(b, url);
	buf_puts(b, ",\"@type\":\"dcat:Distribution\",\"dct:title\":");
	str(b, f->path);
	if (f->kind == DF_EXCEL) {
		buf_puts(b, ",\"dct:description\":");
		langs(b, "en", "The CSV file with a UTF-8 byte order mark and "
		    "formula-like text quoted, for Excel.", NULL);
	}
	knode(b, "dcat:downloadURL", "", url, "rdfs:Resource");
	snprintf(url, sizeof(url), "%sdata/%s/", c->base_url, t->name);
	knode(b, "dcat:accessURL", "", url, "rdfs:Resource");
	knode(b, "dct:format", EU_AUTH "file-type/", filetype(f),
	    "dct:MediaTypeOrExtent");
	knode(b, "dcat:mediaType", "https://www.iana.org/assignments/"
	    "media-types/", f->mediatype, "dct:MediaType");
	buf_printf(b, ",\"dcat:byteSize\":{\"@value\":\"%zu\",\"@type\":"
	    "\"xsd:nonNegativeInteger\"}", f->len);
	buf_printf(b, ",\"spdx:checksum\":{\"@type\":\"spdx:Checksum\","
	    "\"spdx:algorithm\":{\"@id\":\"spdx:checksumAlgorithm_sha256\","
	    "\"@type\":\"spdx:ChecksumAlgorithm\"},\"spdx:checksumValue\":{"
	    "\"@value\":\"%s\",\"@type\":\"xsd:hexBinary\"}}", f->sha256);
	licence_node(b, c);
	switch (f->kind) {
	case DF_GEOJSON:
		knode(b, "dct:conformsTo", "", "https://www.rfc-editor.org/rfc/"
		    "rfc7946", "dct:Standard");
		break;
	case DF_JSON:
		snprintf(url, sizeof(url), "%sdata/" JSON_SCHEMA_PATH,
		    c->base_url, t->name);
		knode(b, "dct:conformsTo", "", url, "dct:Standard");
		break;
	case DF_XLSX:
		knode(b, "dct:conformsTo", "", "https://ecma-international.org/"
		    "publications-and-standards/standards/ecma-376/",
		    "dct:Standard");
		break;
	default:
		knode(b, "dct:conformsTo", "", "https://www.rfc-editor.org/rfc/"
		    "rfc4180", "dct:Standard");
		break;
	}
	buf_putc(b, '}');
}

static void
dcat(struct buf *b, const struct datapkg *p)
{
	const struct site *s = p->site;
	const struct config *c = &s->cfg;
	char url[1024];
	size_t i, j;
	int nd;

	buf_puts(b, "{\"@context\":{\"dcat\":\"http://www.w3.org/ns/dcat#\","
	    "\"dct\":\"http://purl.org/dc/terms/\",\"foaf\":\"http://"
	    "xmlns.com/foaf/0.1/\",\"xsd\":\"http://www.w3.org/2001/"
	    "XMLSchema#\",\"spdx\":\"http://spdx.org/rdf/terms#\",\"rdfs\":"
	    "\"http://www.w3.org/2000/01/rdf-schema#\",\"locn\":\"http://"
	    "www.w3.org/ns/locn#\",\"vcard\":\"http://www.w3.org/2006/vcard/"
	    "ns#\",\"skos\":\"http://www.w3.org/2004/02/skos/core#\"},\n");
	buf_printf(b, "\"@id\":\"%sdata/catalog.jsonld\",\"@type\":"
	    "\"dcat:Catalog\",\"dct:title\":", c->base_url);
	langs(b, c->language, c->title, c->title_en);
	buf_puts(b, ",\"dct:description\":");
	langs(b, c->language, c->description != NULL ? c->description :
	    c->title, NULL);
	snprintf(url, sizeof(url), "%sdata/", c->base_url);
	knode(b, "foaf:homepage", "", url, "foaf:Document");
	knode(b, "dct:language", EU_AUTH "language/", eulang(c->language),
	    "dct:LinguisticSystem");
	publisher_node(b, c);
	licence_node(b, c);
	buf_puts(b, ",\"dcat:themeTaxonomy\":{\"@id\":\"" EU_AUTH "data-theme\","
	    "\"@type\":\"skos:ConceptScheme\",\"dct:title\":{\"@value\":"
	    "\"Data theme\",\"@language\":\"en\"}}");
	buf_printf(b, ",\"dct:issued\":{\"@value\":\"%s\",\"@type\":"
	    "\"xsd:date\"},\"dct:modified\":{\"@value\":\"%s\",\"@type\":"
	    "\"xsd:date\"}", p->as_of, p->as_of);
	buf_puts(b, ",\n\"dcat:dataset\":[");
	for (i = 0; i < p->ntables; i++) {
		const struct table *t = &p->tables[i];
		const struct schema *sc = t->schema;
		const struct value *kw = value_get(value_get(sc->raw,
		    "catalog"), "keywords");

		buf_printf(b, "%s\n{\"@id\":\"%sdata/%s/\",\"@type\":"
		    "\"dcat:Dataset\",\"dct:identifier\":\"%s/%s\","
		    "\"dct:title\":", i > 0 ? "," : "", c->base_url, t->name,
		    p->name, t->name);
		langs(b, c->language, sc->title ? sc->title : t->name,
		    sc->title_en);
		buf_puts(b, ",\"dct:description\":");
		langs(b, c->language, sc->description != NULL ?
		    sc->description : sc->title ? sc->title : t->name, NULL);
		if (kw != NULL && kw->kind == VAL_ARR) {
			buf_puts(b, ",\"dcat:keyword\":[");
			for (j = 0; j < kw->u.arr.len; j++) {
				buf_puts(b, j > 0 ? ",{\"@value\":" :
				    "{\"@value\":");
				str(b, kw->u.arr.v[j]->kind == VAL_STR ?
				    kw->u.arr.v[j]->u.str.s : "");
				buf_printf(b, ",\"@language\":\"%s\"}",
				    c->language);
			}
			buf_putc(b, ']');
		}
		buf_printf(b, ",\"dcat:theme\":{\"@id\":\"" EU_AUTH
		    "data-theme/%s\",\"@type\":\"skos:Concept\","
		    "\"skos:inScheme\":{\"@id\":\"" EU_AUTH "data-theme\"},"
		    "\"skos:prefLabel\":{\"@value\":\"%s\",\"@language\":"
		    "\"en\"}}", c->data.theme, config_theme_label(c->data.theme));
		publisher_node(b, c);
		contact_node(b, c);
		knode(b, "dct:language", EU_AUTH "language/",
		    eulang(c->language), "dct:LinguisticSystem");
		buf_printf(b, ",\"dct:issued\":{\"@value\":\"%s\",\"@type\":"
		    "\"xsd:date\"},\"dct:modified\":{\"@value\":\"%s\","
		    "\"@type\":\"xsd:date\"}", p->as_of, p->as_of);
		if (t->date_min != NULL)
			buf_printf(b, ",\"dct:temporal\":{\"@type\":"
			    "\"dct:PeriodOfTime\",\"dcat:startDate\":{\"@value\":"
			    "\"%s\",\"@type\":\"xsd:date\"},\"dcat:endDate\":{"
			    "\"@value\":\"%s\",\"@type\":\"xsd:date\"}}",
			    t->date_min, t->date_max);
		buf_puts(b, ",\"dct:spatial\":[");
		for (j = 0; j < s->nprovinces; j++) {
			const struct division *d = s->provinces[j].div;

			buf_printf(b, "%s{\"@type\":\"dct:Location\","
			    "\"dct:identifier\":\"%s\",\"rdfs:label\":{\"@value\":",
			    j > 0 ? "," : "", d->code);
			str(b, d->name);
			buf_printf(b, ",\"@language\":\"%s\"}}", c->language);
		}
		buf_putc(b, ']');
		licence_node(b, c);
		snprintf(url, sizeof(url), "%sdata/%s/", c->base_url, t->name);
		knode(b, "dcat:landingPage", "", url, "foaf:Document");
		buf_puts(b, ",\"dcat:distribution\":[");
		for (nd = 0, j = 0; j < t->nfiles; j++) {
			const struct dfile *f = &p->files[t->files[j]];

			if (f->kind == DF_SLICE_JSON || f->kind == DF_SLICE_CSV ||
			    f->kind == DF_SCHEMA || f->kind == DF_TABLESCHEMA)
				continue;
			if (nd++ > 0)
				buf_putc(b, ',');
			distribution(b, p, f);
		}
		buf_puts(b, "]}");
	}
	buf_puts(b, "\n]}\n");
}

/* ==== SHA256SUMS and the bulk download =================================== */

static int
cmpfile(const void *x, const void *y)
{
	return strcmp((*(const struct dfile *const *)x)->path,
	    (*(const struct dfile *const *)y)->path);
}

/* Take b's bytes as a package-level file. */
static void
addmeta(struct datapkg *p, const char *path, struct buf *b,
    const char *mediatype, const char *format)
{
	size_t len;
	char *data = buf_detach(b, &len);

	datapkg_add(p, path, data, len, DF_META, mediatype, format, -1);
}

int
catalog_package(struct datapkg *p, const struct site *s, const char *version,
    int jobs, const struct dsink *sink)
{
	struct dbjob *job;
	int wb;

	if (catalog_tables(p, s, version) < 0 ||
	    catalog_start(p, jobs, sink, &job) < 0)
		return -1;
	wb = catalog_workbooks(p);
	return catalog_finish(p, job) < 0 || wb < 0 ? -1 : 0;
}

int
catalog_tables(struct datapkg *p, const struct site *s, const char *version)
{
	return datapkg_records(p, s, version);
}

int
catalog_start(struct datapkg *p, int jobs, const struct dsink *sink,
    struct dbjob **job)
{
	int rc;

	*job = NULL;
	/* The database takes a thread of its own: it is as long to make as
	 * all the other files together, and reads only the tables (and the
	 * sink's digests, for the name of its cached tables).  Its
	 * full-text table needs the news table alone, so it starts before
	 * the other tables are made. */
	p->sink = sink;
	*job = dbfile_start(p);
	rc = datapkg_derive(p, jobs);
	dbfile_tables(*job, rc == 0);
	if (rc < 0) {
		dbfile_finish(*job, p);
		*job = NULL;
		return -1;
	}
	if (datapkg_files(p, jobs, sink, xlsx_start) < 0) {
		xlsx_abandon(p);
		dbfile_finish(*job, p);
		*job = NULL;
		return -1;
	}
	return 0;
}

int
catalog_workbooks(struct datapkg *p)
{
	return xlsx_finish(p);
}

/*
 * The bulk download is a function of its files (tgz_ident).  When they
 * are all as published, the archive is too: the cache names its size
 * and SHA-256 by that identity, and the sink keeps the published copy,
 * whose pieces are then never read (25 MB nationally).
 */
static void
archivename(const char *ident, char name[48])
{
	snprintf(name, 48, "tgz-k%.31s", ident);
}

static bool
archivekept(struct datapkg *p, const char *ident, struct dfile *f)
{
	const struct dsink *k = p->sink;
	char name[48], *known, sha[65];
	size_t n;
	int off = 0;
	bool ok;

	if (k == NULL || k->keep == NULL || ident[0] == '\0')
		return false;
	archivename(ident, name);
	if ((known = cache_get(name, &n)) == NULL)
		return false;
	memset(f, 0, sizeof(*f));
	ok = sscanf(known, "%64s %zu%n", sha, &f->len, &off) == 2 &&
	    strlen(sha) == 64 && known[off] == '\n' &&
	    known[off + 1] == '\0';
	free(known);
	if (!ok)
		return false;
	memcpy(f->sha256, sha, sizeof(sha));
	f->path = p->archive;
	f->kind = DF_ARCHIVE;
	f->fd = -1;
	if (k->keep(k->ud, p, f, false) < 0)
		return false;
	if (k->keep(k->ud, p, f, true) < 0) {
		p->sinkrc = -1;	/* the published copy changed under it */
		return false;
	}
	return true;
}

/* The archive laid into a file of the sink's, to be moved into place
 * (write.h, writer_scratch), never whole in memory: its descriptor, its
 * size and SHA-256 in f; or -1 to make it in memory. */
static int
archivefile(struct datapkg *p, struct dfile *f)
{
	const struct dsink *k = p->sink;
	char path[4096];
	int fd;

	if (k == NULL || k->scratch == NULL ||
	    (fd = k->scratch(k->ud, path, sizeof(path))) < 0)
		return -1;
	memset(f, 0, sizeof(*f));
	if (tgz_finish_fd(&p->bulk, fd, &f->len, f->sha256) < 0) {
		close(fd);	/* the writer removes the file */
		return -1;
	}
	return fd;
}

static void
archiveknown(const char *ident, const struct dfile *f)
{
	char name[48], line[96];
	int n;

	if (ident[0] == '\0')
		return;
	archivename(ident, name);
	n = snprintf(line, sizeof(line), "%s %zu\n", f->sha256, f->len);
	cache_put(name, line, (size_t)n);
}

int
catalog_finish(struct datapkg *p, struct dbjob *job)
{
	struct buf b;
	const struct dfile **sorted;
	struct dfile arch;
	size_t i, m, n, len;
	char *gz = NULL, ident[65];
	bool kept;
	int fd;

	if (dbfile_finish(job, p) < 0)
		return -1;
	buf_init(&b);
	for (i = 0; i < p->ntables; i++) {
		char *ts;

		tableschema(&b, p, &p->tables[i]);
		buf_putc(&b, '\n');
		ts = buf_detach(&b, &len);
		datapkg_add(p, arena_printf(&p->arena, TABLE_SCHEMA_PATH,
		    p->tables[i].name), ts, len, DF_TABLESCHEMA,
		    "application/json", "json", (int)i);
	}
	datapackage(&b, p);
	addmeta(p, "datapackage.json", &b, "application/json", "json");
	dcat(&b, p);
	addmeta(p, "catalog.jsonld", &b, "application/ld+json", "jsonld");

	/* SHA256SUMS: every file so far but the database, by path, as
	 * sha256sum -c reads; the bulk download holds exactly those files
	 * (the database is the same data again), and this list last. */
	n = p->nfiles;
	sorted = xcalloc(n, sizeof(*sorted));
	for (i = 0, m = 0; i < n; i++)
		if (p->files[i].kind != DF_DATABASE)
			sorted[m++] = &p->files[i];
	qsort(sorted, m, sizeof(*sorted), cmpfile);
	for (i = 0; i < m; i++)
		buf_printf(&b, "%s  %s\n", sorted[i]->sha256, sorted[i]->path);
	free(sorted);
	addmeta(p, "SHA256SUMS", &b, "text/plain", "txt");
	tgz_ident(&p->bulk, ident);
	if ((kept = archivekept(p, ident, &arch)))
		tgz_release(&p->bulk);
	else if ((fd = archivefile(p, &arch)) < 0 &&
	    (gz = tgz_finish(&p->bulk, &len)) == NULL) {
		diag_error(p->archive, 0, 0, "the data archive's pieces left "
		    "the cache during the build");
		p->bulking = false;
		return -1;
	}
	p->bulking = false;
	for (i = 0; i < n; i++)
		if (p->files[i].kind == DF_DATABASE) {
			const struct dfile *db = &p->files[i];
			const char *path = arena_printf(&p->arena, "%s.sha256",
			    db->path);

			buf_printf(&b, "%s  %s\n", db->sha256, db->path);
			addmeta(p, path, &b, "text/plain", "txt");
		}
	if (kept)
		i = datapkg_add_kept(p, p->archive, arch.len, arch.sha256,
		    DF_ARCHIVE, "application/gzip", "tar.gz");
	else {
		i = fd >= 0 ? datapkg_add_fd(p, p->archive, fd, arch.len,
		    arch.sha256, DF_ARCHIVE, "application/gzip", "tar.gz") :
		    datapkg_add(p, p->archive, gz, len, DF_ARCHIVE,
		    "application/gzip", "tar.gz", -1);
		archiveknown(ident, &p->files[i]);
	}
	buf_printf(&b, "%s  %s\n", p->files[i].sha256, p->archive);
	addmeta(p, arena_printf(&p->arena, "%s.sha256", p->archive), &b,
	    "text/plain", "txt");
	return p->sinkrc;
}
