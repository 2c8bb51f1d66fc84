/* Unit tests of the owners file: patterns, groups, the last rule winning,
 * and syntax errors with their positions. */
#include <string.h>

#include "diag.h"
#include "harness.h"
#include "owners.h"

static struct owners *
parse(const char *text)
{
	struct owners *o = NULL;

	owners_parse(&o, "OWNERS", text, strlen(text));
	return o;
}

int
main(void)
{
	struct owners *o;
	size_t n;
	int before;

	OK(owners_match("**", "content/news/a.md"));
	OK(owners_match("*", "hearth.yaml"));
	OK(!owners_match("*", "content/news/a.md"));
	OK(owners_match("content/counties/522702/", "content/counties/522702/index.md"));
	OK(!owners_match("content/counties/522702/", "content/counties/5227021/x"));
	OK(owners_match("content/**/*.csv", "content/counties/522702/station.csv"));
	OK(!owners_match("content/*/*.csv", "content/counties/522702/station.csv"));
	OK(owners_match("content/news/202?/*.md", "content/news/2023/a.md"));
	OK(!owners_match("content/news/?", "content/news/ab"));

	o = parse("# c\n@p = a@x.example B@x.example\n**  @p\n"
	    "content/counties/522702/  f@y.example  # the county\n");
	OK(o != NULL);
	OK(owners_allows(o, "content/news/a.md", "a@x.example"));
	OK(owners_allows(o, "content/news/a.md", "b@X.EXAMPLE"));
	OK(!owners_allows(o, "content/news/a.md", "f@y.example"));
	OK(owners_allows(o, "content/counties/522702/x.csv", "f@y.example"));
	OK(!owners_allows(o, "content/counties/522702/x.csv", "a@x.example"));
	OK(owners_of(o, "content/counties/522702/x", &n) != NULL && n == 1);
	owners_free(o);

	/* No rule for a path: nobody owns it. */
	o = parse("content/news/ a@x.example\n");
	OK(owners_allows(o, "themes/default/x", "anyone@z.example"));
	owners_free(o);

	/* Server accounts and the trust base. */
	o = parse("trust: 0123456789abcdef0123456789abcdef01234567\n"
	    "@p = a@x.example user:desk\n**  @p\n");
	OK(o != NULL);
	STR_EQ(owners_trust(o), "0123456789abcdef0123456789abcdef01234567");
	OK(owners_has_users(o));
	OK(owners_allows(o, "hearth.yaml", "user:desk"));
	OK(!owners_allows(o, "hearth.yaml", "desk"));
	owners_free(o);
	o = parse("** a@x.example\n");
	OK(owners_trust(o) == NULL && !owners_has_users(o));
	owners_free(o);

	diag_set_verbosity(0);
	before = diag_errors();
	OK(parse("content/ \n") == NULL);			/* no owners */
	OK(parse("content/ @nobody\n") == NULL);		/* unknown group */
	OK(parse("content/ not-an-email\n") == NULL);
	OK(parse("/abs a@x.example\n") == NULL);
	OK(parse("../up a@x.example\n") == NULL);
	OK(parse("@g = a@x.example\n@g = b@x.example\n") == NULL);
	OK(parse("*a*b*c*d*e*f*g*h*i a@x.example\n") == NULL);
	OK(parse("a\xff b@x.example\n") == NULL);
	OK(parse("trust: 0123abc\n") == NULL);		/* not a full id */
	OK(parse("trust: 0123456789ABCDEF0123456789ABCDEF01234567\n") == NULL);
	OK(parse("trust: 0123456789abcdef0123456789abcdef01234567\n"
	    "trust: 0123456789abcdef0123456789abcdef01234567\n") == NULL);
	OK(parse("** user:\n") == NULL);			/* no name */
	OK(parse("** user:a/b\n") == NULL);
	INT_EQ(diag_errors() - before, 13);
	return harness_done("owners");
}
