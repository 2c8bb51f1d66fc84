/*
 * signers: who signed a commit.
 *
 * Ownership is proven by SSH signatures (git's gpg.format=ssh), not by the
 * e-mail fields anyone can type.  The site's content/SIGNERS is an OpenSSH
 * allowed_signers file (ssh-keygen(1), "ALLOWED SIGNERS"), one key per
 * line after the principals it stands for:
 *
 *     office@fuquan.example ssh-ed25519 AAAAC3Nza...
 *
 * The principals are the e-mails content/OWNERS names.  Signatures are
 * checked by OpenSSH's own ssh-keygen -Y (namespace "git", as git signs),
 * run without a shell on files in a private temporary folder.
 */
#ifndef HEARTH_SIGNERS_H
#define HEARTH_SIGNERS_H

#include <stddef.h>

struct repo;
struct signers;

#define SIGNERS_PATH	"content/SIGNERS"
#define SIGNERS_MAX	(1024 * 1024)	/* bytes of a SIGNERS file */

/* Take a SIGNERS text.  Returns 0, or -1 after reporting. */
int	signers_open(struct signers **out, const char *text, size_t len);
void	signers_free(struct signers *s);

/*
 * Who signed commit id.  Returns 1 and sets *who to the principals of the
 * key whose good signature it carries (comma-separated, valid until the
 * next call); 0 when that is not proven, with the reason in *why
 * ("unsigned", "signed with a key SIGNERS does not list", ...); -1 after
 * reporting a failure to check (ssh-keygen missing).
 */
int	signers_check(struct signers *s, struct repo *r, const char *id,
	    const char **who, const char **why);

/* Likewise for an annotated tag object id (git tag -s). */
int	signers_check_tag(struct signers *s, struct repo *r, const char *id,
	    const char **who, const char **why);

#endif
