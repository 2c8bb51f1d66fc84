/*
 * dbfile: every dataset of a package in one SQLite database
 * (/data/<package>.sqlite), for Datasette, pandas, R or the sqlite3 shell:
 * one table per dataset with its declared types, primary key and foreign
 * keys (to the tables of the records and divisions it refers to), and
 * news_fts, a full-text table over the news that finds Chinese words the
 * way the site's search does (terms.h).  Beside it, metadata.json for
 * Datasette: titles, descriptions, units, licence and source.
 *
 * Made in a scratch file on a thread of its own while the other files of
 * the package are made; the same data gives the same bytes.
 */
#ifndef HEARTH_DBFILE_H
#define HEARTH_DBFILE_H

#include "dataset.h"

struct dbjob;

/* Start making the database of p's tables: once p has its records'
 * tables (datapkg_records), the groups of the news' full-text table the
 * cache lacks; the tables, then the full-text table, once dbfile_tables
 * says they are made.  It reads p's tables and site, which must not
 * change after that until it is finished. */
struct dbjob *dbfile_start(const struct datapkg *p);

/* p's tables are made (datapkg_derive), or could not be (made false:
 * the database is then abandoned).  Called once for every job, before
 * dbfile_finish. */
void	dbfile_tables(struct dbjob *j, bool made);

/* Wait for it and add <package>.sqlite and metadata.json to p; frees j.
 * Returns 0, or -1 after reporting. */
int	dbfile_finish(struct dbjob *j, struct datapkg *p);

#endif
