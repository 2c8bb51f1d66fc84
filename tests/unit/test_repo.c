/* Unit tests of what a build asks of a repository beside the site's
 * files: whether the working tree holds HEAD's files under the site's
 * folders, and which site paths each commit changed.  A repository may
 * hold far more than the site (its built output, say): neither answer
 * depends on it; nor does the stamp of what names its commits, which a
 * no-op build takes instead of starting libgit2.  Real repositories,
 * made with the git command. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "diag.h"
#include "harness.h"
#include "repo.h"
#include "source.h"

static char dir[64];

/* Run a shell command in the repository's folder. */
static void
sh(const char *what)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "cd '%s' && %s", dir, what);
	if (system(cmd) != 0) {
		fprintf(stderr, "test_repo: failed: %s\n", cmd);
		exit(1);
	}
}

static bool
clean(const char *site)
{
	char path[256];
	struct repo *r = NULL;
	bool c;

	snprintf(path, sizeof(path), "%s/%s", dir, site);
	if (repo_open(&r, path) != 1)
		return false;
	c = repo_worktree_clean(r, source_roots, SOURCE_NROOTS);
	repo_free(r);
	return c;
}

/* The paths of every commit, newest first, one line each. */
static int
collect(const struct commit *c, const char *const *paths, size_t n, void *ud)
{
	size_t i;

	(void)c;
	for (i = 0; i < n; i++) {
		strcat(ud, paths[i]);
		strcat(ud, i + 1 < n ? " " : "");
	}
	strcat(ud, "\n");
	return 0;
}

static void
walk(const char *site, bool scoped, char *out)
{
	char path[256];
	struct repo *r = NULL;
	struct commit head;
	struct arena a;

	out[0] = '\0';
	snprintf(path, sizeof(path), "%s/%s", dir, site);
	arena_init(&a);
	if (repo_open(&r, path) == 1 && repo_head(r, &head, &a) == 0)
		OK(repo_walk(r, NULL, 0, scoped ? source_roots : NULL,
		    scoped ? SOURCE_NROOTS : 0, head.id, collect, out,
		    &a) == 0);
	else
		OK(!"the repository opens");
	repo_free(r);
	arena_release(&a);
}

static bool
refstamp(const char *site, uint64_t *stamp)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, site);
	return repo_refstamp(path, stamp);
}

int
main(void)
{
	static char got[4096];

	snprintf(dir, sizeof(dir), "/tmp/hearth-test-repo-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	sh("git init -q -b main . && git config user.name t && "
	    "git config user.email t@example.org && "
	    "mkdir -p site/content/news site/public out && "
	    "printf 'title: t\\n' > site/hearth.yaml && "
	    "echo a > site/content/news/a.md && "
	    "echo '*.tmp' > .gitignore && "
	    "echo p > site/public/index.html && echo o > out/x && "
	    "git add -A && git commit -q -m one");

	/* Files outside the site's folders, changed, added or ignored, leave
	 * it clean; inside them each of those does not. */
	OK(clean("site"));
	sh("echo q >> site/public/index.html && echo n > site/public/new.html "
	    "&& echo t > site/public/x.tmp && echo o >> out/x");
	OK(clean("site"));
	sh("echo b >> site/content/news/a.md");
	OK(!clean("site"));
	sh("git checkout -q site/content/news/a.md");
	OK(clean("site"));
	sh("echo b > site/content/news/b.md");
	OK(!clean("site"));
	sh("rm site/content/news/b.md && mkdir -p site/content/new && "
	    "echo c > site/content/new/c.md");
	OK(!clean("site"));
	sh("rm -r site/content/new && echo i > site/content/news/i.tmp");
	OK(!clean("site"));
	sh("rm site/content/news/i.tmp && rm site/hearth.yaml");
	OK(!clean("site"));
	sh("git checkout -q site/hearth.yaml");
	OK(clean("site"));
	/* A folder whose name begins as a site folder's is not one. */
	sh("mkdir site/contents && echo x > site/contents/x");
	OK(clean("site"));

	/* The walk: scoped, the paths below the site's folders alone. */
	sh("git add -A && git commit -q -m two && "
	    "echo c >> site/content/news/a.md && echo r >> site/public/index.html "
	    "&& git commit -q -am three");
	walk("site", true, got);
	STR_EQ(got, "content/news/a.md\n\ncontent/news/a.md hearth.yaml\n");
	walk("site", false, got);
	STR_EQ(got, "content/news/a.md public/index.html\n"
	    "contents/x public/index.html public/new.html\n"
	    "content/news/a.md hearth.yaml public/index.html\n");

	/* A site at the top of its repository: the names alone, unprefixed. */
	sh("mkdir top && cd top && git init -q -b main . && "
	    "git config user.name t && git config user.email t@example.org && "
	    "mkdir -p content public && printf 'title: t\\n' > hearth.yaml && "
	    "echo a > content/a.md && echo p > public/index.html && "
	    "git add -A && git commit -q -m one && "
	    "echo q >> public/index.html && echo n > untracked.txt");
	OK(clean("top"));
	sh("echo b >> top/content/a.md");
	OK(!clean("top"));
	walk("top", true, got);
	STR_EQ(got, "content/a.md hearth.yaml\n");

	/* What names the commits, stamped without libgit2: the same while
	 * HEAD, the branches and the tags are, whatever the worktree and
	 * the index; changed by each of the rest. */
	{
		static const struct {
			const char	*cmd;
			bool		 moves;
		} steps[] = {
			{ "echo z >> site/content/news/a.md && "
			    "echo y > site/new.md", false },
			{ "git add site/new.md && git status -s >/dev/null",
			    false },
			{ "git commit -q --allow-empty -m four", true },
			{ "git tag v1", true },
			{ "git pack-refs --all", true },
			{ "git commit -q --allow-empty -m five", true },
			{ "git checkout -q --detach", true },
			{ "git checkout -q main", true },
			/* A ref written over in place: the same inode and
			 * size (as when a freed inode is taken again). */
			{ "id=$(git rev-parse HEAD~1) && sleep 0.01 && "
			    "echo $id > .git/refs/heads/main", true },
		};
		char said[256], want[256];
		uint64_t s0, s1;
		size_t i;

		OK(refstamp("site", &s0) && s0 != 0);
		for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
			sh(steps[i].cmd);
			snprintf(said, sizeof(said), "%s: %s", steps[i].cmd,
			    !refstamp("site", &s1) ? "cannot tell" :
			    s1 != s0 ? "moves" : "stays");
			snprintf(want, sizeof(want), "%s: %s", steps[i].cmd,
			    steps[i].moves ? "moves" : "stays");
			STR_EQ(said, want);
			s0 = s1;
		}
		OK(refstamp("top", &s1) && s1 != s0);
		/* A linked worktree's .git is a file: left to libgit2. */
		sh("git worktree add -q wt 2>/dev/null");
		OK(!refstamp("wt", &s1));
	}

	sh("rm -rf \"$PWD\"");
	repo_shutdown();
	return harness_done("test_repo");
}
