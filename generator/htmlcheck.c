#include <ctype.h>
#include <gumbo.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diag.h"
#include "htmlcheck.h"
#include "util.h"

/* Elements that run, embed or redirect to code, in any page we check
 * (but the theme's own maps, own_map). */
static const char *const html_banned[] = { "iframe", "frame", "frameset",
    "object", "embed", "applet", "base", "portal", "fencedframe", NULL };
/* SVG elements that run script, or change attributes (an <animate> can
 * turn an href into javascript: after every check has passed). */
static const char *const svg_banned[] = { "script", "foreignobject",
    "animate", "set", "animatemotion", "animatetransform", "handler",
    "listener", "discard", NULL };
/* Attributes a browser reads as a URL to load or navigate to. */
static const char *const url_attrs[] = { "href", "src", "action",
    "formaction", "poster", "data", "background", "cite", "longdesc",
    "ping", "manifest", "codebase", "lowsrc", "dynsrc", "usemap",
    "profile", "classid", "archive", "itemtype", NULL };

static bool
inlist(const char *const *l, const char *s)
{
	for (; *l != NULL; l++)
		if (strcasecmp(*l, s) == 0)
			return true;
	return false;
}

static int
problem(struct htmlcheck_problem *p, GumboSourcePosition pos,
    const char *fmt, const char *a, const char *b)
{
	p->line = (int)pos.line;
	p->col = (int)pos.column;
	snprintf(p->what, sizeof(p->what), _(fmt), a, b);
	return 1;
}

/* CSS may not load anything or run anything: no url(), @import,
 * expression(), bindings or escapes that could spell them. */
static bool
css_safe(const char *s, size_t n)
{
	static const char *const bad[] = { "url(", "@import", "expression",
	    "javascript:", "behavior", "-moz-binding", "image-set(",
	    "src(", NULL };
	char *low = xmalloc(n + 1), *q = low;
	size_t i, k;
	bool ok = true;

	for (i = 0; i < n; i++) {
		if (s[i] == '\\')
			ok = false;
		if (!isspace((unsigned char)s[i]))
			*q++ = (char)tolower((unsigned char)s[i]);
	}
	*q = '\0';
	for (k = 0; ok && bad[k] != NULL; k++)
		if (strstr(low, bad[k]) != NULL)
			ok = false;
	free(low);
	return ok;
}

/* srcset: "url 1x, url 2x": every candidate's URL must be safe. */
static bool
srcset_safe(const char *v)
{
	while (*v != '\0') {
		const char *u;
		char *url;
		bool ok;

		while (isspace((unsigned char)*v) || *v == ',')
			v++;
		u = v;
		while (*v != '\0' && !isspace((unsigned char)*v))
			v++;
		if (v == u)
			break;
		url = xstrndup(u, (size_t)(v - u));
		ok = link_safe(url);
		free(url);
		if (!ok)
			return false;
		while (*v != '\0' && *v != ',')
			v++;
	}
	return true;
}

/* A script the theme may load: a path under <base>assets/, nothing that
 * could climb out of it or name another host. */
static bool
own_script(const char *src, const char *base)
{
	size_t n = strlen(base);

	return strncmp(src, base, n) == 0 &&
	    strncmp(src + n, "assets/", 7) == 0 &&
	    strstr(src, "..") == NULL && strchr(src, ':') == NULL &&
	    strchr(src, '\\') == NULL && strstr(src + 1, "//") == NULL &&
	    strspn(src, " \t\r\n\f") == 0;
}

/* A map the theme embeds: <object type="image/svg+xml"
 * data="<base>maps/<code>.svg"> (hearth's own drawing, which holds no
 * script), with no attribute beyond those the theme's partial writes. */
static bool
own_map(const GumboElement *e, const char *base)
{
	static const char *const allowed[] = { "data", "type", "class",
	    "width", "height", "aria-label", NULL };
	const GumboAttribute *data = gumbo_get_attribute(&e->attributes,
	    "data");
	const GumboAttribute *type = gumbo_get_attribute(&e->attributes,
	    "type");
	size_t n = strlen(base), k;
	const char *name;
	unsigned i;

	if (data == NULL || type == NULL ||
	    strcmp(type->value, "image/svg+xml") != 0)
		return false;
	for (i = 0; i < e->attributes.length; i++)
		if (!inlist(allowed, ((GumboAttribute *)
		    e->attributes.data[i])->name))
			return false;
	if (strncmp(data->value, base, n) != 0 ||
	    strncmp(data->value + n, "maps/", 5) != 0)
		return false;
	name = data->value + n + 5;
	k = strspn(name, "0123456789abcdefghijklmnopqrstuvwxyz");
	return k > 0 && strcmp(name + k, ".svg") == 0;
}

/* type="application/ld+json", as a browser compares it (ASCII
 * whitespace around it ignored, case-insensitive): a data block. */
static bool
jsonld(const char *t)
{
	static const char want[] = "application/ld+json";
	size_t n = sizeof(want) - 1;

	t += strspn(t, " \t\r\n\f");
	if (strncasecmp(t, want, n) != 0)
		return false;
	return t[n + strspn(t + n, " \t\r\n\f")] == '\0';
}

static const char *
tagname(const GumboElement *e, char *buf, size_t size)
{
	GumboStringPiece t;
	size_t i, n;

	if (e->tag != GUMBO_TAG_UNKNOWN)
		return gumbo_normalized_tagname(e->tag);
	t = e->original_tag;
	gumbo_tag_from_original_text(&t);
	n = t.length < size - 1 ? t.length : size - 1;
	for (i = 0; i < n; i++)
		buf[i] = (char)tolower((unsigned char)t.data[i]);
	buf[n] = '\0';
	return buf;
}

static const GumboAttribute *
attr(const GumboElement *e, const char *name)
{
	return gumbo_get_attribute(&e->attributes, name);
}

static int
element(const GumboNode *node, const char *base, struct htmlcheck_problem *p)
{
	const GumboElement *e = &node->v.element;
	const GumboAttribute *a;
	char nb[64];
	const char *name = tagname(e, nb, sizeof(nb));
	unsigned i;

	if (e->tag_namespace == GUMBO_NAMESPACE_SVG &&
	    inlist(svg_banned, name))
		return problem(p, e->start_pos, "an SVG <%s> element%s", name,
		    "");
	if (e->tag_namespace == GUMBO_NAMESPACE_HTML) {
		if (inlist(html_banned, name) &&
		    !(e->tag == GUMBO_TAG_OBJECT && own_map(e, base)))
			return problem(p, e->start_pos, "an <%s> element%s",
			    name, "");
		if (e->tag == GUMBO_TAG_SCRIPT) {
			const GumboAttribute *src = attr(e, "src");
			const GumboAttribute *type = attr(e, "type");
			bool data = type != NULL && jsonld(type->value);

			if (src != NULL && !own_script(src->value, base))
				return problem(p, e->start_pos, "a <script> "
				    "loading \"%.120s\"%s", src->value,
				    _(" (only the site's own assets/ may be "
				    "loaded)"));
			if (src == NULL && !data)
				return problem(p, e->start_pos, "a <script> "
				    "element%s%s", "", _(" (only JSON-LD "
				    "data blocks may be inline)"));
		}
		if (e->tag == GUMBO_TAG_META && attr(e, "http-equiv") != NULL)
			return problem(p, e->start_pos, "a <meta http-equiv> "
			    "element%s%s", "", "");
		if (e->tag == GUMBO_TAG_STYLE) {
			for (i = 0; i < e->children.length; i++) {
				const GumboNode *c = e->children.data[i];

				if (c->type == GUMBO_NODE_TEXT &&
				    !css_safe(c->v.text.text,
				    strlen(c->v.text.text)))
					return problem(p, e->start_pos, "a "
					    "<style> that loads or runs "
					    "something%s%s", "", "");
			}
		}
	}
	for (i = 0; i < e->attributes.length; i++) {
		const char *an;

		a = e->attributes.data[i];
		an = a->name;
		if (strncasecmp(an, "on", 2) == 0)
			return problem(p, a->name_start, "an event handler "
			    "(%.60s)%s", an, "");
		if (strcasecmp(an, "srcdoc") == 0)
			return problem(p, a->name_start, "a srcdoc "
			    "attribute%s%s", "", "");
		if ((inlist(url_attrs, an) || str_has_suffix(an, ":href")) &&
		    !(e->tag == GUMBO_TAG_SCRIPT && strcmp(an, "src") == 0) &&
		    !link_safe(a->value))
			return problem(p, a->value_start, "a link to \"%.120s\""
			    "%s", a->value, "");
		if ((strcasecmp(an, "srcset") == 0 ||
		    strcasecmp(an, "imagesrcset") == 0) &&
		    !srcset_safe(a->value))
			return problem(p, a->value_start, "a link to \"%.120s\""
			    "%s", a->value, "");
		if (strcasecmp(an, "style") == 0 &&
		    !css_safe(a->value, strlen(a->value)))
			return problem(p, a->value_start, "a style that loads "
			    "or runs something (%.120s)%s", a->value, "");
	}
	return 0;
}

int
htmlcheck(const char *html, size_t len, const char *base,
    struct htmlcheck_problem *p)
{
	GumboOptions opts = kGumboDefaultOptions;
	GumboOutput *out;
	const GumboNode **stack;
	size_t tags = 0, i, n = 0, cap = 64;
	int rc = 0;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < len; i++)
		if (html[i] == '<' && ++tags > HTMLCHECK_MAX_TAGS) {
			p->line = p->col = 1;
			snprintf(p->what, sizeof(p->what), "more than %d tags "
			    "(too big to check)", HTMLCHECK_MAX_TAGS);
			return 1;
		}
	opts.max_errors = 0;
	out = gumbo_parse_with_options(&opts, html, len);
	/* Depth-first, with our own stack: nesting is the page's to choose. */
	stack = xmalloc(cap * sizeof(*stack));
	stack[n++] = out->document;
	while (n > 0 && rc == 0) {
		const GumboNode *node = stack[--n];
		const GumboVector *kids;

		if (node->type == GUMBO_NODE_ELEMENT ||
		    node->type == GUMBO_NODE_TEMPLATE) {
			if ((rc = element(node, base, p)) != 0)
				break;
			kids = &node->v.element.children;
		} else if (node->type == GUMBO_NODE_DOCUMENT) {
			kids = &node->v.document.children;
		} else {
			continue;
		}
		for (i = kids->length; i > 0; i--) {
			if (n == cap)
				stack = xrealloc(stack, (cap *= 2) *
				    sizeof(*stack));
			stack[n++] = kids->data[i - 1];
		}
	}
	free(stack);
	gumbo_destroy_output(&opts, out);
	return rc;
}
