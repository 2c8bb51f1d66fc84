/*
 * fuzz_records: a records file checked against its schema, then linked
 * with the other records and the reference divisions.
 *
 * At start-up the demo's schemas (content/schemas/<type>.yaml, the types
 * listed below) are parsed with schema_parse, the divisions are loaded by
 * division_load from a source filled by hand with hearth's national
 * reference and the mini test site's division tables, and the campaigns
 * and initiatives the demo records refer to are loaded once as background
 * records.
 *
 * The first input byte chooses what the rest is:
 *
 *	bit 0		CSV (0) or JSON (1)
 *	bits 1-2	owner: none, 522702, 990101 or 999999 (not a division)
 *	bits 3-7	record type: types[k % (NTYPES + 1)]; NTYPES means the
 *			rest is a schema, parsed and then used to load a
 *			fixed CSV and JSON file
 *
 * The records are loaded with record_load into a fresh set of their type;
 * every type gets a set (holding the background records) and record_link
 * checks them all.  tests/fuzz/seeds.sh writes the same first byte.
 */
#include <stdbool.h>

#include "arena.h"
#include "buf.h"
#include "division.h"
#include "fuzz.h"
#include "record.h"
#include "schema.h"
#include "source.h"
#include "value.h"

/* Sorted; seeds.sh numbers them the same way. */
static const char *const types[] = { "action", "campaign", "initiative",
    "news", "report", "service_stats", "station" };
#define NTYPES (sizeof(types) / sizeof(types[0]))

static const char *const owners[] = { NULL, "522702", "990101", "999999" };

static struct arena init_arena;
static struct schema schemas[NTYPES];
static struct divisions divs;
static struct source src;
/* Background records per type, loaded once; never changed afterwards. */
static struct record **background[NTYPES];
static size_t nbackground[NTYPES];

/* Loaded against a schema made from the input. */
static const char fixed_csv[] =
    "id,area,date,stations,coverage,source,name,kind,county,township\n"
    "r-2023,99,2023-05-31,3,0.75,测试日报,东一镇社工站,township,990101,"
    "990101001\n"
    "r-2024,52,2023-13-01,x,1.5,,,county,990102,990101002\n";
static const char fixed_json[] =
    "[{\"id\": \"test-campaign\", \"name\": \"测试行动\", \"province\": "
    "\"99\", \"start\": \"2023-06\", \"end\": \"2023-12\", "
    "\"target_stations\": 4, \"tags\": [\"a\", 1, null], \"ok\": true},\n"
    " {\"id\": \"x\", \"lon\": 106.5, \"lat\": 26.123456789}]\n";

static void
addfile(const char *path, const char *mini, const char *pad)
{
	char ref[128];
	size_t len, mlen;
	char *text, *extra, *data, *line, *next;
	struct buf b;
	struct sfile *f;

	/* hearth's national reference, as the site sees it. */
	snprintf(ref, sizeof(ref), "generator/reference/%s",
	    path + strlen("content/reference/"));
	text = fuzz_slurp(ref, &len);
	/* The mini site's rows, less their header, follow the reference's,
	 * each with pad for the columns the mini site leaves out. */
	extra = fuzz_slurp(mini, &mlen);
	buf_init(&b);
	buf_put(&b, text, len);
	if (len > 0 && text[len - 1] != '\n')
		buf_putc(&b, '\n');
	line = strchr(extra, '\n');
	for (line = line != NULL ? line + 1 : extra + mlen; *line != '\0';
	    line = next) {
		next = strchr(line, '\n');
		next = next != NULL ? next + 1 : line + strlen(line);
		buf_put(&b, line, (size_t)(next - line) -
		    (next > line && next[-1] == '\n'));
		buf_printf(&b, "%s\n", pad);
	}
	data = arena_strndup(&src.arena, b.data, b.len);
	xgrow(&src.files, &src.cap, src.n + 1, sizeof(*src.files));
	f = &src.files[src.n++];
	memset(f, 0, sizeof(*f));
	f->path = arena_strdup(&src.arena, path);
	f->data = data;
	f->len = b.len;
	buf_release(&b);
	free(text);
	free(extra);
}

static void
loadbackground(size_t k, const char *path)
{
	struct recordset set;
	struct sfile f;
	size_t len;
	char *text = fuzz_slurp(path, &len);

	memset(&f, 0, sizeof(f));
	f.path = arena_strdup(&init_arena, path);
	f.data = arena_strndup(&init_arena, text, len);
	f.len = len;
	free(text);
	recordset_init(&set, &schemas[k]);
	if (record_load(&set, &init_arena, &f, NULL) < 0) {
		fprintf(stdout, "fuzz_records: %s does not load\n", path);
		exit(2);
	}
	background[k] = set.v;	/* kept for the program's life */
	nbackground[k] = set.n;
}

static size_t
typeindex(const char *name)
{
	size_t k;

	for (k = 0; k < NTYPES; k++)
		if (strcmp(types[k], name) == 0)
			return k;
	abort();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char path[256], *text;
	size_t k, len;

	arena_init(&init_arena);
	for (k = 0; k < NTYPES; k++) {
		snprintf(path, sizeof(path), "content/schemas/%s.yaml",
		    types[k]);
		text = fuzz_slurp(path, &len);
		if (schema_parse(&schemas[k], &init_arena,
		    arena_strdup(&init_arena, path), types[k], text, len) < 0) {
			fprintf(stdout, "fuzz_records: %s does not parse\n",
			    path);
			exit(2);
		}
		free(text);
	}
	/* Sorted by path, as source_get expects. */
	memset(&src, 0, sizeof(src));
	arena_init(&src.arena);
	addfile("content/reference/divisions/counties.csv",
	    "tests/sites/mini/content/reference/divisions/counties.csv",
	    ",county");
	addfile("content/reference/divisions/prefectures.csv",
	    "tests/sites/mini/content/reference/divisions/prefectures.csv", "");
	addfile("content/reference/divisions/provinces.csv",
	    "tests/sites/mini/content/reference/divisions/provinces.csv", "");
	addfile("content/reference/divisions/townships.csv",
	    "tests/sites/mini/content/reference/divisions/townships.csv", "");
	if (division_load(&divs, &init_arena, &src) < 0) {
		fprintf(stdout, "fuzz_records: the divisions do not load\n");
		exit(2);
	}
	loadbackground(typeindex("campaign"), "content/records/campaign.json");
	loadbackground(typeindex("initiative"),
	    "content/records/initiative.json");
	fuzz_quiet();
	return 0;
}

/* Load f against every set's schema k, then link all the sets. */
static void
check(const struct schema *s, size_t k, struct arena *a,
    const struct sfile *f, const char *owner)
{
	struct recordset sets[NTYPES + 1];
	size_t i, j, n = NTYPES;

	for (i = 0; i < NTYPES; i++) {
		recordset_init(&sets[i], &schemas[i]);
		for (j = 0; j < nbackground[i]; j++) {
			xgrow(&sets[i].v, &sets[i].cap, sets[i].n + 1,
			    sizeof(*sets[i].v));
			sets[i].v[sets[i].n++] = background[i][j];
		}
	}
	if (k == NTYPES) {
		/* A schema of the input's own: one more set. */
		recordset_init(&sets[n++], s);
	}
	record_load(&sets[k], a, f, owner);
	record_link(sets, n, &divs, false, 1);
	for (i = 0; i < n; i++) {
		const struct recordset *set = &sets[i];

		/* What pages and datasets read afterwards. */
		for (j = 0; j < set->n; j++) {
			const struct record *r = set->v[j];

			record_find(set, r->id);
			record_str(r, "name");
			record_int(r, "stations", -1);
			record_is_lower_bound(r, "stations");
		}
		recordset_release(&sets[i]);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	struct schema own;
	struct sfile f;
	const char *owner, *ext;
	char *text;
	size_t k;
	bool json;

	if (size < 1)
		return 0;
	diag_reset();
	json = data[0] & 1;
	owner = owners[(data[0] >> 1) & 3];
	k = (size_t)(data[0] >> 3) % (NTYPES + 1);
	text = fuzz_text(data + 1, size - 1);
	arena_init(&a);
	memset(&f, 0, sizeof(f));
	ext = json ? "json" : "csv";

	if (k < NTYPES) {
		f.path = owner != NULL ?
		    arena_printf(&a, "content/counties/%s/%s.%s", owner,
		    types[k], ext) :
		    arena_printf(&a, "content/records/%s.%s", types[k], ext);
		f.data = text;
		f.len = size - 1;
		check(&schemas[k], k, &a, &f, owner);
	} else if (schema_parse(&own, &a, "content/schemas/fuzz.yaml", "fuzz",
	    text, size - 1) == 0) {
		f.path = json ? "content/records/fuzz.json" :
		    "content/records/fuzz.csv";
		f.data = json ? fixed_json : fixed_csv;
		f.len = json ? sizeof(fixed_json) - 1 : sizeof(fixed_csv) - 1;
		check(&own, k, &a, &f, owner);
	}
	arena_release(&a);
	free(text);
	return 0;
}
