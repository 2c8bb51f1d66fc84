/*
 * plugin: the Lua 5.4 host — sandboxed plugins, hooks and shortcodes.
 *
 * Site-wide plugins are plugins/NAME.lua; a county's plugin is
 * content/counties/<code>/plugin.lua and applies only to that county's
 * pages and records.  Each plugin runs in its own lua_State, with its own
 * memory ceiling (a custom allocator) and an instruction budget per call
 * (a count hook), in an environment holding only safe libraries and the
 * `hearth` API table (docs/plugins.md).  Plugins never see the disk: their
 * source, and modules they require from their own folder, come from the
 * site's source table.
 *
 * Everything a plugin returns is data: strings stay text (the templates
 * escape them); only values made by hearth.markdown and hearth.render are
 * HTML.  Every failure — a Lua error, hearth.error, a limit crossed, a
 * county reaching for another county's data — is reported once as
 * "path:line: error: message" and makes the call return -1; it never
 * crashes or hangs the build.
 *
 * A plugin state is used by one thread at a time: the host serialises
 * calls into each plugin, so pages may be rendered on several threads.
 */
#ifndef HEARTH_PLUGIN_H
#define HEARTH_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct buf;
struct record;
struct site;
struct source;
struct tmpl_set;
struct value;
struct plugin_host;

/* Limits (hearth.yaml "plugins:"), with safe defaults. */
#define PLUGIN_DEFAULT_INSTRUCTIONS	10000000L	/* per call */
#define PLUGIN_DEFAULT_MEMORY		(32L * 1024 * 1024)	/* per plugin */
#define PLUGIN_DEFAULT_SECONDS		20	/* wall time per call */
#define PLUGIN_DEFAULT_TOTAL_SECONDS	600	/* all calls of a build */

/*
 * Load and run (top level) every plugin of the site: plugins/NAME.lua in name
 * order, then each content/counties/<code>/plugin.lua in code order.
 * Limits come from s->cfg.raw "plugins": {instructions, memory_mb,
 * seconds}; a call that outlives `seconds` (stuck inside a C function,
 * where the instruction budget cannot see it) ends the process with exit
 * status 1 after a diagnostic.
 * theme is the template set hearth.render uses (may be NULL until
 * plugin_set_theme is called).  Returns 0, or -1 after reporting (*out is
 * set either way; free it with plugin_host_free).
 */
int	plugin_host_new(struct plugin_host **out, const struct site *s,
	    const struct source *src);
void	plugin_host_free(struct plugin_host *h);

/* The templates hearth.render(partial, ctx) renders with (borrowed). */
void	plugin_set_theme(struct plugin_host *h, struct tmpl_set *theme);

/* Does any plugin define a shortcode or hook of this name? */
bool	plugin_has_shortcode(const struct plugin_host *h, const char *name);
bool	plugin_has_brand(const struct plugin_host *h, const char *county);

/*
 * records(type, list): called once per record type, for every plugin that
 * defines it, before any page is made.  Site-wide plugins get every record
 * of the type; a county plugin only the records of its own county (owned by
 * its folder, or naming it in a county or township field).  The list holds
 * read-only copies.  A hook may return a table { [id] = { key = value } }
 * of extra, page-only values for those records; they are kept and handed
 * out by plugin_extras.  Returns 0, or -1 after reporting.
 */
int	plugin_records(struct plugin_host *h);

/* Was r in the list a records hook was given?  Whatever that hook gave
 * (to any record) may then follow from r. */
bool	plugin_given(const struct plugin_host *h, const struct record *r);

/* Extra values a records hook gave the record (a mapping allocated in
 * the host, read-only), or NULL. */
const struct value *plugin_extras(const struct plugin_host *h,
	    const struct record *r);

/*
 * page(page): let plugins change a page's context before it is rendered.
 * kind is the page's template name ("news", "county", ...); county is the
 * county code the page belongs to (county, brand and station pages), or
 * NULL.  Site-wide plugins see every page, a county plugin only its
 * county's.  *ctx is replaced by the context the hook leaves (allocated in
 * a; HTML-valued keys keep their trust only if the plugin left them as
 * they were or made them with hearth.markdown/hearth.render).  Returns 0,
 * or -1 after reporting.
 */
int	plugin_page(struct plugin_host *h, const char *kind, const char *county,
	    struct value **ctx, struct arena *a);

/* The path of a plugin whose code may shape a page of county (NULL: a
 * page of no county): the county's own plugin, if it has one, else a
 * site-wide page hook.  NULL when no plugin code touches the page.
 * (brand: the page is the county's brand page.) */
const char *plugin_touches(const struct plugin_host *h, const char *county,
	    bool brand);

/* Every record's extras as JSON, in the site's record order: what the
 * records hooks gave, an input of the pages like the records (deps.h). */
struct buf;
void	plugin_extras_json(const struct plugin_host *h, struct buf *out);

/* The records a page's shortcodes read with hearth.record, so the page can
 * link to the rows its figures come from; the first PLUGIN_READS_MAX. */
#define PLUGIN_READS_MAX 32
struct plugin_reads {
	const struct record *v[PLUGIN_READS_MAX];
	size_t		 n;
};

/*
 * Call shortcode name with args (a mapping of strings) for the page whose
 * context is page (may be NULL), from the file at path:line (for
 * messages).  The shortcode's result (a string: Markdown text, or HTML
 * made by hearth.markdown) is appended to out; *is_html tells which.
 * county: the county of the page, or NULL; a county plugin's shortcodes
 * are used only on its county's pages, site-wide ones everywhere (a
 * county's shortcode wins there).  reads, when not NULL, gathers the
 * records the call read.  Returns 0, or -1 after reporting (including
 * "unknown shortcode").
 */
int	plugin_shortcode(struct plugin_host *h, const char *name,
	    const struct value *args, const struct value *page,
	    const char *county, const char *path, int line, struct buf *out,
	    bool *is_html, struct plugin_reads *reads);

/*
 * brand(county): the context of a county's brand page, from the county's
 * plugin.  county is a mapping the host passes in (code, name, figures,
 * stations...).  On success *out is the returned table as a value
 * (allocated in a).  Returns 1 when the county has a brand hook and it
 * succeeded, 0 when it has none, -1 after reporting.
 */
int	plugin_brand(struct plugin_host *h, const char *county,
	    const struct value *in, struct value **out, struct arena *a);

#endif
