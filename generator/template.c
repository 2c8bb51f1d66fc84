/*
 * template: the Mustache engine.
 *
 * A template is compiled in four passes over its source:
 *
 *   1. lex: split the source into text and tag tokens, applying
 *      set-delimiter tags as they come.  Text tokens end after each newline,
 *      so every source line begins a token.
 *   2. pair: match section, inverted, parent and block tags with their
 *      closing tags.
 *   3. mark: find the standalone lines (whitespace and one tag that writes
 *      nothing in place); their whitespace and newline are dropped and their
 *      indentation is kept for the partial or block on them.
 *   4. build: turn the tokens into a node tree in the template's arena.  The
 *      tree is never changed afterwards.
 *
 * Rendering walks the tree with the context stack on the C stack.
 * Indentation (standalone partials and parents, the re-indentation of blocks
 * in inheritance) is applied when a text node that begins a source line is
 * written, so it reaches the lines of templates and never the lines inside
 * interpolated data.  Partials are looked up by name when rendered; the
 * set's table of compiled templates, which the loader fills on demand, is
 * the only shared state that changes and is guarded by the set's mutex.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "template.h"
#include "util.h"
#include "value.h"

#define MAX_NEST	100	/* sections open at once in one template */
#define NBUCKET		64	/* hash buckets of a set */
/*
 * Work one render may do.  Sections nested over lists multiply: eight
 * levels over a list of ten items are 10^8 nodes, which hung the build on
 * a 160-byte template.  The largest page of the national benchmark renders
 * 39,000 nodes and 1 MB, a hundredth of these.
 */
#define MAX_STEPS	4000000		/* nodes rendered */
#define MAX_OUTPUT	((size_t)128 << 20)	/* bytes in the output */

/* ---- compiled form ------------------------------------------------------ */

enum node_kind {
	N_TEXT,
	N_VAR,		/* {{name}}, {{{name}}}, {{&name}} */
	N_SECTION,	/* {{#name}}...{{/name}} */
	N_INVERTED,	/* {{^name}}...{{/name}} */
	N_PARTIAL,	/* {{>name}} */
	N_PARENT,	/* {{<name}}...{{/name}} */
	N_BLOCK		/* {{$name}}...{{/name}} */
};

struct node {
	enum node_kind	kind;
	struct node    *next;
	const char     *text;	/* N_TEXT: the bytes; tags: the name */
	size_t		len;
	const char    **part;	/* the name split at dots; none for "." */
	size_t		nparts;
	int		line, col;	/* of the tag, for messages */
	bool		bol;	/* N_TEXT: begins a source line */
	bool		escape;	/* N_VAR: HTML-escape the value */
	bool		dynamic; /* partial, parent: the name is looked up */
	bool		standalone; /* the tag is on a standalone line */
	const char     *ind;	/* partial, parent, block: indentation of the
				 * line, see buildopen() */
	size_t		indlen;
	struct node    *kids;	/* body; for a parent only its blocks */
	bool		body_bol; /* block: the body begins a source line */
	const char     *raw;	/* section: unparsed body, for lambdas */
	size_t		rawlen;
	const char     *otag, *ctag; /* section: delimiters, for lambdas */
};

struct tmpl {
	struct arena	arena;	/* source copy, nodes, names */
	const char     *path;
	const char     *src;
	size_t		len;
	struct node    *body;
	struct tmpl    *next;	/* on the set's retired list */
	enum tmpl_missing missing;	/* what a name that is not set is */
};

/* ---- parser: tokens ----------------------------------------------------- */

enum tok_kind {
	T_TEXT,
	T_VAR,
	T_RAW,		/* {{{name}}} or {{&name}} */
	T_SECTION,
	T_INVERTED,
	T_CLOSE,
	T_COMMENT,
	T_DELIM,
	T_PARTIAL,
	T_PARENT,
	T_BLOCK
};

struct tok {
	enum tok_kind	kind;
	size_t		off, end;	/* the token's bytes in the source */
	size_t		name, namelen;	/* tags: the trimmed name */
	bool		dynamic;	/* name preceded by '*' */
	int		line, col;
	const char     *otag, *ctag;	/* delimiters in effect */
	size_t		match;		/* opening <-> closing tag */
	bool		bol;		/* text: begins a source line */
	bool		standalone;	/* on a standalone line; text: dropped */
	bool		mark;		/* a tag beginning a kept line */
	bool		lead;		/* only blanks and parent tags before it */
	size_t		lstart, lend;	/* its line; lend is past the newline */
	size_t		wslen;		/* the line's leading blanks */
};

struct comp {
	const char     *path;
	const char     *src;
	size_t		len;
	struct arena   *a;
	struct tok     *tok;
	size_t		ntok, cap;
	const char     *otag, *ctag;	/* current delimiters */
	const char     *ctag3, *ctageq;	/* "}" ctag and "=" ctag */
	size_t		olen, clen;
	size_t		at;		/* line and col are those of offset at */
	int		line, col;
};

static bool
blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

static bool
space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

static void report(struct comp *c, int line, int col, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));

static void
report(struct comp *c, int line, int col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_verror(c->path, line, col, fmt, ap);
	va_end(ap);
}

/* Move the position cursor forward to off; tags come in source order. */
static void
seek(struct comp *c, size_t off)
{
	for (; c->at < off; c->at++) {
		unsigned char ch = (unsigned char)c->src[c->at];

		if (ch == '\n') {
			c->line++;
			c->col = 1;
		} else if ((ch & 0xc0) != 0x80)
			c->col++;
	}
}

static void
setdelims(struct comp *c, const char *o, size_t olen, const char *cl,
    size_t clen)
{
	c->otag = arena_strndup(c->a, o, olen);
	c->ctag = arena_strndup(c->a, cl, clen);
	c->ctag3 = arena_printf(c->a, "}%s", c->ctag);
	c->ctageq = arena_printf(c->a, "=%s", c->ctag);
	c->olen = olen;
	c->clen = clen;
}

static struct tok *
addtok(struct comp *c, enum tok_kind k, size_t off, size_t end)
{
	struct tok *t;

	xgrow(&c->tok, &c->cap, c->ntok + 1, sizeof(*c->tok));
	t = &c->tok[c->ntok++];
	memset(t, 0, sizeof(*t));
	t->kind = k;
	t->off = off;
	t->end = end;
	t->otag = c->otag;
	t->ctag = c->ctag;
	return t;
}

/* Text from..to as tokens that each end after a newline or at to. */
static void
scantext(struct comp *c, size_t from, size_t to)
{
	while (from < to) {
		const char *nl = memchr(c->src + from, '\n', to - from);
		size_t end = nl != NULL ? (size_t)(nl - c->src) + 1 : to;
		struct tok *t = addtok(c, T_TEXT, from, end);

		t->bol = from == 0 || c->src[from - 1] == '\n';
		from = end;
	}
}

/* The tag shown in messages, cut short if it spans much of the file. */
#define TAGLEN(t)	(int)((t)->end - (t)->off > 60 ? 60 : (t)->end - (t)->off)
#define TAGTEXT(c, t)	((c)->src + (t)->off)

/* {{=open close=}}: content p..e holds the two new delimiters. */
static int
scandelims(struct comp *c, struct tok *t, size_t p, size_t e)
{
	const char *s = c->src;
	size_t o0, o1, c0, c1;

	while (p < e && space(s[p]))
		p++;
	for (o0 = p; p < e && !space(s[p]); p++)
		;
	for (o1 = p; p < e && space(s[p]); p++)
		;
	for (c0 = p; p < e && !space(s[p]); p++)
		;
	for (c1 = p; p < e && space(s[p]); p++)
		;
	if (o0 == o1 || c0 == c1 || p != e ||
	    memchr(s + o0, '=', o1 - o0) != NULL ||
	    memchr(s + c0, '=', c1 - c0) != NULL) {
		report(c, t->line, t->col, "bad set-delimiter tag: expected two "
		    "delimiters without '=' separated by blanks, as in "
		    "'{{=[[ ]]=}}', found '%.*s'", TAGLEN(t), TAGTEXT(c, t));
		return -1;
	}
	setdelims(c, s + o0, o1 - o0, s + c0, c1 - c0);
	return 0;
}

/* The tag whose opening delimiter is at off; *next is set past it. */
static int
scantag(struct comp *c, size_t off, size_t *next)
{
	const char *s = c->src, *needle = c->ctag, *q;
	size_t p = off + c->olen, nlen = c->clen, e;
	enum tok_kind k = T_VAR;
	struct tok *t;

	seek(c, off);
	switch (p < c->len ? s[p] : '\0') {
	case '{':
		k = T_RAW;
		needle = c->ctag3;
		nlen++;
		break;
	case '=':
		k = T_DELIM;
		needle = c->ctageq;
		nlen++;
		break;
	case '&': k = T_RAW; break;
	case '#': k = T_SECTION; break;
	case '^': k = T_INVERTED; break;
	case '/': k = T_CLOSE; break;
	case '!': k = T_COMMENT; break;
	case '>': k = T_PARTIAL; break;
	case '<': k = T_PARENT; break;
	case '$': k = T_BLOCK; break;
	}
	if (k != T_VAR)
		p++;
	q = memmem(s + p, c->len - p, needle, nlen);
	if (q == NULL) {
		report(c, c->line, c->col, "unclosed tag: expected '%s', "
		    "found end of template", needle);
		return -1;
	}
	e = (size_t)(q - s);
	*next = e + nlen;
	t = addtok(c, k, off, *next);
	t->line = c->line;
	t->col = c->col;
	if (k == T_COMMENT)
		return 0;
	if (k == T_DELIM)
		return scandelims(c, t, p, e);

	while (p < e && space(s[p]))
		p++;
	if ((k == T_PARTIAL || k == T_PARENT || k == T_CLOSE) && p < e &&
	    s[p] == '*') {
		t->dynamic = true;
		for (p++; p < e && space(s[p]); p++)
			;
	}
	while (e > p && space(s[e - 1]))
		e--;
	t->name = p;
	t->namelen = e - p;
	if (p == e) {
		report(c, t->line, t->col, "empty tag: expected a name, "
		    "found '%.*s'", TAGLEN(t), TAGTEXT(c, t));
		return -1;
	}
	for (; p < e; p++)
		if (space(s[p])) {
			report(c, t->line, t->col, "bad tag: expected one name "
			    "without blanks, found '%.*s'", TAGLEN(t),
			    TAGTEXT(c, t));
			return -1;
		}
	return 0;
}

static int
lex(struct comp *c)
{
	size_t pos = 0, next;

	while (pos < c->len) {
		const char *q = memmem(c->src + pos, c->len - pos, c->otag,
		    c->olen);
		size_t off = q != NULL ? (size_t)(q - c->src) : c->len;

		scantext(c, pos, off);
		if (q == NULL)
			break;
		if (scantag(c, off, &next) < 0)
			return -1;
		pos = next;
	}
	return 0;
}

/* ---- parser: sections and standalone lines ------------------------------ */

static bool
opens(enum tok_kind k)
{
	return k == T_SECTION || k == T_INVERTED || k == T_PARENT ||
	    k == T_BLOCK;
}

/*
 * Does close tag t close o?  A '*' after the slash closes a dynamic parent
 * "{{<*x}}", or a section whose name begins with '*'.
 */
static bool
closes(const struct comp *c, const struct tok *o, const struct tok *t)
{
	const char *name = c->src + o->name;
	size_t len = o->namelen;

	if (!o->dynamic && t->dynamic && len > 1 && name[0] == '*') {
		name++;
		len--;
	} else if (o->dynamic != t->dynamic)
		return false;
	return len == t->namelen &&
	    memcmp(name, c->src + t->name, len) == 0;
}

static int
pair(struct comp *c)
{
	size_t stack[MAX_NEST], depth = 0, i;
	const struct tok *o;

	for (i = 0; i < c->ntok; i++) {
		struct tok *t = &c->tok[i];

		if (opens(t->kind)) {
			if (depth == MAX_NEST) {
				report(c, t->line, t->col, "sections nested "
				    "too deeply: expected at most %d open at "
				    "once, found '%.*s' opening one more",
				    MAX_NEST, TAGLEN(t), TAGTEXT(c, t));
				return -1;
			}
			stack[depth++] = i;
			continue;
		}
		if (t->kind != T_CLOSE)
			continue;
		if (depth == 0) {
			report(c, t->line, t->col, "unexpected '%.*s': "
			    "expected it to close a section, found none open",
			    TAGLEN(t), TAGTEXT(c, t));
			return -1;
		}
		o = &c->tok[stack[--depth]];
		if (!closes(c, o, t)) {
			report(c, t->line, t->col, "mismatched close: expected "
			    "'%s/%s%.*s%s' for '%.*s' at line %d, found '%.*s'",
			    t->otag, o->dynamic ? "*" : "", (int)o->namelen,
			    c->src + o->name, t->ctag, TAGLEN(o),
			    TAGTEXT(c, o), o->line, TAGLEN(t), TAGTEXT(c, t));
			return -1;
		}
		t->match = stack[depth];
		c->tok[stack[depth]].match = i;
	}
	if (depth > 0) {
		o = &c->tok[stack[depth - 1]];
		report(c, o->line, o->col, "unclosed section '%.*s': expected "
		    "'%s/%s%.*s%s', found end of template", TAGLEN(o),
		    TAGTEXT(c, o), c->otag, o->dynamic ? "*" : "",
		    (int)o->namelen, c->src + o->name, c->ctag);
		return -1;
	}
	return 0;
}

/* Blanks only, up to an optional "\n" or "\r\n" at the end. */
static bool
blanktext(const char *s, size_t n)
{
	size_t i;

	if (n > 0 && s[n - 1] == '\n')
		n -= n > 1 && s[n - 2] == '\r' ? 2 : 1;
	for (i = 0; i < n; i++)
		if (!blank(s[i]))
			return false;
	return true;
}

/*
 * Parent tags and their closing tags are left out when counting the tags of
 * a line: all a parent holds besides blocks is ignored, so
 * "{{<page}}{{$body}}" and "{{/body}}{{/page}}" are as standalone as
 * "{{$body}}" and "{{/body}}" alone.
 */
static bool
quiet(const struct comp *c, const struct tok *t)
{
	return t->kind == T_PARENT ||
	    (t->kind == T_CLOSE && c->tok[t->match].kind == T_PARENT);
}

/*
 * A line is standalone when it holds at least one tag, no text but blanks,
 * no interpolation, and at most one tag that is not a parent's.  Every
 * token learns its line's bounds and leading blanks and whether the line
 * stands alone; each tag whether only blanks precede it (block
 * indentation); a tag that begins a kept line is marked so that a
 * line-start node goes before it.
 */
static void
mark(struct comp *c)
{
	size_t i = 0, j, k, lstart, lend, ws;
	int ntags, nsig;
	bool ok, alone, clean;

	while (i < c->ntok) {
		lstart = c->tok[i].off;
		ntags = nsig = 0;
		ok = true;
		for (j = i; j < c->ntok; ) {
			const struct tok *t = &c->tok[j++];

			if (t->kind == T_TEXT) {
				if (!blanktext(c->src + t->off, t->end - t->off))
					ok = false;
				if (c->src[t->end - 1] == '\n')
					break;
				continue;
			}
			ntags++;
			if (t->kind == T_VAR || t->kind == T_RAW)
				ok = false;
			else if (!quiet(c, t))
				nsig++;
		}
		lend = c->tok[j - 1].end;
		alone = ok && ntags > 0 && nsig <= 1;
		for (ws = 0; lstart + ws < lend && blank(c->src[lstart + ws]);
		    ws++)
			;
		clean = true;
		for (k = i; k < j; k++) {
			struct tok *t = &c->tok[k];

			t->lstart = lstart;
			t->lend = lend;
			t->wslen = ws;
			t->standalone = alone;
			if (t->kind == T_TEXT) {
				if (!blanktext(c->src + t->off, t->end - t->off))
					clean = false;
				continue;
			}
			t->lead = clean;
			if (!quiet(c, t))
				clean = false;
		}
		if (!alone && c->tok[i].kind != T_TEXT)
			c->tok[i].mark = true;
		i = j;
	}
}

/* ---- parser: tree ------------------------------------------------------- */

static struct node *
mktext(struct comp *c, size_t off, size_t len, bool bol)
{
	struct node *n = arena_zalloc(c->a, sizeof(*n));

	n->kind = N_TEXT;
	n->text = c->src + off;
	n->len = len;
	n->bol = bol;
	return n;
}

static struct node *
mknode(struct comp *c, enum node_kind k, const struct tok *t)
{
	struct node *n = arena_zalloc(c->a, sizeof(*n));
	const char *s = c->src + t->name, *p, *dot;
	size_t i;

	n->kind = k;
	n->line = t->line;
	n->col = t->col;
	n->dynamic = t->dynamic;
	n->standalone = t->standalone;
	n->text = arena_strndup(c->a, s, t->namelen);
	n->len = t->namelen;
	if (n->len == 1 && s[0] == '.')
		return n;
	n->nparts = 1;
	for (i = 0; i < n->len; i++)
		if (s[i] == '.')
			n->nparts++;
	n->part = arena_alloc(c->a, n->nparts * sizeof(*n->part));
	for (i = 0, p = s; i < n->nparts; i++, p = dot + 1) {
		dot = memchr(p, '.', (size_t)(s + n->len - p));
		if (dot == NULL)
			dot = s + n->len;
		n->part[i] = arena_strndup(c->a, p, (size_t)(dot - p));
	}
	return n;
}

static struct node *build(struct comp *c, size_t from, size_t to);

/*
 * A section, inverted section, parent or block opened by token i.
 *
 * A block's ind is the indentation of its body: when its tag stands alone,
 * the leading blanks of the next line (the body's own first line, or the
 * closing tag's); otherwise the blanks before the tag when nothing else
 * precedes it.  At an override that much is taken off each line of the
 * body passed in, and the site's indentation is put on instead.
 */
static struct node *
buildopen(struct comp *c, size_t i)
{
	static const enum node_kind kind[] = {
		[T_SECTION] = N_SECTION, [T_INVERTED] = N_INVERTED,
		[T_PARENT] = N_PARENT, [T_BLOCK] = N_BLOCK
	};
	const struct tok *t = &c->tok[i], *e = &c->tok[t->match];
	struct node *n = mknode(c, kind[t->kind], t), *kids, **tail, *k;
	size_t from, to, p;

	kids = build(c, i + 1, t->match);
	if (e->mark) {
		/* The line of the closing tag begins inside the body. */
		for (tail = &kids; *tail != NULL; tail = &(*tail)->next)
			;
		*tail = mktext(c, e->off, 0, true);
	}
	n->kids = kids;
	switch (n->kind) {
	case N_SECTION:
	case N_INVERTED:
		from = t->standalone ? t->lend : t->end;
		to = e->standalone ? e->lstart : e->off;
		n->raw = c->src + from;
		n->rawlen = to > from ? to - from : 0;
		n->otag = t->otag;
		n->ctag = t->ctag;
		break;
	case N_PARENT:
		/* Only the blocks count; other content is ignored. */
		n->kids = NULL;
		tail = &n->kids;
		for (k = kids; k != NULL; k = k->next)
			if (k->kind == N_BLOCK) {
				*tail = k;
				tail = &k->next;
			}
		*tail = NULL;
		if (t->standalone) {
			n->ind = c->src + t->lstart;
			n->indlen = t->wslen;
		}
		break;
	case N_BLOCK:
		if (t->standalone) {
			for (p = t->lend; p < c->len && blank(c->src[p]); p++)
				;
			n->ind = c->src + t->lend;
			n->indlen = p - t->lend;
			n->body_bol = t->lend < c->len;
		} else if (t->lead) {
			n->ind = c->src + t->lstart;
			n->indlen = t->wslen;
		}
		break;
	default:
		break;
	}
	return n;
}

static struct node *
build(struct comp *c, size_t from, size_t to)
{
	struct node *head = NULL, **tail = &head, *n;
	size_t i;

	for (i = from; i < to; i++) {
		const struct tok *t = &c->tok[i];

		if (t->mark) {
			*tail = mktext(c, t->off, 0, true);
			tail = &(*tail)->next;
		}
		n = NULL;
		switch (t->kind) {
		case T_TEXT:
			if (!t->standalone)
				n = mktext(c, t->off, t->end - t->off, t->bol);
			break;
		case T_VAR:
		case T_RAW:
			n = mknode(c, N_VAR, t);
			n->escape = t->kind == T_VAR;
			break;
		case T_PARTIAL:
			n = mknode(c, N_PARTIAL, t);
			if (t->standalone) {
				n->ind = c->src + t->lstart;
				n->indlen = t->wslen;
			}
			break;
		case T_SECTION:
		case T_INVERTED:
		case T_PARENT:
		case T_BLOCK:
			n = buildopen(c, i);
			i = t->match;
			break;
		default:	/* comments and delimiters leave nothing */
			break;
		}
		if (n != NULL) {
			*tail = n;
			tail = &n->next;
		}
	}
	return head;
}

static void
discard(struct tmpl *t)
{
	if (t == NULL)
		return;
	arena_release(&t->arena);
	free(t);
}

/* Compile src with the given starting delimiters; NULL after reporting. */
static struct tmpl *
compile(const char *path, const char *src, size_t len, const char *otag,
    const char *ctag)
{
	struct tmpl *t = xcalloc(1, sizeof(*t));
	struct comp c;

	arena_init(&t->arena);
	t->path = arena_strdup(&t->arena, path);
	t->src = arena_strndup(&t->arena, src, len);
	t->len = len;

	memset(&c, 0, sizeof(c));
	c.path = t->path;
	c.src = t->src;
	c.len = len;
	c.a = &t->arena;
	c.line = c.col = 1;
	setdelims(&c, otag, strlen(otag), ctag, strlen(ctag));
	if (lex(&c) == 0 && pair(&c) == 0) {
		mark(&c);
		t->body = build(&c, 0, c.ntok);
	} else {
		discard(t);
		t = NULL;
	}
	free(c.tok);
	return t;
}

/* ---- the set ------------------------------------------------------------ */

struct entry {
	struct entry   *next;
	char	       *name;
	struct tmpl    *t;	/* NULL: the loader has none, or it is broken */
	bool		broken;	/* the loader's source did not compile */
};

struct tmpl_set {
	pthread_mutex_t	lock;
	tmpl_loader	loader;
	void	       *ud;
	bool		strict;
	bool		safe;	/* {{{x}}} escapes all but trusted HTML */
	enum tmpl_missing missing;	/* for templates added from now on */
	struct entry   *bucket[NBUCKET];
	/* Replaced templates stay until the set is freed: another thread may
	 * still be rendering one. */
	struct tmpl    *retired;
};

struct tmpl_set *
tmpl_set_new(tmpl_loader loader, void *ud)
{
	struct tmpl_set *set = xcalloc(1, sizeof(*set));

	pthread_mutex_init(&set->lock, NULL);
	set->loader = loader;
	set->ud = ud;
	return set;
}

void
tmpl_set_free(struct tmpl_set *set)
{
	struct entry *e, *enext;
	struct tmpl *t, *tnext;
	size_t i;

	if (set == NULL)
		return;
	for (i = 0; i < NBUCKET; i++)
		for (e = set->bucket[i]; e != NULL; e = enext) {
			enext = e->next;
			discard(e->t);
			free(e->name);
			free(e);
		}
	for (t = set->retired; t != NULL; t = tnext) {
		tnext = t->next;
		discard(t);
	}
	pthread_mutex_destroy(&set->lock);
	free(set);
}

void
tmpl_set_strict(struct tmpl_set *set, int strict)
{
	pthread_mutex_lock(&set->lock);
	set->strict = strict != 0;
	pthread_mutex_unlock(&set->lock);
}

void
tmpl_set_missing(struct tmpl_set *set, enum tmpl_missing m)
{
	pthread_mutex_lock(&set->lock);
	set->missing = m;
	pthread_mutex_unlock(&set->lock);
}

void
tmpl_set_safe(struct tmpl_set *set, int safe)
{
	pthread_mutex_lock(&set->lock);
	set->safe = safe != 0;
	pthread_mutex_unlock(&set->lock);
}

/* The entry for name, created empty when absent.  Lock held. */
static struct entry *
find(struct tmpl_set *set, const char *name, bool *created)
{
	size_t b = hash_str(name, strlen(name)) % NBUCKET;
	struct entry *e;

	*created = false;
	for (e = set->bucket[b]; e != NULL; e = e->next)
		if (strcmp(e->name, name) == 0)
			return e;
	e = xcalloc(1, sizeof(*e));
	e->name = xstrdup(name);
	e->next = set->bucket[b];
	set->bucket[b] = e;
	*created = true;
	return e;
}

/*
 * The compiled template called name, asking the loader the first time.
 * Returns 1 with *tp set, 0 when there is none, -1 when it failed to
 * compile (reported when loaded).
 */
static int
fetch(struct tmpl_set *set, const char *name, const struct tmpl **tp,
    bool *strict)
{
	struct entry *e;
	bool created;
	char *src, *path;
	size_t len;
	int rc;

	pthread_mutex_lock(&set->lock);
	e = find(set, name, &created);
	if (created && set->loader != NULL) {
		len = 0;
		path = NULL;
		src = set->loader(name, &len, &path, set->ud);
		if (src != NULL) {
			e->t = compile(path != NULL ? path : name, src, len,
			    "{{", "}}");
			e->broken = e->t == NULL;
		}
		free(src);
		free(path);
	}
	*tp = e->t;
	rc = e->t != NULL ? 1 : e->broken ? -1 : 0;
	if (strict != NULL)
		*strict = set->strict;
	pthread_mutex_unlock(&set->lock);
	return rc;
}

int
tmpl_set_add(struct tmpl_set *set, const char *name, const char *path,
    const char *src, size_t len)
{
	struct tmpl *t = compile(path != NULL ? path : name, src, len, "{{",
	    "}}");
	struct entry *e;
	bool created;

	if (t == NULL)
		return -1;
	pthread_mutex_lock(&set->lock);
	t->missing = set->missing;
	e = find(set, name, &created);
	if (e->t != NULL) {
		e->t->next = set->retired;
		set->retired = e->t;
	}
	e->t = t;
	e->broken = false;
	pthread_mutex_unlock(&set->lock);
	return 0;
}

/* Does the tree n define block (anywhere, or in the templates it
 * includes or extends by a fixed name)?  With names, list them all. */
static bool
defines(struct tmpl_set *set, const struct node *n, const char *block,
    struct buf *names, int depth)
{
	const struct tmpl *p;

	for (; n != NULL; n = n->next) {
		if (n->kind == N_BLOCK) {
			if (names != NULL)
				buf_printf(names, "%s%s", names->len ? ", " :
				    "", n->text);
			else if (strcmp(n->text, block) == 0)
				return true;
		}
		if ((n->kind == N_PARTIAL || n->kind == N_PARENT) &&
		    !n->dynamic && depth < TMPL_MAX_DEPTH &&
		    fetch(set, n->text, &p, NULL) > 0 &&
		    defines(set, p->body, block, names, depth + 1))
			return true;
		if (n->kids != NULL &&
		    defines(set, n->kids, block, names, depth))
			return true;
	}
	return false;
}

static int
fills(struct tmpl_set *set, const struct tmpl *t, const struct node *n)
{
	const struct tmpl *p;
	const struct node *k;
	int rc = 0;

	for (; n != NULL; n = n->next) {
		if (n->kind == N_PARENT && !n->dynamic &&
		    fetch(set, n->text, &p, NULL) > 0)
			for (k = n->kids; k != NULL; k = k->next) {
				struct buf names;

				if (k->kind != N_BLOCK ||
				    defines(set, p->body, k->text, NULL, 0))
					continue;
				buf_init(&names);
				defines(set, p->body, NULL, &names, 0);
				diag_error(t->path, k->line, k->col, "block "
				    "\"%s\" is not in \"%s\": it would never "
				    "show (the blocks it may fill: %s)", k->text,
				    n->text, names.len ? names.data : "none");
				buf_release(&names);
				rc = -1;
			}
		if (n->kids != NULL && fills(set, t, n->kids) < 0)
			rc = -1;
	}
	return rc;
}

int
tmpl_check_fills(struct tmpl_set *set, const char *name)
{
	const struct tmpl *t;

	if (fetch(set, name, &t, NULL) <= 0)
		return 0;
	return fills(set, t, t->body);
}

int
tmpl_set_has(struct tmpl_set *set, const char *name)
{
	const struct tmpl *t;

	return fetch(set, name, &t, NULL) > 0;
}

/* ---- renderer ----------------------------------------------------------- */

struct frame {			/* the context stack, top first */
	const struct value *v;
	const struct frame *up;
};

struct scope {			/* the blocks a parent tag passes in */
	const struct node *args;
	const struct tmpl *t;	/* the template they are written in */
	const struct scope *outer;
};

/*
 * Indentation of source lines: a text node that begins a line gets add in
 * front, after up to strip of its leading blanks are taken off.  A block
 * overridden in mid-line ("  {{$body}}{{/body}}") finds the first part of
 * that written already: while the output is still at length at, only add
 * past its first done bytes is written.
 */
struct indent {
	const char     *add;
	size_t		addlen;
	size_t		strip;
	size_t		at;
	size_t		done;
};

struct ctx {
	const struct tmpl *t;	/* where the nodes come from, for messages */
	const struct frame *stack;
	const struct scope *scope;
	const struct indent *ind; /* NULL: lines are written as they are */
};

struct render {
	struct tmpl_set *set;
	struct buf     *out;
	struct arena	scratch; /* composed indentation, lambda labels */
	int		depth;	/* partials, parents and lambdas entered */
	long		steps;	/* nodes rendered, at most MAX_STEPS */
};

static int walk(struct render *r, const struct ctx *cx, const struct node *n);

/*
 * A member of v.  Beyond the spec, a run of digits indexes a list
 * ("items.0"), so a template can test a list for items and show the first
 * one without a helper key.
 */
static const struct value *
member(const struct value *v, const char *key)
{
	size_t i = 0;
	const char *p;

	if (v->kind != VAL_ARR)
		return value_get(v, key);
	for (p = key; *p >= '0' && *p <= '9'; p++) {
		if (i > v->u.arr.len)
			return NULL;
		i = i * 10 + (size_t)(*p - '0');
	}
	if (p == key || *p != '\0' || i >= v->u.arr.len)
		return NULL;
	return v->u.arr.v[i];
}

static const struct value *
resolve(const struct frame *f, const struct node *n)
{
	const struct value *v = NULL;
	size_t i;

	if (n->nparts == 0)
		return f != NULL ? f->v : NULL;
	for (; f != NULL; f = f->up)
		if ((v = value_get(f->v, n->part[0])) != NULL)
			break;
	for (i = 1; v != NULL && i < n->nparts; i++)
		v = member(v, n->part[i]);
	return v;
}

/*
 * The indentation for lines included at a site whose source blanks are ws,
 * where in is the indentation in force: in's add, then ws less in's strip.
 */
static void
compose(struct render *r, const struct indent *in, const char *ws,
    size_t wslen, struct indent *res)
{
	size_t k = 0;
	char *p;

	if (ws == NULL)		/* no blanks at the site (a block) */
		ws = "";
	memset(res, 0, sizeof(*res));
	res->add = ws;
	res->addlen = wslen;
	if (in == NULL)
		return;
	k = in->strip < wslen ? in->strip : wslen;
	res->add = ws + k;
	res->addlen = wslen - k;
	if (in->addlen == 0)
		return;
	/* What was written of in's add was written of this one too. */
	res->at = in->at;
	res->done = in->done;
	p = arena_alloc(&r->scratch, in->addlen + wslen - k);
	memcpy(p, in->add, in->addlen);
	memcpy(p + in->addlen, ws + k, wslen - k);
	res->add = p;
	res->addlen = in->addlen + wslen - k;
}

static void
putindent(struct render *r, const struct indent *in)
{
	size_t done = r->out->len == in->at ? in->done : 0;

	if (in->addlen > done)
		buf_put(r->out, in->add + done, in->addlen - done);
}

static void
puttext(struct render *r, const struct indent *in, const struct node *n)
{
	size_t k = 0;

	if (n->bol && in != NULL) {
		putindent(r, in);
		while (k < in->strip && k < n->len && blank(n->text[k]))
			k++;
	}
	if (n->len > k)
		buf_put(r->out, n->text + k, n->len - k);
}

static bool
enter(struct render *r, const struct ctx *cx, const struct node *n,
    const char *what)
{
	if (r->depth < TMPL_MAX_DEPTH)
		return true;
	diag_error(cx->t->path, n->line, n->col, "%s '%s' nested too deeply: "
	    "expected at most %d levels of partials, parents and lambdas, "
	    "found more (does it include itself?)", what, n->text,
	    TMPL_MAX_DEPTH);
	return false;
}

/*
 * A lambda.  For an interpolation its result is rendered with the default
 * delimiters and then escaped; for a section it gets the raw body and its
 * result is rendered with the section's delimiters.
 */
static int
lambda(struct render *r, const struct ctx *cx, const struct node *n,
    const struct value *fn)
{
	bool sec = n->kind == N_SECTION;
	struct buf src, tmp, *out = r->out;
	struct tmpl *t = NULL;
	struct ctx sub;
	const char *label;
	int rc = -1;

	buf_init(&src);
	buf_init(&tmp);
	if (!enter(r, cx, n, "lambda"))
		goto out;
	if (fn->u.fn.fn(&src, sec ? n->raw : NULL, sec ? n->rawlen : 0,
	    fn->u.fn.ud) < 0)
		goto out;
	label = arena_printf(&r->scratch, "%s (lambda '%s' at line %d)",
	    cx->t->path, n->text, n->line);
	t = compile(label, src.data != NULL ? src.data : "", src.len,
	    sec ? n->otag : "{{", sec ? n->ctag : "}}");
	if (t == NULL)
		goto out;
	sub.t = t;
	sub.stack = cx->stack;
	sub.scope = cx->scope;
	sub.ind = NULL;
	if (!sec && (n->escape || r->set->safe))
		r->out = &tmp;
	r->depth++;
	rc = walk(r, &sub, t->body);
	r->depth--;
	r->out = out;
	if (rc == 0 && tmp.len > 0)
		buf_put_html(out, tmp.data, tmp.len);
out:
	discard(t);
	buf_release(&src);
	buf_release(&tmp);
	return rc;
}

static int
interpolate(struct render *r, const struct ctx *cx, const struct node *n)
{
	const struct value *v = resolve(cx->stack, n);

	if (v == NULL) {
		/* A name that nothing on the stack has is most often a typo
		 * or a view that changed: a hole in the page nobody sees.
		 * Said once per tag (diag_once), and rendering goes on so
		 * that every such tag is found in one run. */
		if (cx->t->missing != TMPL_MISSING_OK)
			(cx->t->missing == TMPL_MISSING_ERROR ? diag_error :
			    diag_warning)(cx->t->path, n->line, n->col,
			    "\"%s\" is not set for this page: nothing on the "
			    "context stack has that name (use {{#%s}}...{{/%s}} "
			    "where it may be absent)", n->text, n->text,
			    n->text);
		return 0;
	}
	if (v->kind == VAL_FUNC)
		return lambda(r, cx, n, v);
	if (v->kind == VAL_STR && (n->escape || (r->set->safe && !v->html)))
		buf_put_html(r->out, v->u.str.s, v->u.str.len);
	else
		value_text(r->out, v);
	return 0;
}

static int
section(struct render *r, const struct ctx *cx, const struct node *n)
{
	const struct value *v = resolve(cx->stack, n);
	struct frame f;
	struct ctx sub = *cx;
	size_t i;

	if (n->kind == N_INVERTED)
		return value_truthy(v) ? 0 : walk(r, cx, n->kids);
	if (!value_truthy(v))
		return 0;
	if (v->kind == VAL_FUNC)
		return lambda(r, cx, n, v);
	f.up = cx->stack;
	sub.stack = &f;
	if (v->kind != VAL_ARR) {
		f.v = v;
		return walk(r, &sub, n->kids);
	}
	for (i = 0; i < v->u.arr.len; i++) {
		f.v = v->u.arr.v[i];
		if (walk(r, &sub, n->kids) < 0)
			return -1;
	}
	return 0;
}

/* A partial, or a parent (a partial that passes blocks in). */
static int
include(struct render *r, const struct ctx *cx, const struct node *n)
{
	const char *what = n->kind == N_PARENT ? "parent" : "partial";
	const char *name = n->text;
	const struct value *v;
	const struct tmpl *t;
	struct indent in;
	struct scope sc;
	struct ctx sub;
	bool strict;
	int rc;

	if (n->dynamic) {
		v = resolve(cx->stack, n);
		if (v == NULL || v->kind != VAL_STR)
			return 0;
		name = v->u.str.s;
	}
	rc = fetch(r->set, name, &t, &strict);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		if (!strict)
			return 0;
		diag_error(cx->t->path, n->line, n->col, "unknown %s '%s': "
		    "expected a template of that name, found none", what,
		    name);
		return -1;
	}
	if (!enter(r, cx, n, what))
		return -1;
	sub.t = t;
	sub.stack = cx->stack;
	sub.scope = cx->scope;
	sub.ind = NULL;
	if (n->standalone) {
		compose(r, cx->ind, n->ind, n->indlen, &in);
		if (in.addlen > 0)
			sub.ind = &in;
	}
	if (n->kind == N_PARENT) {
		sc.args = n->kids;
		sc.t = cx->t;
		sc.outer = cx->scope;
		sub.scope = &sc;
	}
	r->depth++;
	rc = walk(r, &sub, t->body);
	r->depth--;
	return rc;
}

/*
 * A block: its default body, or the body of the outermost parent tag that
 * overrides it.  That body is rendered with the scope in force where it was
 * written, so a block cannot override itself, and is re-indented to the
 * site.
 */
static int
block(struct render *r, const struct ctx *cx, const struct node *n)
{
	const struct scope *s, *from = NULL;
	const struct node *a, *arg = NULL;
	struct indent in;
	struct ctx sub;

	for (s = cx->scope; s != NULL; s = s->outer)
		for (a = s->args; a != NULL; a = a->next)
			if (a->len == n->len &&
			    memcmp(a->text, n->text, n->len) == 0) {
				arg = a;
				from = s;
			}
	if (arg == NULL)
		return walk(r, cx, n->kids);
	compose(r, cx->ind, n->ind, n->indlen, &in);
	in.strip = arg->indlen;
	if (!n->standalone) {
		/* The site's line, blanks included, is already written. */
		in.at = r->out->len;
		in.done = in.addlen;
	} else if (!arg->body_bol)
		putindent(r, &in);
	sub.t = from->t;
	sub.stack = cx->stack;
	sub.scope = from->outer;
	sub.ind = &in;
	return walk(r, &sub, arg->kids);
}

static int
walk(struct render *r, const struct ctx *cx, const struct node *n)
{
	int rc = 0;

	for (; n != NULL && rc == 0; n = n->next) {
		/* The -1 unwinds the whole render, so this is said once. */
		if (++r->steps > MAX_STEPS || r->out->len > MAX_OUTPUT) {
			diag_error(cx->t->path, n->line, n->col, "rendering "
			    "stopped after %ld nodes and %zu bytes: expected at "
			    "most %d nodes and %zu MiB (sections nested over "
			    "long lists?)", r->steps, r->out->len, MAX_STEPS,
			    MAX_OUTPUT >> 20);
			return -1;
		}
		switch (n->kind) {
		case N_TEXT:
			puttext(r, cx->ind, n);
			break;
		case N_VAR:
			rc = interpolate(r, cx, n);
			break;
		case N_SECTION:
		case N_INVERTED:
			rc = section(r, cx, n);
			break;
		case N_PARTIAL:
		case N_PARENT:
			rc = include(r, cx, n);
			break;
		case N_BLOCK:
			rc = block(r, cx, n);
			break;
		}
	}
	return rc;
}

/* Render t; on failure out is left as it was. */
static int
run(struct tmpl_set *set, const struct tmpl *t, const struct value *ctx,
    struct buf *out)
{
	struct frame root = { ctx, NULL };
	struct ctx cx = { t, ctx != NULL ? &root : NULL, NULL, NULL };
	struct render r;
	size_t start = out->len;
	int rc;

	r.set = set;
	r.out = out;
	r.depth = 0;
	r.steps = 0;
	arena_init(&r.scratch);
	rc = walk(&r, &cx, t->body);
	arena_release(&r.scratch);
	if (rc < 0 && out->data != NULL) {
		out->len = start;
		out->data[start] = '\0';
	}
	return rc;
}

int
tmpl_render(struct tmpl_set *set, const char *name, const struct value *ctx,
    struct buf *out)
{
	const struct tmpl *t;
	int rc = fetch(set, name, &t, NULL);

	if (rc == 0)
		diag_error(NULL, 0, 0, "unknown template '%s': expected a "
		    "template of that name, found none", name);
	if (rc <= 0)
		return -1;
	return run(set, t, ctx, out);
}

int
tmpl_render_string(struct tmpl_set *set, const char *path, const char *src,
    size_t len, const struct value *ctx, struct buf *out)
{
	struct tmpl *t = compile(path != NULL ? path : "(template)", src, len,
	    "{{", "}}");
	int rc;

	if (t == NULL)
		return -1;
	rc = run(set, t, ctx, out);
	discard(t);
	return rc;
}
