/*
 * dbfile: every dataset of a package in one SQLite database
 * (/data/<package>.sqlite), for Datasette, pandas, R or the sqlite3 shell:
 * one table per dataset with its declared types, primary key and foreign
 * keys (to the tables of the records and divisions it refers to), and
 * news_fts, a full-text table over the news that finds Chinese words the
 * way the site's search does (terms.h).  Beside it, metadata.json for
 * Datasette: titles, descriptions, units, licence and source.
 *
 * Built in memory and serialised, so the same data gives the same bytes.
 */
#ifndef HEARTH_DBFILE_H
#define HEARTH_DBFILE_H

#include "dataset.h"

/* Add <package>.sqlite and metadata.json to p.  Returns 0, or -1 after
 * reporting. */
int	dbfile_build(struct datapkg *p);

#endif
