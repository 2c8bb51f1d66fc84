/*
 * signers: SSH commit signatures, checked by ssh-keygen (see signers.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diag.h"
#include "repo.h"
#include "signers.h"
#include "util.h"

extern char **environ;

#define ARMOUR	"-----BEGIN SSH SIGNATURE-----"
#define OUT_MAX	(64 * 1024)	/* what ssh-keygen may print */

struct signers {
	char	 dir[4096];
	char	 keys[4200], sig[4200], data[4200];
	char	*who;		/* the last answer */
};

static int
putfile(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ssize_t w = 0;
	size_t off = 0;

	if (fd < 0)
		return -1;
	while (off < len && (w = write(fd, data + off, len - off)) > 0)
		off += (size_t)w;
	if (close(fd) < 0 || off < len)
		return -1;
	return 0;
}

int
signers_open(struct signers **out, const char *text, size_t len)
{
	struct signers *s = xcalloc(1, sizeof(*s));

	*out = NULL;
	snprintf(s->dir, sizeof(s->dir), "%s/hearth-sig.XXXXXX",
	    scratch_dir());
	if (mkdtemp(s->dir) == NULL) {
		diag_error(s->dir, 0, 0, "cannot make a temporary folder: %s",
		    strerror(errno));
		free(s);
		return -1;
	}
	snprintf(s->keys, sizeof(s->keys), "%s/signers", s->dir);
	snprintf(s->sig, sizeof(s->sig), "%s/sig", s->dir);
	snprintf(s->data, sizeof(s->data), "%s/data", s->dir);
	if (putfile(s->keys, text, len) < 0) {
		diag_error(s->keys, 0, 0, "cannot write: %s", strerror(errno));
		signers_free(s);
		return -1;
	}
	*out = s;
	return 0;
}

void
signers_free(struct signers *s)
{
	if (s == NULL)
		return;
	unlink(s->keys);
	unlink(s->sig);
	unlink(s->data);
	rmdir(s->dir);
	free(s->who);
	free(s);
}

/*
 * Run ssh-keygen with argv (no shell), stdin from the file in (or
 * /dev/null), stdout into out (at most OUT_MAX bytes, NUL-terminated) or
 * discarded.  Returns its exit status, or -1 after reporting that it
 * could not run.
 */
static int
keygen(char *const *argv, const char *in, char *out, size_t cap)
{
	posix_spawn_file_actions_t fa;
	int pfd[2] = { -1, -1 }, status = 0, rc;
	size_t len = 0;
	ssize_t n;
	pid_t pid;
	char junk[4096];

	if (pipe2(pfd, O_CLOEXEC) < 0) {
		diag_error("ssh-keygen", 0, 0, "cannot run: %s",
		    strerror(errno));
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, in != NULL ? in : "/dev/null",
	    O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	rc = posix_spawnp(&pid, "ssh-keygen", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	if (rc != 0) {
		close(pfd[0]);
		diag_error("ssh-keygen", 0, 0, "cannot run (OpenSSH's "
		    "ssh-keygen checks commit signatures; install "
		    "openssh-client): %s", strerror(rc));
		return -1;
	}
	/* Read to the end whatever the size, keeping what fits. */
	while ((n = read(pfd[0], out != NULL && len + 1 < cap ? out + len :
	    junk, out != NULL && len + 1 < cap ? cap - 1 - len :
	    sizeof(junk))) > 0 || (n < 0 && errno == EINTR))
		if (n > 0 && out != NULL && len + 1 < cap)
			len += (size_t)n;
	close(pfd[0]);
	if (out != NULL)
		out[len] = '\0';
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 255;
}

/* Who made signature sig of data: as signers_check. */
static int
check(struct signers *s, const char *sig, size_t siglen, const char *data,
    size_t datalen, const char **who, const char **why)
{
	char *out = NULL, *principal, *nl;
	int rc = 0;

	if (siglen < sizeof(ARMOUR) - 1 || strncmp(sig, ARMOUR,
	    sizeof(ARMOUR) - 1) != 0) {
		*why = N_("not signed with an SSH key (an OpenPGP or X.509 "
		    "signature, which hearth does not check)");
		return 0;
	}
	if (putfile(s->sig, sig, siglen) < 0 ||
	    putfile(s->data, data, datalen) < 0) {
		diag_error(s->dir, 0, 0, "cannot write: %s", strerror(errno));
		return -1;
	}
	out = xmalloc(OUT_MAX);
	{
		char *find[] = { "ssh-keygen", "-Y", "find-principals", "-s",
		    s->sig, "-f", s->keys, NULL };

		rc = keygen(find, NULL, out, OUT_MAX);
	}
	if (rc < 0)
		goto out;
	if (rc != 0 || out[0] == '\0') {
		*why = N_("signed with a key content/SIGNERS does not list");
		rc = 0;
		goto out;
	}
	if ((nl = strchr(out, '\n')) != NULL)
		*nl = '\0';
	/* The key's line lists its principals; one proves the signature. */
	principal = xstrndup(out, strcspn(out, ","));
	{
		char *verify[] = { "ssh-keygen", "-Y", "verify", "-f", s->keys,
		    "-I", principal, "-n", "git", "-s", s->sig, NULL };

		rc = keygen(verify, s->data, NULL, 0);
	}
	free(principal);
	if (rc < 0)
		goto out;
	if (rc != 0) {
		*why = N_("a bad signature (changed after it was signed, or the "
		    "key may not sign for git)");
		rc = 0;
		goto out;
	}
	s->who = out;
	out = NULL;
	*who = s->who;
	rc = 1;
out:
	free(out);
	return rc;
}

/* The signature of object id as extract finds it, checked. */
static int
checkobject(struct signers *s, struct repo *r, const char *id,
    int (*extract)(struct repo *, const char *, char **, size_t *, char **,
    size_t *), const char *none, const char **who, const char **why)
{
	char *sig = NULL, *data = NULL;
	size_t siglen, datalen;
	int rc;

	*who = *why = NULL;
	free(s->who);
	s->who = NULL;
	rc = extract(r, id, &sig, &siglen, &data, &datalen);
	if (rc == 0)
		*why = none;
	if (rc > 0)
		rc = check(s, sig, siglen, data, datalen, who, why);
	free(sig);
	free(data);
	return rc;
}

int
signers_check(struct signers *s, struct repo *r, const char *id,
    const char **who, const char **why)
{
	return checkobject(s, r, id, repo_signature, N_("unsigned"), who, why);
}

int
signers_check_tag(struct signers *s, struct repo *r, const char *id,
    const char **who, const char **why)
{
	return checkobject(s, r, id, repo_tag_signature,
	    N_("not a signed annotated tag"), who, why);
}
