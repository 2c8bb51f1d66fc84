/*
 * fuzz_owners: content/OWNERS.  owners_parse reads the input; when it
 * parses, owners_of and owners_allows are asked about a few fixed paths
 * and emails.  The input is also split in two, at its first NUL byte (or
 * in the middle), into a pattern and a path for owners_match, within the
 * bounds that real patterns and paths keep: owners_parse refuses patterns
 * of more than 256 bytes or 8 '*', and paths are at most PATH_MAX.
 */
#include <limits.h>

#include "fuzz.h"
#include "owners.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = { "content/counties/522702/index.md",
	    "content/counties/522702/", "content/counties/5227021/station.csv",
	    "content/news/2023/henan-qianzhan-launch.md", "hearth.yaml",
	    "themes/default/templates/base.mustache", "content/OWNERS", "",
	    "a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/u/v/w/x/y/z" };
	static const char *const emails[] = { "editors@civil-affairs.example",
	    "OFFICE@FUQUAN-CIVIL-AFFAIRS.EXAMPLE", "nobody@example.org", "" };
	char *text = fuzz_text(data, size);
	const uint8_t *nul = memchr(data, '\0', size);
	size_t half = nul != NULL ? (size_t)(nul - data) : size / 2;
	struct owners *o;
	char *pattern, *path;
	size_t i, j, n, stars = 0;

	diag_reset();
	if (owners_parse(&o, "content/OWNERS", text, size) == 0) {
		for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
			owners_of(o, paths[i], &n);
			for (j = 0; j < sizeof(emails) / sizeof(emails[0]); j++)
				owners_allows(o, paths[i], emails[j]);
		}
		owners_free(o);
	}
	free(text);

	pattern = fuzz_text(data, half);
	path = fuzz_text(data + half + (nul != NULL),
	    size - half - (nul != NULL));
	for (i = 0; pattern[i] != '\0'; i++)
		stars += pattern[i] == '*';
	if (strlen(pattern) <= 256 && stars <= 8 && strlen(path) < PATH_MAX)
		owners_match(pattern, path);
	free(pattern);
	free(path);
	return 0;
}
