/*
 * catalog: the metadata of a data package, made from its files.
 *
 * It makes a package: the tables and their files (dataset.c), the
 * workbooks, the database and the package-level files: datapackage.json (Data
 * Package v2), catalog.jsonld (DCAT), SHA256SUMS, and the reproducible
 * tar.gz of them all, whose members come from the build cache when the
 * same file was archived before.
 */
#ifndef HEARTH_CATALOG_H
#define HEARTH_CATALOG_H

#include "dataset.h"

/* The data package of s (version: see datapkg_tables): its tables, their
 * files, then the package's, every file handed to sink (NULL: kept) as
 * soon as it is made.  Returns 0, or -1 after reporting. */
int	catalog_package(struct datapkg *p, const struct site *s,
	    const char *version, int jobs, const struct dsink *sink);

/* The same in four steps, so the caller can work while the database
 * and the workbooks are made on their threads: tables names the tables
 * of the records (what a page that cites a record links to; a few
 * milliseconds); start derives the counting tables and makes every file
 * but the package's, the workbooks and the database (on -1, after
 * reporting, nothing is left running); workbooks waits for the
 * workbooks and adds them; finish waits for the database and makes the
 * package's files.  After a start that returned 0, workbooks then finish
 * are called, exactly once each, whatever workbooks returned. */
struct dbjob;
int	catalog_tables(struct datapkg *p, const struct site *s,
	    const char *version);
int	catalog_start(struct datapkg *p, int jobs, const struct dsink *sink,
	    struct dbjob **job);
int	catalog_workbooks(struct datapkg *p);
int	catalog_finish(struct datapkg *p, struct dbjob *job);

#endif
