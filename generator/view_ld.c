/*
 * view_ld: what machines read of a page — its canonical URL, schema.org
 * JSON-LD, and the document the search index is built from.
 */
#include <math.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "buf.h"
#include "dataset.h"
#include "diag.h"
#include "json.h"
#include "map.h"
#include "markdown.h"
#include "release.h"
#include "schema.h"
#include "site.h"
#include "util.h"
#include "value.h"
#include "view_int.h"

/* ==== structured data and search ======================================== */

const char *
view_canonical(struct view *v, struct arena *a, const struct page *p)
{
	const char *file = p->file;
	size_t n = strlen(file);

	if (str_has_suffix(file, "index.html"))
		n -= strlen("index.html");
	return arena_printf(a, "%s%s", v->s->cfg.base_url, vw_href(v, a,
	    arena_strndup(a, file, n)) + strlen(v->s->cfg.base_path));
}

struct value *
view_news_body(struct view *v, struct arena *a, const struct news *n)
{
	return vw_markdown(v, a, n->body, n->body_len, n->path, n->body_line,
	    n->bundle, n->rec->fields, n->county != NULL ?
	    n->county->div->code : NULL, NULL);
}

/* An object of schema.org type t with name. */
static struct value *
thing(struct arena *a, const char *t, const char *name)
{
	struct value *o = value_obj(a);

	value_set_str(a, o, "@type", t);
	if (name != NULL)
		value_set_str(a, o, "name", name);
	return o;
}

/* schema.org JSON-LD for a page: NewsArticle for news, Place for
 * stations, GovernmentOrganization for the departments that publish and
 * issue, WebSite for the home page. */
struct value *
vw_jsonld(struct view *v, struct arena *a, const struct page *p,
    const char *canonical)
{
	const struct config *c = &v->s->cfg;
	struct value *o = NULL, *pub;
	const struct record *r;
	struct buf b;

	pub = thing(a, "GovernmentOrganization", c->publisher ? c->publisher :
	    c->title);
	value_set_str(a, pub, "url", c->base_url);
	switch (p->kind) {
	case PG_NEWS: {
		const struct news *n = p->obj;
		const char *src = record_str(n->rec, "source");
		const char *author = record_str(n->rec, "author");

		o = thing(a, "NewsArticle", NULL);
		value_set_str(a, o, "headline", n->title);
		value_set_str(a, o, "datePublished", n->date);
		if (record_str(n->rec, "summary") != NULL)
			value_set_str(a, o, "description",
			    record_str(n->rec, "summary"));
		value_set_str(a, o, "inLanguage", c->language);
		value_set(a, o, "publisher", pub);
		if (author != NULL)
			value_set(a, o, "author", thing(a, "Person", author));
		if (src != NULL)
			value_set(a, o, "sourceOrganization", thing(a,
			    "NewsMediaOrganization", src));
		if (n->province != NULL)
			value_set(a, o, "contentLocation", thing(a, "Place",
			    n->province->div->name));
		break;
	}
	case PG_STATION: {
		const struct value *lon, *lat;
		const char *county;
		struct area *ar;

		r = p->obj;
		o = thing(a, "Place", record_str(r, "name"));
		lon = record_get(r, "lon");
		lat = record_get(r, "lat");
		if (lon != NULL && lat != NULL) {
			struct value *g = thing(a, "GeoCoordinates", NULL);

			value_set(a, g, "latitude", (struct value *)lat);
			value_set(a, g, "longitude", (struct value *)lon);
			value_set(a, o, "geo", g);
		}
		if ((county = record_str(r, "county")) != NULL &&
		    (ar = site_area(v->s, county)) != NULL) {
			struct value *addr = thing(a, "PostalAddress", NULL);

			value_set_str(a, addr, "addressRegion",
			    ar->province->div->name);
			value_set_str(a, addr, "addressLocality", ar->div->name);
			value_set_str(a, addr, "addressCountry", "CN");
			value_set(a, o, "address", addr);
		}
		break;
	}
	case PG_CAMPAIGN:
	case PG_INITIATIVE: {
		const char *issuer;

		r = p->obj;
		issuer = record_str(r, "issuer");
		if (issuer == NULL && record_get(r, "organisers") != NULL)
			issuer = record_get(r, "organisers")->u.arr.v[0]->u.str.s;
		if (issuer == NULL)
			return value_null(a);
		o = thing(a, "GovernmentOrganization", issuer);
		if (record_str(r, "province") != NULL) {
			const struct division *d = division_find(&v->s->div,
			    record_str(r, "province"));

			if (d != NULL)
				value_set(a, o, "areaServed", thing(a,
				    "AdministrativeArea", d->name));
		}
		break;
	}
	case PG_HOME:
		o = thing(a, "WebSite", c->title);
		value_set_str(a, o, "url", c->base_url);
		value_set_str(a, o, "inLanguage", c->language);
		value_set(a, o, "publisher", pub);
		break;
	default:
		return value_null(a);
	}
	value_set_str(a, o, "@context", "https://schema.org");
	value_set_str(a, o, "url", canonical);
	buf_init(&b);
	json_write(&b, o, -1);
	o = vw_scriptjson(a, &b);
	buf_release(&b);
	return o;
}

static const char *
plaintext(struct arena *a, const char *md, size_t len)
{
	struct buf b;
	const char *s;

	buf_init(&b);
	markdown_text(&b, md, len);
	s = arena_strndup(a, b.data ? b.data : "", b.len);
	buf_release(&b);
	return s;
}

/* A record's list field joined with spaces, for search. */
static const char *
joined(struct arena *a, const struct record *r, const char *const *fields)
{
	struct buf b;
	const char *s;
	size_t i, k;

	buf_init(&b);
	for (i = 0; fields[i] != NULL; i++) {
		const struct value *f = record_get(r, fields[i]);

		if (f == NULL)
			continue;
		if (f->kind == VAL_ARR)
			for (k = 0; k < f->u.arr.len; k++) {
				value_text(&b, f->u.arr.v[k]);
				buf_putc(&b, ' ');
			}
		else {
			value_text(&b, f);
			buf_putc(&b, ' ');
		}
	}
	s = arena_strndup(a, b.data ? b.data : "", b.len);
	buf_release(&b);
	return s;
}

bool
view_search_doc(struct view *v, struct arena *a, const struct page *p,
    struct search_doc *d)
{
	static const char *const stationf[] = { "services", "note", NULL };
	static const char *const campf[] = { "focus_areas", "slogan",
	    "issuer", "requirements", NULL };
	static const char *const initf[] = { "organisers", "linked_forces",
	    "base", "functions", "model", "description", NULL };
	const struct record *r;
	const struct area *ar;
	const char *dir;

	memset(d, 0, sizeof(*d));
	dir = arena_strndup(a, p->file, strlen(p->file) -
	    (str_has_suffix(p->file, "index.html") ? strlen("index.html") : 0));
	d->url = vw_href(v, a, dir);
	switch (p->kind) {
	case PG_NEWS: {
		const struct news *n = p->obj;

		d->title = n->title;
		d->kind = UI(KIND_NEWS);
		d->snippet = record_str(n->rec, "summary");
		d->text[1] = arena_printf(a, "%s %s", d->snippet ? d->snippet :
		    "", joined(a, n->rec, (const char *const[]){ "tags",
		    "source", NULL }));
		d->text[2] = plaintext(a, n->body, n->body_len);
		break;
	}
	case PG_STATION: {
		const char *t = record_str(p->obj, "township");
		const struct division *td = t ? division_find(&v->s->div, t) :
		    NULL;

		r = p->obj;
		ar = record_str(r, "county") ? site_area(v->s,
		    record_str(r, "county")) : NULL;
		d->title = record_str(r, "name");
		d->kind = UI(KIND_STATION);
		d->snippet = ar != NULL ? arena_printf(a, "%s %s%s%s",
		    ar->province->div->name, ar->div->name, td ? " " : "",
		    td ? td->name : "") : NULL;
		d->text[1] = d->snippet;
		d->text[2] = joined(a, r, stationf);
		break;
	}
	case PG_COUNTY:
		ar = p->obj;
		d->title = ar->div->name;
		d->kind = UI(KIND_COUNTY);
		d->snippet = UIF(SNIPPET_COUNTY, "province",
		    ar->province->div->name, "prefecture",
		    ar->div->parent->name, "townships", arena_printf(a, "%ld",
		    ar->div->townships));
		d->text[1] = d->snippet;
		break;
	case PG_PROVINCE:
		ar = p->obj;
		d->title = ar->div->name;
		d->kind = UI(KIND_PROVINCE);
		d->snippet = UIF(SNIPPET_PROVINCE, "townships",
		    arena_printf(a, "%ld", ar->div->townships));
		break;
	case PG_BRAND: {
		const struct brand *br = p->obj;

		d->title = br->title;
		d->kind = UI(KIND_BRAND);
		d->snippet = record_str(br->rec, "summary");
		/* The county's name counts as much as the title: people
		 * look for the brand by place. */
		d->text[0] = arena_printf(a, "%s %s", br->title,
		    br->county->div->name);
		d->text[1] = d->snippet;
		d->text[2] = plaintext(a, br->body, br->body_len);
		break;
	}
	case PG_CAMPAIGN:
		r = p->obj;
		d->title = record_str(r, "name");
		d->kind = UI(KIND_CAMPAIGN);
		d->snippet = record_str(r, "slogan");
		d->text[1] = joined(a, r, campf);
		d->text[2] = joined(a, r, (const char *const[]){ "name_en",
		    NULL });
		break;
	case PG_INITIATIVE:
		r = p->obj;
		d->title = record_str(r, "name");
		d->kind = UI(KIND_INITIATIVE);
		d->snippet = record_str(r, "description");
		d->text[1] = joined(a, r, initf);
		break;
	case PG_DATASET: {
		const struct table *t = p->obj;

		d->title = t->schema->title ? t->schema->title : t->name;
		d->kind = UI(KIND_DATASET);
		d->snippet = t->schema->description;
		d->text[1] = arena_printf(a, "%s %s", t->name,
		    d->snippet ? d->snippet : "");
		break;
	}
	default:
		return false;
	}
	if (d->title == NULL)
		return false;
	if (d->text[0] == NULL)
		d->text[0] = d->title;
	return true;
}

