/*
 * catalog: the metadata of a data package, made from its files.
 *
 * Given the tables and files of the dataset stage, it computes the
 * checksum of every file and adds the package-level files: datapackage.json
 * (Data Package v2), catalog.jsonld (DCAT), SHA256SUMS and the
 * reproducible tar.gz of them all (from the build cache when the same
 * archive was made before).
 */
#ifndef HEARTH_CATALOG_H
#define HEARTH_CATALOG_H

#include "dataset.h"

/* Complete p with checksums and package files.  Returns 0 or -1. */
int	catalog_build(struct datapkg *p);

#endif
