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

#endif
