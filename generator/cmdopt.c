/*
 * cmdopt: reading a command's arguments (see cmdopt.h).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cmdopt.h"
#include "diag.h"
#include "util.h"

#define MAXOPTS	32

static const struct cmdopt common[] = {
	{ "quiet", 'q', OPT_FLAG, NULL, 0, 0, NULL },
	{ "verbose", 'v', OPT_FLAG, NULL, 0, 0, NULL },
	{ "help", 'h', OPT_FLAG, NULL, 0, 0, NULL },
};

static int
mistake(const char *usage, const char *fmt, const char *a, const char *b)
{
	if (fmt != NULL) {
		fputs("hearth: ", stderr);
		fprintf(stderr, _(fmt), a, b);
		fputc('\n', stderr);
	}
	fputs(_(usage), stderr);
	return 2;
}

int
cmdopt_parse(int argc, char **argv, const struct cmdopt *opts,
    const char *usage, int minargs, int maxargs, char ***args, int *nargs)
{
	struct option lo[MAXOPTS + 4];
	const struct cmdopt *all[MAXOPTS + 4];
	char shorts[2 * MAXOPTS + 8] = "C:";
	const char *dir = NULL;
	size_t n = 0, i, k = strlen(shorts);
	int c, idx, quiet = 0, verbose = 0;

	for (i = 0; opts != NULL && opts[i].name != NULL && n < MAXOPTS; i++)
		all[n++] = &opts[i];
	for (i = 0; i < sizeof(common) / sizeof(common[0]); i++)
		all[n++] = &common[i];
	for (i = 0; i < n; i++) {
		lo[i].name = all[i]->name;
		lo[i].has_arg = all[i]->kind == OPT_FLAG ? no_argument :
		    required_argument;
		lo[i].flag = NULL;
		lo[i].val = 256 + (int)i;
		if (all[i]->letter != 0) {
			shorts[k++] = all[i]->letter;
			if (all[i]->kind != OPT_FLAG)
				shorts[k++] = ':';
		}
	}
	shorts[k] = '\0';
	memset(&lo[n], 0, sizeof(lo[n]));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, lo, &idx)) != -1) {
		const struct cmdopt *o = NULL;
		char *end;
		long v;

		if (c == 'C') {
			dir = optarg;
			continue;
		}
		if (c == '?' || c == ':')
			return mistake(usage, N_("%s: unknown option or missing "
			    "value%s"), argv[optind - 1], "");
		if (c >= 256)
			o = all[c - 256];
		else
			for (i = 0; i < n; i++)
				if (all[i]->letter == c)
					o = all[i];
		if (o == NULL)
			return mistake(usage, NULL, NULL, NULL);
		if (o->to == NULL) {		/* a common option */
			if (strcmp(o->name, "help") == 0) {
				fputs(_(usage), stdout);
				return 0;
			}
			if (strcmp(o->name, "quiet") == 0)
				quiet = 1;
			else
				verbose = 1;
			continue;
		}
		switch (o->kind) {
		case OPT_FLAG:
			*(bool *)o->to = true;
			break;
		case OPT_STR:
			*(const char **)o->to = optarg;
			break;
		case OPT_STRS: {
			struct cmdopt_strs *l = o->to;

			if (l->n == (int)(sizeof(l->v) / sizeof(l->v[0]))) {
				fprintf(stderr, _("hearth: --%s: at most %d "
				    "values\n"), o->name, l->n);
				return 2;
			}
			l->v[l->n++] = optarg;
			break;
		}
		case OPT_INT:
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    v < o->min || v > o->max) {
				char range[64];

				snprintf(range, sizeof(range), "%d..%d%s%s",
				    o->min, o->max, o->unit ? " " : "",
				    o->unit ? o->unit : "");
				fprintf(stderr, _("hearth: --%s must be %s\n"),
				    o->name, range);
				return 2;
			}
			*(int *)o->to = (int)v;
			break;
		}
	}
	if (quiet && verbose)
		return mistake(usage, N_("--quiet and --verbose: choose one%s%s"),
		    "", "");
	if (quiet)
		diag_set_verbosity(0);
	if (verbose)
		diag_set_verbosity(2);
	if (argc - optind < minargs || argc - optind > maxargs)
		return mistake(usage, NULL, NULL, NULL);
	if (args != NULL)
		*args = argv + optind;
	if (nargs != NULL)
		*nargs = argc - optind;
	if (dir != NULL && chdir(dir) < 0) {
		diag_error(dir, 0, 0, "cannot enter: %s", strerror(errno));
		return 1;
	}
	return -1;
}
