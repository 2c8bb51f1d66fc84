/*
 * catalog: the metadata of a data package, made from its files.
 *
 * Given the tables and files of the dataset stage, it adds the workbooks,
 * the database and the package-level files: datapackage.json (Data
 * Package v2), catalog.jsonld (DCAT), SHA256SUMS, and the reproducible
 * tar.gz of them all, whose members come from the build cache when the
 * same file was archived before.
 */
#ifndef HEARTH_CATALOG_H
#define HEARTH_CATALOG_H

#include "dataset.h"

/* Complete p with its package files, handed to p's sink as the others
 * were.  Returns 0 or -1. */
int	catalog_build(struct datapkg *p);

#endif
