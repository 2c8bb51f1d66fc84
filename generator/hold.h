/*
 * hold: the model hearth serve keeps between saves, so that the page an
 * editor has open shows an edit of a news item or a record before the
 * build has even read the site.
 *
 * `hearth build --hold` reads the site as a build does, says it is ready
 * (an empty line on its preview descriptor), then answers requests on its
 * standard input: the output paths of the open pages, one a line, ended by
 * an empty line (none: the site is followed, nothing made).  For each it
 * stamps the site again and, when what changed since it last looked is
 * published news items or files of records alone, takes their new text
 * into its model (site_rebody: the bytes before it as they were), or
 * their new front matter, checked as the load checks it, with the lists
 * it puts them in (site_refront), or a file of records' new rows
 * (stations, campaigns, reports), when they are the same records in the
 * same areas (site_rerecords), or a county's brand page (site_rebrand),
 * or templates (compiled again, as the build compiles them), or a news
 * item's file added or removed (site_addnews, site_removenews), or a file
 * of the theme's static folder (no page reads its bytes), and sends the
 * pages as a build sends them first (out_page_send, with the view it
 * keeps, made again after all but a body's edit: no page reads a body
 * but when rendered; and with every map laid out, none drawn: pages read
 * only their sizes and projections), then the static files as the build
 * publishes them (assets/...).  When anything else changed
 * (another file added or removed, a record added, a station moved to
 * another county, what the build would refuse), it sends nothing and
 * the build makes them.  Every answer ends with an empty line.  The
 * build that follows publishes the same pages: serve reloads a page
 * again only when they differ.
 */
#ifndef HEARTH_HOLD_H
#define HEARTH_HOLD_H

struct out_ctx;
struct plugin_host;
struct site;
struct source;
struct source_stamps;

/* Answer on out the requests read from in until it ends.  read: the
 * site's stamps taken before it was read.  Returns 0, or -1 when a
 * request could not be answered at all. */
int	hold_run(struct out_ctx *ctx, struct plugin_host *plugins,
	    struct source *src, struct site *site,
	    struct source_stamps *stamped, int in, int out);

#endif
