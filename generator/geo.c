/*
 * geo: county boundaries read from GeoJSON, projected, simplified as a
 * topology and written as SVG path data.
 *
 * Loading goes feature by feature, as json.c does for record arrays, so
 * each feature knows where it starts (cJSON keeps no positions).  cJSON
 * reads each feature except its coordinates: a boundary file is almost all
 * numbers, and a tree node plus a strtod per number made reading Henan
 * alone take over 100 ms.  So a light scan of the feature finds where
 * "geometry"."coordinates" lies, cJSON parses a copy of the feature with
 * "[]" in its place (which checks everything else and gives the feature's
 * other members), and the coordinates are read straight from the text by
 * a strict reader that knows the shapes it expects.
 *
 * Simplifying works on shared borders rather than on rings, so that two
 * neighbouring counties drawn with the same tolerance still meet exactly
 * (see geo_simplify).  Working memory is malloc'd and freed before each
 * call returns; what the layer keeps lives in the caller's arena.
 */
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "geo.h"
#include "util.h"

#define PI		3.14159265358979323846
#define RAD		(PI / 180.0)
#define NOWHERE		SIZE_MAX

/* ---- loading ----------------------------------------------------------- */

/*
 * A place in the text, moved forwards only.  The boundary files are one long
 * line, so text_position() from the start for every feature would be
 * quadratic in the file size.
 */
struct tpos {
	size_t	 off;
	int	 line, col;
};

struct feat {
	struct geo_shape shape;
	int		 col;
	size_t		 ord;		/* order in the file */
};

struct load {
	struct arena	*a;
	const char	*path;
	const char	*text;
	size_t		 len;
	struct tpos	 pos;		/* start of the feature being read */
	size_t		 cs, ce;	/* its coordinates, or NOWHERE */
	struct feat	*feats;		/* malloc'd, copied to the arena */
	size_t		 n, cap;
	char		*copy;		/* the feature without coordinates */
	size_t		 copycap;
	struct geo_pt	*pts;		/* the ring being read */
	size_t		 npts, ptscap;
	struct geo_ring	*rings;		/* the feature's rings so far */
	size_t		 nrings, ringscap;
	int		 failed;
};

static void
advance(struct tpos *p, const char *text, size_t off)
{
	for (; p->off < off; p->off++) {
		unsigned char c = (unsigned char)text[p->off];

		if (c == '\n') {
			if (p->line < INT_MAX)
				p->line++;
			p->col = 1;
		} else if ((c & 0xc0) != 0x80 && p->col < INT_MAX)
			p->col++;
	}
}

/* An error about the feature being read. */
static void __attribute__((format(printf, 2, 3)))
loaderr(struct load *ld, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_verror(ld->path, ld->pos.line, ld->pos.col, fmt, ap);
	va_end(ap);
	ld->failed = 1;
}

/* An error in the structure around the features, which ends the load. */
static int __attribute__((format(printf, 3, 4)))
serr(struct load *ld, size_t off, const char *fmt, ...)
{
	va_list ap;
	int line, col;

	text_position(ld->text, off < ld->len ? off : ld->len, &line, &col);
	va_start(ap, fmt);
	diag_verror(ld->path, line, col, fmt, ap);
	va_end(ap);
	ld->failed = 1;
	return -1;
}

static const char *
kind(const cJSON *j)
{
	if (j == NULL)
		return "nothing";
	if (cJSON_IsObject(j))
		return "an object";
	if (cJSON_IsArray(j))
		return "an array";
	if (cJSON_IsString(j))
		return "a string";
	if (cJSON_IsNumber(j))
		return "a number";
	if (cJSON_IsBool(j))
		return "a boolean";
	return "null";
}

static bool
isws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Ends a number or a literal. */
static bool
isdelim(char c)
{
	switch (c) {
	case ' ': case '\t': case '\n': case '\r': case '"': case '[':
	case ']': case '{': case '}': case ',': case ':':
		return true;
	default:
		return false;
	}
}

static size_t
skipws(const struct load *ld, size_t i)
{
	while (i < ld->len && isws(ld->text[i]))
		i++;
	return i;
}

/* One JSON value starting at off; *end is just past it. */
static cJSON *
parseat(struct load *ld, size_t off, size_t *end)
{
	const char *stop = NULL;
	cJSON *j;

	if (off >= ld->len) {
		serr(ld, ld->len, "unexpected end of JSON");
		return NULL;
	}
	j = cJSON_ParseWithLengthOpts(ld->text + off, ld->len - off, &stop, 0);
	if (j == NULL) {
		/* cJSON also stops here at its nesting limit (1000). */
		serr(ld, stop != NULL ? (size_t)(stop - ld->text) : off,
		    "malformed JSON");
		return NULL;
	}
	*end = (size_t)(stop - ld->text);
	return j;
}

/*
 * The scan.  It only has to be right for valid JSON: whatever it gets wrong
 * on invalid text, cJSON (on the copy) or the coordinate reader refuses.
 */

/* Past the string starting at i (a '"'), or NOWHERE. */
static size_t
skipstr(const struct load *ld, size_t i)
{
	for (i++; i < ld->len; i++) {
		if (ld->text[i] == '\\')
			i++;
		else if (ld->text[i] == '"')
			return i + 1;
	}
	return NOWHERE;
}

/* Past the value starting at i, or NOWHERE; nesting costs no stack. */
static size_t
skipval(const struct load *ld, size_t i)
{
	size_t depth = 0;
	char c;

	do {
		if (i >= ld->len)
			return NOWHERE;
		c = ld->text[i];
		if (c == '"') {
			if ((i = skipstr(ld, i)) == NOWHERE)
				return NOWHERE;
		} else if (c == '[' || c == '{') {
			depth++;
			i++;
		} else if (c == ']' || c == '}') {
			if (depth == 0)
				return NOWHERE;
			depth--;
			i++;
		} else if (isws(c) || c == ',' || c == ':') {
			if (depth == 0)
				return NOWHERE;
			i++;
		} else
			while (i < ld->len && !isdelim(ld->text[i]))
				i++;
	} while (depth > 0);
	return i;
}

/* Is the member name at i..end (quotes included) this word? */
static bool
named(const struct load *ld, size_t i, size_t end, const char *word)
{
	size_t n = strlen(word);
	cJSON *j;
	bool is;

	if (memchr(ld->text + i, '\\', end - i) == NULL)
		return end - i == n + 2 && memcmp(ld->text + i + 1, word,
		    n) == 0;
	/* Escapes: let cJSON decode, so both agree on the name. */
	j = cJSON_ParseWithLength(ld->text + i, end - i);
	is = cJSON_IsString(j) && strcmp(j->valuestring, word) == 0;
	cJSON_Delete(j);
	return is;
}

/*
 * Walk the object at i; *end is past it.  The value of the first member
 * called want goes to *vs..*ve, or when inner is set, that value (if an
 * object) is walked in turn for a member called inner.  *vs stays NOWHERE
 * when there is none.  Returns -1 when this is no object the scan can
 * follow.
 */
static int
walk(struct load *ld, size_t i, const char *want, const char *inner,
    size_t *vs, size_t *ve, size_t *end)
{
	size_t k, v, e;
	bool seen = false;

	if (i >= ld->len || ld->text[i] != '{')
		return -1;
	i = skipws(ld, i + 1);
	if (i < ld->len && ld->text[i] == '}') {
		*end = i + 1;
		return 0;
	}
	for (;;) {
		if (i >= ld->len || ld->text[i] != '"' ||
		    (k = skipstr(ld, i)) == NOWHERE)
			return -1;
		v = skipws(ld, k);
		if (v >= ld->len || ld->text[v] != ':')
			return -1;
		v = skipws(ld, v + 1);
		/* Only the first of duplicate members counts, as in cJSON. */
		if (!seen && named(ld, i, k, want)) {
			seen = true;
			if (inner != NULL && v < ld->len &&
			    ld->text[v] == '{') {
				if (walk(ld, v, inner, NULL, vs, ve, &e) < 0)
					return -1;
			} else if ((e = skipval(ld, v)) == NOWHERE)
				return -1;
			else if (inner == NULL) {
				*vs = v;
				*ve = e;
			}
		} else if ((e = skipval(ld, v)) == NOWHERE)
			return -1;
		i = skipws(ld, e);
		if (i < ld->len && ld->text[i] == ',') {
			i = skipws(ld, i + 1);
			continue;
		}
		if (i < ld->len && ld->text[i] == '}') {
			*end = i + 1;
			return 0;
		}
		return -1;
	}
}

/*
 * The coordinate reader: nested arrays of positions, in JSON, read from
 * ld->text[i..ld->ce).
 */

/* What the text at i (up to end) is, for messages. */
static const char *
what(const struct load *ld, size_t i, size_t end)
{
	char c;

	if (i >= end)
		return i >= ld->len ? "the end of the text" :
		    "the end of the coordinates";
	c = ld->text[i];
	if (c == '{')
		return "an object";
	if (c == '[')
		return "an array";
	if (c == '"')
		return "a string";
	if (c == '-' || (c >= '0' && c <= '9'))
		return "a number";
	if (c == 't' || c == 'f')
		return "a boolean";
	if (c == 'n')
		return "null";
	return "malformed JSON";
}

static const char *
found(const struct load *ld, size_t i)
{
	return what(ld, i, ld->ce);
}

static size_t
cws(const struct load *ld, size_t i)
{
	while (i < ld->ce && isws(ld->text[i]))
		i++;
	return i;
}

/*
 * A JSON number at *i.  Up to 15 significant digits and a power of ten
 * within 1e±22, m / 10^k is one correctly rounded operation on exact
 * operands, so the result equals strtod's; other numbers go to strtod
 * (hearth never changes LC_NUMERIC from "C").
 */
static int
number(struct load *ld, size_t *pi, double *out)
{
	static const double p10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6,
	    1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
	    1e18, 1e19, 1e20, 1e21, 1e22 };
	const char *t = ld->text;
	size_t i = *pi, start = i, end = ld->ce;
	uint64_t m = 0;
	int digits = 0, scale = 0, ex = 0, exsign = 1;
	bool neg = false;
	char tmp[64], *buf, *stop;

	if (i < end && t[i] == '-') {
		neg = true;
		i++;
	}
	if (i >= end || t[i] < '0' || t[i] > '9')
		return -1;
	if (t[i] == '0')
		i++;
	else
		for (; i < end && t[i] >= '0' && t[i] <= '9'; i++) {
			if (digits < 19)
				m = m * 10 + (uint64_t)(t[i] - '0');
			else
				scale++;
			digits++;
		}
	if (i < end && t[i] == '.') {
		if (++i >= end || t[i] < '0' || t[i] > '9')
			return -1;
		/* Leading zeros of a fraction are not significant. */
		for (; i < end && t[i] >= '0' && t[i] <= '9'; i++) {
			if (digits < 19) {
				m = m * 10 + (uint64_t)(t[i] - '0');
				scale--;
			}
			digits += m > 0;
		}
	}
	if (i < end && (t[i] == 'e' || t[i] == 'E')) {
		if (++i < end && (t[i] == '+' || t[i] == '-'))
			exsign = t[i++] == '-' ? -1 : 1;
		if (i >= end || t[i] < '0' || t[i] > '9')
			return -1;
		for (; i < end && t[i] >= '0' && t[i] <= '9'; i++)
			if (ex < 100000)
				ex = ex * 10 + (t[i] - '0');
	}
	*pi = i;
	scale += exsign * ex;
	if (digits <= 15 && scale >= -22 && scale <= 22) {
		*out = scale < 0 ? (double)m / p10[-scale] :
		    (double)m * p10[scale];
		if (neg)
			*out = -*out;
		return 0;
	}
	buf = i - start < sizeof(tmp) ? tmp : xmalloc(i - start + 1);
	memcpy(buf, t + start, i - start);
	buf[i - start] = '\0';
	*out = strtod(buf, &stop);
	if (buf != tmp)
		free(buf);
	return 0;
}

/* '[' at *i, past it and white space; an error naming what when not. */
static int
enter(struct load *ld, size_t *i, const char *want)
{
	if (*i >= ld->ce || ld->text[*i] != '[') {
		loaderr(ld, "expected %s, found %s", want, found(ld, *i));
		return -1;
	}
	*i = cws(ld, *i + 1);
	return 0;
}

/* After an element: past ',' (1) or ']' (0), or -1 when neither. */
static int
sep(struct load *ld, size_t *i, const char *in)
{
	*i = cws(ld, *i);
	if (*i < ld->ce && ld->text[*i] == ',') {
		*i = cws(ld, *i + 1);
		return 1;
	}
	if (*i < ld->ce && ld->text[*i] == ']') {
		*i = cws(ld, *i + 1);
		return 0;
	}
	loaderr(ld, "expected ',' or ']' in %s, found %s", in, found(ld, *i));
	return -1;
}

static int
position(struct load *ld, size_t *i, struct geo_pt *pt)
{
	double v[2], extra;
	int k = 0, more;

	if (enter(ld, i, "a position [lon, lat]") < 0)
		return -1;
	do {
		/* An altitude and anything after it are read, unused. */
		if (number(ld, i, k < 2 ? &v[k] : &extra) < 0) {
			const char *w = found(ld, *i);

			loaderr(ld, "expected a number in a position, found %s",
			    strcmp(w, "a number") == 0 ? "a malformed number" :
			    w);
			return -1;
		}
		k += k < 2;
		if ((more = sep(ld, i, "a position")) < 0)
			return -1;
	} while (more);
	if (k < 2) {
		loaderr(ld, "expected a position [lon, lat], found an array of "
		    "1 number");
		return -1;
	}
	/* Written so that infinities (1e999) fail too. */
	if (!(fabs(v[0]) <= 180)) {
		loaderr(ld, "expected a longitude within -180..180, found %g",
		    v[0]);
		return -1;
	}
	if (!(fabs(v[1]) <= 90)) {
		loaderr(ld, "expected a latitude within -90..90, found %g", v[1]);
		return -1;
	}
	pt->x = v[0];
	pt->y = v[1];
	return 0;
}

static int
ring(struct load *ld, size_t *i, struct geo_shape *s, bool hole)
{
	struct geo_ring *r;
	struct geo_pt *p;
	size_t n;
	int more = 1;

	if (enter(ld, i, "a ring (an array of positions)") < 0)
		return -1;
	ld->npts = 0;
	if (*i < ld->ce && ld->text[*i] == ']') {
		*i = cws(ld, *i + 1);
		more = 0;
	}
	while (more) {
		xgrow(&ld->pts, &ld->ptscap, ld->npts + 1, sizeof(*ld->pts));
		p = &ld->pts[ld->npts++];
		if (position(ld, i, p) < 0 ||
		    (more = sep(ld, i, "a ring")) < 0)
			return -1;
		if (p->x < s->lon0)
			s->lon0 = p->x;
		if (p->x > s->lon1)
			s->lon1 = p->x;
		if (p->y < s->lat0)
			s->lat0 = p->y;
		if (p->y > s->lat1)
			s->lat1 = p->y;
	}
	n = ld->npts;
	if (n < 4) {
		loaderr(ld, "expected a ring of at least 4 positions, found %zu",
		    n);
		return -1;
	}
	if (ld->pts[0].x != ld->pts[n - 1].x ||
	    ld->pts[0].y != ld->pts[n - 1].y) {
		loaderr(ld, "expected a closed ring (last position equal to the "
		    "first), found one ending at [%g, %g]", ld->pts[n - 1].x,
		    ld->pts[n - 1].y);
		return -1;
	}
	xgrow(&ld->rings, &ld->ringscap, ld->nrings + 1, sizeof(*ld->rings));
	r = &ld->rings[ld->nrings++];
	r->pts = arena_alloc(ld->a, n * sizeof(*r->pts));
	memcpy(r->pts, ld->pts, n * sizeof(*r->pts));
	r->n = n;
	r->hole = hole;
	return 0;
}

static int
polygon(struct load *ld, size_t *i, struct geo_shape *s)
{
	int more, k = 0;

	if (enter(ld, i, "a polygon (an array of rings)") < 0)
		return -1;
	if (*i < ld->ce && ld->text[*i] == ']') {
		loaderr(ld, "expected a polygon of at least one ring, found an "
		    "empty array");
		return -1;
	}
	do {
		if (ring(ld, i, s, k++ > 0) < 0 ||
		    (more = sep(ld, i, "a polygon")) < 0)
			return -1;
	} while (more);
	return 0;
}

static int
coordinates(struct load *ld, struct geo_shape *s, bool multi)
{
	size_t i = ld->cs;
	int more;

	s->lon0 = s->lat0 = HUGE_VAL;
	s->lon1 = s->lat1 = -HUGE_VAL;
	ld->nrings = 0;
	if (!multi) {
		if (polygon(ld, &i, s) < 0)
			return -1;
	} else {
		if (enter(ld, &i, "MultiPolygon coordinates (an array of "
		    "polygons)") < 0)
			return -1;
		if (i < ld->ce && ld->text[i] == ']') {
			loaderr(ld, "expected a MultiPolygon of at least one "
			    "polygon, found an empty array");
			return -1;
		}
		do {
			if (polygon(ld, &i, s) < 0 ||
			    (more = sep(ld, &i, "a MultiPolygon")) < 0)
				return -1;
		} while (more);
	}
	if (i != ld->ce) {
		loaderr(ld, "expected the end of the coordinates, found %s",
		    found(ld, i));
		return -1;
	}
	s->rings = arena_alloc(ld->a, ld->nrings * sizeof(*s->rings));
	memcpy(s->rings, ld->rings, ld->nrings * sizeof(*s->rings));
	s->nrings = ld->nrings;
	return 0;
}

/* Is a type name plain enough to quote in a message? */
static bool
plain(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (i >= 24 || !((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z')))
			return false;
	return i > 0;
}

static int
geometry(struct load *ld, const cJSON *g, struct geo_shape *s)
{
	const cJSON *t;
	bool multi;

	if (!cJSON_IsObject(g)) {
		loaderr(ld, "expected a geometry object, found %s", kind(g));
		return -1;
	}
	t = cJSON_GetObjectItemCaseSensitive(g, "type");
	if (!cJSON_IsString(t)) {
		loaderr(ld, "expected a geometry type string, found %s", kind(t));
		return -1;
	}
	multi = strcmp(t->valuestring, "MultiPolygon") == 0;
	if (!multi && strcmp(t->valuestring, "Polygon") != 0) {
		if (plain(t->valuestring))
			loaderr(ld, "expected a Polygon or MultiPolygon geometry, "
			    "found %s", t->valuestring);
		else
			loaderr(ld, "expected a Polygon or MultiPolygon geometry, "
			    "found another type");
		return -1;
	}
	if (ld->cs >= ld->ce) {
		loaderr(ld, "expected coordinates in the geometry, found none");
		return -1;
	}
	return coordinates(ld, s, multi);
}

static int
feature(struct load *ld, const cJSON *f, struct geo_shape *s)
{
	const cJSON *t, *id, *props, *name;

	memset(s, 0, sizeof(*s));
	if (!cJSON_IsObject(f)) {
		loaderr(ld, "expected a Feature object, found %s", kind(f));
		return -1;
	}
	t = cJSON_GetObjectItemCaseSensitive(f, "type");
	if (!cJSON_IsString(t) || strcmp(t->valuestring, "Feature") != 0) {
		loaderr(ld, "expected \"type\": \"Feature\", found %s",
		    cJSON_IsString(t) ? "another type" : kind(t));
		return -1;
	}
	id = cJSON_GetObjectItemCaseSensitive(f, "id");
	if (id == NULL) {
		loaderr(ld, "expected an \"id\" (the county code) in the feature, "
		    "found none");
		return -1;
	}
	if (!cJSON_IsString(id)) {
		loaderr(ld, "expected the feature id as a string, found %s",
		    kind(id));
		return -1;
	}
	/* Codes end up in file names and URLs. */
	if (!id_valid(id->valuestring, 32)) {
		loaderr(ld, "expected a county code as the feature id (letters, "
		    "digits, '-' or '_'), found %s", id->valuestring[0] ?
		    "another string" : "an empty string");
		return -1;
	}
	props = cJSON_GetObjectItemCaseSensitive(f, "properties");
	if (props != NULL && !cJSON_IsNull(props) && !cJSON_IsObject(props)) {
		loaderr(ld, "expected properties as an object, found %s",
		    kind(props));
		return -1;
	}
	name = cJSON_GetObjectItemCaseSensitive(props, "name");
	if (geometry(ld, cJSON_GetObjectItemCaseSensitive(f, "geometry"),
	    s) < 0)
		return -1;
	s->code = arena_strdup(ld->a, id->valuestring);
	s->name = cJSON_IsString(name) ?
	    arena_strdup(ld->a, name->valuestring) : NULL;
	s->line = ld->pos.line;
	return 0;
}

/*
 * The feature at i, parsed by cJSON without its coordinates; *end is past
 * it.  NULL when the JSON is malformed (reported).
 */
static cJSON *
skeleton(struct load *ld, size_t i, size_t *end)
{
	size_t fe, head, n, stop;
	const char *at = NULL;
	cJSON *f;

	ld->cs = ld->ce = NOWHERE;
	if (walk(ld, i, "geometry", "coordinates", &ld->cs, &ld->ce,
	    &fe) < 0 || ld->cs >= ld->ce) {
		/* Nothing to cut out (or not an object): all to cJSON. */
		ld->cs = ld->ce = NOWHERE;
		return parseat(ld, i, end);
	}
	head = ld->cs - i;
	n = head + 2 + (fe - ld->ce);
	xgrow(&ld->copy, &ld->copycap, n + 1, 1);
	memcpy(ld->copy, ld->text + i, head);
	memcpy(ld->copy + head, "[]", 2);
	memcpy(ld->copy + head + 2, ld->text + ld->ce, fe - ld->ce);
	ld->copy[n] = '\0';
	f = cJSON_ParseWithLengthOpts(ld->copy, n, &at, 0);
	stop = at != NULL ? (size_t)(at - ld->copy) : 0;
	if (f != NULL && stop == n) {
		*end = fe;
		return f;
	}
	cJSON_Delete(f);
	/* Back to a place in the text. */
	stop = stop < head ? i + stop : stop < head + 2 ? ld->cs :
	    stop - head - 2 + ld->ce;
	serr(ld, stop, "malformed JSON");
	return NULL;
}

/* The "features" array at off; *end is just past it. */
static int
features(struct load *ld, size_t i, size_t *end)
{
	cJSON *f;
	size_t fe;

	if (i >= ld->len || ld->text[i] != '[')
		return serr(ld, i, "expected an array of features, found %s",
		    what(ld, i, ld->len));
	i = skipws(ld, i + 1);
	if (i < ld->len && ld->text[i] == ']')
		goto done;
	for (;;) {
		advance(&ld->pos, ld->text, i);
		if ((f = skeleton(ld, i, &fe)) == NULL)
			return -1;
		xgrow(&ld->feats, &ld->cap, ld->n + 1, sizeof(*ld->feats));
		if (feature(ld, f, &ld->feats[ld->n].shape) == 0) {
			ld->feats[ld->n].col = ld->pos.col;
			ld->feats[ld->n].ord = ld->n;
			ld->n++;
		}
		cJSON_Delete(f);
		i = skipws(ld, fe);
		if (i < ld->len && ld->text[i] == ',') {
			i = skipws(ld, i + 1);
			continue;
		}
		if (i < ld->len && ld->text[i] == ']')
			break;
		return serr(ld, i, "expected ',' or ']' after a feature, found "
		    "%s", what(ld, i, ld->len));
	}
done:
	*end = i + 1;
	return 0;
}
/* The top-level object: "type", "features", and anything else skipped. */
static int
collection(struct load *ld)
{
	enum { OTHER, TYPE, FEATURES } which;
	cJSON *j;
	size_t i, end;
	bool typed = false, listed = false, ok;

	i = skipws(ld, 0);
	if (i >= ld->len || ld->text[i] != '{')
		return serr(ld, i, "expected a GeoJSON FeatureCollection "
		    "object, found %s", what(ld, i, ld->len));
	i = skipws(ld, i + 1);
	if (i < ld->len && ld->text[i] == '}') {
		i++;
		goto done;
	}
	for (;;) {
		if ((j = parseat(ld, i, &end)) == NULL)
			return -1;
		if (!cJSON_IsString(j)) {
			cJSON_Delete(j);
			return serr(ld, i, "expected a member name, found %s",
			    kind(j));
		}
		which = strcmp(j->valuestring, "features") == 0 ? FEATURES :
		    strcmp(j->valuestring, "type") == 0 ? TYPE : OTHER;
		cJSON_Delete(j);
		i = skipws(ld, end);
		if (i >= ld->len || ld->text[i] != ':')
			return serr(ld, i, "expected ':' after a member name, "
			    "found %s", what(ld, i, ld->len));
		i = skipws(ld, i + 1);
		if (which == FEATURES) {
			if (listed)
				return serr(ld, i, "expected one \"features\" "
				    "member, found a second");
			listed = true;
			if (features(ld, i, &end) < 0)
				return -1;
		} else {
			if ((j = parseat(ld, i, &end)) == NULL)
				return -1;
			ok = cJSON_IsString(j) && strcmp(j->valuestring,
			    "FeatureCollection") == 0;
			if (which == TYPE && !ok) {
				serr(ld, i, "expected \"type\": "
				    "\"FeatureCollection\", found %s",
				    cJSON_IsString(j) ? "another type" :
				    kind(j));
				cJSON_Delete(j);
				return -1;
			}
			cJSON_Delete(j);
			typed = typed || which == TYPE;
		}
		i = skipws(ld, end);
		if (i < ld->len && ld->text[i] == ',') {
			i = skipws(ld, i + 1);
			continue;
		}
		if (i < ld->len && ld->text[i] == '}') {
			i++;
			break;
		}
		return serr(ld, i, "expected ',' or '}' after a member, found "
		    "%s", what(ld, i, ld->len));
	}
done:
	i = skipws(ld, i);
	if (i < ld->len)
		return serr(ld, i, "unexpected text after the "
		    "FeatureCollection");
	if (!typed)
		return serr(ld, 0, "expected \"type\": \"FeatureCollection\", "
		    "found no type");
	if (!listed)
		return serr(ld, 0, "expected a \"features\" array, found none");
	return 0;
}

static int
cmpfeat(const void *x, const void *y)
{
	const struct feat *a = x, *b = y;
	int c = strcmp(a->shape.code, b->shape.code);

	if (c != 0)
		return c;
	return a->ord < b->ord ? -1 : a->ord > b->ord;
}

/* Sort by code, refuse duplicates, move the shapes into the arena. */
static int
finish(struct load *ld, struct geo_layer *out)
{
	size_t k;

	if (ld->n > 0)
		qsort(ld->feats, ld->n, sizeof(*ld->feats), cmpfeat);
	for (k = 1; k < ld->n; k++)
		if (strcmp(ld->feats[k].shape.code,
		    ld->feats[k - 1].shape.code) == 0) {
			diag_error(ld->path, ld->feats[k].shape.line,
			    ld->feats[k].col, "expected each feature id once, "
			    "found \"%s\" again (first at %d:%d)",
			    ld->feats[k].shape.code,
			    ld->feats[k - 1].shape.line, ld->feats[k - 1].col);
			ld->failed = 1;
		}
	if (ld->failed)
		return -1;
	out->shapes = arena_alloc(ld->a, (ld->n ? ld->n : 1) *
	    sizeof(*out->shapes));
	out->n = ld->n;
	for (k = 0; k < ld->n; k++) {
		const struct geo_shape *s = &ld->feats[k].shape;

		out->shapes[k] = *s;
		if (k == 0 || s->lon0 < out->lon0)
			out->lon0 = s->lon0;
		if (k == 0 || s->lat0 < out->lat0)
			out->lat0 = s->lat0;
		if (k == 0 || s->lon1 > out->lon1)
			out->lon1 = s->lon1;
		if (k == 0 || s->lat1 > out->lat1)
			out->lat1 = s->lat1;
	}
	return 0;
}

int
geo_load(struct geo_layer *out, struct arena *a, const char *path,
    const char *text, size_t len)
{
	struct load ld;
	size_t bad;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	out->path = path != NULL ? arena_strdup(a, path) : NULL;
	memset(&ld, 0, sizeof(ld));
	ld.a = a;
	ld.path = out->path;
	ld.text = text != NULL ? text : "";
	ld.len = text != NULL ? len : 0;
	ld.pos.line = ld.pos.col = 1;
	/* cJSON checks neither UTF-8 nor stray NULs; names reach pages. */
	if (!utf8_valid(ld.text, ld.len, &bad)) {
		serr(&ld, bad, ld.text[bad] == '\0' ? N_("NUL byte in JSON text") :
		    N_("invalid UTF-8"));
		goto out;
	}
	if (collection(&ld) < 0 || ld.failed)
		goto out;
	rc = finish(&ld, out);
out:
	free(ld.feats);
	free(ld.copy);
	free(ld.pts);
	free(ld.rings);
	return rc;
}

/* ---- lookup ------------------------------------------------------------ */

const struct geo_shape *
geo_find(const struct geo_layer *l, const char *code)
{
	size_t lo = 0, hi = l->n, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(code, l->shapes[mid].code);
		if (c == 0)
			return &l->shapes[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

bool
geo_contains(const struct geo_shape *s, double lon, double lat)
{
	const struct geo_ring *r;
	const struct geo_pt *a, *b;
	bool in = false;
	size_t i, k;

	if (s == NULL || !(lon >= s->lon0 && lon <= s->lon1 &&
	    lat >= s->lat0 && lat <= s->lat1))
		return false;
	/* Count the edges crossed by a ray going east from the point. */
	for (k = 0; k < s->nrings; k++) {
		r = &s->rings[k];
		for (i = 1; i < r->n; i++) {
			a = &r->pts[i - 1];
			b = &r->pts[i];
			if ((a->y > lat) != (b->y > lat) &&
			    lon < a->x + (lat - a->y) * (b->x - a->x) /
			    (b->y - a->y))
				in = !in;
		}
	}
	return in;
}

/* ---- projection -------------------------------------------------------- */

/*
 * Albers equal-area conic on a sphere of radius R = 6371 km, standard
 * parallels phi1 = 25°N and phi2 = 47°N, central meridian lambda0 = 105°E,
 * latitude of origin phi0 = 0 (so (105°E, 0°) is the origin):
 *
 *	n     = (sin phi1 + sin phi2) / 2
 *	C     = cos² phi1 + 2 n sin phi1
 *	rho   = R sqrt(C - 2 n sin phi) / n,	rho0 = R sqrt(C) / n
 *	theta = n (lambda - lambda0)
 *	x     = rho sin theta,			y = rho0 - rho cos theta
 *
 * The constants fold at compile time when optimising.
 */
void
geo_project(double lon, double lat, double *x, double *y)
{
	const double R = 6371.0;
	const double s1 = sin(25.0 * RAD), s2 = sin(47.0 * RAD);
	const double n = (s1 + s2) / 2;
	const double C = cos(25.0 * RAD) * cos(25.0 * RAD) + 2 * n * s1;
	const double rho0 = R * sqrt(C) / n;
	double dl = lon - 105.0, rho, theta;

	if (dl < -180)
		dl += 360;
	else if (dl > 180)
		dl -= 360;
	rho = R * sqrt(C - 2 * n * sin(lat * RAD)) / n;
	theta = n * dl * RAD;
	*x = rho * sin(theta);
	*y = rho0 - rho * cos(theta);
}

/* ---- view -------------------------------------------------------------- */

struct box {
	double	 x0, y0, x1, y1;
};

static void
boxadd(struct box *b, double x, double y)
{
	if (x < b->x0)
		b->x0 = x;
	if (x > b->x1)
		b->x1 = x;
	if (y < b->y0)
		b->y0 = y;
	if (y > b->y1)
		b->y1 = y;
}

static const struct box *shapebox(const struct geo_layer *l, size_t k);

/* Projected bounds of one shape: from the topology when there is one. */
static void
shapebounds(const struct geo_layer *l, size_t k, struct box *b)
{
	const struct geo_shape *s = &l->shapes[k];
	const struct box *t = shapebox(l, k);
	size_t r, i;
	double x, y;

	if (t != NULL) {
		if (t->x0 <= t->x1) {
			boxadd(b, t->x0, t->y0);
			boxadd(b, t->x1, t->y1);
		}
		return;
	}
	for (r = 0; r < s->nrings; r++)
		for (i = 0; i < s->rings[r].n; i++) {
			geo_project(s->rings[r].pts[i].x, s->rings[r].pts[i].y,
			    &x, &y);
			boxadd(b, x, y);
		}
}

/*
 * Scale so the shapes fill the width less margins; if that makes the map
 * taller than max_height (<= 0: no limit), fit the height instead and centre
 * horizontally.  With nothing to fit the scale is 1 unit/km.  Decimals start
 * at 1 (a tenth of a pixel at 1 unit/px); the caller may change them.
 * After geo_simplify the bounds come from the topology; before, every point
 * of the chosen shapes is projected.
 */
void
geo_fit(struct geo_view *v, const struct geo_layer *l,
    const char *const *codes, size_t ncodes, double width,
    double max_height, double margin)
{
	struct box b = { HUGE_VAL, HUGE_VAL, -HUGE_VAL, -HUGE_VAL };
	const struct geo_shape *s;
	double w, h, aw, ah;
	size_t k;

	if (codes == NULL)
		for (k = 0; k < l->n; k++)
			shapebounds(l, k, &b);
	else
		for (k = 0; k < ncodes; k++)
			if ((s = geo_find(l, codes[k])) != NULL)
				shapebounds(l, (size_t)(s - l->shapes), &b);
	v->margin = margin;
	v->width = width;
	v->decimals = 1;
	if (!(b.x0 <= b.x1))
		b.x0 = b.y0 = b.x1 = b.y1 = 0;
	w = b.x1 - b.x0;
	h = b.y1 - b.y0;
	aw = width - 2 * margin;
	if (w > 0 && aw > 0)
		v->scale = aw / w;
	else if (h > 0 && aw > 0)
		v->scale = aw / h;
	else
		v->scale = 1;
	v->height = h * v->scale + 2 * margin;
	if (max_height > 0 && v->height > max_height) {
		v->height = max_height;
		ah = max_height - 2 * margin;
		if (h > 0 && ah > 0)
			v->scale = ah / h;
	}
	/* Centre the shapes in what the margins leave. */
	v->x0 = b.x0 - ((width - 2 * margin) / v->scale - w) / 2;
	v->y1 = b.y1 + ((v->height - 2 * margin) / v->scale - h) / 2;
}

static void
tosvg(const struct geo_view *v, double x, double y, double *sx, double *sy)
{
	*sx = v->margin + (x - v->x0) * v->scale;
	*sy = v->margin + (v->y1 - y) * v->scale;
}

/* lon/lat in degrees, projected, then placed on the canvas. */
void
geo_to_svg(const struct geo_view *v, double lon, double lat, double *sx,
    double *sy)
{
	double x, y;

	geo_project(lon, lat, &x, &y);
	tosvg(v, x, y, sx, sy);
}

/* ---- topology ---------------------------------------------------------- */

/*
 * geo_simplify turns the rings into a topology:
 *
 * 1. Source positions become nodes, keyed by their coordinates quantised
 *    to 1e-7 degree, so positions written identically in two features are
 *    one node; consecutive repeats within a ring are dropped.
 * 2. A node is a junction when the rings through it do not all pass with
 *    the same pair of neighbours: there a border shared with one ring ends
 *    and one shared with another ring (or with none) begins.  Such a test
 *    on neighbour pairs is the edge-set test without an edge table.  The
 *    tip of a spike (a ring going out and back the same way, which the
 *    quantised data has) is a junction too, so that both sides of the
 *    spike become one arc that its ring runs twice.
 * 3. Each ring is cut at its junctions into arcs; a ring without junctions
 *    is one closed arc, started at its lowest node so that an identical
 *    ring elsewhere starts at the same place.  Arcs with the same nodes in
 *    either direction are stored once.
 *    A ring that runs an arc out and straight back loses both (a spike).
 * 4. Each arc is simplified once (Douglas-Peucker, end points kept; a
 *    closed arc keeps at least four points), then rings that came out with
 *    fewer than four points get back the points farthest from their
 *    simplified line, in their arcs, so their neighbours get them too.
 */

#define NONE	UINT32_MAX

struct node {
	double		 x, y;		/* projected */
	uint32_t	 prev, next;	/* neighbours where first met */
	bool		 junction;
};

/* A node in the position table: lon and lat in 1e-7 degree, offset to be
 * positive, packed into one word so a probe touches one cache line. */
struct slot {
	uint64_t	 key;
	uint32_t	 node;		/* NONE: free */
};

struct aref {
	uint32_t	 arc;
	bool		 rev;		/* the ring runs it end to start */
};

/* What the layer keeps (arena). */
struct tarc {
	size_t		 off, n;	/* simplified points in topo.pts */
	uint32_t	 a, b;		/* first and last node */
};

struct tring {
	size_t		 off, n;	/* arc references in topo.refs */
};

struct topo {
	struct tarc	*arcs;
	size_t		 narcs;
	struct geo_pt	*pts;		/* projected km */
	struct aref	*refs;
	struct tring	*rings;		/* every ring, shape after shape */
	size_t		*first;		/* per shape: its first ring */
	struct box	*box;		/* per shape: projected bounds */
	size_t		 nshapes, nnodes;
};

/* Working state of geo_simplify (malloc'd). */
struct span {
	size_t		 i, j;		/* a stretch of an arc, ends kept */
};

struct run {
	size_t		 off, n;
};

struct uarc {
	size_t		 off, n;	/* nodes in build.arcv */
	size_t		 nkeep;
};

struct build {
	struct node	*nodes;
	size_t		 nnodes;
	struct slot	*nhash;
	size_t		 nmask;
	uint32_t	*vid;		/* ring positions as nodes */
	struct run	*rv;		/* per ring: its nodes in vid */
	struct tring	*rings;		/* per ring: its arc references */
	struct aref	*refs;
	size_t		 nrefs, refscap;
	uint32_t	*arcv;		/* nodes of the unique arcs */
	size_t		 narcv, arcvcap;
	struct uarc	*arcs;
	size_t		 narcs, arcscap;
	uint32_t	*ahash;		/* arc index or NONE */
	size_t		 amask;
	uint32_t	*seq;		/* the arc being cut */
	size_t		 seqcap;
	unsigned char	*keep;		/* per arcv position */
	struct span	*stack;
	size_t		 nstack, stackcap;
};

static size_t
pow2(size_t n)
{
	size_t p = 16;

	while (p < n)
		p *= 2;
	return p;
}

static uint32_t
intern(struct build *b, const struct geo_pt *pt)
{
	uint64_t key = ((uint64_t)llround(pt->x * 1e7) + 1800000000u) << 32 |
	    ((uint64_t)llround(pt->y * 1e7) + 900000000u);
	size_t h = (size_t)hash_mix64(key) & b->nmask;
	struct slot *sl;
	struct node *n;
	uint32_t k;

	for (; (sl = &b->nhash[h])->node != NONE; h = (h + 1) & b->nmask)
		if (sl->key == key)
			return sl->node;
	k = (uint32_t)b->nnodes++;
	sl->key = key;
	sl->node = k;
	n = &b->nodes[k];
	geo_project(pt->x, pt->y, &n->x, &n->y);
	n->prev = n->next = NONE;
	n->junction = false;
	return k;
}

static void
junctions(struct build *b, size_t g)
{
	const uint32_t *v = b->vid + b->rv[g].off;
	size_t m = b->rv[g].n, i;
	struct node *n;
	uint32_t p, q;

	for (i = 0; i < m; i++) {
		n = &b->nodes[v[i]];
		p = v[(i + m - 1) % m];
		q = v[(i + 1) % m];
		/* The tip of a spike that goes out and back: cut there, the
		 * two sides are one arc run both ways, which unspike drops. */
		if (p == q)
			n->junction = true;
		if (n->prev == NONE) {
			n->prev = p;
			n->next = q;
		} else if (!((n->prev == p && n->next == q) ||
		    (n->prev == q && n->next == p)))
			n->junction = true;
	}
}

/* 1: c runs like s, 2: against it, 0: another arc. */
static int
same(const uint32_t *c, const uint32_t *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && c[i] == s[i]; i++)
		;
	if (i == n)
		return 1;
	for (i = 0; i < n && c[i] == s[n - 1 - i]; i++)
		;
	return i == n ? 2 : 0;
}

static void
addref(struct build *b, size_t g, uint32_t arc, bool rev)
{
	xgrow(&b->refs, &b->refscap, b->nrefs + 1, sizeof(*b->refs));
	b->refs[b->nrefs].arc = arc;
	b->refs[b->nrefs].rev = rev;
	b->nrefs++;
	b->rings[g].n++;
}

/* The arc in b->seq (n nodes) for ring g: found, or stored anew. */
static void
addarc(struct build *b, size_t g, size_t n)
{
	const uint32_t *s = b->seq;
	uint32_t lo = s[0] < s[n - 1] ? s[0] : s[n - 1];
	uint32_t hi = s[0] < s[n - 1] ? s[n - 1] : s[0];
	size_t h = (size_t)hash_mix64(((uint64_t)lo << 32 | hi) ^
	    hash_mix64(n)) & b->amask;
	struct uarc *u;
	uint32_t k;
	int dir;

	for (; (k = b->ahash[h]) != NONE; h = (h + 1) & b->amask) {
		u = &b->arcs[k];
		if (u->n == n && (dir = same(b->arcv + u->off, s, n)) != 0) {
			addref(b, g, k, dir == 2);
			return;
		}
	}
	xgrow(&b->arcs, &b->arcscap, b->narcs + 1, sizeof(*b->arcs));
	xgrow(&b->arcv, &b->arcvcap, b->narcv + n, sizeof(*b->arcv));
	k = (uint32_t)b->narcs++;
	u = &b->arcs[k];
	u->off = b->narcv;
	u->n = n;
	u->nkeep = 0;
	memcpy(b->arcv + b->narcv, s, n * sizeof(*s));
	b->narcv += n;
	b->ahash[h] = k;
	addref(b, g, k, false);
}

/* Copy positions i..i+n-1 of the ring (cyclically) to b->seq. */
static void
take(struct build *b, const uint32_t *v, size_t m, size_t i, size_t n)
{
	size_t k;

	xgrow(&b->seq, &b->seqcap, n, sizeof(*b->seq));
	for (k = 0; k < n; k++)
		b->seq[k] = v[(i + k) % m];
}

static void
cut(struct build *b, size_t g)
{
	const uint32_t *v = b->vid + b->rv[g].off;
	size_t m = b->rv[g].n, i, j0, k, low;

	b->rings[g].off = b->nrefs;
	b->rings[g].n = 0;
	if (m < 3)
		return;		/* no area: drawn as nothing */
	for (j0 = 0; j0 < m && !b->nodes[v[j0]].junction; j0++)
		;
	if (j0 == m) {
		for (low = 0, i = 1; i < m; i++)
			if (v[i] < v[low])
				low = i;
		take(b, v, m, low, m + 1);
		addarc(b, g, m + 1);
		return;
	}
	i = j0;
	do {
		for (k = i + 1; !b->nodes[v[k % m]].junction; k++)
			;
		take(b, v, m, i, k - i + 1);
		addarc(b, g, k - i + 1);
		i = k % m;
	} while (i != j0);
}

/*
 * Drop the spikes of ring g: an arc run out and straight back adds no area
 * but draws a hair (with a long mitre where stroked).  The refs are reduced
 * like a word in a free group, round the end of the ring too.  Both rings
 * of a spike that two counties share drop it alike.
 */
static void
unspike(struct build *b, size_t g)
{
	struct tring *r = &b->rings[g];
	struct aref *x;
	size_t k, n = 0;

	/* A ring that collapsed to nothing has no refs (b->refs may be NULL). */
	if (r->n == 0)
		return;
	x = b->refs + r->off;
	for (k = 0; k < r->n; k++) {
		if (n > 0 && x[n - 1].arc == x[k].arc &&
		    x[n - 1].rev != x[k].rev)
			n--;
		else
			x[n++] = x[k];
	}
	while (n >= 2 && x[0].arc == x[n - 1].arc && x[0].rev != x[n - 1].rev) {
		x++;
		n -= 2;
	}
	r->off = (size_t)(x - b->refs);
	r->n = n;
}

static double
segd2(const struct node *p, const struct node *a, const struct node *b)
{
	double dx = b->x - a->x, dy = b->y - a->y, l2 = dx * dx + dy * dy;
	double ax = a->x, ay = a->y, t;

	if (l2 > 0) {
		t = ((p->x - a->x) * dx + (p->y - a->y) * dy) / l2;
		if (t < 0)
			t = 0;
		else if (t > 1)
			t = 1;
		ax += t * dx;
		ay += t * dy;
	}
	dx = p->x - ax;
	dy = p->y - ay;
	return dx * dx + dy * dy;
}

/* The point strictly between i and j farthest from the segment i-j. */
static size_t
far(const struct build *b, const uint32_t *id, size_t i, size_t j,
    double *d2)
{
	const struct node *a = &b->nodes[id[i]], *e = &b->nodes[id[j]];
	size_t k, best = i + 1;
	double d, max = -1;

	for (k = i + 1; k < j; k++)
		if ((d = segd2(&b->nodes[id[k]], a, e)) > max) {
			max = d;
			best = k;
		}
	if (d2 != NULL)
		*d2 = max;
	return best;
}

static void
push(struct build *b, size_t i, size_t j)
{
	if (j - i < 2)
		return;
	xgrow(&b->stack, &b->stackcap, b->nstack + 1, sizeof(*b->stack));
	b->stack[b->nstack].i = i;
	b->stack[b->nstack].j = j;
	b->nstack++;
}

/* Keep the farthest point of i..j whatever the tolerance. */
static void
split(struct build *b, const uint32_t *id, unsigned char *keep, size_t i,
    size_t j)
{
	size_t k;

	if (j - i < 2)
		return;
	k = far(b, id, i, j, NULL);
	keep[k] = 1;
	push(b, i, k);
	push(b, k, j);
}

static void
douglas(struct build *b, struct uarc *u, double tol2)
{
	const uint32_t *id = b->arcv + u->off;
	unsigned char *keep = b->keep + u->off;
	size_t n = u->n, i, j, k, f;
	double d2;

	memset(keep, 0, n);
	keep[0] = keep[n - 1] = 1;
	b->nstack = 0;
	if (id[0] == id[n - 1] && n >= 4) {
		/* A closed arc: its start, the point farthest from it, and
		 * the farthest on each side, so an island stays a ring. */
		f = far(b, id, 0, n - 1, NULL);
		keep[f] = 1;
		split(b, id, keep, 0, f);
		split(b, id, keep, f, n - 1);
	} else
		push(b, 0, n - 1);
	while (b->nstack > 0) {
		b->nstack--;
		i = b->stack[b->nstack].i;
		j = b->stack[b->nstack].j;
		k = far(b, id, i, j, &d2);
		if (d2 > tol2) {
			keep[k] = 1;
			push(b, i, k);
			push(b, k, j);
		}
	}
	for (u->nkeep = 0, k = 0; k < n; k++)
		u->nkeep += keep[k];
}

static size_t
ringpts(const struct build *b, size_t g)
{
	const struct tring *r = &b->rings[g];
	size_t k, n = 1;

	for (k = 0; k < r->n; k++)
		n += b->arcs[b->refs[r->off + k].arc].nkeep - 1;
	return n;
}

/* Keep the dropped point of ring g's arcs farthest from the simplified
 * line; false when none is left. */
static bool
refine(struct build *b, size_t g)
{
	const struct tring *r = &b->rings[g];
	struct uarc *u;
	const uint32_t *id;
	size_t k, lo, hi, i, barc = 0, bi = 0;
	double d, max = -1;

	for (k = 0; k < r->n; k++) {
		u = &b->arcs[b->refs[r->off + k].arc];
		id = b->arcv + u->off;
		for (lo = 0, hi = 1; hi < u->n; hi++) {
			if (!b->keep[u->off + hi])
				continue;
			for (i = lo + 1; i < hi; i++)
				if ((d = segd2(&b->nodes[id[i]],
				    &b->nodes[id[lo]], &b->nodes[id[hi]])) >
				    max) {
					max = d;
					barc = b->refs[r->off + k].arc;
					bi = i;
				}
			lo = hi;
		}
	}
	if (max < 0)
		return false;
	u = &b->arcs[barc];
	b->keep[u->off + bi] = 1;
	u->nkeep++;
	return true;
}

/* Move the simplified arcs and the ring lists into the arena. */
static struct topo *
store(struct build *b, const struct geo_layer *l, struct arena *a,
    size_t nrings, const size_t *first)
{
	struct topo *t = arena_zalloc(a, sizeof(*t));
	size_t k, i, npts = 0, g, r;
	struct geo_pt *p;
	const struct node *n;

	for (k = 0; k < b->narcs; k++)
		npts += b->arcs[k].nkeep;
	t->arcs = arena_alloc(a, (b->narcs + 1) * sizeof(*t->arcs));
	t->pts = arena_alloc(a, (npts + 1) * sizeof(*t->pts));
	t->narcs = b->narcs;
	for (p = t->pts, k = 0; k < b->narcs; k++) {
		const struct uarc *u = &b->arcs[k];

		t->arcs[k].off = (size_t)(p - t->pts);
		t->arcs[k].n = u->nkeep;
		t->arcs[k].a = b->arcv[u->off];
		t->arcs[k].b = b->arcv[u->off + u->n - 1];
		for (i = 0; i < u->n; i++)
			if (b->keep[u->off + i]) {
				n = &b->nodes[b->arcv[u->off + i]];
				p->x = n->x;
				p->y = n->y;
				p++;
			}
	}
	t->refs = arena_alloc(a, (b->nrefs + 1) * sizeof(*t->refs));
	if (b->nrefs > 0)
		memcpy(t->refs, b->refs, b->nrefs * sizeof(*t->refs));
	t->rings = arena_alloc(a, (nrings + 1) * sizeof(*t->rings));
	if (nrings > 0)
		memcpy(t->rings, b->rings, nrings * sizeof(*t->rings));
	t->first = arena_alloc(a, (l->n + 1) * sizeof(*t->first));
	memcpy(t->first, first, (l->n + 1) * sizeof(*t->first));
	t->box = arena_alloc(a, (l->n + 1) * sizeof(*t->box));
	for (k = 0; k < l->n; k++) {
		struct box *bx = &t->box[k];

		bx->x0 = bx->y0 = HUGE_VAL;
		bx->x1 = bx->y1 = -HUGE_VAL;
		for (g = first[k]; g < first[k + 1]; g++)
			for (r = 0; r < b->rv[g].n; r++) {
				n = &b->nodes[b->vid[b->rv[g].off + r]];
				boxadd(bx, n->x, n->y);
			}
	}
	t->nshapes = l->n;
	t->nnodes = b->nnodes;
	return t;
}

int
geo_simplify(struct geo_layer *l, struct arena *a, double tolerance_km)
{
	struct build b;
	size_t *first = NULL, nrings = 0, npos = 0, bound = 0, k, r, i, g, p;
	const struct geo_ring *rg;
	uint32_t id;

	memset(&b, 0, sizeof(b));
	l->topo = NULL;
	if (!(tolerance_km >= 0)) {
		diag_error(l->path, 0, 0, "expected a simplification tolerance "
		    "of 0 km or more, found %g", tolerance_km);
		return -1;
	}
	for (k = 0; k < l->n; k++) {
		nrings += l->shapes[k].nrings;
		for (r = 0; r < l->shapes[k].nrings; r++)
			npos += l->shapes[k].rings[r].n;
	}
	/* Node and arc indices are 32 bits wide. */
	if (npos >= UINT32_MAX / 4) {
		diag_error(l->path, 0, 0, "expected at most %u boundary "
		    "points, found %zu", UINT32_MAX / 4, npos);
		return -1;
	}

	first = xmalloc((l->n + 1) * sizeof(*first));
	b.nodes = xmalloc((npos + 1) * sizeof(*b.nodes));
	b.nmask = pow2(2 * npos) - 1;
	b.nhash = xmalloc((b.nmask + 1) * sizeof(*b.nhash));
	memset(b.nhash, 0xff, (b.nmask + 1) * sizeof(*b.nhash));
	b.vid = xmalloc((npos + 1) * sizeof(*b.vid));
	b.rv = xmalloc((nrings + 1) * sizeof(*b.rv));
	b.rings = xmalloc((nrings + 1) * sizeof(*b.rings));

	/* 1. Nodes, ring by ring, without repeats or the closing point. */
	for (g = 0, k = 0; k < l->n; k++) {
		first[k] = g;
		for (r = 0; r < l->shapes[k].nrings; r++, g++) {
			struct run *rn = &b.rv[g];
			uint32_t *v;

			rg = &l->shapes[k].rings[r];
			rn->off = g > 0 ? rn[-1].off + rn[-1].n : 0;
			rn->n = 0;
			v = b.vid + rn->off;
			for (p = 0; p + 1 < rg->n; p++) {
				id = intern(&b, &rg->pts[p]);
				if (rn->n == 0 || v[rn->n - 1] != id)
					v[rn->n++] = id;
			}
			while (rn->n > 1 && v[rn->n - 1] == v[0])
				rn->n--;
		}
	}
	first[l->n] = g;

	/* 2. Junctions; count them to size the arc table. */
	for (g = 0; g < nrings; g++)
		if (b.rv[g].n >= 3)
			junctions(&b, g);
	for (g = 0; g < nrings; g++) {
		size_t nj = 0;

		for (i = 0; i < b.rv[g].n; i++)
			nj += b.nodes[b.vid[b.rv[g].off + i]].junction;
		bound += nj > 0 ? nj : 1;
	}
	b.amask = pow2(2 * bound) - 1;
	b.ahash = xmalloc((b.amask + 1) * sizeof(*b.ahash));
	memset(b.ahash, 0xff, (b.amask + 1) * sizeof(*b.ahash));

	/* 3. Arcs. */
	for (g = 0; g < nrings; g++) {
		cut(&b, g);
		unspike(&b, g);
	}

	/* 4. Simplify each arc once, then mend rings that got too thin. */
	b.keep = xmalloc(b.narcv + 1);
	for (k = 0; k < b.narcs; k++)
		douglas(&b, &b.arcs[k], tolerance_km * tolerance_km);
	for (g = 0; g < nrings; g++)
		while (b.rings[g].n > 0 && ringpts(&b, g) < 4)
			if (!refine(&b, g))
				break;

	l->topo = store(&b, l, a, nrings, first);

	free(first);
	free(b.nodes);
	free(b.nhash);
	free(b.vid);
	free(b.rv);
	free(b.rings);
	free(b.refs);
	free(b.arcv);
	free(b.arcs);
	free(b.ahash);
	free(b.seq);
	free(b.keep);
	free(b.stack);
	return 0;
}

static const struct box *
shapebox(const struct geo_layer *l, size_t k)
{
	const struct topo *t = l->topo;

	return t != NULL && k < t->nshapes ? &t->box[k] : NULL;
}

/* ---- output ------------------------------------------------------------ */

/* Rounded SVG points of the ring being written, then written at once so a
 * ring that rounds to less than a triangle can be left out. */
struct pen {
	struct buf	*out;
	const struct geo_view *v;
	double		 mul;		/* 10^decimals */
	long long	 div;
	int		 dec;
	long long	*xy;
	size_t		 n, cap;	/* points */
};

static void
penstart(struct pen *p, struct buf *out, const struct geo_view *v)
{
	int k;

	memset(p, 0, sizeof(*p));
	p->out = out;
	p->v = v;
	p->dec = v->decimals < 0 ? 0 : v->decimals > 9 ? 9 : v->decimals;
	for (p->div = 1, k = 0; k < p->dec; k++)
		p->div *= 10;
	p->mul = (double)p->div;
}

static long long
rnd(double d)
{
	/* Far outside any canvas (or NaN from a degenerate view): clamp
	 * rather than overflow. */
	if (!(d > -1e15))
		return d < 0 ? -1000000000000000LL : 0;
	if (d > 1e15)
		return 1000000000000000LL;
	return llround(d);
}

static void
penpt(struct pen *p, double x, double y)
{
	double sx, sy;
	long long rx, ry;

	tosvg(p->v, x, y, &sx, &sy);
	rx = rnd(sx * p->mul);
	ry = rnd(sy * p->mul);
	if (p->n > 0 && p->xy[2 * p->n - 2] == rx && p->xy[2 * p->n - 1] == ry)
		return;
	if (p->n + 1 > p->cap / 2) {
		size_t cap = p->cap;

		xgrow(&p->xy, &cap, 2 * (p->n + 1), sizeof(*p->xy));
		p->cap = cap;
	}
	p->xy[2 * p->n] = rx;
	p->xy[2 * p->n + 1] = ry;
	p->n++;
}

/* A rounded coordinate: no exponent, no trailing zeros, no "-0". */
static void
putnum(struct pen *p, long long r)
{
	char tmp[48], *e = tmp + sizeof(tmp), *s = e;
	unsigned long long u = r < 0 ? 0ULL - (unsigned long long)r :
	    (unsigned long long)r;
	unsigned long long ip = u / (unsigned long long)p->div;
	unsigned long long fr = u % (unsigned long long)p->div;
	int fd = p->dec;

	while (fd > 0 && fr % 10 == 0 && fr != 0) {
		fr /= 10;
		fd--;
	}
	if (fr != 0) {
		while (fd-- > 0) {
			*--s = (char)('0' + fr % 10);
			fr /= 10;
		}
		*--s = '.';
	}
	do {
		*--s = (char)('0' + ip % 10);
		ip /= 10;
	} while (ip > 0);
	if (r < 0)
		*--s = '-';
	buf_put(p->out, s, (size_t)(e - s));
}

static void
penflush(struct pen *p, bool closed)
{
	size_t k;

	/* The closing point is implied by Z. */
	while (closed && p->n > 1 && p->xy[2 * p->n - 2] == p->xy[0] &&
	    p->xy[2 * p->n - 1] == p->xy[1])
		p->n--;
	/* The first point absolute, the rest relative ("l dx dy ..."), in
	 * rounded units so no error adds up: a third less path data. */
	if (p->n >= (closed ? 3u : 2u)) {
		buf_putc(p->out, 'M');
		putnum(p, p->xy[0]);
		buf_putc(p->out, ' ');
		putnum(p, p->xy[1]);
		buf_putc(p->out, 'l');
		for (k = 1; k < p->n; k++) {
			long long dx = p->xy[2 * k] - p->xy[2 * k - 2];
			long long dy = p->xy[2 * k + 1] - p->xy[2 * k - 1];

			if (k > 1 && dx >= 0)
				buf_putc(p->out, ' ');
			putnum(p, dx);
			if (dy >= 0)
				buf_putc(p->out, ' ');
			putnum(p, dy);
		}
	}
	if (p->n >= 3 && closed)
		buf_putc(p->out, 'Z');
	p->n = 0;
}

/* Points of an arc in the direction used; the first is left out when it
 * continues the previous arc. */
static void
penarc(struct pen *p, const struct topo *t, struct aref r, bool cont)
{
	const struct tarc *c = &t->arcs[r.arc];
	const struct geo_pt *q = t->pts + c->off;
	size_t i;

	for (i = cont ? 1 : 0; i < c->n; i++) {
		size_t j = r.rev ? c->n - 1 - i : i;

		penpt(p, q[j].x, q[j].y);
	}
}

void
geo_path(struct buf *out, const struct geo_layer *l,
    const struct geo_shape *s, const struct geo_view *v)
{
	const struct topo *t = l->topo;
	const struct tring *tr;
	struct pen p;
	size_t k, r, i;
	double x, y;

	penstart(&p, out, v);
	/* Compared as integers: s may come from another layer. */
	k = (size_t)((uintptr_t)s - (uintptr_t)l->shapes) / sizeof(*s);
	if (t != NULL && (uintptr_t)s >= (uintptr_t)l->shapes &&
	    k < t->nshapes && s == &l->shapes[k]) {
		for (r = t->first[k]; r < t->first[k + 1]; r++) {
			tr = &t->rings[r];
			for (i = 0; i < tr->n; i++)
				penarc(&p, t, t->refs[tr->off + i], i > 0);
			penflush(&p, true);
		}
	} else {
		/* Not simplified (or not this layer's shape): as read. */
		for (r = 0; r < s->nrings; r++) {
			for (i = 0; i < s->rings[r].n; i++) {
				geo_project(s->rings[r].pts[i].x,
				    s->rings[r].pts[i].y, &x, &y);
				penpt(&p, x, y);
			}
			penflush(&p, true);
		}
	}
	free(p.xy);
}

/*
 * The outline is made of the arcs used by one chosen ring only.  Counted
 * as runs forwards less runs backwards, a border shared by two rings (run
 * both ways) cancels out, and so does a stretch that one ring runs out and
 * back again (the data has such spikes, some along the province border,
 * where counting uses would lose an outline arc).  What is left, in the
 * direction of its sign, is chained by following from each end node an
 * unused edge starting there.  Without a topology there is nothing to draw.
 */
void
geo_outline(struct buf *out, const struct geo_layer *l,
    const char *const *codes, size_t ncodes, const struct geo_view *v)
{
	const struct topo *t = l->topo;
	const struct geo_shape *s;
	struct aref *edge = NULL;
	unsigned char *done = NULL, *chosen = NULL;
	int *net = NULL;
	size_t *head = NULL, *byn = NULL, nedge = 0, k, r, i, e, first;
	uint32_t start, at;
	struct pen p;
	bool found;

	if (t == NULL)
		return;
	penstart(&p, out, v);
	chosen = xcalloc(t->nshapes + 1, 1);
	if (codes == NULL)
		memset(chosen, 1, t->nshapes);
	else
		for (k = 0; k < ncodes; k++)
			if ((s = geo_find(l, codes[k])) != NULL &&
			    (size_t)(s - l->shapes) < t->nshapes)
				chosen[s - l->shapes] = 1;

	/* Runs of each arc, forwards less backwards. */
	net = xcalloc(t->narcs + 1, sizeof(*net));
	edge = xmalloc((t->narcs + 1) * sizeof(*edge));
	for (k = 0; k < t->nshapes; k++)
		if (chosen[k])
			for (r = t->first[k]; r < t->first[k + 1]; r++)
				for (i = 0; i < t->rings[r].n; i++) {
					e = t->rings[r].off + i;
					net[t->refs[e].arc] += t->refs[e].rev ?
					    -1 : 1;
				}
	for (k = 0; k < t->narcs; k++)
		if (net[k] != 0) {
			edge[nedge].arc = (uint32_t)k;
			edge[nedge].rev = net[k] < 0;
			nedge++;
		}

	/* Edges grouped by start node. */
	head = xcalloc(t->nnodes + 2, sizeof(*head));
	byn = xmalloc((nedge + 1) * sizeof(*byn));
	for (e = 0; e < nedge; e++)
		head[(edge[e].rev ? t->arcs[edge[e].arc].b :
		    t->arcs[edge[e].arc].a) + 1]++;
	for (k = 1; k <= t->nnodes + 1; k++)
		head[k] += head[k - 1];
	for (e = 0; e < nedge; e++) {
		start = edge[e].rev ? t->arcs[edge[e].arc].b :
		    t->arcs[edge[e].arc].a;
		byn[head[start]++] = e;
	}
	for (k = t->nnodes + 1; k > 0; k--)
		head[k] = head[k - 1];
	head[0] = 0;

	done = xcalloc(nedge + 1, 1);
	for (first = 0; first < nedge; first++) {
		if (done[first])
			continue;
		e = first;
		start = edge[e].rev ? t->arcs[edge[e].arc].b :
		    t->arcs[edge[e].arc].a;
		for (;;) {
			done[e] = 1;
			penarc(&p, t, edge[e], e != first);
			at = edge[e].rev ? t->arcs[edge[e].arc].a :
			    t->arcs[edge[e].arc].b;
			if (at == start)
				break;
			found = false;
			for (k = head[at]; k < head[at + 1]; k++)
				if (!done[byn[k]]) {
					e = byn[k];
					found = true;
					break;
				}
			if (!found)
				break;
		}
		/* A chain that does not close comes from rings that run a
		 * shared border the same way; drawn open. */
		penflush(&p, at == start);
	}

	free(chosen);
	free(net);
	free(edge);
	free(head);
	free(byn);
	free(done);
	free(p.xy);
}
