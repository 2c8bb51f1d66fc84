/*
 * cmdopt: the one way the commands read their arguments.  Each command
 * lists its options in a table; the common ones (-C DIR, -q/--quiet,
 * -v/--verbose, -h/--help) are added here, so every command spells and
 * checks them the same way.
 */
#ifndef HEARTH_CMDOPT_H
#define HEARTH_CMDOPT_H

#include <stdbool.h>

enum cmdopt_kind {
	OPT_FLAG,		/* sets a bool */
	OPT_STR,		/* sets a const char * */
	OPT_INT,		/* sets an int, within min..max */
	OPT_STRS		/* appends to a struct cmdopt_strs */
};

/* The values of an option that may be given more than once. */
struct cmdopt_strs {
	const char	*v[64];
	int		 n;
};

struct cmdopt {
	const char	*name;		/* long name without "--"; NULL ends */
	char		 letter;	/* short name, 0 for none */
	enum cmdopt_kind kind;
	void		*to;
	int		 min, max;	/* OPT_INT */
	const char	*unit;		/* OPT_INT, for the message, or NULL */
};

/*
 * Read argv (argv[0] is the command) by opts and the common options, enter
 * -C's folder, and hand back the operands (pointers into argv): there must
 * be from minargs to maxargs of them.  Returns -1 when the command should
 * go on, or its exit status: 0 after --help (usage on stdout), 2 after a
 * mistake (the reason and usage on stderr), 1 when -C's folder cannot be
 * entered.
 */
int	cmdopt_parse(int argc, char **argv, const struct cmdopt *opts,
	    const char *usage, int minargs, int maxargs, char ***args,
	    int *nargs);

#endif
