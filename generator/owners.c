/*
 * owners: a line-oriented format, parsed by hand because it is not YAML,
 * JSON or CSV: whitespace-separated fields, '#' comments, one rule or group
 * per line.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diag.h"
#include "owners.h"
#include "util.h"

#define OWNERS_MAX_LINES	10000
#define OWNERS_MAX_FIELDS	200

struct group {
	char		*name;		/* without '@' */
	char		**emails;
	size_t		 n;
};

struct rule {
	char		*pattern;
	char		**emails;	/* groups expanded */
	size_t		 n;
};

struct owners {
	char		*trust;		/* "trust:" commit id, or NULL */
	bool		 users;		/* some owner is a "user:" account */
	struct group	*groups;
	size_t		 ngroups, gcap;
	struct rule	*rules;
	size_t		 nrules, rcap;
};

/* ---- matching ----------------------------------------------------------- */

/* Is p[i] a star of a run of two or more ("**")? */
static bool
dblstar(const char *p, size_t i)
{
	return p[i] == '*' && ((i > 0 && p[i - 1] == '*') || p[i + 1] == '*');
}

/* Stars match the empty string: where a star is reached, so is what
 * follows it. */
static void
skipstars(const char *p, size_t n, unsigned char *set)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (set[i] && p[i] == '*')
			set[i + 1] = 1;
}

/*
 * The pattern run as an automaton over the path: set holds the pattern
 * positions reached so far.  (Backtracking over the stars took time
 * exponential in their number: "**?*?*?*?**." against a long path never
 * finished.)  Time is the pattern's length times the path's.
 */
static bool
glob(const char *p, const char *s)
{
	size_t n = strlen(p), i;
	unsigned char *set = xcalloc(n + 1, 1), *next = xcalloc(n + 1, 1), *t;
	bool ok;

	set[0] = 1;
	skipstars(p, n, set);
	for (; *s != '\0'; s++) {
		memset(next, 0, n + 1);
		for (i = 0; i < n; i++) {
			if (!set[i])
				continue;
			if (p[i] == '*') {
				/* '*' stays within a segment, "**" does not. */
				if (*s != '/' || dblstar(p, i))
					next[i] = 1;
			} else if (p[i] == '?' ? *s != '/' : p[i] == *s)
				next[i + 1] = 1;
		}
		skipstars(p, n, next);
		t = set;
		set = next;
		next = t;
	}
	ok = set[n] != 0;
	free(set);
	free(next);
	return ok;
}

bool
owners_match(const char *pattern, const char *path)
{
	size_t n = strlen(pattern);

	if (n > 0 && pattern[n - 1] == '/')
		return strncmp(pattern, path, n) == 0;
	return glob(pattern, path);
}

const char *const *
owners_of(const struct owners *o, const char *path, size_t *n)
{
	size_t i;

	for (i = o->nrules; i-- > 0;)
		if (owners_match(o->rules[i].pattern, path)) {
			*n = o->rules[i].n;
			return (const char *const *)o->rules[i].emails;
		}
	*n = 0;
	return NULL;
}

bool
owners_allows(const struct owners *o, const char *path, const char *email)
{
	const char *const *who;
	size_t i, n;

	if ((who = owners_of(o, path, &n)) == NULL)
		return true;
	for (i = 0; i < n; i++)
		if (strcasecmp(who[i], email) == 0)
			return true;
	return false;
}

const char *
owners_trust(const struct owners *o)
{
	return o->trust;
}

bool
owners_has_users(const struct owners *o)
{
	return o->users;
}

bool
owners_allows_any(const struct owners *o, const char *path, const char *who)
{
	char one[256];
	size_t n;

	while (*who != '\0') {
		n = strcspn(who, ",");
		if (n < sizeof(one)) {
			memcpy(one, who, n);
			one[n] = '\0';
			if (owners_allows(o, path, one))
				return true;
		}
		who += n + (who[n] == ',');
	}
	return false;
}

/* ---- parsing ------------------------------------------------------------- */

static void
freelist(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
owners_free(struct owners *o)
{
	size_t i;

	if (o == NULL)
		return;
	for (i = 0; i < o->ngroups; i++) {
		free(o->groups[i].name);
		freelist(o->groups[i].emails, o->groups[i].n);
	}
	for (i = 0; i < o->nrules; i++) {
		free(o->rules[i].pattern);
		freelist(o->rules[i].emails, o->rules[i].n);
	}
	free(o->groups);
	free(o->rules);
	free(o->trust);
	free(o);
}

static bool
emailok(const char *s)
{
	const char *at = strchr(s, '@');

	return at != NULL && at > s && at[1] != '\0' && strchr(at + 1, '@') ==
	    NULL && strchr(at + 1, '.') != NULL && strpbrk(s, "<>\"'()") == NULL;
}

/* An account of the province's git server: "user:" and a login name. */
static bool
userok(const char *s)
{
	return strncmp(s, "user:", 5) == 0 && id_valid(s + 5, 64);
}

static const struct group *
findgroup(const struct owners *o, const char *name)
{
	size_t i;

	for (i = 0; i < o->ngroups; i++)
		if (strcmp(o->groups[i].name, name) == 0)
			return &o->groups[i];
	return NULL;
}

/* Expand owner fields (emails and @groups) into a list.  Returns 0 or -1
 * after reporting. */
static int
expand(struct owners *o, const char *path, int line,
    char *const *fields, const int *cols, size_t nf, char ***out,
    size_t *nout)
{
	size_t i, j, cap = 0;
	int rc = 0;

	*out = NULL;
	*nout = 0;
	for (i = 0; i < nf; i++) {
		if (fields[i][0] == '@') {
			const struct group *g = findgroup(o, fields[i] + 1);

			if (g == NULL) {
				diag_error(path, line, cols[i], "unknown group "
				    "\"%s\" (define it first: %s = emails)",
				    fields[i], fields[i]);
				rc = -1;
				continue;
			}
			for (j = 0; j < g->n; j++) {
				xgrow(out, &cap, *nout + 1, sizeof(**out));
				(*out)[(*nout)++] = xstrdup(g->emails[j]);
			}
		} else if (!emailok(fields[i]) && !userok(fields[i])) {
			diag_error(path, line, cols[i], "expected an email "
			    "address, user:NAME or @group, found \"%s\"",
			    fields[i]);
			rc = -1;
		} else {
			if (userok(fields[i]))
				o->users = true;
			xgrow(out, &cap, *nout + 1, sizeof(**out));
			(*out)[(*nout)++] = xstrdup(fields[i]);
		}
	}
	return rc;
}

/* A path inside the site, with few enough wildcards that matching stays
 * cheap (each '*' may try every position of the path). */
static bool
patternok(const char *p)
{
	const char *s;
	int stars = 0;

	if (*p == '/' || strstr(p, "..") != NULL || strlen(p) > 256)
		return false;
	for (s = p; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == '\\')
			return false;
		stars += *s == '*';
	}
	return stars <= 8;
}

int
owners_parse(struct owners **out, const char *path, const char *text,
    size_t len)
{
	struct owners *o = xcalloc(1, sizeof(*o));
	const char *p = text, *end = text + len;
	char *fields[OWNERS_MAX_FIELDS];
	int cols[OWNERS_MAX_FIELDS];
	int line = 0, rc = 0;
	size_t nf, i, bad;

	*out = NULL;
	if (!utf8_valid(text, len, &bad)) {
		int l, c;

		text_position(text, bad, &l, &c);
		diag_error(path, l, c, "invalid UTF-8");
		owners_free(o);
		return -1;
	}
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *q, *lstart = p;

		if (eol == NULL)
			eol = end;
		if (++line > OWNERS_MAX_LINES) {
			diag_error(path, line, 1, "more than %d lines",
			    OWNERS_MAX_LINES);
			rc = -1;
			break;
		}
		/* Split the line into fields up to a comment. */
		nf = 0;
		for (q = p; q < eol && *q != '#';) {
			const char *f;

			while (q < eol && (*q == ' ' || *q == '\t' || *q == '\r'))
				q++;
			if (q >= eol || *q == '#')
				break;
			f = q;
			while (q < eol && *q != ' ' && *q != '\t' &&
			    *q != '\r' && *q != '#')
				q++;
			if (nf == OWNERS_MAX_FIELDS) {
				diag_error(path, line, 1, "more than %d fields "
				    "on a line", OWNERS_MAX_FIELDS);
				rc = -1;
				break;
			}
			cols[nf] = (int)utf8_count(lstart, (size_t)(f - lstart)) + 1;
			fields[nf++] = xstrndup(f, (size_t)(q - f));
		}
		p = eol < end ? eol + 1 : end;
		if (nf == 0)
			continue;
		if (strcmp(fields[0], "trust:") == 0) {
			/* The commit up to which history is trusted. */
			if (nf != 2 || strlen(fields[1]) != 40 ||
			    strspn(fields[1], "0123456789abcdef") != 40) {
				diag_error(path, line, cols[0], "expected \"trust: "
				    "\" and a full commit id (40 hexadecimal "
				    "digits)");
				rc = -1;
			} else if (o->trust != NULL) {
				diag_error(path, line, cols[0], "\"trust:\" is "
				    "given twice");
				rc = -1;
			} else
				o->trust = xstrdup(fields[1]);
		} else if (fields[0][0] == '@') {
			/* A group: @name = emails... */
			struct group *g;
			char *name = fields[0] + 1;

			if (nf < 3 || strcmp(fields[1], "=") != 0 ||
			    !id_valid(name, 64)) {
				diag_error(path, line, cols[0], "expected a group "
				    "definition \"@name = email ...\"");
				rc = -1;
			} else if (findgroup(o, name) != NULL) {
				diag_error(path, line, cols[0], "group \"%s\" is "
				    "defined twice", fields[0]);
				rc = -1;
			} else {
				xgrow(&o->groups, &o->gcap, o->ngroups + 1,
				    sizeof(*o->groups));
				g = &o->groups[o->ngroups];
				if (expand(o, path, line, fields + 2, cols + 2,
				    nf - 2, &g->emails, &g->n) < 0) {
					freelist(g->emails, g->n);
					rc = -1;
				} else {
					g->name = xstrdup(name);
					o->ngroups++;
				}
			}
		} else if (!patternok(fields[0])) {
			diag_error(path, line, cols[0], "a pattern is a path "
			    "inside the site (no leading '/', no \"..\", at most "
			    "8 '*')");
			rc = -1;
		} else if (nf < 2) {
			diag_error(path, line, cols[0], "pattern \"%s\" has no "
			    "owners", fields[0]);
			rc = -1;
		} else {
			struct rule *r;

			xgrow(&o->rules, &o->rcap, o->nrules + 1,
			    sizeof(*o->rules));
			r = &o->rules[o->nrules];
			if (expand(o, path, line, fields + 1, cols + 1, nf - 1,
			    &r->emails, &r->n) < 0) {
				freelist(r->emails, r->n);
				rc = -1;
			} else {
				r->pattern = xstrdup(fields[0]);
				o->nrules++;
			}
		}
		for (i = 0; i < nf; i++)
			free(fields[i]);
	}
	if (rc < 0) {
		owners_free(o);
		return -1;
	}
	*out = o;
	return 0;
}
