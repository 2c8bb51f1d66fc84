/*
 * cmd_hooks: enforce ownership where pushes arrive.  `hearth hooks
 * install REPO` makes the repository's pre-receive hook run `hearth hooks
 * pre-receive`, which verifies every pushed range (verify.h) before git
 * accepts it, and refuses the whole push on any violation.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "cmd.h"
#include "cmdopt.h"
#include "diag.h"
#include "repo.h"
#include "verify.h"

static const char usage[] = N_(
    "usage: hearth hooks install [--force] REPO\n"
    "       hearth hooks pre-receive   (run by git)\n");

#define HOOK_MARK	"# hearth: verify every push"
#define ZERO_ID		"0000000000000000000000000000000000000000"
#define LINES_MAX	1000	/* refs in one push */

/* Write the hook: a shell script that runs this very binary. */
static int
install(const char *dir, bool force)
{
	struct repo *r = NULL;
	char self[PATH_MAX], path[PATH_MAX + 64], *old;
	struct buf b;
	FILE *fp;
	size_t len, i;
	ssize_t n;
	int rc = 1;

	if (repo_open(&r, dir) <= 0) {
		diag_error(dir, 0, 0, "not a git repository");
		return 1;
	}
	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) < 0) {
		diag_error("/proc/self/exe", 0, 0, "cannot find this program: "
		    "%s", strerror(errno));
		goto out;
	}
	self[n] = '\0';
	snprintf(path, sizeof(path), "%shooks", repo_gitdir(r));
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%shooks/pre-receive", repo_gitdir(r));
	if ((old = buf_read_file(path, &len)) != NULL) {
		bool ours = strstr(old, HOOK_MARK) != NULL;

		free(old);
		if (!ours && !force) {
			diag_error(path, 0, 0, "a pre-receive hook is already "
			    "there; run it from your own, or replace it with "
			    "--force");
			goto out;
		}
	}
	buf_init(&b);
	buf_puts(&b, "#!/bin/sh\n" HOOK_MARK " (docs/git.md)\nexec '");
	for (i = 0; self[i] != '\0'; i++)
		buf_puts(&b, self[i] == '\'' ? "'\\''" :
		    (char[2]){ self[i], '\0' });
	buf_puts(&b, "' hooks pre-receive\n");
	if ((fp = fopen(path, "w")) == NULL ||
	    fwrite(b.data, 1, b.len, fp) != b.len || fclose(fp) != 0 ||
	    chmod(path, 0755) < 0)
		diag_error(path, 0, 0, "cannot write: %s", strerror(errno));
	else {
		fprintf(stderr, _("hearth: installed %s\n"), path);
		rc = 0;
	}
	buf_release(&b);
out:
	repo_free(r);
	return rc;
}

/* The authenticated pusher, where the git server names one. */
static const char *
pusher(struct arena *a)
{
	static const char *const vars[] = { "GL_USERNAME",
	    "GITEA_PUSHER_NAME", "REMOTE_USER" };
	size_t i;
	const char *v;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		if ((v = getenv(vars[i])) != NULL && *v != '\0')
			return arena_printf(a, "user:%s", v);
	return NULL;
}

static int
prereceive(void)
{
	struct repo *r = NULL;
	struct arena a;
	char line[512], oldid[41], newid[41], ref[400];
	const char *head = NULL, *who;
	size_t commits, violations, total = 0, nlines = 0;
	int rc = 0;

	if (repo_open_env(&r) < 0)
		return 1;
	arena_init(&a);
	who = pusher(&a);
	repo_head_branch(r, &head, &a);
	while (rc == 0 && fgets(line, sizeof(line), stdin) != NULL) {
		struct verify_range vr;

		if (++nlines > LINES_MAX || sscanf(line, "%40s %40s %399s",
		    oldid, newid, ref) != 3) {
			diag_error("pre-receive", (int)nlines, 1, "expected "
			    "\"<old> <new> <ref>\" from git");
			rc = -1;
			break;
		}
		if (strcmp(newid, ZERO_ID) == 0) {
			if (head != NULL && strcmp(ref, head) == 0) {
				diag_line(stdout, _("%s: the site's main "
				    "branch cannot be deleted"), ref);
				total++;
			} else if (strncmp(ref, "refs/tags/", 10) == 0) {
				diag_line(stdout, _("%s: a tag (a data "
				    "release) is permanent and cannot be "
				    "deleted"), ref);
				total++;
			}
			continue;
		}
		if (strncmp(ref, "refs/tags/", 10) == 0 &&
		    strcmp(oldid, ZERO_ID) != 0) {
			diag_line(stdout, _("%s: a tag (a data release) is "
			    "permanent and cannot be moved"), ref);
			total++;
			continue;
		}
		memset(&vr, 0, sizeof(vr));
		vr.to = newid;
		vr.pusher = who;
		if (strcmp(oldid, ZERO_ID) != 0)
			vr.hide[vr.nhide++] = vr.base = oldid;
		else {
			/* A new ref: what no ref has yet. */
			vr.hide[vr.nhide++] = "refs/heads/*";
			vr.hide[vr.nhide++] = "refs/tags/*";
			vr.base = head;
			if (head != NULL && repo_ref_read(r, head,
			    &(struct commit){ .nparents = 0 }, &a) == 0)
				vr.base = NULL;	/* the first push */
		}
		if (verify_run(r, &vr, &commits, &violations) < 0)
			rc = -1;
		total += violations;
		if (rc == 0 && strncmp(ref, "refs/tags/", 10) == 0) {
			if (vr.base == NULL)
				vr.base = newid;	/* the first push */
			if (verify_tag(r, &vr, ref, newid, &violations) < 0)
				rc = -1;
			total += violations;
		}
	}
	if (rc == 0 && total > 0)
		printf(ngettext("hearth: push refused: %zu change above was not "
		    "made by an owner of the path, signed with their key "
		    "(docs/git.md)\n", "hearth: push refused: %zu changes above "
		    "were not made by an owner of the path, signed with their "
		    "key (docs/git.md)\n", total), total);
	fflush(stdout);
	arena_release(&a);
	repo_free(r);
	return rc < 0 || total > 0 ? 1 : 0;
}

int
cmd_hooks(int argc, char **argv)
{
	bool force = false;
	const struct cmdopt opts[] = {
		{ "force", 'f', OPT_FLAG, &force, 0, 0, NULL },
		{ NULL, 0, 0, NULL, 0, 0, NULL },
	};
	char **args = NULL;
	int rc, n = 0;

	if ((rc = cmdopt_parse(argc, argv, opts, usage, 1, 2, &args,
	    &n)) >= 0)
		return rc;
	if (strcmp(args[0], "install") == 0 && n == 2)
		return install(args[1], force);
	if (strcmp(args[0], "pre-receive") == 0 && n == 1)
		return prereceive();
	fputs(usage, stderr);
	return 2;
}
