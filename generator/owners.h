/*
 * owners: who may change which paths of the site (content/OWNERS).
 *
 *     # comment
 *     @province = editor@example.gov.cn other@example.gov.cn
 *     **                         @province
 *     content/counties/522702/   fuquan@example.gov.cn
 *
 * A rule is a pattern and its owners (emails or @groups).  A pattern
 * ending in '/' covers everything under that folder; otherwise '*' matches
 * within one path segment, '**' across segments and '?' one character.
 * The last rule that matches a path decides; a path no rule matches has no
 * owner and anyone may change it (so a file usually starts with "**").
 * Emails compare without regard to case.  An owner may also be an account
 * of the province's git server, "user:NAME", which a receiving hook
 * checks the pusher against.  A line "trust: <commit id>" names the commit
 * up to which history is trusted as it stands (signatures are required
 * after it; docs/git.md).
 */
#ifndef HEARTH_OWNERS_H
#define HEARTH_OWNERS_H

#include <stdbool.h>
#include <stddef.h>

struct owners;

#define OWNERS_PATH "content/OWNERS"

/* Parse an owners file.  Returns 0, or -1 after reporting every problem
 * as "path:line:col: error: ..."; *out is NULL then. */
int	owners_parse(struct owners **out, const char *path, const char *text,
	    size_t len);
void	owners_free(struct owners *o);

/* The owners of path (NULL and *n = 0 when no rule matches). */
const char *const *owners_of(const struct owners *o, const char *path,
	    size_t *n);

/* May email change path? */
bool	owners_allows(const struct owners *o, const char *path,
	    const char *email);

/* May one of the comma-separated identities in who (a signing key's
 * principals) change path? */
bool	owners_allows_any(const struct owners *o, const char *path,
	    const char *who);

/* The "trust:" commit id, or NULL. */
const char *owners_trust(const struct owners *o);

/* Does some rule or group name a "user:" account? */
bool	owners_has_users(const struct owners *o);

/* Glob match as described above (exported for tests). */
bool	owners_match(const char *pattern, const char *path);

#endif
