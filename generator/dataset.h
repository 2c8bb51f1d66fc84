/*
 * dataset: the open data of a site, as tables and as the files that
 * publish them.
 *
 * Every record type whose schema names a dataset becomes one table (rows in
 * schema order, the same typed values the pages print), and two tables are
 * derived from the model: counties and provinces with their coverage.  Each
 * table is serialised once as JSON, CSV, Excel CSV and (where it has
 * geometry) GeoJSON, with a JSON Schema and slices per province and county;
 * catalog.c then adds the package metadata.  Each file is checksummed, added
 * to the bulk download and handed to the sink (the writer) as soon as it is
 * made, so a package holds one file's bytes at a time, whatever its size.
 * Pages read sizes and checksums from here, so a page and the file it
 * describes cannot disagree.
 */
#ifndef HEARTH_DATASET_H
#define HEARTH_DATASET_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "tgz.h"

/* Where a dataset's JSON Schema is published, under /data/.  Not
 * "<name>.schema.json": Data Package tools read any path ending in
 * "schema.json" as a Table Schema. */
#define JSON_SCHEMA_PATH "schemas/%s.json"
/* Where its Table Schema is, which the slices' resources name by path
 * (inline, it would be repeated for each of thousands of slices). */
#define TABLE_SCHEMA_PATH "schemas/%s.table.json"

struct schema;
struct site;
struct value;

enum dfile_kind {
	DF_JSON,
	DF_CSV,
	DF_EXCEL,	/* CSV with a UTF-8 byte order mark */
	DF_GEOJSON,
	DF_SCHEMA,	/* JSON Schema of the JSON file */
	DF_SLICE_JSON,	/* a province's or county's rows */
	DF_SLICE_CSV,
	DF_META		/* datapackage.json, catalog.jsonld, SHA256SUMS */,
	DF_ARCHIVE,
	DF_XLSX,	/* an Excel workbook of one table */
	DF_DATABASE,	/* <package>.sqlite: the same data again, so neither in
			   SHA256SUMS nor the archive; it has its own
			   .sha256 */
	DF_TABLESCHEMA	/* Table Schema of the CSV files */
};

/* One published file.  path is relative to /data/ ("stations.json"). */
struct dfile {
	const char	*path;
	char		*data;		/* owned by the package; NULL once
					   handed to the sink */
	int		 fd;		/* or the bytes are this open file's,
					   from its start (the database):
					   closed by the sink; else -1 */
	size_t		 len;
	char		 sha256[65];	/* lower-case hex */
	enum dfile_kind	 kind;
	const char	*mediatype;
	const char	*format;	/* "json", "csv", "geojson", ... */
	int		 table;		/* index into tables, -1 for none */
};

struct table {
	const char	*name;		/* dataset name: /data/<name>.json,
					   .csv and .xlsx, whether made or
					   kept (pages link them by name) */
	const struct schema *schema;
	struct value	**rows;		/* mappings in schema order */
	size_t		 nrows;
	const char	*geometry;	/* "point", "county" or NULL */
	bool		 stations;	/* the station records' rows */
	bool		 counts;	/* rows that count the stations (of
					   counties, provinces, townships):
					   listed by the rows' digest */
	char		*rowsum;	/* that digest, once taken */
	const char	*date_min;	/* temporal coverage, from date fields */
	const char	*date_max;
	size_t		*files;		/* indexes of its files */
	size_t		 nfiles, capfiles;
	struct xlsxjob	*workbook;	/* being made (xlsxfile.c), or NULL */
};

struct datapkg;

/* Where each file of a package goes once made: put takes f->data (frees
 * it and sets it NULL) and returns 0, or -1 after reporting.  Without a
 * sink the bytes stay in the package (a version compared, not written). */
struct dsink {
	int	(*put)(void *ud, const struct datapkg *p, struct dfile *f);
	/* Keep the published copy of f (f->data NULL; its size and
	 * checksum known) instead of making it: with commit false only
	 * whether it could, then for each file of a table with commit true.
	 * 0 or -1.  NULL: nothing is kept. */
	int	(*keep)(void *ud, const struct datapkg *p,
		    const struct dfile *f, bool commit);
	/* A file to make a database in by name, which put then moves
	 * rather than copies (write.h, writer_scratch): its descriptor,
	 * or -1 when there is none.  NULL: none. */
	int	(*scratch)(void *ud, char *path, size_t size);
	void	*ud;
	/* What the package is made of (deps.h): rest, the digest of the
	 * stations and the rest; frame, of the rest alone.  A table is a
	 * function of the rest (frame), those made of the stations of
	 * those too (rest), the news table of the news as listed too, and
	 * each of its source commit (since); so are their files, listed in
	 * the cache by those.  NULL: no list is kept.  A slice is made of
	 * the frame, its rows and source commit, and listed by them.
	 * changed: the parts not as the published site's. */
	const char *rest, *news, *frame;
	unsigned changed;
};

struct datapkg {
	struct arena	 arena;		/* tables, rows, metadata */
	const struct site *site;	/* borrowed */
	const char	*name;		/* package name */
	const char	*version;	/* /data/v/<version>/ */
	const char	*created;	/* RFC 3339, reproducible */
	const char	*as_of;		/* data-as-of date */
	const char	*archive;	/* file name of the bulk download */
	struct table	*tables;	/* sorted by name */
	size_t		 ntables;
	struct dfile	*files;		/* in the order they are listed */
	size_t		 nfiles, cap;
	const struct dsink *sink;	/* borrowed, or NULL */
	int		 sinkrc;	/* -1 once a put failed */
	size_t		 made;		/* tables whose files were made,
					   not kept as published */
	struct tgz	 bulk;		/* the bulk download: every file
					   added joins it until catalog.c
					   closes it (bulking false) */
	bool		 bulking;
	const char	**versions;	/* every published version, sorted,
					   this one included (the caller
					   adds the others) */
	size_t		 nversions;
	/* The source commit a table's files name (repo_since over
	 * datapkg_paths): [0] that of all but the news, [1] with the news;
	 * "" outside a repository. */
	char		 since[2][41];
};

/*
 * The tables of s.  version is NULL for the site as built (hearth.yaml's
 * data.version, the release tag of a --rev build, or the data-as-of
 * date), or the name of a dated version rebuilt from history, which is
 * then dated as a build of the working tree is.  Returns 0, or -1 after
 * reporting.
 */
int	datapkg_tables(struct datapkg *out, const struct site *s,
	    const char *version);

/* datapkg_tables in two steps: every table, sorted by name, the rows of
 * the records' tables as the records hold them (what the database's
 * full-text table needs, dbfile_start, and all a page reads of the
 * tables: their names); then the rows of the tables that count the
 * stations (of the divisions) and the names beside codes, on jobs
 * threads.  A row keeps its place in its table through the second
 * step. */
int	datapkg_records(struct datapkg *out, const struct site *s,
	    const char *version);
int	datapkg_derive(struct datapkg *p, int jobs);

/* The files of every table (catalog_package then adds the package's
 * files), each handed to sink as it is made.  jobs: threads for what is
 * not cached (boundaries to repair).  listed, when not NULL, is called
 * for each table once its JSON and CSV files are listed (what its
 * workbook is made of), before its other files are made.  Returns 0, or
 * -1 after reporting. */
int	datapkg_files(struct datapkg *p, int jobs, const struct dsink *sink,
	    void (*listed)(struct datapkg *p, int table));
void	datapkg_release(struct datapkg *p);

/* The files the data is made of, relative to the site: its history in
 * these alone moves a version or a table's source commit. */
extern const char *const datapkg_paths[];
#define DATAPKG_NPATHS	3

/* A name in the cache (cache.h) for what is made of the parts (deps.h
 * DEP_*) of p's inputs: the digest of the rest and, with DEP_STATIONS,
 * of the stations, with DEP_NEWS of the news as listed, the source
 * commit files name, the package's name, version and date, and part:
 * "<prefix>-<32 hex>";
 * "" when p's sink has no digests (outside a build). */
void	datapkg_cachename(const struct datapkg *p, const char *prefix,
	    const char *part, unsigned parts, char name[48]);

/* Hand every file still holding its bytes to sink (a version kept in
 * memory until it was known to build).  Returns 0 or -1. */
int	datapkg_flush(struct datapkg *p, const struct dsink *sink);

/* The version a build of s's working tree publishes as: hearth.yaml's
 * data.version, else the data-as-of date. */
const char *datapkg_dated_version(const struct site *s);

/* The fnmatch pattern of release tags (hearth.yaml data.release_tags,
 * default "v*"): a build of a tagged revision takes the tag as its
 * version, and consecutive releases get a data changelog. */
const char *datapkg_release_tags(const struct site *s);

/* Add a version to the list (a release rebuilt from git). */
void	datapkg_add_version(struct datapkg *p, const char *version);

/* The table called name, or NULL. */
const struct table *datapkg_table(const struct datapkg *p, const char *name);

/* The file at path (relative to /data/), or NULL. */
const struct dfile *datapkg_file(const struct datapkg *p, const char *path);

/* Add a file (data is taken over; it must come from malloc): checksum
 * it, add it to the bulk download while that is open, hand it to the
 * sink.  Returns its index. */
size_t	datapkg_add(struct datapkg *p, const char *path, char *data,
	    size_t len, enum dfile_kind kind, const char *mediatype,
	    const char *format, int table);

/* The same for the len bytes of the open file fd (taken over), whose
 * SHA-256 (hex) its maker took, on its own thread: read in pieces, never
 * whole (not for the bulk download).  Returns its index. */
size_t	datapkg_add_fd(struct datapkg *p, const char *path, int fd,
	    size_t len, const char *sha256, enum dfile_kind kind,
	    const char *mediatype, const char *format);

/* The same for a file kept as published (the sink kept it): its size
 * and SHA-256 only (not for the bulk download).  Returns its index. */
size_t	datapkg_add_kept(struct datapkg *p, const char *path, size_t len,
	    const char *sha256, enum dfile_kind kind, const char *mediatype,
	    const char *format);

#endif
