/*
 * template: the Mustache engine (themes are Mustache; no maintained C
 * Mustache library is packaged in Debian, so it is written here).
 *
 * Implements the Mustache spec: interpolation (HTML-escaped by default),
 * sections, inverted sections, comments, set-delimiter, partials with
 * standalone indentation, dynamic names ({{>*name}}), inheritance
 * ({{<parent}}{{$block}}...{{/block}}{{/parent}}) and lambdas (values of
 * kind VAL_FUNC).  Templates are compiled once into a tree and rendered many
 * times; rendering only reads the set and the context, so several threads
 * may render from one set at once.
 */
#ifndef HEARTH_TEMPLATE_H
#define HEARTH_TEMPLATE_H

#include <stddef.h>

struct buf;
struct value;
struct tmpl_set;

/*
 * Called for a partial name the set does not hold yet.  Returns the source
 * in a malloc'd buffer (the set takes ownership) with *len and *path (a
 * malloc'd path for messages, or NULL), or NULL when there is no such
 * partial.  May be called from any rendering thread (the set serialises
 * calls).
 */
typedef char *(*tmpl_loader)(const char *name, size_t *len, char **path,
    void *ud);

/* A new, empty set.  loader may be NULL.  Free with tmpl_set_free. */
struct tmpl_set *tmpl_set_new(tmpl_loader loader, void *ud);
void	tmpl_set_free(struct tmpl_set *set);

/*
 * Strict sets report a partial that cannot be found as an error at the
 * tag (themes want that); the default follows the spec and renders
 * nothing.
 */
void	tmpl_set_strict(struct tmpl_set *set, int strict);

/*
 * What a plain interpolation ({{x}}, {{a.b}}, {{{x}}}) whose name resolves
 * to nothing on the context stack is, for templates added to the set from
 * now on: nothing (the spec), a warning or an error at the tag.  A value
 * that is present but null or false is not missing; sections over absent
 * names stay legal.
 */
enum tmpl_missing { TMPL_MISSING_OK, TMPL_MISSING_WARN, TMPL_MISSING_ERROR };
void	tmpl_set_missing(struct tmpl_set *set, enum tmpl_missing m);

/*
 * Safe sets (themes, county templates) escape {{{x}}} and {{&x}} too,
 * unless x is trusted HTML (struct value .html: rendered Markdown, charts,
 * maps): so no string from content or a plugin can become markup, whatever
 * a template says.  The default follows the spec.
 */
void	tmpl_set_safe(struct tmpl_set *set, int safe);

/*
 * Compile src (len bytes, copied) and store it under name, replacing any
 * template of that name.  path names the file in messages.  Returns 0, or
 * -1 after reporting syntax errors as "path:line:col: error: ...".
 */
int	tmpl_set_add(struct tmpl_set *set, const char *name, const char *path,
	    const char *src, size_t len);

/*
 * Every block the template name fills in a parent ({{<p}}{{$b}}...) must be
 * one that p defines (itself or through what it includes): a fill that
 * would never show is reported at its tag, naming the blocks p has.
 * Returns 0 or -1.
 */
int	tmpl_check_fills(struct tmpl_set *set, const char *name);

/* Does the set hold (or can its loader find) a template of this name? */
int	tmpl_set_has(struct tmpl_set *set, const char *name);

/*
 * Render the template called name with ctx as the root of the context stack,
 * appending to out.  Returns 0, or -1 after reporting (unknown template,
 * partial nesting deeper than TMPL_MAX_DEPTH, a lambda's failure).
 */
#define TMPL_MAX_DEPTH 64
int	tmpl_render(struct tmpl_set *set, const char *name,
	    const struct value *ctx, struct buf *out);

/* Compile and render src directly (lambdas, tests).  Partials resolve
 * against set.  Returns 0 or -1 as above. */
int	tmpl_render_string(struct tmpl_set *set, const char *path,
	    const char *src, size_t len, const struct value *ctx,
	    struct buf *out);

#endif
